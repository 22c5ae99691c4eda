import type { Insertable } from 'kysely'
import type { MailReviewItemRow, MailReviewItemTable } from '../schema.ts'
import type { Executor } from './executor.ts'

/** Adds waiting items; an item already known for the same message and address (any status) is kept as it is. */
export async function insertMissing(db: Executor, rows: Array<Insertable<MailReviewItemTable>>): Promise<void> {
  // In chunks: a message to thousands of strangers must stay under SQLite's limit of bound variables.
  for (let i = 0; i < rows.length; i += 200) {
    await db.insertInto('mail_review_items').values(rows.slice(i, i + 200)).onConflict((oc) => oc.columns(['external_ref', 'address']).doNothing()).execute()
  }
}

/** One item by id or undefined. */
export async function find(db: Executor, id: number): Promise<MailReviewItemRow | undefined> {
  return db.selectFrom('mail_review_items').selectAll().where('id', '=', id).executeTakeFirst()
}

/** Items in id order, waiting ones only unless `all`. */
export async function list(db: Executor, filter: { all?: boolean; limit?: number } = {}): Promise<MailReviewItemRow[]> {
  return db
    .selectFrom('mail_review_items')
    .selectAll()
    .$if(!filter.all, (q) => q.where('status', '=', 'waiting'))
    .orderBy('id')
    .limit(filter.limit ?? 1000)
    .execute()
}

/** Number of waiting items. */
export async function countWaiting(db: Executor): Promise<number> {
  const row = await db.selectFrom('mail_review_items').select((eb) => eb.fn.countAll<number | string>().as('n')).where('status', '=', 'waiting').executeTakeFirst()
  return Number(row?.n ?? 0)
}

/**
 * Marks a waiting item handled; returns false when it was no longer waiting. Run first in the transaction that
 * logs the entry: the row lock makes a concurrent second decision wait and then find it handled.
 */
export async function claim(db: Executor, id: number, patch: { status: 'assigned' | 'created' | 'dismissed'; resolved_at: string; resolved_by: string }): Promise<boolean> {
  const result = await db.updateTable('mail_review_items').set(patch).where('id', '=', id).where('status', '=', 'waiting').executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Records which contact and entry an item was logged on. */
export async function setLogged(db: Executor, id: number, contactNo: string, interactionNo: string): Promise<void> {
  await db.updateTable('mail_review_items').set({ contact_no: contactNo, interaction_no: interactionNo }).where('id', '=', id).execute()
}

/** Items about a contact: logged on it, or at one of its addresses (for a data-subject access request). */
export async function listAbout(db: Executor, contactNo: string, addresses: string[]): Promise<MailReviewItemRow[]> {
  return db
    .selectFrom('mail_review_items')
    .selectAll()
    .where((eb) => (addresses.length ? eb.or([eb('contact_no', '=', contactNo), eb('address', 'in', addresses)]) : eb('contact_no', '=', contactNo)))
    .orderBy('id')
    .execute()
}

/**
 * Erases what items hold about a contact (address, name, subject, note); a waiting one is closed. Each address
 * becomes "(erased #id)" so the unique (message, address) pairs stay distinct.
 */
export async function redactAbout(db: Executor, contactNo: string, addresses: string[], now: string): Promise<void> {
  for (const row of await listAbout(db, contactNo, addresses)) {
    await db
      .updateTable('mail_review_items')
      .set({
        address: `(erased #${row.id})`, name: null, subject: '(erased)', note: null, attachments: null,
        ...(row.status === 'waiting' ? { status: 'dismissed' as const, resolved_at: now, resolved_by: 'erasure' } : {}),
      })
      .where('id', '=', row.id)
      .execute()
  }
}
