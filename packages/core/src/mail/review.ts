import { interactions, mailReview, type Executor, type MailReviewItemRow } from '@crm/db'
import type { Actor, CoreDeps } from '../deps.ts'
import { DomainError, invalidField } from '../errors.ts'
import { insertContact, type CreateContactInput } from '../contacts/write.ts'
import { insertInteraction, toInteraction, type Interaction } from '../interactions/interactions.ts'

/** An outside participant of a logged-for email that matched no contact, as the review list shows it. */
export interface MailReviewItem {
  id: number
  address: string
  name: string | null
  direction: 'inbound' | 'outbound'
  templateCode: string
  subject: string
  occurredAt: string
  salespersonCode: string | null
  loggedBy: string | null
  externalRef: string
  status: MailReviewItemRow['status']
  contactNo: string | null
  interactionNo: string | null
  createdAt: string
  resolvedAt: string | null
  resolvedBy: string | null
}

/** A review item as the JSON output shows it. */
export function toMailReviewItem(row: MailReviewItemRow): MailReviewItem {
  return {
    id: Number(row.id),
    address: row.address,
    name: row.name,
    direction: row.direction,
    templateCode: row.template_code,
    subject: row.subject,
    occurredAt: row.occurred_at,
    salespersonCode: row.salesperson_code,
    loggedBy: row.logged_by,
    externalRef: row.external_ref,
    status: row.status,
    contactNo: row.contact_no,
    interactionNo: row.interaction_no,
    createdAt: row.created_at,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
  }
}

/** What a review decision did: the item as it is now and the entry logged (or found already logged). */
export interface MailReviewResult {
  item: MailReviewItem
  interaction: Interaction | null
  /** True when the contact already had this message logged (nothing new was stored). */
  alreadyLogged: boolean
  /** The contact created by createContactFromMailReview. */
  createdContactNo?: string
}

/** The items waiting for a decision (or every item with `all`), oldest first. */
export async function listMailReview(deps: CoreDeps, options: { all?: boolean; limit?: number } = {}): Promise<MailReviewItem[]> {
  return (await mailReview.list(deps.database.db, options)).map(toMailReviewItem)
}

/** How many participants wait for a decision (counted in the database, for a badge such as App Home's). */
export async function countMailReview(deps: CoreDeps): Promise<number> {
  return mailReview.countWaiting(deps.database.db)
}

function parseId(id: string | number): number {
  const n = typeof id === 'number' ? id : Number(String(id).trim().replace(/^#/, ''))
  if (!Number.isInteger(n) || n < 1) throw invalidField('id', `The review item id is a whole number from the list, not "${id}".`, 'mail assign 12 CT000002')
  return n
}

/** Claims a waiting item inside the transaction, or says why it cannot be decided (unknown, already handled). */
async function claimItem(trx: Executor, id: number, status: 'assigned' | 'created' | 'dismissed', actor: Actor, now: string): Promise<MailReviewItemRow> {
  if (!(await mailReview.claim(trx, id, { status, resolved_at: now, resolved_by: actor.id }))) {
    const row = await mailReview.find(trx, id)
    if (!row) throw new DomainError('MAIL_REVIEW_NOT_FOUND', `There is no review item ${id}. See the waiting ones with: mail unmatched`, { field: 'id' })
    const done = row.status === 'dismissed' ? 'dismissed' : `${row.status === 'created' ? 'logged on the new contact' : 'assigned to'} ${row.contact_no}`
    throw new DomainError('MAIL_REVIEW_HANDLED', `Review item ${id} (${row.address}) was already ${done} on ${row.resolved_at?.slice(0, 10)} by ${row.resolved_by}.`, { field: 'id', details: { status: row.status, contactNo: row.contact_no } })
  }
  return (await mailReview.find(trx, id))!
}

/** Logs the waiting message on a contact in the caller's transaction; an entry the contact already has is reused. */
async function logItem(trx: Executor, actor: Actor, row: MailReviewItemRow, contactNo: string, now: Date): Promise<{ interaction: Interaction; alreadyLogged: boolean }> {
  const no = contactNo.trim().toUpperCase()
  const existing = await interactions.findByExternalRef(trx, no, row.external_ref)
  let result: { interaction: Interaction; alreadyLogged: boolean }
  if (existing) {
    result = { interaction: toInteraction(existing), alreadyLogged: true }
  } else {
    const interaction = await insertInteraction(trx, actor, {
      contactNo: no,
      templateCode: row.template_code,
      subject: row.subject,
      date: row.occurred_at,
      informationFlow: row.direction,
      initiatedBy: row.direction === 'outbound' ? 'us' : 'them',
      source: 'email',
      externalRef: row.external_ref,
      ...(row.attachments ? { attachments: JSON.parse(row.attachments) } : {}),
      ...(row.note ? { note: row.note } : {}),
      ...(row.salesperson_code ? { salespersonCode: row.salesperson_code } : {}),
    }, now)
    result = { interaction, alreadyLogged: false }
  }
  await mailReview.setLogged(trx, row.id, no, result.interaction.no)
  return result
}

/**
 * Logs a waiting message on an existing contact and closes the item, in one transaction: a second decision on
 * the same item (even concurrent) finds it handled, so the message is logged exactly once.
 */
export async function assignMailReview(deps: CoreDeps, actor: Actor, id: string | number, contactNo: string): Promise<MailReviewResult> {
  const key = parseId(id)
  const now = deps.clock()
  const result = await deps.database.db.transaction().execute(async (trx) => {
    const row = await claimItem(trx, key, 'assigned', actor, now.toISOString())
    const logged = await logItem(trx, actor, row, contactNo, now)
    return { item: toMailReviewItem((await mailReview.find(trx, key))!), ...logged }
  })
  deps.logger.info({ event: 'mail.review_assigned', id: key, contactNo: result.item.contactNo, interactionNo: result.interaction.no, alreadyLogged: result.alreadyLogged })
  return result
}

/**
 * Creates a contact for a waiting participant (its address as the email, its display name as the name unless
 * given) and logs the message on it, all in one transaction.
 */
export async function createContactFromMailReview(deps: CoreDeps, actor: Actor, id: string | number, draft: Partial<CreateContactInput> = {}): Promise<MailReviewResult> {
  const key = parseId(id)
  const now = deps.clock()
  const result = await deps.database.db.transaction().execute(async (trx) => {
    const row = await claimItem(trx, key, 'created', actor, now.toISOString())
    const name = draft.name ?? (row.name?.trim() || row.address.split('@')[0]!)
    const created = await insertContact(trx, actor, { ...draft, type: draft.type ?? 'person', name, email: draft.email ?? row.address }, now.toISOString())
    const logged = await logItem(trx, actor, row, created.contact.no, now)
    return { item: toMailReviewItem((await mailReview.find(trx, key))!), ...logged, createdContactNo: created.contact.no }
  })
  deps.logger.info({ event: 'mail.review_contact_created', id: key, contactNo: result.createdContactNo, interactionNo: result.interaction.no })
  return result
}

/** Closes a waiting item without logging anything (a stranger, a newsletter that slipped through). */
export async function dismissMailReview(deps: CoreDeps, actor: Actor, id: string | number): Promise<MailReviewResult> {
  const key = parseId(id)
  const item = await deps.database.db.transaction().execute(async (trx) => toMailReviewItem(await claimItem(trx, key, 'dismissed', actor, deps.clock().toISOString())))
  deps.logger.info({ event: 'mail.review_dismissed', id: key })
  return { item, interaction: null, alreadyLogged: false }
}
