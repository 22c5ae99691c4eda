import { randomUUID } from 'node:crypto'
import { hostname } from 'node:os'
import pg from 'pg'
import type { CrmDatabase } from './open.ts'
import * as sessionLeases from './queries/session-leases.ts'

/** A lock held for as long as this process keeps it alive (its database session, or on SQLite its lease). */
export interface SessionLock {
  readonly name: string
  /**
   * True while the lock is still held, false once it is lost. PostgreSQL: its session still answers. SQLite:
   * the lease is renewed for another `leaseSeconds` and is still this lock's.
   */
  check(): Promise<boolean>
  release(): Promise<void>
}

export interface SessionLockOptions {
  /**
   * SQLite: how long the lease lasts without a check() renewing it, i.e. how long a holder that died without
   * releasing keeps others waiting. Check a few times within it (default 30 seconds). PostgreSQL ignores it.
   */
  leaseSeconds?: number
  /** The clock of the lease, in milliseconds (default Date.now); SQLite is on one machine, so all share it. */
  now?: () => number
}

const DEFAULT_LEASE_SECONDS = 30

const CHECK_TIMEOUT_MS = 10_000

/**
 * PostgreSQL session advisory locks, each on a connection of its own (outside the pool, so a pool's errors and
 * a lock's errors stay apart): the lock goes when this process or that connection dies.
 */
export function pgSessionLocker(connectionString: string): (name: string) => Promise<SessionLock | undefined> {
  return async (name) => {
    const client = new pg.Client({ connectionString })
    let alive = true
    // A session ended by the server (failover, pg_terminate_backend) must not end the process: the lock is lost.
    client.on('error', () => {
      alive = false
    })
    client.on('end', () => {
      alive = false
    })
    await client.connect()
    const got = await client.query<{ ok: boolean }>('select pg_try_advisory_lock(hashtext($1)) as ok', [name]).catch(async (error) => {
      await client.end().catch(() => undefined)
      throw error
    })
    if (!got.rows[0]?.ok) {
      await client.end().catch(() => undefined)
      return undefined
    }
    return {
      name,
      async check() {
        if (!alive) return false
        const answer = client.query('select 1').then(() => true, () => false)
        const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), CHECK_TIMEOUT_MS).unref())
        alive = (await Promise.race([answer, timeout])) && alive
        return alive
      },
      async release() {
        if (alive) await client.query('select pg_advisory_unlock(hashtext($1))', [name]).catch(() => undefined)
        alive = false
        await client.end().catch(() => undefined)
      },
    }
  }
}

/**
 * SQLite's lock: a lease row in session_leases, taken when nobody holds it or its lease ran out (one statement,
 * so two processes on one file cannot both take it), renewed by check(), deleted by release(). A holder killed
 * without releasing keeps it only until the lease runs out.
 */
async function takeSqliteLease(database: CrmDatabase, name: string, options: SessionLockOptions): Promise<SessionLock | undefined> {
  const now = options.now ?? Date.now
  const leaseMs = (options.leaseSeconds ?? DEFAULT_LEASE_SECONDS) * 1000
  const holder = `${hostname()}/${process.pid}/${randomUUID()}`
  let expires = now() + leaseMs
  if (!(await sessionLeases.take(database.db, name, holder, new Date(now()).toISOString(), new Date(expires).toISOString()))) return undefined
  let held = true
  return {
    name,
    async check() {
      if (!held) return false
      const next = now() + leaseMs
      try {
        held = await sessionLeases.renew(database.db, name, holder, new Date(next).toISOString())
        if (held) expires = next
      } catch {
        // The database did not answer (busy, disk): the lease is still ours until it runs out.
        held = now() < expires
      }
      return held
    },
    async release() {
      if (held) await sessionLeases.release(database.db, name, holder).catch(() => undefined)
      held = false
    },
  }
}

/**
 * Tries to take a named lock without waiting; undefined when another process holds it. On PostgreSQL it is a
 * session advisory lock (see pgSessionLocker): it goes when the holder's session does. On SQLite it is a lease
 * in the database file (see takeSqliteLease), so processes sharing one file also keep to one holder; a holder
 * that dies is replaced once its lease runs out. Either way a standby can take over.
 */
export async function tryTakeSessionLock(database: CrmDatabase, name: string, options: SessionLockOptions = {}): Promise<SessionLock | undefined> {
  if (database.sessionLock) return database.sessionLock(name)
  return takeSqliteLease(database, name, options)
}
