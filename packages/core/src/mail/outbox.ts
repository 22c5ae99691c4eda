import { randomBytes } from 'node:crypto'
import { contacts, outbox, type EmailOutboxRow, type OutboxStatus } from '@crm/db'
import type { CoreDeps } from '../deps.ts'
import { invalidField } from '../errors.ts'
import { stripControlChars } from '../text/normalize.ts'

/** One email to send; the transport adds the sender (MAIL_FROM). */
export interface OutgoingMail {
  to: string
  subject: string
  text: string
  /** Message-ID this mail answers (acknowledgments thread under the forwarded message). */
  inReplyTo?: string | undefined
}

/** The port core sends through; apps implement it (SMTP with nodemailer). A failed send throws. */
export interface MailTransport {
  send(mail: OutgoingMail): Promise<void>
}

/**
 * A failed send as a transport reports it: `permanent` when trying again cannot help (an SMTP 5xx answer such
 * as an unknown recipient), otherwise the row is tried again later.
 */
export class MailSendError extends Error {
  override name = 'MailSendError'
  readonly permanent: boolean
  constructor(message: string, permanent: boolean) {
    super(message)
    this.permanent = permanent
  }
}

/** How the sender paces itself (from the app's settings). */
export interface SendPolicy {
  /** At most this many send attempts start in any minute, counted over every sender on the database. */
  perMinute: number
  /** Attempts per row before it is failed for good. */
  maxAttempts: number
  /** Wait after the first failed attempt; doubled after each further one. */
  backoffSeconds: number
  /** A row still `sending` this long after it was claimed is taken to be from a sender that died, and released. */
  leaseSeconds: number
  /** Rows claimed at once (default 10). */
  batchSize?: number
  /** Stop after this many attempts in this call (default: until nothing is due or the rate limit is reached). */
  maxMessages?: number
  /** A label for this sender in the rows it claims (default a random one). */
  claimer?: string
}

export interface SendQueuedEmailsResult {
  sent: number
  /** Failed attempts that will be tried again. */
  retrying: number
  /** Rows failed for good in this call. */
  failed: number
  /** Rows found `sending` past their lease and put back in the queue (or failed when out of attempts). */
  released: number
  /** True when the call stopped because the minute's limit was reached while rows were still due. */
  rateLimited: boolean
  /** When the next queued row is due: now when rows wait for the rate limit, else the earliest retry. */
  nextDueAt: string | null
}

const ERROR_LIMIT = 1000

/** Delay before attempt number `attempt + 1`, after `attempt` failed ones: base, 2x base, 4x base ... */
export function retryDelaySeconds(backoffSeconds: number, attempt: number): number {
  return backoffSeconds * 2 ** Math.max(0, attempt - 1)
}

/**
 * Sends the queued emails that are due, oldest first, through the transport: each row is claimed atomically
 * (two senders never send the same row), marked sent, or queued again with a doubling backoff, or failed with
 * the server's answer once out of attempts or on a permanent refusal. Rows left `sending` past their lease by a
 * sender that died are released first. At most `perMinute` attempts start per minute, counted in the database
 * under a lock shared by every sender.
 */
export async function sendQueuedEmails(deps: CoreDeps, transport: MailTransport, policy: SendPolicy): Promise<SendQueuedEmailsResult> {
  for (const [key, value, min] of [['perMinute', policy.perMinute, 1], ['maxAttempts', policy.maxAttempts, 1], ['backoffSeconds', policy.backoffSeconds, 0], ['leaseSeconds', policy.leaseSeconds, 1]] as const) {
    if (!Number.isFinite(value) || value < min) throw invalidField(key, `${key} must be a number from ${min}, not ${value}.`)
  }
  const db = deps.database.db
  const claimer = policy.claimer ?? `sender-${randomBytes(6).toString('hex')}`
  const batchSize = policy.batchSize ?? 10
  const iso = (d: Date) => d.toISOString()
  const result: SendQueuedEmailsResult = { sent: 0, retrying: 0, failed: 0, released: 0, rateLimited: false, nextDueAt: null }
  const released = await outbox.releaseExpired(db, { now: iso(deps.clock()), maxAttempts: policy.maxAttempts, error: 'The sender stopped while sending (its lease expired); the row was released.' })
  result.released = released.released + released.failed
  result.failed += released.failed
  if (result.released) deps.logger.warn({ event: 'mail.outbox_released', released: released.released, failed: released.failed })
  let attempts = 0
  const postgres = deps.database.dialect === 'postgres'
  for (;;) {
    const now = deps.clock()
    // Count and claim in one transaction, one sender at a time: the limit holds over every sender.
    const step = await db.transaction().execute(async (trx) => {
      await outbox.serializeClaims(trx, { advisoryLock: postgres })
      const used = await outbox.countAttemptsSince(trx, iso(new Date(now.getTime() - 60_000)))
      const budget = Math.min(policy.perMinute - used, batchSize, (policy.maxMessages ?? Infinity) - attempts)
      if (budget <= 0) return { rows: [], limited: policy.perMinute - used <= 0, stop: true }
      const rows = await outbox.claim(trx, {
        claimer,
        now: iso(now),
        leaseUntil: iso(new Date(now.getTime() + policy.leaseSeconds * 1000)),
        limit: budget,
        skipLocked: postgres,
      })
      return { rows, limited: false, stop: false }
    })
    if (step.stop) {
      if (step.limited) result.rateLimited = true
      break
    }
    const rows = step.rows
    if (rows.length === 0) break
    for (const row of rows) {
      attempts++
      await sendOne(deps, transport, policy, claimer, row, result)
    }
  }
  if (result.rateLimited) {
    const due = await db.selectFrom('email_outbox').select('id').where('status', '=', 'queued').where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', iso(deps.clock()))])).limit(1).executeTakeFirst()
    if (due) result.nextDueAt = iso(deps.clock())
    else result.rateLimited = false
  }
  result.nextDueAt ??= (await outbox.nextRetryAt(db)) ?? null
  return result
}

async function sendOne(deps: CoreDeps, transport: MailTransport, policy: SendPolicy, claimer: string, row: EmailOutboxRow, result: SendQueuedEmailsResult): Promise<void> {
  const db = deps.database.db
  try {
    await transport.send({ to: row.to_address, subject: row.subject, text: row.body ?? row.subject, inReplyTo: row.in_reply_to ?? undefined })
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, ERROR_LIMIT)
    const permanent = error instanceof MailSendError && error.permanent
    const attempt = Number(row.attempts)
    const retryAt = permanent || attempt >= policy.maxAttempts ? null : new Date(deps.clock().getTime() + retryDelaySeconds(policy.backoffSeconds, attempt) * 1000).toISOString()
    const kept = await outbox.markAttemptFailed(db, row.id, claimer, { error: message, retryAt })
    if (!kept) deps.logger.warn({ event: 'mail.outbox_claim_lost', id: row.id })
    else if (retryAt) result.retrying++
    else result.failed++
    deps.logger.warn({ event: 'mail.send_failed', id: row.id, attempt, permanent, retryAt, error: message })
    return
  }
  const kept = await outbox.markSent(db, row.id, claimer, deps.clock().toISOString())
  // The mail went out but another sender took the row after our lease expired: say so, it may go twice.
  if (!kept) deps.logger.warn({ event: 'mail.outbox_claim_lost', id: row.id })
  result.sent++
  deps.logger.info({ event: 'mail.sent', id: row.id, kind: row.kind, attempt: row.attempts })
}

/** One outbox row as the CLI and tests show it. */
export interface OutboxItem {
  id: number
  kind: string
  status: OutboxStatus
  to: string
  subject: string
  attempts: number
  createdAt: string
  lastAttemptAt: string | null
  nextAttemptAt: string | null
  sentAt: string | null
  error: string | null
  interactionNo: string | null
  contactNo: string | null
  segmentNo: string | null
  campaignNo: string | null
}

export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['queued', 'sending', 'sent', 'failed']

/** The outbox, newest first, optionally of some statuses only, with the count per status. */
export async function listOutbox(deps: CoreDeps, input: { statuses?: string[]; limit?: number } = {}): Promise<{ counts: Record<OutboxStatus, number>; items: OutboxItem[] }> {
  const statuses = (input.statuses ?? []).map((s) => s.trim().toLowerCase()).filter(Boolean)
  for (const s of statuses) {
    if (!OUTBOX_STATUSES.includes(s as OutboxStatus)) throw invalidField('status', `"${s}" is not an outbox status; use ${OUTBOX_STATUSES.join(', ')}.`, 'crm mail outbox --status failed')
  }
  const db = deps.database.db
  const rows = await outbox.list(db, { statuses: statuses as OutboxStatus[], limit: input.limit ?? 100 })
  return {
    counts: await outbox.countByStatus(db),
    items: rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      status: r.status,
      to: r.to_address,
      subject: r.subject,
      attempts: Number(r.attempts),
      createdAt: r.created_at,
      lastAttemptAt: r.last_attempt_at,
      nextAttemptAt: r.next_attempt_at,
      sentAt: r.sent_at,
      error: r.error,
      interactionNo: r.interaction_no,
      contactNo: r.contact_no,
      segmentNo: r.segment_no,
      campaignNo: r.campaign_no,
    })),
  }
}

/** What an acknowledgment reports: the app renders the text from it. */
export interface MailAckFacts {
  outcome: string
  subject: string | null
  contacts: Array<{ no: string; name: string }>
  interactions: string[]
  unmatched: string[]
  reason: string | null
}

export interface QueueMailAckInput {
  /** The reference of the ingested message itself (its Message-ID or content hash): one ack per reference. */
  messageRef: string
  /** The team member who forwarded or BCC'd it. */
  to: string
  inReplyTo: string | null
  facts: Omit<MailAckFacts, 'contacts'> & { contactNos: string[] }
  render(facts: MailAckFacts): { subject: string; text: string }
}

/**
 * Queues the acknowledgment of one ingested message to the team member who sent it in, once: the message's
 * reference is recorded with the queued email in one transaction, so a message ingested again (after a
 * restart, or the same file twice) is never acknowledged twice. Returns the outbox id, or undefined when it
 * was acknowledged before.
 */
export async function queueMailAck(deps: CoreDeps, input: QueueMailAckInput): Promise<number | undefined> {
  return deps.database.db.transaction().execute(async (trx) => {
    if (await outbox.findAck(trx, input.messageRef)) return undefined
    const names = new Map((await contacts.listNamesByNos(trx, input.facts.contactNos)).map((c) => [c.no, c.name]))
    const { contactNos, ...rest } = input.facts
    const text = input.render({ ...rest, contacts: contactNos.map((no) => ({ no, name: names.get(no) ?? no })) })
    // Text from a damaged message may hold NUL and other control characters, which no database stores in text;
    // an In-Reply-To longer than a header line can be is dropped.
    const inReplyTo = input.inReplyTo ? stripControlChars(input.inReplyTo).replace(/\s+/gu, '') : null
    return outbox.insertAck(trx, {
      messageRef: input.messageRef, toAddress: input.to, outcome: input.facts.outcome, subject: stripControlChars(text.subject).replace(/\s+/gu, ' '), body: stripControlChars(text.text),
      inReplyTo: inReplyTo && inReplyTo.length <= 900 ? inReplyTo : null, now: deps.clock().toISOString(),
    })
  })
}
