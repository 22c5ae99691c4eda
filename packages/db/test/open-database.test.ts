import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { contacts, DatabaseUnreachableError, isConnectionError, listPendingMigrations, migrateTo, numberSeries, openDatabase, parseDatabaseUrl, setup, sql, type CrmDatabase } from '../src/index.ts'
import { createTestDatabase, describeEachDialect } from '../src/testing/index.ts'

describeEachDialect('database', (dialect) => {
  let handle: CrmDatabase
  beforeEach(async () => {
    handle = await createTestDatabase(dialect)
  })
  afterEach(async () => {
    await handle.close()
  })

  it('migrates and seeds setup and number series', async () => {
    const row = await setup.get(handle.db)
    expect(row.dup_search_enabled).toBe(1)
    const series = await numberSeries.list(handle.db)
    expect(series.map((s) => s.code)).toContain('CONTACT')
  })

  it('takes numbers without gaps and gives a rolled-back number back', async () => {
    const now = new Date().toISOString()
    const first = await handle.db.transaction().execute((trx) => numberSeries.takeNext(trx, 'CONTACT', now))
    await expect(
      handle.db.transaction().execute(async (trx) => {
        await numberSeries.takeNext(trx, 'CONTACT', now)
        throw new Error('rollback')
      }),
    ).rejects.toThrow('rollback')
    const second = await handle.db.transaction().execute((trx) => numberSeries.takeNext(trx, 'CONTACT', now))
    expect([first, second]).toEqual(['CT000001', 'CT000002'])
  })

  it('hands out distinct consecutive numbers to concurrent transactions', async () => {
    const now = new Date().toISOString()
    const taken = await Promise.all(
      Array.from({ length: 20 }, () => handle.db.transaction().execute((trx) => numberSeries.takeNext(trx, 'SEGMENT', now))),
    )
    expect(new Set(taken).size).toBe(20)
    expect([...taken].sort()).toEqual(Array.from({ length: 20 }, (_, i) => `SG${String(i + 1).padStart(5, '0')}`))
  })

  it('finds contacts by token prefix with code-point ranges for any script', async () => {
    const now = new Date().toISOString()
    const base = { type: 'person' as const, created_at: now, modified_at: now, dup_name_key: 'x', inherit_company_address: 0 as const, privacy_blocked: 0 as const, exclude_from_segments: 0 as const }
    await contacts.insert(handle.db, { ...base, no: 'CT1', name: 'Ирина Соколова', name_folded: 'ирина соколова' })
    await contacts.insert(handle.db, { ...base, no: 'CT2', name: 'Þóra Guðmundsdóttir', name_folded: 'thora gudmundsdottir' })
    await contacts.replaceSearchTokens(handle.db, 'CT1', ['ирина', 'соколова'], 'ирина соколова')
    await contacts.replaceSearchTokens(handle.db, 'CT2', ['thora', 'gudmundsdottir'], 'thora gudmundsdottir')
    expect((await contacts.searchByTokenPrefixes(handle.db, ['ирин'], 10)).map((c) => c.no)).toEqual(['CT1'])
    expect((await contacts.searchByTokenPrefixes(handle.db, ['gudm', 'th'], 10)).map((c) => c.no)).toEqual(['CT2'])
    expect(await contacts.searchByTokenPrefixes(handle.db, ['gudm', 'ир'], 10)).toEqual([])
  })

  it('enforces foreign keys', async () => {
    const now = new Date().toISOString()
    await expect(
      contacts.insert(handle.db, {
        no: 'CT9', type: 'person', name: 'A', name_folded: 'a', dup_name_key: 'a', salesperson_code: 'NOPE',
        created_at: now, modified_at: now, inherit_company_address: 0, privacy_blocked: 0, exclude_from_segments: 0,
      }),
    ).rejects.toThrow()
    const n = await sql<{ n: number }>`select count(*) as n from contacts`.execute(handle.db)
    expect(Number(n.rows[0]!.n)).toBe(0)
  })
})

it('opens a SQLite file in WAL mode and migrates it once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-db-'))
  try {
    const url = `sqlite:${join(dir, 'nested', 'crm.sqlite')}`
    const a = await openDatabase(url)
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(a.db)
    expect(mode.rows[0]!.journal_mode).toBe('wal')
    await a.close()
    const b = await openDatabase(url)
    expect((await b.migrate()).applied).toEqual([])
    await b.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

it('migrates a new SQLite file once when several processes open it at the same moment', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-db-'))
  const url = `sqlite:${join(dir, 'crm.sqlite')}`
  const script = `import { openDatabase } from ${JSON.stringify(join(import.meta.dirname, '..', 'src', 'index.ts'))}\nconst d = await openDatabase(process.argv[1])\nawait d.close()`
  try {
    const runs = await Promise.all(Array.from({ length: 4 }, () => new Promise<{ code: number | null; err: string }>((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script, url], { stdio: ['ignore', 'ignore', 'pipe'] })
      let err = ''
      child.stderr.on('data', (d: Buffer) => (err += d.toString()))
      child.once('exit', (code) => resolve({ code, err }))
    })))
    expect(runs.map((r) => (r.code === 0 ? 'ok' : r.err.match(/^\w*Error: .*/m)?.[0] ?? r.err))).toEqual(['ok', 'ok', 'ok', 'ok'])
    const fresh = await openDatabase(':memory:', { migrate: false })
    const all = await listPendingMigrations(fresh.db, 'sqlite')
    await fresh.close()
    const handle = await openDatabase(url, { migrate: false })
    const applied = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(handle.db)
    await handle.close()
    expect(applied.rows.map((r) => r.name)).toEqual(all)
    expect(all).toContain('0012-session-leases')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}, 60_000)

it('keeps the campaign targets of entries logged before entries carried the target flag (migration 0013)', async () => {
  const handle = await openDatabase(':memory:', { migrate: false })
  try {
    await migrateTo(handle.db, 'sqlite', '0012-session-leases')
    const now = '2026-11-01T10:00:00.000Z'
    await sql`insert into contacts (no, type, name, name_folded, dup_name_key, created_at, modified_at) values ('CT000001', 'company', 'Hekla', 'hekla', 'hekla', ${now}, ${now})`.execute(handle.db)
    const entry = (no: string, campaign: string | null, response: number) =>
      sql`insert into interaction_log_entries (no, contact_no, template_code, group_code, channel, occurred_at, subject, currency_code, campaign_no, campaign_response, source, created_at)
          values (${no}, 'CT000001', 'EMAIL-OUT', 'EMAIL', 'email', ${now}, 'Offer', 'EUR', ${campaign}, ${response}, 'manual', ${now})`.execute(handle.db)
    await entry('IL1', 'CP0001', 0)
    await entry('IL2', 'CP0001', 1)
    await entry('IL3', null, 0)
    expect((await handle.migrate()).applied).toContain('0013-entry-campaign-target')
    const rows = await handle.db.selectFrom('interaction_log_entries').select(['no', 'campaign_target']).orderBy('no').execute()
    expect(rows).toEqual([{ no: 'IL1', campaign_target: 1 }, { no: 'IL2', campaign_target: 0 }, { no: 'IL3', campaign_target: 0 }])
  } finally {
    await handle.close()
  }
})

it('explains an unsupported database URL', () => {
  expect(() => parseDatabaseUrl('mysql://x@y/z')).toThrow(/Unsupported database URL.*postgres:\/\//)
  expect(parseDatabaseUrl('postgres://u:p@h/db').dialect).toBe('postgres')
  expect(parseDatabaseUrl('./x.sqlite')).toEqual({ dialect: 'sqlite', location: './x.sqlite' })
})

it('says a PostgreSQL server that cannot be reached could not be reached, not that a migration failed', async () => {
  const error = await openDatabase('postgres://crm:pw@127.0.0.1:1/x').then(() => undefined, (e: unknown) => e)
  expect(error).toBeInstanceOf(DatabaseUnreachableError)
  expect((error as Error).message).toBe('The database could not be reached: connect ECONNREFUSED 127.0.0.1:1')
  expect(isConnectionError((error as Error).cause)).toBe(true)
})
