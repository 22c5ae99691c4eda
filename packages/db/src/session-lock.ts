import pg from 'pg'
import type { CrmDatabase } from './open.ts'

/** A lock held for as long as this process keeps it (and its database session) alive. */
export interface SessionLock {
  readonly name: string
  /** True while the lock is still held (its session still answers); false once it is lost. */
  check(): Promise<boolean>
  release(): Promise<void>
}

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
 * Tries to take a named lock without waiting; undefined when another process holds it. On PostgreSQL it is a
 * session advisory lock (see pgSessionLocker), so a standby can take over when the holder dies. SQLite is one
 * file on one machine and has no such lock: there it is always granted (run one process per file).
 */
export async function tryTakeSessionLock(database: CrmDatabase, name: string): Promise<SessionLock | undefined> {
  if (database.sessionLock) return database.sessionLock(name)
  return { name, check: async () => true, release: async () => {} }
}
