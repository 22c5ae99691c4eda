import { mkdirSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { migrateToLatest, type DialectName, type MigrationReport } from './migrations/index.ts'
import type { Database } from './schema.ts'
import { CachedSqliteDialect } from './sqlite-driver.ts'
import { pgSessionLocker, type SessionLock } from './session-lock.ts'

export const DEFAULT_DATABASE_URL = 'sqlite:./data/crm.sqlite'

/** An open database: the Kysely handle plus what callers may need to know about the dialect. */
export interface CrmDatabase {
  db: Kysely<Database>
  dialect: DialectName
  /** The URL it was opened with, with any password removed (safe to print). */
  displayUrl: string
  migrate(): Promise<MigrationReport>
  /**
   * SQLite only: an online backup to a new file, consistent even while others write (SQLite's backup API).
   * Undefined on PostgreSQL, where pg_dump is the tool.
   */
  backup?: (path: string) => Promise<{ bytes: number }>
  /**
   * PostgreSQL only: takes a named session advisory lock on a connection of its own (tryTakeSessionLock). SQLite
   * has no session locks: tryTakeSessionLock takes a lease in the file instead.
   */
  sessionLock?: (name: string) => Promise<SessionLock | undefined>
  close(): Promise<void>
}

export interface OpenDatabaseOptions {
  /** Run pending migrations before returning (default true). */
  migrate?: boolean
  /** Maximum PostgreSQL pool size (default 10). */
  poolSize?: number
}

/** A database URL that cannot be opened; the message says what form is expected. */
export class DatabaseUrlError extends Error {
  override name = 'DatabaseUrlError'
}

/** Parses a database URL into a dialect and location without opening anything. */
export function parseDatabaseUrl(url: string): { dialect: DialectName; location: string } {
  const trimmed = url.trim()
  if (trimmed === ':memory:' || trimmed === 'sqlite::memory:') return { dialect: 'sqlite', location: ':memory:' }
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return { dialect: 'postgres', location: trimmed }
  if (/^sqlite:/i.test(trimmed)) {
    const path = trimmed.replace(/^sqlite:(\/\/)?/i, '')
    if (!path) throw new DatabaseUrlError('The SQLite URL has no file path. Example: sqlite:./data/crm.sqlite')
    return { dialect: 'sqlite', location: path }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw new DatabaseUrlError(
      `Unsupported database URL "${redactUrl(trimmed)}". Use sqlite:./data/crm.sqlite, :memory: or postgres://user@host:5432/crm.`,
    )
  }
  if (!trimmed) throw new DatabaseUrlError('The database URL is empty. Example: sqlite:./data/crm.sqlite')
  // A bare path is a SQLite file, which is what people type by hand.
  return { dialect: 'sqlite', location: trimmed }
}

/** Removes the password from a URL so it can be shown or logged. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@')
}

/**
 * Opens the CRM database: SQLite (WAL, foreign keys, busy timeout) for sqlite: URLs, file paths and :memory:,
 * PostgreSQL through pg for postgres:// URLs. Runs pending migrations unless told not to.
 */
export async function openDatabase(url: string = DEFAULT_DATABASE_URL, options: OpenDatabaseOptions = {}): Promise<CrmDatabase> {
  const { dialect, location } = parseDatabaseUrl(url)
  let db: Kysely<Database>
  let backup: CrmDatabase['backup']
  let sessionLock: CrmDatabase['sessionLock']
  if (dialect === 'sqlite') {
    if (location !== ':memory:') mkdirSync(dirname(resolve(location)), { recursive: true })
    const sqlite = new BetterSqlite3(location)
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('foreign_keys = ON')
    sqlite.pragma('busy_timeout = 10000')
    sqlite.pragma('synchronous = NORMAL')
    db = new Kysely<Database>({ dialect: new CachedSqliteDialect(sqlite) })
    backup = async (path: string) => {
      mkdirSync(dirname(resolve(path)), { recursive: true })
      const done = await sqlite.backup(path)
      return { bytes: done.totalPages * Number(sqlite.pragma('page_size', { simple: true })) }
    }
  } else {
    const types = {
      getTypeParser(oid: number, format?: 'text' | 'binary') {
        // int8 (count, sum of minor units) and numeric come back as strings by default; our values fit a double.
        if (oid === 20 || oid === 1700) return (value: string) => Number(value)
        return pg.types.getTypeParser(oid, format as 'text')
      },
    }
    const pool = new pg.Pool({ connectionString: location, max: options.poolSize ?? 10, types: types as any })
    // An idle connection the server drops (restart, failover) would otherwise end the process; the pool
    // discards it and the next query opens a new one.
    pool.on('error', () => undefined)
    db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    sessionLock = pgSessionLocker(location)
  }
  const handle: CrmDatabase = {
    db,
    dialect,
    displayUrl: redactUrl(url),
    migrate: () => migrateToLatest(db, dialect),
    ...(backup ? { backup } : {}),
    ...(sessionLock ? { sessionLock } : {}),
    close: () => db.destroy(),
  }
  if (options.migrate !== false) {
    try {
      await handle.migrate()
    } catch (error) {
      await db.destroy()
      throw error
    }
  }
  return handle
}
