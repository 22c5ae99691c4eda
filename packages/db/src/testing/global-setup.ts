import pg from 'pg'
import { openDatabase } from '../open.ts'
import { findPgBinaries, startPgCluster, type PgCluster } from './pg-cluster.ts'

export const PG_TEMPLATE_DB = 'crm_template'

let cluster: PgCluster | undefined

/**
 * Vitest global setup: starts one throw-away PostgreSQL cluster for the whole run and migrates a template
 * database that each test copies. Where the binaries are missing, the PostgreSQL runs are skipped loudly
 * (or fail when CRM_REQUIRE_PG=1, as in CI).
 */
export async function setup(): Promise<void> {
  if (process.env.CRM_TEST_PG_URL) return
  const found = findPgBinaries()
  if (!found.dir) {
    const message = `PostgreSQL tests skipped: ${found.reason}`
    if (process.env.CRM_REQUIRE_PG === '1') throw new Error(`${message} (CRM_REQUIRE_PG=1)`)
    console.warn(`\n*** ${message} ***\n`)
    process.env.CRM_TEST_PG_SKIP_REASON = found.reason
    return
  }
  cluster = await startPgCluster(found.dir)
  const admin = new pg.Client({ connectionString: cluster.url })
  await admin.connect()
  await admin.query(`create database ${PG_TEMPLATE_DB}`)
  await admin.end()
  const template = await openDatabase(cluster.urlFor(PG_TEMPLATE_DB))
  await template.close()
  process.env.CRM_TEST_PG_URL = cluster.url
}

export async function teardown(): Promise<void> {
  cluster?.stop()
  cluster = undefined
}
