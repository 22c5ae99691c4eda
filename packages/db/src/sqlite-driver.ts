import type BetterSqlite3 from 'better-sqlite3'
import {
  CompiledQuery,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
} from 'kysely'

/**
 * A better-sqlite3 dialect for Kysely that caches prepared statements and opens write transactions with
 * BEGIN IMMEDIATE, so two processes sharing one file wait on busy_timeout instead of failing mid-transaction.
 */
export class CachedSqliteDialect implements Dialect {
  readonly #database: BetterSqlite3.Database
  constructor(database: BetterSqlite3.Database) {
    this.#database = database
  }
  createDriver(): Driver {
    return new CachedSqliteDriver(this.#database)
  }
  createQueryCompiler() {
    return new SqliteQueryCompiler()
  }
  createAdapter() {
    return new TransactionalDdlSqliteAdapter()
  }
  createIntrospector(db: Kysely<any>): DatabaseIntrospector {
    return new SqliteIntrospector(db)
  }
}

/**
 * SQLite runs DDL inside transactions; Kysely's adapter does not say so, and its migrator then runs migrations
 * with no transaction and no lock, so two processes opening one file at once both applied the same pending
 * migration and one failed ("table ... already exists"). Saying so makes the migrator read what is pending and
 * apply it in one transaction, which BEGIN IMMEDIATE (below) gives to one process at a time.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true
  }
}

const STATEMENT_CACHE_SIZE = 200

class CachedSqliteConnection implements DatabaseConnection {
  readonly #db: BetterSqlite3.Database
  readonly #cache = new Map<string, BetterSqlite3.Statement>()
  constructor(db: BetterSqlite3.Database) {
    this.#db = db
  }

  #prepare(sqlText: string): BetterSqlite3.Statement {
    let stmt = this.#cache.get(sqlText)
    if (stmt) {
      // Refresh recency so the map's insertion order stays least-recently-used first.
      this.#cache.delete(sqlText)
      this.#cache.set(sqlText, stmt)
      return stmt
    }
    stmt = this.#db.prepare(sqlText)
    this.#cache.set(sqlText, stmt)
    if (this.#cache.size > STATEMENT_CACHE_SIZE) {
      const oldest = this.#cache.keys().next().value
      if (oldest !== undefined) this.#cache.delete(oldest)
    }
    return stmt
  }

  async executeQuery<R>(compiledQuery: CompiledQuery): Promise<QueryResult<R>> {
    const stmt = this.#prepare(compiledQuery.sql)
    const parameters = compiledQuery.parameters as unknown[]
    if (stmt.reader) return { rows: stmt.all(parameters) as R[] }
    const { changes, lastInsertRowid } = stmt.run(parameters)
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] }
  }

  async *streamQuery<R>(compiledQuery: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    const stmt = this.#prepare(compiledQuery.sql)
    for (const row of stmt.iterate(compiledQuery.parameters as unknown[])) yield { rows: [row as R] }
  }
}

class CachedSqliteDriver implements Driver {
  readonly #db: BetterSqlite3.Database
  readonly #connection: CachedSqliteConnection
  constructor(db: BetterSqlite3.Database) {
    this.#db = db
    this.#connection = new CachedSqliteConnection(db)
  }
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.#connection
  }
  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'))
  }
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('commit'))
  }
  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('rollback'))
  }
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {
    this.#db.close()
  }
}
