import type { Executor } from './executor.ts'

/** Inserts the claim of a request key; true when this call inserted it, false when it was already claimed. */
export async function insertClaim(db: Executor, key: string, claimedAt: string): Promise<boolean> {
  const result = await db.insertInto('slack_requests').values({ key, claimed_at: claimedAt }).onConflict((oc) => oc.column('key').doNothing()).executeTakeFirst()
  return Number(result.numInsertedOrUpdatedRows ?? 0) > 0
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
