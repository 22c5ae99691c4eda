import { sql, type CrmDatabase, type DialectName } from '@crm/db'
import { createTestDatabase } from '@crm/db/testing'
import { afterEach, beforeEach, expect } from 'vitest'
import { createCoreDeps, isDomainError, type Actor, type CommandContext, type CoreDeps, type DomainError } from '../src/index.ts'

/** The fixed moment every core test runs at. */
export const NOW = new Date('2026-11-20T10:00:00Z')

export const admin: Actor = { id: 'test', isAdmin: true }

export interface CoreFixture {
  database: CrmDatabase
  deps: CoreDeps
  ctx: CommandContext
}

/** A fresh migrated database of the dialect per test, with deps on a fixed clock; closed after each test. */
export function useCore(dialect: DialectName): CoreFixture {
  const fixture = {} as CoreFixture
  beforeEach(async () => {
    fixture.database = await createTestDatabase(dialect)
    fixture.deps = createCoreDeps(fixture.database, { clock: () => NOW })
    fixture.ctx = { deps: fixture.deps, actor: admin, source: 'test' }
  })
  afterEach(async () => {
    await fixture.database.close()
  })
  return fixture
}

/** Number of rows in a table (any table, so tests can prove nothing changed). */
export async function countRows(database: CrmDatabase, table: string): Promise<number> {
  const result = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(database.db)
  return Number(result.rows[0]!.n)
}

/** Row counts of every table a contact write touches. */
export async function snapshotCounts(database: CrmDatabase): Promise<Record<string, number>> {
  const tables = [
    'contacts', 'contact_search_tokens', 'contact_business_relations', 'contact_industry_groups', 'contact_mailing_groups',
    'contact_job_responsibilities', 'contact_profile_answers', 'duplicate_exclusions', 'change_log', 'salespeople',
  ]
  const out: Record<string, number> = {}
  for (const t of tables) out[t] = await countRows(database, t)
  return out
}

/** Awaits a promise that must fail with a DomainError and returns that error for closer checks. */
export async function domainError(promise: Promise<unknown>): Promise<DomainError> {
  let caught: unknown
  try {
    await promise
  } catch (error) {
    caught = error
  }
  expect(caught, 'expected a DomainError, got success').toBeDefined()
  if (!isDomainError(caught)) throw caught
  return caught
}

/**
 * Every row of every table (migration bookkeeping left out), in a stable order: two equal snapshots prove a
 * refused command changed nothing, not just that row counts stayed.
 */
export async function snapshotDatabase(database: CrmDatabase): Promise<Record<string, unknown[]>> {
  const names = database.dialect === 'sqlite'
    ? (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like 'kysely_%'`.execute(database.db)).rows.map((r) => r.name)
    : (await sql<{ name: string }>`select tablename as name from pg_tables where schemaname = current_schema() and tablename not like 'kysely_%'`.execute(database.db)).rows.map((r) => r.name)
  const out: Record<string, unknown[]> = {}
  for (const name of names.sort()) {
    const rows = (await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(database.db)).rows
    out[name] = rows.map((r) => JSON.stringify(r, (_k, v) => (typeof v === 'bigint' ? Number(v) : v))).sort()
  }
  return out
}
