import type { Executor } from './executor.ts'

/**
 * Every row about one contact outside the contact table, for a data-subject access request: its interaction
 * entries (canceled ones too), its opportunities with their entries, the segments it is a line of, and the emails
 * queued or sent to it. One query per table; all but the outbox's go through an index on the contact (a request
 * like this is rare, so the outbox is read whole).
 */
export async function listHeldAbout(db: Executor, contactNo: string) {
  const interactions = await db.selectFrom('interaction_log_entries').selectAll().where('contact_no', '=', contactNo).orderBy('occurred_at').orderBy('no').execute()
  const opportunities = await db.selectFrom('opportunities').selectAll().where('contact_no', '=', contactNo).orderBy('no').execute()
  const entries = opportunities.length
    ? await db.selectFrom('opportunity_entries').selectAll().where('opportunity_no', 'in', opportunities.map((o) => o.no)).orderBy('opportunity_no').orderBy('id').execute()
    : []
  const segmentLines = await db
    .selectFrom('segment_lines as l')
    .innerJoin('segments as s', 's.no', 'l.segment_no')
    .select(['l.segment_no', 's.description', 's.campaign_no', 'l.added_at'])
    .where('l.contact_no', '=', contactNo)
    .orderBy('l.segment_no')
    .execute()
  const emails = await db
    .selectFrom('email_outbox')
    .select(['id', 'kind', 'interaction_no', 'to_address', 'subject', 'segment_no', 'campaign_no', 'status', 'created_at', 'sent_at'])
    .where('contact_no', '=', contactNo)
    .orderBy('id')
    .execute()
  return { interactions, opportunities, opportunityEntries: entries, segmentLines, emails }
}

/** Removes a contact's address and subjects from its emails; those not sent yet will never be. */
export async function redactEmails(db: Executor, contactNo: string): Promise<void> {
  await db.updateTable('email_outbox').set({ status: 'failed', error: 'the contact was erased', lease_until: null, claimed_by: null }).where('contact_no', '=', contactNo).where('status', 'in', ['queued', 'sending']).execute()
  await db.updateTable('email_outbox').set({ to_address: '(erased)', subject: '(erased)', body: null }).where('contact_no', '=', contactNo).execute()
}

/** Removes the free text of a contact's opportunities (description, entry notes); values and stages stay for statistics. */
export async function redactOpportunities(db: Executor, contactNo: string): Promise<void> {
  const mine = db.selectFrom('opportunities').select('no').where('contact_no', '=', contactNo)
  await db.updateTable('opportunity_entries').set({ note: null }).where('opportunity_no', 'in', mine).execute()
  await db.updateTable('opportunities').set({ description: '(erased)' }).where('contact_no', '=', contactNo).execute()
}
