import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { describe } from 'vitest'
import { openDatabase, type CrmDatabase } from '../open.ts'
import type { DialectName } from '../migrations/index.ts'

export { findPgBinaries, startPgCluster, type PgCluster } from './pg-cluster.ts'

const TEMPLATE_DB = 'crm_template'

/** Why PostgreSQL runs are skipped in this test run, or undefined when they run. */
export function pgSkipReason(): string | undefined {
  if (process.env.CRM_TEST_PG_URL) return undefined
  return process.env.CRM_TEST_PG_SKIP_REASON ?? 'the PostgreSQL test cluster was not started'
}

/** The dialects every db and core suite runs on. */
export const TEST_DIALECTS: DialectName[] = ['sqlite', 'postgres']

/** A fresh, migrated PostgreSQL database copied from the template, as a URL for code that opens it itself; drop() removes it. */
export async function createTestPgUrl(): Promise<{ url: string; drop(): Promise<void> }> {
  const base = process.env.CRM_TEST_PG_URL
  if (!base) throw new Error(`PostgreSQL is not available: ${pgSkipReason()}`)
  const name = `t_${randomBytes(6).toString('hex')}`
  const admin = new pg.Client({ connectionString: base })
  await admin.connect()
  try {
    await admin.query(`create database ${name} template ${TEMPLATE_DB}`)
  } finally {
    await admin.end()
  }
  return {
    url: base.replace(/\/[^/]*$/, `/${name}`),
    async drop() {
      const dropper = new pg.Client({ connectionString: base })
      await dropper.connect()
      await dropper.query(`drop database if exists ${name}`).catch(() => undefined)
      await dropper.end()
    },
  }
}

/** A fresh, migrated database of the dialect: in-memory SQLite, or a copy of the migrated PostgreSQL template. */
export async function createTestDatabase(dialect: DialectName): Promise<CrmDatabase> {
  if (dialect === 'sqlite') return openDatabase(':memory:')
  const copy = await createTestPgUrl()
  const handle = await openDatabase(copy.url, { poolSize: 5 })
  const close = handle.close
  handle.close = async () => {
    await close()
    await copy.drop()
  }
  return handle
}

/** Runs a suite once per dialect; the PostgreSQL run is skipped with its reason printed where PG is missing. */
export function describeEachDialect(name: string, fn: (dialect: DialectName) => void): void {
  for (const dialect of TEST_DIALECTS) {
    const reason = dialect === 'postgres' ? pgSkipReason() : undefined
    if (reason) {
      describe.skip(`${name} [${dialect}] (skipped: ${reason})`, () => fn(dialect))
    } else {
      describe(`${name} [${dialect}]`, () => fn(dialect))
    }
  }
}
