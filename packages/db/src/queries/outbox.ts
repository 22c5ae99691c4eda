import { sql } from 'kysely'
import type { EmailOutboxRow } from '../schema.ts'
import type { Executor } from './executor.ts'

export type OutboxStatus = EmailOutboxRow['status']

/**
 * Claims up to `limit` queued rows that are due, in id order, for one sender: they become `sending` with its
 * token and a lease, in a single UPDATE, so two senders never get the same row. With `skipLocked` (PostgreSQL)
 * rows another sender is claiming right now are passed over instead of waited for; SQLite serializes writers.
 */
export async function claim(
  db: Executor,
  input: { claimer: string; now: string; leaseUntil: string; limit: number; skipLocked: boolean },
): Promise<EmailOutboxRow[]> {
  if (input.limit <= 0) return []
  const due = (qb: Pick<Executor, 'selectFrom'>) =>
    qb
      .selectFrom('email_outbox')
      .select('id')
      .where('status', '=', 'queued')
      .where((eb) => eb.or([eb('next_attempt_at', 'is', null), eb('next_attempt_at', '<=', input.now)]))
      .orderBy('id')
      .limit(input.limit)
  const claimed = { status: 'sending', claimed_by: input.claimer, lease_until: input.leaseUntil, last_attempt_at: input.now } as const
  let rows: EmailOutboxRow[]
  if (input.skipLocked) {
    // A materialized CTE runs the locking select exactly once; as a plain IN subquery PostgreSQL may run it
    // again during the update and so take more rows than the limit.
    rows = await db
      .with((cte) => cte('due').materialized(), (qb) => due(qb).forUpdate().skipLocked())
      .updateTable('email_outbox')
      .from('due')
      .set((eb) => ({ ...claimed, attempts: eb('email_outbox.attempts', '+', 1) }))
      .whereRef('email_outbox.id', '=', 'due.id')
      .where('email_outbox.status', '=', 'queued')
      .returningAll('email_outbox')
      .execute()
  } else {
    rows = await db
      .updateTable('email_outbox')
      .set((eb) => ({ ...claimed, attempts: eb('attempts', '+', 1) }))
      .where('id', 'in', due(db))
      // Checked again on the row as it is when written: a row another sender took meanwhile is no longer queued.
      .where('status', '=', 'queued')
      .returningAll()
      .execute()
  }
  return rows.sort((a, b) => a.id - b.id)
}

/** Marks a claimed row sent; false when the claim was lost (its lease expired and another sender took it). */
export async function markSent(db: Executor, id: number, claimer: string, now: string): Promise<boolean> {
  const r = await db
    .updateTable('email_outbox')
    .set({ status: 'sent', sent_at: now, error: null, claimed_by: null, lease_until: null, next_attempt_at: null })
    .where('id', '=', id)
    .where('claimed_by', '=', claimer)
    .where('status', '=', 'sending')
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/** Records a failed attempt on a claimed row: queued again until `retryAt`, or failed for good when retryAt is null. */
export async function markAttemptFailed(db: Executor, id: number, claimer: string, input: { error: string; retryAt: string | null }): Promise<boolean> {
  const r = await db
    .updateTable('email_outbox')
    .set({ status: input.retryAt ? 'queued' : 'failed', error: input.error, next_attempt_at: input.retryAt, claimed_by: null, lease_until: null })
    .where('id', '=', id)
    .where('claimed_by', '=', claimer)
    .where('status', '=', 'sending')
    .executeTakeFirst()
  return Number(r.numUpdatedRows) === 1
}

/**
 * Releases rows left `sending` past their lease (the sender died): back to queued, or failed when they have
 * used every attempt. Returns how many were released and how many failed.
 */
export async function releaseExpired(db: Executor, input: { now: string; maxAttempts: number; error: string }): Promise<{ released: number; failed: number }> {
  const failed = await db
    .updateTable('email_outbox')
    .set({ status: 'failed', error: input.error, claimed_by: null, lease_until: null })
    .where('status', '=', 'sending')
    .where('lease_until', '<', input.now)
    .where('attempts', '>=', input.maxAttempts)
    .executeTakeFirst()
  const released = await db
    .updateTable('email_outbox')
    .set({ status: 'queued', error: input.error, claimed_by: null, lease_until: null, next_attempt_at: null })
    .where('status', '=', 'sending')
    .where('lease_until', '<', input.now)
    .executeTakeFirst()
  return { released: Number(released.numUpdatedRows), failed: Number(failed.numUpdatedRows) }
}

/**
 * Makes claimers of one database take turns until the end of the transaction, so counting the minute's attempts
 * and claiming within the limit is exact over several senders. PostgreSQL: a transaction-scoped advisory lock;
 * SQLite needs nothing (its write transactions already take turns).
 */
export async function serializeClaims(db: Executor, input: { advisoryLock: boolean }): Promise<void> {
  if (input.advisoryLock) await sql`select pg_advisory_xact_lock(hashtext('crm.email_outbox.claim'))`.execute(db)
}

/** How many send attempts started at or after `since` (by every sender): the rate limit's count. */
export async function countAttemptsSince(db: Executor, since: string): Promise<number> {
  const r = await db.selectFrom('email_outbox').select((eb) => eb.fn.countAll<number>().as('n')).where('last_attempt_at', '>=', since).executeTakeFirstOrThrow()
  return Number(r.n)
}

/** The earliest moment a queued row is due again after a failed attempt, or undefined when none waits. */
export async function nextRetryAt(db: Executor): Promise<string | undefined> {
  const r = await db.selectFrom('email_outbox').select((eb) => eb.fn.min('next_attempt_at').as('at')).where('status', '=', 'queued').executeTakeFirst()
  return (r?.at as string | null | undefined) ?? undefined
}

/** Outbox rows, newest first, optionally of some statuses only. */
export async function list(db: Executor, filter: { statuses?: OutboxStatus[]; limit: number; offset?: number }): Promise<EmailOutboxRow[]> {
  let q = db.selectFrom('email_outbox').selectAll().orderBy('id', 'desc').limit(filter.limit).offset(filter.offset ?? 0)
  if (filter.statuses?.length) q = q.where('status', 'in', filter.statuses)
  return q.execute()
}

/** Number of rows per status. */
export async function countByStatus(db: Executor): Promise<Record<OutboxStatus, number>> {
  const rows = await db.selectFrom('email_outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute()
  const out: Record<OutboxStatus, number> = { queued: 0, sending: 0, sent: 0, failed: 0 }
  for (const r of rows) out[r.status] = Number(r.n)
  return out
}

/**
 * Records the acknowledgment of one ingested message and queues its email, unless that message was already
 * acknowledged (then nothing is written and false comes back). Run it in a transaction.
 */
export async function insertAck(
  db: Executor,
  input: { messageRef: string; toAddress: string; outcome: string; subject: string; body: string; inReplyTo: string | null; now: string },
): Promise<number | undefined> {
  const recorded = await db
    .insertInto('mail_acks')
    .values({ message_ref: input.messageRef, outbox_id: null, to_address: input.toAddress, outcome: input.outcome, created_at: input.now })
    .onConflict((oc) => oc.column('message_ref').doNothing())
    .executeTakeFirst()
  if (Number(recorded.numInsertedOrUpdatedRows ?? 0) !== 1) return undefined
  const row = await db
    .insertInto('email_outbox')
    .values({ kind: 'ack', to_address: input.toAddress, subject: input.subject, body: input.body, in_reply_to: input.inReplyTo, status: 'queued', created_at: input.now })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db.updateTable('mail_acks').set({ outbox_id: row.id }).where('message_ref', '=', input.messageRef).execute()
  return row.id
}

/** The acknowledgment recorded for an ingested message, if any. */
export async function findAck(db: Executor, messageRef: string) {
  return db.selectFrom('mail_acks').selectAll().where('message_ref', '=', messageRef).executeTakeFirst()
}
