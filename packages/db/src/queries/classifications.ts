import { CLASSIFICATIONS, type ClassificationKind, type CodeRow } from '../schema.ts'
import type { Executor } from './executor.ts'

/** The codes of one classification (business relations, industry groups, ...). */
export async function listCodes(db: Executor, kind: ClassificationKind): Promise<CodeRow[]> {
  return db.selectFrom(CLASSIFICATIONS[kind].table).selectAll().orderBy('code').execute()
}

/** One code of a classification, or undefined. */
export async function findCode(db: Executor, kind: ClassificationKind, code: string): Promise<CodeRow | undefined> {
  return db.selectFrom(CLASSIFICATIONS[kind].table).selectAll().where('code', '=', code).executeTakeFirst()
}

/** Adds a code or changes its description. */
export async function upsertCode(db: Executor, kind: ClassificationKind, code: string, description: string): Promise<void> {
  await db
    .insertInto(CLASSIFICATIONS[kind].table)
    .values({ code, description })
    .onConflict((oc) => oc.column('code').doUpdateSet({ description }))
    .execute()
}

/** Counts the contacts linked to a code. */
export async function countLinks(db: Executor, kind: ClassificationKind, code: string): Promise<number> {
  const row = await db
    .selectFrom(CLASSIFICATIONS[kind].link)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('code', '=', code)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Removes a code (the caller checks it is unused). */
export async function deleteCode(db: Executor, kind: ClassificationKind, code: string): Promise<void> {
  await db.deleteFrom(CLASSIFICATIONS[kind].table).where('code', '=', code).execute()
}

/** Codes linked to a contact, per classification. */
export async function listForContact(db: Executor, contactNo: string): Promise<Record<ClassificationKind, string[]>> {
  const out = {} as Record<ClassificationKind, string[]>
  for (const kind of Object.keys(CLASSIFICATIONS) as ClassificationKind[]) {
    const rows = await db
      .selectFrom(CLASSIFICATIONS[kind].link)
      .select('code')
      .where('contact_no', '=', contactNo)
      .orderBy('code')
      .execute()
    out[kind] = rows.map((r) => r.code)
  }
  return out
}

/** Links codes to a contact; codes already linked are left alone. */
export async function link(db: Executor, kind: ClassificationKind, contactNo: string, codes: string[]): Promise<void> {
  if (codes.length === 0) return
  await db
    .insertInto(CLASSIFICATIONS[kind].link)
    .values(codes.map((code) => ({ contact_no: contactNo, code })))
    .onConflict((oc) => oc.columns(['contact_no', 'code']).doNothing())
    .execute()
}

/** Removes links between a contact and codes. */
export async function unlink(db: Executor, kind: ClassificationKind, contactNo: string, codes: string[]): Promise<void> {
  if (codes.length === 0) return
  await db.deleteFrom(CLASSIFICATIONS[kind].link).where('contact_no', '=', contactNo).where('code', 'in', codes).execute()
}
