// `npm run bench`: every benchmark of the project on SQLite and on a throw-away PostgreSQL cluster, one table
// on stdout and bench/results.json. Usage: npm run bench [-- --smoke] [--dialects sqlite,postgres] [--contacts N]
// [--only reports,search,slack,...,mail] [--mail-messages N] [--mail-contacts N]
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { openDatabase, type CrmDatabase, type DialectName } from '@crm/db'
import { findPgBinaries, startPgCluster, type PgCluster } from '@crm/db/pg-cluster'
import { benchActivity, benchSearch, benchSegmentLog, benchSegments, FULL_SIZES, loadContacts, SMOKE_SIZES, type BenchResult, type BenchSizes } from './benchmarks.ts'
import { timeOnce } from './stats.ts'
import { benchReports } from './reports-bench.ts'
import { seedInteractions, seedOpportunities } from './seed.ts'
import { benchSlack } from './slack.ts'
import { benchMail, formatMailResult, mailResultRow, type MailBenchResult } from './mail-bench.ts'
import { dovecotSkipReason } from '@crm/mail-ingest/dovecot'

/** The benchmark groups `--only` chooses from. */
export const BENCH_GROUPS = ['segments', 'search', 'activity', 'reports', 'slack', 'segment-log', 'mail'] as const
export type BenchGroup = (typeof BENCH_GROUPS)[number]

const root = resolve(import.meta.dirname, '../../../..')

export interface BenchRun {
  sizes: BenchSizes
  results: BenchResult[]
  setup: Array<{ dialect: DialectName; step: string; seconds: number }>
  skipped: Array<{ dialect: DialectName; reason: string }>
  /** Lines printed under the table (the reports build's pages, times and peak memory). */
  notes: string[]
}

/** Runs every benchmark on a fresh database of each dialect; `open` supplies the database. */
export async function runBenchmarks(
  sizes: BenchSizes,
  dialects: Array<{ dialect: DialectName; open: () => Promise<CrmDatabase> }>,
  log: (line: string) => void = () => {},
  segmentsOn?: () => Promise<CrmDatabase>,
  options: { only?: readonly BenchGroup[]; workDir?: string } = {},
): Promise<BenchRun> {
  const run: BenchRun = { sizes, results: [], setup: [], skipped: [], notes: [] }
  const want = (group: BenchGroup) => !options.only || options.only.includes(group)
  if (segmentsOn && want('segments')) {
    const database = await segmentsOn()
    try {
      log(`${database.dialect}: generating ${sizes.segmentContacts} contacts for the segment benchmarks`)
      run.setup.push({ dialect: database.dialect, step: `generate ${sizes.segmentContacts} contacts`, seconds: (await timeOnce(() => loadContacts(database, { ...sizes, contacts: sizes.segmentContacts }))) / 1000 })
      log(`${database.dialect}: segment build and log`)
      run.results.push(...(await benchSegments(database, sizes.segmentContacts, 5)))
    } finally {
      await database.close()
    }
  }
  for (const { dialect, open } of dialects) {
    const database = await open()
    try {
      log(`${dialect}: generating ${sizes.contacts} contacts`)
      run.setup.push({ dialect, step: `generate ${sizes.contacts} contacts`, seconds: (await timeOnce(() => loadContacts(database, sizes))) / 1000 })
      if (want('search')) {
        log(`${dialect}: contact search`)
        run.results.push(...(await benchSearch(database, sizes)))
      }
      if (want('activity')) {
        log(`${dialect}: seeding ${sizes.contacts * sizes.interactionsPerContact} interactions and ${sizes.contacts} opportunities, then logging, advancing, forecasting`)
        run.results.push(...(await benchActivity(database, sizes)))
      }
      if (want('reports')) {
        // The build runs in its own process, so it needs a database it can open by URL.
        if (database.displayUrl.includes(':memory:') || !options.workDir) run.skipped.push({ dialect, reason: 'reports build: needs a database file or server and a work folder' })
        else {
          const reports = await benchReports(database, database.displayUrl, { segments: sizes.reportSegments, campaigns: sizes.reportCampaigns, interactionsPerContact: sizes.interactionsPerContact }, join(options.workDir, `reports-${dialect}`), log)
          run.results.push(reports.result)
          run.notes.push(...reports.notes)
        }
      }
      // The issue sets the bot's goal on SQLite; one dialect keeps the run short.
      if (want('slack') && dialect === 'sqlite') {
        if ((await database.db.selectFrom('interaction_log_entries').select('no').limit(1).execute()).length === 0) {
          log(`${dialect}: seeding ${sizes.contacts * sizes.interactionsPerContact} interactions and ${sizes.contacts} opportunities`)
          run.setup.push({ dialect, step: 'seed interactions and opportunities', seconds: (await timeOnce(async () => { await seedInteractions(database, sizes.interactionsPerContact); await seedOpportunities(database) })) / 1000 })
        }
        log(`${dialect}: /crm contact show, contact find and opp next through the Slack bot, against a bare Bolt app`)
        run.results.push(...(await benchSlack(database, sizes)))
      }
      if (want('segment-log')) {
        log(`${dialect}: logging a segment of every contact`)
        run.results.push(...(await benchSegmentLog(database)))
      }
    } finally {
      await database.close()
    }
  }
  return run
}

const ms = (v: number) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(1)) : '-')

/** The table `npm run bench` prints: every benchmark one row, the mail ingest and the reports build among them. */
export function formatTable(results: readonly BenchResult[]): string {
  const header = ['benchmark', 'dialect', 'measure', 'size', 'goal', 'p50 ms', 'p95 ms', 'rate', 'peak RSS', 'baseline', 'baseline p95/rate', 'ratio', 'result']
  const rows = results.map((r) => [
    r.benchmark,
    r.dialect,
    r.measure,
    r.size,
    r.goal ?? (r.goalMs === null ? '-' : `p95 < ${r.goalMs} ms`),
    ms(r.p50),
    ms(r.p95),
    r.rate ?? '-',
    r.peakRssMb === undefined ? '-' : `${Math.round(r.peakRssMb)} MB`,
    r.baseline,
    r.baselineFigure ?? `${ms(r.baselineP95)} ms`,
    Number.isFinite(r.ratio) ? `${r.ratio.toFixed(1)}x` : '-',
    r.pass === null ? '-' : r.pass ? 'ok' : 'MISSED',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n')
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { smoke: { type: 'boolean' }, dialects: { type: 'string' }, contacts: { type: 'string' }, 'segment-contacts': { type: 'string' }, out: { type: 'string' }, only: { type: 'string' }, 'mail-messages': { type: 'string' }, 'mail-contacts': { type: 'string' } },
  })
  const only = values.only?.split(',').map((g) => g.trim()).filter(Boolean)
  const unknown = only?.filter((g) => !(BENCH_GROUPS as readonly string[]).includes(g)) ?? []
  if (unknown.length) throw new Error(`--only takes ${BENCH_GROUPS.join(', ')} (comma-separated), not "${unknown.join(', ')}"`)
  const sizes: BenchSizes = { ...(values.smoke ? SMOKE_SIZES : FULL_SIZES) }
  if (values.contacts) {
    const n = Number(values.contacts)
    if (!Number.isInteger(n) || n < 10) throw new Error(`--contacts must be a whole number of at least 10, not "${values.contacts}"`)
    sizes.contacts = n
  }
  if (values['segment-contacts']) {
    const n = Number(values['segment-contacts'])
    if (!Number.isInteger(n) || n < 10) throw new Error(`--segment-contacts must be a whole number of at least 10, not "${values['segment-contacts']}"`)
    sizes.segmentContacts = n
  }
  // The bot's benchmark runs on SQLite only: --only slack needs no PostgreSQL cluster.
  const wanted = (values.dialects ?? (only?.every((g) => g === 'slack' || g === 'segments') ? 'sqlite' : 'sqlite,postgres')).split(',').map((d) => d.trim()) as DialectName[]
  const mailMessages = Number(values['mail-messages'] ?? (values.smoke ? 200 : 5000))
  if (!Number.isInteger(mailMessages) || mailMessages < 10) throw new Error(`--mail-messages must be a whole number of at least 10, not "${values['mail-messages']}"`)
  // Matched against as many contacts as the other benchmarks use, so a lookup that scans contacts shows.
  const mailContacts = Number(values['mail-contacts'] ?? (values.smoke ? 1000 : 100_000))
  if (!Number.isInteger(mailContacts) || mailContacts < 100) throw new Error(`--mail-contacts must be a whole number of at least 100, not "${values['mail-contacts']}"`)
  // The mail benchmark brings its own database and Dovecot: `--only mail` needs no contact database at all.
  if (only && only.every((g) => g === 'mail')) wanted.length = 0
  const work = mkdtempSync(join(tmpdir(), 'crm-bench-'))
  let cluster: PgCluster | undefined
  const dialects: Array<{ dialect: DialectName; open: () => Promise<CrmDatabase> }> = []
  const skipped: BenchRun['skipped'] = []
  if (wanted.includes('sqlite')) dialects.push({ dialect: 'sqlite', open: () => openDatabase(`sqlite:${join(work, 'bench.sqlite')}`) })
  if (wanted.includes('postgres')) {
    const found = findPgBinaries()
    if (found.dir) {
      dialects.push({
        dialect: 'postgres',
        async open() {
          cluster = await startPgCluster(found.dir!)
          const admin = new pg.Client({ connectionString: cluster.url })
          await admin.connect()
          await admin.query('create database bench')
          await admin.end()
          return openDatabase(cluster.urlFor('bench'))
        },
      })
    } else {
      skipped.push({ dialect: 'postgres', reason: found.reason ?? 'no PostgreSQL binaries' })
      console.warn(`*** PostgreSQL benchmarks skipped: ${found.reason} ***`)
    }
  }
  try {
    const segmentsOn = wanted.includes('sqlite') ? () => openDatabase(`sqlite:${join(work, 'segments.sqlite')}`) : undefined
    const run = await runBenchmarks(sizes, dialects, (line) => console.error(`bench: ${line}`), segmentsOn, { ...(only ? { only: only as BenchGroup[] } : {}), workDir: work })
    run.skipped.push(...skipped)
    const mailRun: { mail?: MailBenchResult } = {}
    if (!only || only.includes('mail')) {
      const reason = dovecotSkipReason()
      if (reason) {
        console.warn(`*** mail benchmark skipped: ${reason} ***`)
        run.skipped.push({ dialect: 'sqlite', reason: `mail: ${reason}` })
      } else {
        mailRun.mail = await benchMail(`sqlite:${join(work, 'mail.sqlite')}`, mailMessages, (line) => console.error(`bench: ${line}`), mailContacts)
        run.results.push(mailResultRow(mailRun.mail))
        run.notes.push(formatMailResult(mailRun.mail))
      }
    }
    if (run.results.length) console.log(formatTable(run.results))
    for (const note of run.notes) console.log(note)
    for (const s of run.skipped) console.log(`skipped ${s.dialect}: ${s.reason}`)
    for (const s of run.setup) console.log(`setup ${s.dialect}: ${s.step} took ${s.seconds.toFixed(1)} s`)
    const out = resolve(values.out ?? join(root, 'bench', 'results.json'))
    mkdirSync(join(out, '..'), { recursive: true })
    writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), node: process.version, ...run, ...mailRun }, null, 2) + '\n')
    console.log(`results written to ${out}`)
  } finally {
    cluster?.stop()
    rmSync(work, { recursive: true, force: true })
  }
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(`bench: ${error instanceof Error ? error.message : String(error)}`)
    process.exit(1)
  })
}
