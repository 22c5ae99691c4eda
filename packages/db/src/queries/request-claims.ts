import { sql } from 'kysely'
import type { Executor } from './executor.ts'

/** The session lease that says an instance (a bot process) is alive: `instance:<id>`. */
export function instanceLeaseName(instance: string): string {
  return `instance:${instance}`
}

/**
 * Inserts the claim of a request key, held by `holder` while it runs; true when this call inserted it, false when it
 * was already claimed.
 */
export async function insertClaim(db: Executor, key: string, claimedAt: string, holder: string | null = null): Promise<boolean> {
  const result = await db.insertInto('slack_requests').values({ key, claimed_at: claimedAt, holder }).onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
}

/**
 * Takes over the claim of a request whose holder died while running it: one that is still held (not finished) by
 * another instance whose lease is gone or ran out by `now`. True for exactly one caller.
 */
export async function takeOverAbandoned(db: Executor, key: string, holder: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('slack_requests')
    .set({ holder, claimed_at: now })
    .where('key', '=', key)
    .where('holder', 'is not', null)
    .where('holder', '<>', holder)
    .where(({ not, exists, selectFrom }) =>
      not(exists(
        selectFrom('session_leases')
          .select('name')
          .where(sql<boolean>`session_leases.name = ${'instance:'} || slack_requests.holder`)
          .where('session_leases.expires_at', '>', now),
      )),
    )
    .executeTakeFirst()
  return Number(result.numUpdatedRows) === 1
}

/** Marks `holder`'s claim of a request finished: it is never run again. */
export async function finishClaim(db: Executor, key: string, holder: string): Promise<void> {
  await db.updateTable('slack_requests').set({ holder: null }).where('key', '=', key).where('holder', '=', holder).execute()
}

/** Deletes the claim of a request key, so the next delivery of that request runs it. */
export async function deleteClaim(db: Executor, key: string): Promise<void> {
  await db.deleteFrom('slack_requests').where('key', '=', key).execute()
}

/** Deletes claims made before `before` (ISO-8601); returns how many. */
export async function deleteClaimsBefore(db: Executor, before: string): Promise<number> {
  const result = await db.deleteFrom('slack_requests').where('claimed_at', '<', before).executeTakeFirst()
  return Number(result.numDeletedRows)
}
