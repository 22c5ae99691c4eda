import { randomUUID } from 'node:crypto'
import { requestClaims, sessionLeases } from '@crm/db'
import type { CoreDeps } from '../deps.ts'

/** How long a claim is kept: far longer than any redelivery of the same request (Slack's last retry is at 5 minutes). */
export const CLAIM_RETENTION_MS = 24 * 60 * 60 * 1000

/**
 * How long a running instance's lease lasts without renewal (renewed three times within it): after a crash, the
 * requests it was running may be claimed again this long after its last renewal.
 */
export const INSTANCE_LEASE_MS = 6000

/**
 * A process that runs requests (a bot process), alive as long as its lease in the database is renewed: requests
 * it claimed and never finished are taken over by another delivery once its lease ran out (it died mid-way).
 */
export interface RequestInstance {
  readonly id: string
  /** Resolves once the lease is first taken; claims wait for it. */
  readonly ready: Promise<void>
  /** Stops renewing and gives the lease back, so this instance's unfinished requests may be run again at once. */
  stop(): Promise<void>
}

/** Starts an instance: takes its lease now and renews it until `stop()`; a failed renewal is logged and retried. */
export function startRequestInstance(deps: CoreDeps, leaseMs = INSTANCE_LEASE_MS): RequestInstance {
  const id = randomUUID()
  const name = requestClaims.instanceLeaseName(id)
  const db = deps.database.db
  const renew = async () => {
    const now = deps.clock().getTime()
    const until = new Date(now + leaseMs).toISOString()
    // Renewed in place; taken again when it ran out and is gone (the process stalled longer than the lease).
    if (!(await sessionLeases.renew(db, name, id, until))) await sessionLeases.take(db, name, id, new Date(now).toISOString(), until)
  }
  let stopped = false
  const ready = renew()
  const timer = setInterval(() => {
    if (!stopped) renew().catch((err: unknown) => deps.logger.warn({ event: 'instance.renew_failed', instance: id, err }))
  }, Math.max(100, Math.floor(leaseMs / 3)))
  timer.unref()
  return {
    id,
    ready,
    async stop() {
      if (stopped) return
      stopped = true
      clearInterval(timer)
      await ready.catch(() => undefined)
      await sessionLeases.release(db, name, id).catch(() => undefined)
    },
  }
}

/**
 * Claims a request by its identity before anything is written for it; true for exactly one caller per key,
 * across processes sharing the database (the key is the table's primary key). Claims older than a day are purged.
 * With an instance, the claim is held by it until `finishRequest`; a later delivery of a request whose instance died
 * before finishing it (its lease ran out) claims it again, so a crash loses no request.
 */
export async function claimRequest(deps: CoreDeps, key: string, instance?: RequestInstance): Promise<boolean> {
  const now = deps.clock()
  const db = deps.database.db
  if (instance) await instance.ready
  const claimed = await requestClaims.insertClaim(db, key, now.toISOString(), instance?.id ?? null)
  if (claimed) {
    await requestClaims.deleteClaimsBefore(db, new Date(now.getTime() - CLAIM_RETENTION_MS).toISOString())
    return true
  }
  if (instance && (await requestClaims.takeOverAbandoned(db, key, instance.id, now.toISOString()))) {
    deps.logger.warn({ event: 'request.taken_over', key: key.slice(0, key.indexOf(':')), instance: instance.id })
    return true
  }
  return false
}

/** Marks a claimed request finished by its instance: no later delivery runs it again. */
export async function finishRequest(deps: CoreDeps, key: string, instance: RequestInstance): Promise<void> {
  await requestClaims.finishClaim(deps.database.db, key, instance.id)
}

/** Gives a claim back (the request was refused or failed without writing), so a later delivery may run it. */
export async function releaseRequest(deps: CoreDeps, key: string): Promise<void> {
  await requestClaims.deleteClaim(deps.database.db, key)
}
