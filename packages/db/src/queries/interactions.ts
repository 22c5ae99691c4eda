import type { Insertable } from 'kysely'
import type { InteractionLogEntryRow, InteractionLogEntryTable, InteractionTemplateRow, InteractionTemplateTable, CodeRow } from '../schema.ts'
import type { Executor } from './executor.ts'

/** All interaction templates by code. */
export async function listTemplates(db: Executor): Promise<InteractionTemplateRow[]> {
  return db.selectFrom('interaction_templates').selectAll().orderBy('code').execute()
}

/** One template or undefined. */
export async function findTemplate(db: Executor, code: string): Promise<InteractionTemplateRow | undefined> {
  return db.selectFrom('interaction_templates').selectAll().where('code', '=', code).executeTakeFirst()
}

/** Adds a template or replaces its settings. */
export async function upsertTemplate(db: Executor, row: Insertable<InteractionTemplateTable>): Promise<void> {
  const { code, created_at, ...rest } = row
  await db.insertInto('interaction_templates').values(row).onConflict((oc) => oc.column('code').doUpdateSet(rest)).execute()
  void code
  void created_at
}

/** All interaction groups. */
export async function listGroups(db: Executor): Promise<CodeRow[]> {
  return db.selectFrom('interaction_groups').selectAll().orderBy('code').execute()
}

/** One group or undefined. */
export async function findGroup(db: Executor, code: string): Promise<CodeRow | undefined> {
  return db.selectFrom('interaction_groups').selectAll().where('code', '=', code).executeTakeFirst()
}

/** Adds a group or renames it. */
export async function upsertGroup(db: Executor, code: string, description: string): Promise<void> {
  await db.insertInto('interaction_groups').values({ code, description }).onConflict((oc) => oc.column('code').doUpdateSet({ description })).execute()
}

/** Inserts one interaction log entry. */
export async function insert(db: Executor, row: Insertable<InteractionLogEntryTable>): Promise<void> {
  await db.insertInto('interaction_log_entries').values(row).execute()
}

/** Inserts many entries in chunks (segment logging, data generator). */
export async function insertMany(db: Executor, rows: Array<Insertable<InteractionLogEntryTable>>, chunkSize = 200): Promise<void> {
  for (let i = 0; i < rows.length; i += chunkSize) await db.insertInto('interaction_log_entries').values(rows.slice(i, i + chunkSize)).execute()
}

/** One entry by number or undefined. */
export async function find(db: Executor, no: string): Promise<InteractionLogEntryRow | undefined> {
  return db.selectFrom('interaction_log_entries').selectAll().where('no', '=', no).executeTakeFirst()
}

/** The entry already logged for a contact with this external reference (e.g. an email Message-ID). */
export async function findByExternalRef(db: Executor, contactNo: string, externalRef: string): Promise<InteractionLogEntryRow | undefined> {
  return db
    .selectFrom('interaction_log_entries')
    .selectAll()
    .where('contact_no', '=', contactNo)
    .where('external_ref', '=', externalRef)
    .executeTakeFirst()
}

export interface HistoryFilter {
  /** A company's history includes its persons' entries. */
  includeCompanyPersons: boolean
  includeCanceled?: boolean
}

/** A contact's (or company's, rolled up) interaction history, newest first, one page. */
export async function listForContact(db: Executor, contactNo: string, filter: HistoryFilter, limit: number, offset = 0): Promise<InteractionLogEntryRow[]> {
  let q = db.selectFrom('interaction_log_entries').selectAll()
  q = filter.includeCompanyPersons
    ? q.where((eb) => eb.or([eb('contact_no', '=', contactNo), eb('contact_company_no', '=', contactNo)]))
    : q.where('contact_no', '=', contactNo)
  if (!filter.includeCanceled) q = q.where('canceled', '=', 0)
  return q.orderBy('occurred_at', 'desc').orderBy('no', 'desc').limit(limit).offset(offset).execute()
}

/** A salesperson's latest live entries across all contacts, newest first. */
export async function listRecentForSalesperson(db: Executor, salespersonCode: string, limit: number): Promise<InteractionLogEntryRow[]> {
  return db
    .selectFrom('interaction_log_entries')
    .selectAll()
    .where('salesperson_code', '=', salespersonCode)
    .where('canceled', '=', 0)
    .orderBy('occurred_at', 'desc')
    .orderBy('no', 'desc')
    .limit(limit)
    .execute()
}

export interface InteractionTotals {
  count: number
  cost_minor: number
  duration_min: number
  last_at: string | null
}

/** Totals of a contact's (or company's) live entries, computed in SQL; also per template. */
export async function statsForContact(
  db: Executor,
  contactNo: string,
  includeCompanyPersons: boolean,
): Promise<{ totals: InteractionTotals; byTemplate: Array<InteractionTotals & { template_code: string }> }> {
  const base = () => {
    let q = db.selectFrom('interaction_log_entries').where('canceled', '=', 0)
    q = includeCompanyPersons
      ? q.where((eb) => eb.or([eb('contact_no', '=', contactNo), eb('contact_company_no', '=', contactNo)]))
      : q.where('contact_no', '=', contactNo)
    return q
  }
  const totals = await base()
    .select((eb) => [
      eb.fn.countAll<number>().as('count'),
      eb.fn.coalesce(eb.fn.sum<number>('cost_minor'), eb.lit(0)).as('cost_minor'),
      eb.fn.coalesce(eb.fn.sum<number>('duration_min'), eb.lit(0)).as('duration_min'),
      eb.fn.max('occurred_at').as('last_at'),
    ])
    .executeTakeFirstOrThrow()
  const byTemplate = await base()
    .select((eb) => [
      'template_code',
      eb.fn.countAll<number>().as('count'),
      eb.fn.coalesce(eb.fn.sum<number>('cost_minor'), eb.lit(0)).as('cost_minor'),
      eb.fn.coalesce(eb.fn.sum<number>('duration_min'), eb.lit(0)).as('duration_min'),
      eb.fn.max('occurred_at').as('last_at'),
    ])
    .groupBy('template_code')
    .orderBy('template_code')
    .execute()
  const num = (r: { count: unknown; cost_minor: unknown; duration_min: unknown; last_at: unknown }) => ({
    count: Number(r.count),
    cost_minor: Number(r.cost_minor),
    duration_min: Number(r.duration_min),
    last_at: (r.last_at as string | null) ?? null,
  })
  return { totals: num(totals), byTemplate: byTemplate.map((r) => ({ template_code: r.template_code, ...num(r) })) }
}

/** Cancels or restores an entry. */
export async function setCanceled(db: Executor, no: string, canceled: boolean, at: string): Promise<void> {
  await db
    .updateTable('interaction_log_entries')
    .set({ canceled: canceled ? 1 : 0, canceled_at: canceled ? at : null })
    .where('no', '=', no)
    .execute()
}

/**
 * Moves a contact's entries to another contact (merge). An entry whose external reference the survivor already
 * has keeps a suffixed reference, so the unique (contact, reference) rule holds and nothing is lost.
 */
export async function reassignContact(db: Executor, fromNo: string, toNo: string, toCompanyNo: string | null): Promise<void> {
  await db
    .updateTable('interaction_log_entries')
    // The literal is cast: PostgreSQL cannot infer the type of a bare parameter passed to concat().
    .set((eb) => ({ external_ref: eb.fn('concat', ['external_ref', eb.cast(eb.val('#merged-'), 'text'), 'no']) }))
    .where('contact_no', '=', fromNo)
    .where('external_ref', 'in', (eb) => eb.selectFrom('interaction_log_entries as s').select('s.external_ref').where('s.contact_no', '=', toNo).where('s.external_ref', 'is not', null))
    .execute()
  await db.updateTable('interaction_log_entries').set({ contact_no: toNo, contact_company_no: toCompanyNo }).where('contact_no', '=', fromNo).execute()
  // Entries of persons rolled up under the merged company now roll up under the survivor.
  await db.updateTable('interaction_log_entries').set({ contact_company_no: toNo }).where('contact_company_no', '=', fromNo).execute()
}

/** Clears the free text of a contact's entries (erasure keeps the anonymous facts: template, date, cost, duration). */
export async function redactForContact(db: Executor, contactNo: string): Promise<void> {
  await db
    .updateTable('interaction_log_entries')
    .set({ subject: '(erased)', description: null, attachments: null, external_ref: null })
    .where('contact_no', '=', contactNo)
    .execute()
}
