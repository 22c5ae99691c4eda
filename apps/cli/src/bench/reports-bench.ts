// The reports build at scale: segments and campaigns seeded set-based on the bench database (on top of its
// contacts, interactions and opportunities), the real build (`crm reports build`) timed with its peak memory,
// and, in the same run, plain Astro building the same number of pages from a JSON file.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { sql, type CrmDatabase } from '@crm/db'
import { buildBaselineSite, buildReportsSite, type BaselineSummary, type BuildSummary } from '@crm/reports'
import type { BenchResult } from './benchmarks.ts'
import { seedInteractions, seedOpportunities } from './seed.ts'

/** Segment sizes cycle through these moduli: a segment holds the contacts whose number is r modulo m. */
const MODULI = [10, 20, 50, 100, 200, 400]
const STATUSES = ['ACTIVE', 'DONE', 'PLANNED']

export interface ReportsBenchSizes {
  segments: number
  campaigns: number
  /** Interaction entries per contact when the database has none yet (the activity bench seeds them otherwise). */
  interactionsPerContact: number
}

export interface ReportsBenchRun {
  result: BenchResult
  build: BuildSummary
  baseline: BaselineSummary
  data: { contacts: number; interactions: number; segments: number; segmentLines: number; campaigns: number }
  /** Lines for the bench output: pages, time and peak memory of both builds, against the goals. */
  notes: string[]
}

const GOAL_SECONDS = 120
const GOAL_RSS_MB = 2048

function rowsOf(n: number, make: (i: number) => string): ReturnType<typeof sql.raw> {
  return sql.raw(`(${Array.from({ length: n }, (_, i) => make(i + 1)).join(' union all ')})`)
}

async function count(database: CrmDatabase, table: 'contacts' | 'interaction_log_entries' | 'opportunities' | 'segment_lines'): Promise<number> {
  const row = await database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Seeds `segments` segments (BS00001...) of the contacts whose number is r modulo m (m cycling 10..400, so sizes
 * from 1/10 to 1/400 of the contacts) with one recorded step each, and `campaigns` campaigns (BC0001...), the
 * first `campaigns` segments linked one each and logged (one EMAIL-OUT per line), every fifth line responding
 * (EMAIL-IN over 18 days), a tenth of the respondents' opportunities linked to the campaign, a third of those won.
 */
export async function seedSegmentsAndCampaigns(database: CrmDatabase, sizes: { segments: number; campaigns: number }): Promise<void> {
  const at = '2026-11-01T09:00:00.000Z'
  const seg = (i: number) => `BS${String(i).padStart(5, '0')}`
  const camp = (i: number) => `BC${String(i).padStart(4, '0')}`
  const linked = Math.min(sizes.segments, sizes.campaigns)
  await database.db.transaction().execute(async (trx) => {
    if (sizes.campaigns > 0) {
      await trx
        .insertInto('campaigns')
        .values(Array.from({ length: sizes.campaigns }, (_, k) => ({ no: camp(k + 1), description: `Bench campaign ${k + 1}`, status_code: STATUSES[k % STATUSES.length]!, starting_date: '2026-11-01', ending_date: '2026-12-31', salesperson_code: null, created_at: at, modified_at: at })))
        .execute()
    }
    await trx
      .insertInto('segments')
      .values(Array.from({ length: sizes.segments }, (_, k) => ({
        no: seg(k + 1), description: `Bench segment ${k + 1}`, salesperson_code: null, campaign_no: k < linked ? camp(k + 1) : null,
        template_code: null, subject: null, created_at: at, created_by: 'bench', logged_at: k < linked ? at : null, log_canceled_at: null, follow_up_of: null,
      })))
      .execute()
    const defs = rowsOf(sizes.segments, (i) => `select '${seg(i)}' as no, ${MODULI[i % MODULI.length]} as m, ${i % MODULI[i % MODULI.length]!} as r`)
    await sql`
      insert into segment_lines (segment_no, contact_no, contact_company_no, step_id, added_at)
      select d.no, c.no, c.company_no, cast(null as integer), ${at}
      from ${defs} d join contacts c on cast(substr(c.no, 3) as integer) % d.m = d.r
      where c.erased_at is null and c.exclude_from_segments = 0 and c.privacy_blocked = 0
    `.execute(trx)
    await sql`
      insert into segment_steps (segment_no, seq, action, criteria, options, added, removed, undone_at, at, actor)
      select d.no, 1, 'add', 'bench: contact number ' || cast(d.r as text) || ' modulo ' || cast(d.m as text), null,
             (select count(*) from segment_lines l where l.segment_no = d.no), 0, null, ${at}, 'bench'
      from ${defs} d
    `.execute(trx)
    if (linked === 0) return
    const entry = (prefix: string, template: string, group: string, channel: string, response: 0 | 1, day: ReturnType<typeof sql>, segmentNo: ReturnType<typeof sql>) => sql`
      insert into interaction_log_entries
        (no, contact_no, contact_company_no, template_code, group_code, channel, occurred_at, subject, salesperson_code, cost_minor,
         currency_code, duration_min, attempt_failed, information_flow, initiated_by, campaign_no, segment_no, campaign_response,
         campaign_target, source, canceled, created_at, created_by)
      select ${prefix} || cast(l.id as text), l.contact_no, l.contact_company_no, ${template}, ${group}, ${channel}, ${day}, 'Bench campaign mail', null, 10,
             'EUR', 0, 0, null, null, s.campaign_no, ${segmentNo}, ${sql.lit(response)}, ${sql.lit(1 - response)}, 'segment', 0, ${at}, 'bench'
      from segment_lines l join segments s on s.no = l.segment_no
      where s.campaign_no is not null ${response ? sql`and l.id % 5 = 0` : sql``}
    `
    await entry('BL', 'EMAIL-OUT', 'EMAIL', 'email', 0, sql`${at}`, sql`s.no`).execute(trx)
    await entry('BR', 'EMAIL-IN', 'EMAIL', 'email', 1, sql`'2026-11-' || cast(10 + l.id % 18 as text) || 'T10:00:00.000Z'`, sql`null`).execute(trx)
    await sql`
      update opportunities set campaign_no = (
        select min(i.campaign_no) from interaction_log_entries i where i.contact_no = opportunities.contact_no and i.campaign_response = 1 and i.campaign_no is not null)
      where cast(substr(contact_no, 3) as integer) % 10 = 0
        and exists (select 1 from interaction_log_entries i where i.contact_no = opportunities.contact_no and i.campaign_response = 1 and i.campaign_no is not null)
    `.execute(trx)
    await sql`
      update opportunities set status = 'won', closed_at = '2026-11-25T10:00:00.000Z', close_code = 'WON-QUALITY'
      where campaign_no is not null and cast(substr(contact_no, 3) as integer) % 30 = 0
    `.execute(trx)
  })
}

/** The baseline's data: as many pages as the site has, each a table of `rows` rows and six columns. */
function writeBaselineData(file: string, pages: number, rows: number): void {
  const columns = ['No.', 'Name', 'Company', 'Industry group', 'Country', 'Salesperson']
  const out = Array.from({ length: pages }, (_, p) => ({
    title: `Static page ${p + 1}`,
    columns,
    rows: Array.from({ length: rows }, (_, r) => [`CT${String(p * rows + r).padStart(6, '0')}`, `Contact ${r} of page ${p}`, `Company ${r % 97}`, 'FISHING', 'IS', 'SG']),
  }))
  writeFileSync(file, JSON.stringify({ pages: out }))
}

/**
 * Seeds segments and campaigns (and interactions and opportunities when the database has none), builds the
 * reports from `databaseUrl` into `workDir`, then the baseline with the same number of pages; one result.
 */
export async function benchReports(database: CrmDatabase, databaseUrl: string, sizes: ReportsBenchSizes, workDir: string, log: (line: string) => void = () => {}): Promise<ReportsBenchRun> {
  if ((await count(database, 'interaction_log_entries')) === 0) {
    log(`${database.dialect}: seeding interactions and opportunities for the reports`)
    await seedInteractions(database, sizes.interactionsPerContact)
    await seedOpportunities(database)
  }
  log(`${database.dialect}: seeding ${sizes.segments} segments and ${sizes.campaigns} campaigns`)
  await seedSegmentsAndCampaigns(database, sizes)
  if (database.dialect === 'postgres') await sql`vacuum analyze`.execute(database.db)
  const data = {
    contacts: await count(database, 'contacts'),
    interactions: await count(database, 'interaction_log_entries'),
    segments: sizes.segments,
    segmentLines: await count(database, 'segment_lines'),
    campaigns: sizes.campaigns,
  }
  mkdirSync(workDir, { recursive: true })
  const siteDir = join(workDir, 'reports-site')
  log(`${database.dialect}: building the reports (${data.segmentLines} segment lines)`)
  const build = await buildReportsSite({ outDir: siteDir, databaseUrl, env: { ...process.env, CRM_REPORTS_AS_OF: '2026-12-01T12:00:00Z' } })
  rmSync(siteDir, { recursive: true, force: true })
  const dataFile = join(workDir, 'baseline-pages.json')
  writeBaselineData(dataFile, build.htmlPages, build.info.pageSize)
  log(`${database.dialect}: building the baseline (${build.htmlPages} static pages)`)
  const baseline = await buildBaselineSite({ dataFile, outDir: join(workDir, 'baseline-site') })
  rmSync(join(workDir, 'baseline-site'), { recursive: true, force: true })
  rmSync(dataFile, { force: true })
  const ms = build.seconds * 1000
  const result: BenchResult = {
    benchmark: 'reports build',
    dialect: database.dialect,
    size: `${data.contacts} contacts, ${data.interactions} interactions, ${data.segments} segments (${data.segmentLines} lines), ${data.campaigns} campaigns`,
    measure: `crm reports build: ${build.htmlPages} pages, ${build.csvFiles} CSV (one run)`,
    goalMs: GOAL_SECONDS * 1000,
    p50: ms,
    p95: ms,
    samples: 1,
    baseline: `Astro, ${baseline.htmlPages} pages from static data`,
    baselineP95: baseline.seconds * 1000,
    ratio: build.seconds / baseline.seconds,
    pass: build.seconds < GOAL_SECONDS && build.peakRssMb < GOAL_RSS_MB,
    goal: `< ${GOAL_SECONDS} s, RSS < ${GOAL_RSS_MB} MB`,
    peakRssMb: build.peakRssMb,
  }
  const notes = [
    `reports build ${database.dialect}: ${build.htmlPages} pages and ${build.csvFiles} CSV files in ${build.seconds.toFixed(1)} s, peak RSS ${Math.round(build.peakRssMb)} MB (goal < ${GOAL_SECONDS} s, < ${GOAL_RSS_MB} MB); ` +
      `baseline Astro ${baseline.htmlPages} static pages in ${baseline.seconds.toFixed(1)} s, peak RSS ${Math.round(baseline.peakRssMb)} MB; ratio ${result.ratio.toFixed(2)}x`,
  ]
  return { result, build, baseline, data, notes }
}
