import { sql } from 'kysely'
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
 * Tries to take a named lock without waiting; undefined when another process holds it. On PostgreSQL it is a
 * session advisory lock on a connection set aside from the pool: it goes when this process or its connection
 * dies, so a standby can take over. SQLite is one file on one machine and has no such lock: there the lock is
 * always granted (run one process per file).
 */
export async function tryTakeSessionLock(database: CrmDatabase, name: string): Promise<SessionLock | undefined> {
  if (database.dialect !== 'postgres') return { name, check: async () => true, release: async () => {} }
  return new Promise<SessionLock | undefined>((resolve, reject) => {
    let finish!: () => void
    const held = new Promise<void>((r) => (finish = r))
    let alive = true
    // The callback keeps the connection out of the pool until `held` settles; the lock lives on that connection.
    database.db
      .connection()
      .execute(async (conn) => {
        const got = await sql<{ ok: boolean }>`select pg_try_advisory_lock(hashtext(${name})) as ok`.execute(conn)
        if (!got.rows[0]?.ok) {
          resolve(undefined)
          return
        }
        resolve({
          name,
          async check() {
            if (!alive) return false
            const answer = sql`select 1 as one`.execute(conn).then(() => true, () => false)
            const timeout = new Promise<boolean>((r) => setTimeout(() => r(false), CHECK_TIMEOUT_MS).unref())
            alive = await Promise.race([answer, timeout])
            return alive
          },
          async release() {
            if (alive) await sql`select pg_advisory_unlock(hashtext(${name}))`.execute(conn).catch(() => undefined)
            alive = false
            finish()
          },
        })
        await held
      })
      .catch((error) => {
        alive = false
        reject(error)
      })
  })
}
