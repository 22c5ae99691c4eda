// A small run of every benchmark, so `npm run bench` cannot rot between full runs. Timings are not asserted
// (benchmarks judge speed); the data they measure on and the shape of what they report are.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '@crm/db'
import { createTestDatabase, describeEachDialect } from '@crm/db/testing'
import { formatTable, runBenchmarks } from '../src/bench/run.ts'
import { SMOKE_SIZES } from '../src/bench/benchmarks.ts'
import { seedInteractions, seedOpportunities } from '../src/bench/seed.ts'
import { createCoreDeps, generateContacts, getForecast } from '@crm/core'
import { dovecotSkipReason } from '@crm/mail-ingest/dovecot'
import { benchMail, formatMailResult, mailResultRow } from '../src/bench/mail-bench.ts'
import { tempSqliteUrl } from './run-cli.ts'

describeEachDialect('benchmarks (smoke run)', (dialect) => {
  it('measures search, logging, advancing and the forecast with a baseline each', async () => {
    const sizes = { ...SMOKE_SIZES, contacts: 120, segmentContacts: 150, samples: 8 }
    const run = await runBenchmarks(sizes, [{ dialect, open: () => createTestDatabase(dialect) }], () => {}, () => createTestDatabase(dialect), { only: ['segments', 'search', 'activity', 'segment-log'] })
    expect(run.results.map((r) => r.benchmark)).toEqual(['segment build', 'contact search', 'interaction log', 'opportunity stage', 'forecast', 'segment log'])
    for (const r of run.results) {
      expect(r.dialect).toBe(dialect)
      expect(r.samples).toBeGreaterThan(0)
      expect(Number.isFinite(r.p95) && r.p95 >= r.p50).toBe(true)
      expect(Number.isFinite(r.baselineP95)).toBe(true)
    }
    const table = formatTable(run.results)
    expect(table).toContain('contact find, 10 results')
    expect(table.split('\n')).toHaveLength(2 + run.results.length)
  })

  it('builds the reports from segments and campaigns seeded set-based, and the baseline with as many pages', async () => {
    const work = mkdtempSync(join(tmpdir(), 'crm-bench-reports-'))
    let lines = 0
    try {
      const sizes = { ...SMOKE_SIZES, contacts: 120, interactionsPerContact: 2, reportSegments: 6, reportCampaigns: 2 }
      const open = async () => {
        const database = dialect === 'sqlite' ? await openDatabase(`sqlite:${join(work, 'bench.sqlite')}`) : await createTestDatabase(dialect)
        const close = database.close
        database.close = async () => {
          lines = Number((await database.db.selectFrom('segment_lines').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n)
          await close()
        }
        return database
      }
      const run = await runBenchmarks(sizes, [{ dialect, open }], () => {}, undefined, { only: ['reports'], workDir: work })
      expect(run.skipped).toEqual([])
      expect(run.results).toHaveLength(1)
      const r = run.results[0]!
      // Overview, pipeline, activity, segments, campaigns + one page per segment (all under 500 lines) + one per campaign.
      expect(r.measure).toMatch(/^crm reports build: 13 pages, \d+ CSV/)
      expect(r.baseline).toBe('Astro, 13 pages from static data')
      expect(r.size).toBe(`120 contacts, ${r.size.match(/(\d+) interactions/)![1]} interactions, 6 segments (${lines} lines), 2 campaigns`)
      expect(lines).toBeGreaterThan(0)
      expect(r.p95 > 0 && r.baselineP95 > 0 && Number.isFinite(r.ratio)).toBe(true)
      expect(run.notes[0]).toMatch(/^reports build \w+: 13 pages and \d+ CSV files in [\d.]+ s, peak RSS \d+ MB \(goal < 120 s, < 2048 MB\); baseline Astro 13 static pages in [\d.]+ s, peak RSS \d+ MB; ratio [\d.]+x$/)
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  }, 60_000)

  it('seeds interactions and opportunities set-based, consistent with the forecast', async () => {
    const database = await createTestDatabase(dialect)
    try {
      const deps = createCoreDeps(database)
      await generateContacts(deps, { contacts: 40, seed: 3, actor: { id: 'test', isAdmin: true } })
      expect(await seedInteractions(database, 3)).toBe(120)
      expect(await seedOpportunities(database)).toBe(40)
      const forecast = await getForecast(deps)
      expect(forecast.lines.reduce((n, l) => n + l.count, 0)).toBe(40)
      const sum = await database.db.selectFrom('opportunities').select((eb) => eb.fn.sum<number>('calculated_value_minor').as('v')).executeTakeFirstOrThrow()
      expect(Math.round(forecast.total.calculatedValue * 100)).toBe(Number(sum.v))
    } finally {
      await database.close()
    }
  })
})

describe('Slack bot benchmark (smoke run)', () => {
  it('times /crm contact show, contact find and opp next to the ack and to the answer, against a bare Bolt app', async () => {
    const sizes = { ...SMOKE_SIZES, contacts: 120, samples: 10 }
    const run = await runBenchmarks(sizes, [{ dialect: 'sqlite', open: () => createTestDatabase('sqlite') }], () => {}, undefined, { only: ['slack'] })
    expect(run.results.map((r) => r.measure)).toEqual(['contact show', 'contact find', 'opp next'].flatMap((c) => [`/crm ${c} -> ack`, `/crm ${c} -> response`]))
    for (const r of run.results) {
      expect(r).toMatchObject({ benchmark: 'slack bot', dialect: 'sqlite', goalMs: 50, samples: 10, baseline: 'bare Bolt app, ack only' })
      expect(r.size).toMatch(/^120 contacts, 240 interactions$/)
      expect(Number.isFinite(r.p95) && r.p95 >= r.p50 && r.baselineP95 > 0).toBe(true)
    }
    const byMeasure = Object.fromEntries(run.results.map((r) => [r.measure, r]))
    expect(byMeasure['/crm contact show -> response']!.p50).toBeGreaterThanOrEqual(byMeasure['/crm contact show -> ack']!.p50)
  })
})

describe('npm run bench', () => {
  it('prints one table and writes the results file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'crm-bench-main-'))
    try {
      const out = join(dir, 'results.json')
      const run = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'src', 'bench', 'run.ts'), '--smoke', '--only', 'search,activity', '--dialects', 'sqlite', '--contacts', '120', '--out', out], { encoding: 'utf8' })
      expect(run.status, run.stderr).toBe(0)
      const lines = run.stdout.split('\n')
      expect(lines[0]).toMatch(/^benchmark +dialect +measure +size +goal +p50 ms +p95 ms +rate +peak RSS +baseline +baseline p95\/rate +ratio +result$/)
      expect(lines.filter((l) => /^(contact search|interaction log|opportunity stage|forecast) +sqlite /.test(l))).toHaveLength(4)
      const saved = JSON.parse(readFileSync(out, 'utf8'))
      expect(saved.results.map((r: { benchmark: string }) => r.benchmark)).toEqual(['contact search', 'interaction log', 'opportunity stage', 'forecast'])
      expect(saved.sizes.contacts).toBe(120)
      const bad = spawnSync(process.execPath, [join(import.meta.dirname, '..', 'src', 'bench', 'run.ts'), '--only', 'speed'], { encoding: 'utf8' })
      expect(bad.status).toBe(1)
      expect(bad.stderr).toContain('--only takes segments, search, activity, reports, slack, segment-log, mail (comma-separated), not "speed"')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)
})

describe('bench table', () => {
  it('marks a missed goal', () => {
    const row = { benchmark: 'x', dialect: 'sqlite' as const, size: 's', measure: 'm', goalMs: 1, p50: 2, p95: 3, samples: 1, baseline: 'b', baselineP95: 1, ratio: 3, pass: false }
    expect(formatTable([row])).toContain('MISSED')
  })
})

const noDovecot = dovecotSkipReason()
describe.skipIf(!!noDovecot)(`mail benchmark (smoke run)${noDovecot ? ` (skipped: ${noDovecot})` : ''}`, () => {
  it('ingests a Dovecot backlog end to end and times a raw fetch + parse of the same messages', async () => {
    const tmp = tempSqliteUrl()
    try {
      const r = await benchMail(tmp.url, 40)
      expect(r.messages).toBe(40)
      expect(r.outcomes).toEqual({ logged: 34, unmatched: 2, ignored: 2, rejected: 2 })
      expect(r.perSecond).toBeGreaterThan(0)
      expect(r.peakRssMb).toBeGreaterThan(0)
      expect(Number.isFinite(r.ratio) && r.ratio > 0).toBe(true)
      const table = formatTable([mailResultRow(r)])
      expect(table).toMatch(/mail ingest +sqlite +IMAP backlog end to end .* +40 messages in Dovecot, 1000 contacts +>= 100 msg\/s, RSS < 300 MB +- +- +\d+ msg\/s +\d+ MB +raw imapflow fetch \+ postal-mime parse +\d+ msg\/s +[\d.]+x +(ok|MISSED)/)
      expect(formatMailResult(r)).toMatch(/^mail ingest \(sqlite\): 40 messages from Dovecot in [\d.]+ s = \d+ msg\/s \(goal >= 100: (ok|MISSED)\), peak RSS of the ingester process \d+ MB/)
    } finally {
      tmp.cleanup()
    }
  })
})
