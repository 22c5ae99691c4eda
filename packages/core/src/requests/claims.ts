import { requestClaims } from '@crm/db'
import type { CoreDeps } from '../deps.ts'

/** How long a claim is kept: far longer than any redelivery of the same request (Slack's last retry is at 5 minutes). */
export const CLAIM_RETENTION_MS = 24 * 60 * 60 * 1000

/**
 * Claims a request by its identity before anything is written for it; true for exactly one caller per key,
 * across processes sharing the database (the key is the table's primary key). Claims older than a day are purged.
 */
export async function claimRequest(deps: CoreDeps, key: string): Promise<boolean> {
  const now = deps.clock()
  const claimed = await requestClaims.insertClaim(deps.database.db, key, now.toISOString())
  if (claimed) await requestClaims.deleteClaimsBefore(deps.database.db, new Date(now.getTime() - CLAIM_RETENTION_MS).toISOString())
  return claimed
}

/** Gives a claim back (the request was refused or failed without writing), so a later delivery may run it. */
export async function releaseRequest(deps: CoreDeps, key: string): Promise<void> {
  await requestClaims.deleteClaim(deps.database.db, key)
}
