import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { CHANNELS, createCoreDeps, formatMoney, readCsv, updateContact } from '@crm/core'
import { openDatabase, sql, type CrmDatabase, type Executor } from '@crm/db'
import { createTestDatabase, pgSkipReason } from '@crm/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HOSTILE_NAMES, seedReportData } from '../../../packages/core/test/report-fixture.ts'
import { seedCampaignData } from '../../../packages/core/test/campaign-fixture.ts'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '../../..')
const NOW = '2026-11-20T10:00:00.000Z'
const PAGES = ['index.html', 'pipeline.html', 'activity.html', 'segments.html', 'campaigns.html']
/** One page of each kind: the fixed pages, a segment's first and later page, a campaign. */
const PAGE_TYPES = [...PAGES, 'segment-SG00001.html', 'segment-SG00001-p2.html', 'campaign-CP0001.html']
const CHROMIUM = '/usr/bin/chromium'
const FORMULA_NAMES = ['=1+1', '@SUM(A1)'] as const

/** Builds the site from a database URL into a fresh folder, the way `npm run reports -- --out DIR` does. */
async function buildSite(databaseUrl: string, outDir: string): Promise<void> {
  await run(process.execPath, [join(root, 'apps/reports/src/build.ts'), '--out', outDir], {
    cwd: root,
    // Two contacts a page, so the five-line segment has three pages.
    env: { ...process.env, DATABASE_URL: databaseUrl, CRM_REPORTS_AS_OF: NOW, CRM_REPORTS_QUIET: '1', ASTRO_TELEMETRY_DISABLED: '1', CRM_REPORTS_PAGE_SIZE: '2' },
  })
}

/** Every file of a folder, relative to it. */
function filesOf(dir: string, prefix = ''): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesOf(dir, join(prefix, e.name)) : [join(prefix, e.name)]))
}

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8')
/** The text of an element with a data attribute, tags removed and entities of the formatted numbers kept. */
function kpi(html: string, key: string): string {
  const m = new RegExp(`data-kpi="${key}"><dt>[^<]*</dt><dd>([^<]*)</dd>`).exec(html)
  if (!m) throw new Error(`no KPI ${key}`)
  return m[1]!
}
/** Rows of the HTML table in a section, as arrays of cell text. */
function tableRows(html: string, id: string): string[][] {
  const section = new RegExp(`<section[^>]*data-table="${id}"[^>]*>([\\s\\S]*?)</section>`).exec(html)?.[1] ?? ''
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(section)?.[1] ?? ''
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => [...r[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]!))
}

/** The twelve months of the per-month activity as of NOW, and where they start. */
const MONTHS = ['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10', '2026-11']

/**
 * The per-month activity table as SQL computes it, one plain grouped query per measure: rows per salesperson
 * (then the one without) and measure, a column per month and the total.
 */
async function expectedActivityByMonth(db: Executor): Promise<string[][]> {
  const grouped = async (table: string, at: string, where: string) =>
    (await sql<{ code: string | null; month: string; n: number }>`select salesperson_code as code, substr(${sql.raw(at)}, 1, 7) as month, count(*) as n from ${sql.raw(table)}
      where ${sql.raw(where)} and ${sql.raw(at)} >= '2025-12-01' and ${sql.raw(at)} < '2026-11-21' group by salesperson_code, substr(${sql.raw(at)}, 1, 7)`.execute(db)).rows
  const measures = [
    ['Interactions', await grouped('interaction_log_entries', 'occurred_at', 'canceled = 0')],
    ['Opportunities created', await grouped('opportunities', 'created_at', '1 = 1')],
    ['Opportunities won', await grouped('opportunities', 'closed_at', "status = 'won'")],
  ] as const
  const people: Array<string | null> = (await sql<{ code: string }>`select code from salespeople order by code`.execute(db)).rows.map((r) => r.code)
  if (measures.some(([, rows]) => rows.some((r) => r.code === null))) people.push(null)
  return people.flatMap((code) => measures.map(([label, rows]) => {
    const cells = MONTHS.map((month) => Number(rows.find((r) => r.code === code && r.month === month)?.n ?? 0))
    return [code ?? '(no salesperson)', label, ...cells.map(String), String(cells.reduce((a, b) => a + b, 0))]
  }))
}

describe('reports site built from a seeded database', () => {
  let work: string
  let site: string
  let expected: { openCount: number; estimated: number; calculated: number; byStage: Array<{ stage: number; n: number; est: number; calc: number }>; interactions: number }
  let sqlOf: {
    sizes: Array<{ no: string; n: number }>
    industry: Array<{ code: string; n: number }>
    campaigns: Array<{ no: string; targets: number; respondents: number; est: number; won: number }>
    forecast: Array<{ month: string | null; n: number; est: number; calc: number }>
    bySalesperson: Array<{ code: string | null; n: number; est: number; calc: number }>
    weeks: Array<{ week: string; channel: string; n: number }>
    activityByMonth: string[][]
  }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'crm-reports-'))
    site = join(work, 'site')
    const url = `sqlite:${join(work, 'crm.sqlite')}`
    const database: CrmDatabase = await openDatabase(url)
    try {
      const deps = createCoreDeps(database, { clock: () => new Date(NOW) })
      const base = await seedReportData(deps, { id: 'test', isAdmin: true })
      await seedCampaignData(deps, { id: 'test', isAdmin: true }, base.thora, base.tokyo)
      const db = database.db
      // Names a spreadsheet would run as formulas (CSV injection): SG00002's one contact and the empty SG00003.
      await updateContact(deps, { id: 'test', isAdmin: true }, { no: base.tokyo, name: FORMULA_NAMES[0] })
      await sql`update segments set description = ${FORMULA_NAMES[1]} where no = 'SG00003'`.execute(db)
      const open = await sql<{ n: number; est: number; calc: number }>`select count(*) as n, sum(estimated_value_minor) as est, sum(calculated_value_minor) as calc from opportunities where status in ('not_started', 'in_progress')`.execute(db)
      const byStage = await sql<{ stage: number; n: number; est: number; calc: number }>`select current_stage as stage, count(*) as n, sum(estimated_value_minor) as est, sum(calculated_value_minor) as calc from opportunities where status in ('not_started', 'in_progress') group by current_stage order by current_stage`.execute(db)
      const interactions = await sql<{ n: number }>`select count(*) as n from interaction_log_entries where canceled = 0 and occurred_at >= '2026-08-23' and occurred_at < '2026-11-21'`.execute(db)
      const sizes = await sql<{ no: string; n: number }>`select s.no, count(l.id) as n from segments s left join segment_lines l on l.segment_no = s.no group by s.no order by s.no`.execute(db)
      const industry = await sql<{ code: string; n: number }>`
        select x.code, count(*) as n from segment_lines l
        join (select contact_no, code from contact_industry_groups
              union select c.no, k.code from contacts c join contact_industry_groups k on k.contact_no = c.company_no) x on x.contact_no = l.contact_no
        where l.segment_no = 'SG00001' group by x.code order by x.code`.execute(db)
      const campaigns = await sql<{ no: string; targets: number; respondents: number; est: number; won: number }>`
        select c.no,
          (select count(distinct l.contact_no) from segment_lines l join segments s on s.no = l.segment_no where s.campaign_no = c.no) as targets,
          (select count(distinct i.contact_no) from interaction_log_entries i where i.campaign_no = c.no and i.campaign_response = 1 and i.canceled = 0) as respondents,
          (select coalesce(sum(o.estimated_value_minor), 0) from opportunities o where o.campaign_no = c.no) as est,
          (select coalesce(sum(o.estimated_value_minor), 0) from opportunities o where o.campaign_no = c.no and o.status = 'won') as won
        from campaigns c order by c.no`.execute(db)
      const forecast = await sql<{ month: string | null; n: number; est: number; calc: number }>`
        select substr(estimated_close_date, 1, 7) as month, count(*) as n, sum(estimated_value_minor) as est, sum(calculated_value_minor) as calc
        from opportunities where status in ('not_started', 'in_progress')
        group by substr(estimated_close_date, 1, 7) order by estimated_close_date is null, substr(estimated_close_date, 1, 7)`.execute(db)
      const bySalesperson = await sql<{ code: string | null; n: number; est: number; calc: number }>`
        select salesperson_code as code, count(*) as n, sum(estimated_value_minor) as est, sum(calculated_value_minor) as calc
        from opportunities where status in ('not_started', 'in_progress') group by salesperson_code order by salesperson_code is null, salesperson_code`.execute(db)
      // The ISO week in SQL: the week's Thursday names its year, and its day of the year its number.
      const weeks = await sql<{ week: string; channel: string; n: number }>`
        select y || '-W' || substr('0' || w, -2) as week, channel, count(*) as n from (
          select channel,
            strftime('%Y', date(substr(occurred_at, 1, 10), '-3 days', 'weekday 4')) as y,
            (cast(strftime('%j', date(substr(occurred_at, 1, 10), '-3 days', 'weekday 4')) as integer) - 1) / 7 + 1 as w
          from interaction_log_entries where canceled = 0 and occurred_at >= '2026-08-23' and occurred_at < '2026-11-21')
        group by y, w, channel`.execute(db)
      sqlOf = {
        sizes: sizes.rows, industry: industry.rows, campaigns: campaigns.rows, forecast: forecast.rows, bySalesperson: bySalesperson.rows, weeks: weeks.rows,
        activityByMonth: await expectedActivityByMonth(db),
      }
      expected = { openCount: open.rows[0]!.n, estimated: open.rows[0]!.est, calculated: open.rows[0]!.calc, byStage: byStage.rows, interactions: interactions.rows[0]!.n }
    } finally {
      await database.close()
    }
    await buildSite(url, site)
  }, 120_000)

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true })
  })

  it('shows the pipeline totals and the interactions that SQL computes from the same database', () => {
    const index = read(site, 'index.html')
    expect(kpi(index, 'open')).toBe(String(expected.openCount))
    expect(kpi(index, 'estimated')).toBe(formatMoney(expected.estimated, 'EUR'))
    expect(kpi(index, 'calculated')).toBe(formatMoney(expected.calculated, 'EUR'))
    expect(kpi(index, 'interactions')).toBe(String(expected.interactions))
    // Won: Nets and the campaign's Winter haddock; lost: Ice.
    expect(kpi(index, 'win-rate')).toBe('66.7 %')
    const stages = tableRows(read(site, 'pipeline.html'), 'pipeline-by-stage')
    expect(stages).toEqual(expected.byStage.map((s) => ['STANDARD', expect.stringMatching(new RegExp(`^${s.stage} `)), String(s.n), formatMoney(s.est, 'EUR'), formatMoney(s.calc, 'EUR')]))
  })

  it('shows salesperson activity and stale opportunities', () => {
    const activity = tableRows(read(site, 'activity.html'), 'salesperson-activity')
    // AA also logged the campaign segment (5 emails) and has its two opportunities; the responses have no salesperson.
    expect(activity.map((r) => r.slice(0, 7))).toEqual([
      ['AA', 'Anna Ólafsdóttir', '7', '15', '5', '1', '1'],
      ['BB', '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;', '2', '60', '2', '1', '0'],
      ['(no salesperson)', '–', '4', '5', '0', '0', '0'],
    ])
    const stale = tableRows(read(site, 'pipeline.html'), 'stale-opportunities')
    expect(stale).toHaveLength(1)
    expect(stale[0]![2]).toBe('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('shows the forecast by close month and the open pipeline by salesperson as SQL groups them', () => {
    const pipeline = read(site, 'pipeline.html')
    const forecast = sqlOf.forecast.map((x) => [x.month ?? '(no close date)', String(x.n), formatMoney(x.est, 'EUR'), formatMoney(x.calc, 'EUR')])
    expect(forecast.length).toBeGreaterThan(1)
    expect(forecast.at(-1)![0]).toBe('(no close date)')
    expect(tableRows(pipeline, 'forecast-by-month')).toEqual(forecast)
    const people = sqlOf.bySalesperson.map((x) => [x.code ?? '(no salesperson)', String(x.n), formatMoney(x.est, 'EUR'), formatMoney(x.calc, 'EUR')])
    expect(people.length).toBeGreaterThan(1)
    expect(tableRows(pipeline, 'pipeline-by-salesperson')).toEqual(people)
    const csv = readCsv(read(site, 'csv/forecast-by-month.csv').replace(/^\uFEFF/, ''))
    expect(csv.map((r) => r.fields[1])).toEqual(['Opportunities', ...sqlOf.forecast.map((x) => String(x.n))])
  })

  it('shows interactions per ISO week and channel as SQL counts them, every week of the period listed', () => {
    const rows = tableRows(read(site, 'index.html'), 'interactions-by-week')
    // 2026-08-23 (a Sunday, W34) to 2026-11-20 (W47).
    expect([rows[0]![0], rows.at(-1)![0], rows.length]).toEqual(['2026-W34', '2026-W47', 14])
    const of = (week: string, channel: string) => sqlOf.weeks.find((x) => x.week === week && x.channel === channel)?.n ?? 0
    expect(rows).toEqual(rows.map((r) => {
      const counts = CHANNELS.map((ch) => Number(of(r[0]!, ch)))
      return [r[0], ...counts.map(String), String(counts.reduce((a, b) => a + b, 0))]
    }))
    // Every week SQL found is in the table, and the weeks add up to the period's interactions.
    expect(new Set(sqlOf.weeks.map((x) => x.week)).size).toBeGreaterThan(1)
    for (const w of sqlOf.weeks) expect(rows.map((r) => r[0])).toContain(w.week)
    expect(rows.reduce((n, r) => n + Number(r.at(-1)), 0)).toBe(expected.interactions)
  })

  it('shows pipeline value by stage and forecast by close month on the overview too, with charts and CSV', () => {
    const index = read(site, 'index.html')
    const pipeline = read(site, 'pipeline.html')
    for (const id of ['pipeline-by-stage', 'forecast-by-month']) {
      expect(tableRows(index, id).length).toBeGreaterThan(0)
      expect(tableRows(index, id)).toEqual(tableRows(pipeline, id))
      expect(index).toContain(`href="csv/${id}.csv"`)
    }
    expect(tableRows(index, 'forecast-by-month').map((r) => r[0])).toEqual(sqlOf.forecast.map((x) => x.month ?? '(no close date)'))
    expect(index).toContain('<title id="chart-stage-title">Pipeline value by stage</title>')
    expect(index).toContain('<title id="chart-month-title">Forecast by close month</title>')
    // The text alternative names each bar with its estimated value (calculated plus the rest).
    const desc = /<desc id="chart-month-desc">([^<]*)<\/desc>/.exec(index)?.[1]
    expect(desc).toBe(sqlOf.forecast.map((x) => `${x.month ?? '(no close date)'}: ${formatMoney(x.est, 'EUR')} EUR`).join('; '))
    expect(/<desc id="chart-stage-desc">([^<]*)<\/desc>/.exec(index)?.[1]).toBe(expected.byStage.map((s) => `STANDARD ${s.stage}: ${formatMoney(s.est, 'EUR')} EUR`).join('; '))
  })

  it('shows activity per salesperson and month for the last twelve months as SQL counts it, with CSV', () => {
    const activity = read(site, 'activity.html')
    const section = /<section[^>]*data-table="activity-by-month"[^>]*>([\s\S]*?)<\/section>/.exec(activity)?.[1] ?? ''
    expect([...section.matchAll(/<th scope="col"[^>]*>([^<]*)<\/th>/g)].map((x) => x[1])).toEqual(['Salesperson', 'Measure', ...MONTHS, 'Total'])
    const rows = tableRows(activity, 'activity-by-month')
    expect(rows).toEqual(sqlOf.activityByMonth)
    // Some activity falls outside the 90-day period (AA's August interaction) and still counts in its month.
    expect(rows.find((r) => r[0] === 'AA' && r[1] === 'Interactions')![MONTHS.indexOf('2026-08') + 2]).toBe('1')
    const csv = readCsv(read(site, 'csv/activity-by-month.csv').replace(/^\uFEFF/, ''))
    expect(csv[0]!.fields).toEqual(['Salesperson', 'Measure', ...MONTHS, 'Total'])
    expect(csv.slice(1).map((r) => r.fields.slice(2))).toEqual(sqlOf.activityByMonth.map((r) => r.slice(2)))
    expect(csv.slice(1).map((r) => r.fields.slice(0, 2)).slice(0, 3)).toEqual([['AA', 'interactions'], ['AA', 'opportunitiesCreated'], ['AA', 'won']])
  })

  it('renders hostile names as text on every page, never as markup', () => {
    for (const page of filesOf(site).filter((f) => f.endsWith('.html'))) {
      const html = read(site, page)
      expect(html).not.toContain('<script>alert(1)')
      expect(html).not.toContain('<img src=x')
      expect(html).not.toMatch(/<script\b/)
    }
  })

  it('writes every table as a CSV file with raw values and names in any script', () => {
    const csvFiles = readdirSync(join(site, 'csv'))
    expect(csvFiles).toEqual(expect.arrayContaining(['forecast-by-month.csv', 'interactions-by-week.csv', 'pipeline-by-salesperson.csv', 'pipeline-by-stage.csv', 'salesperson-activity.csv', 'stale-opportunities.csv', 'won-lost.csv']))
    expect(csvFiles).toEqual(expect.arrayContaining(['segments.csv', 'campaigns.csv', 'active-campaigns.csv', 'segment-SG00001-contacts.csv', 'segment-SG00003-steps.csv', 'campaign-CP0001-opportunities.csv', 'campaign-CP0002-funnel.csv']))
    const stale = readCsv(read(site, 'csv/stale-opportunities.csv').replace(/^\uFEFF/, ''))
    expect(stale[1]!.fields[2]).toBe(HOSTILE_NAMES[0])
    expect(stale[1]!.fields[5]).toBe('2000.00')
    const activity = readCsv(read(site, 'csv/salesperson-activity.csv').replace(/^\uFEFF/, ''))
    expect(activity.map((r) => r.fields.slice(0, 2))).toEqual([['Salesperson', 'Name'], ['AA', 'Anna Ólafsdóttir'], ['BB', HOSTILE_NAMES[1]], ['', '']])
  })

  it('writes names a spreadsheet would run as formulas as text, and numbers as numbers', () => {
    const contacts = readCsv(read(site, 'csv/segment-SG00002-contacts.csv').replace(/^\uFEFF/, ''))
    expect(contacts[1]!.fields[1]).toBe("'=1+1")
    const segments = readCsv(read(site, 'csv/segments.csv').replace(/^\uFEFF/, ''))
    const sg3 = segments.find((r) => r.fields[0] === 'SG00003')!
    expect(sg3.fields.slice(0, 3)).toEqual(['SG00003', "'@SUM(A1)", '0'])
    // No cell of any CSV starts a formula; amounts and counts are written as they are.
    for (const file of readdirSync(join(site, 'csv'))) {
      for (const record of readCsv(read(site, join('csv', file)).replace(/^\uFEFF/, ''))) {
        for (const field of record.fields) expect(/^[=+@\t\r]|^-(?!\d+(\.\d+)?$)/.test(field), `${file}: ${field}`).toBe(false)
      }
    }
    const stale = readCsv(read(site, 'csv/stale-opportunities.csv').replace(/^\uFEFF/, ''))
    expect(stale[1]!.fields[5]).toBe('2000.00')
    // The HTML shows the names as they are.
    expect(tableRows(read(site, 'segment-SG00002.html'), 'segment-SG00002-contacts')[0]![1]).toBe('=1+1')
  })

  it('links only to files and anchors that exist, over the whole built site', () => {
    const files = filesOf(site)
    const pages = files.filter((f) => f.endsWith('.html'))
    expect(pages.length).toBeGreaterThanOrEqual(PAGE_TYPES.length)
    const ids = new Map(pages.map((p) => [p, new Set([...read(site, p).matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!))]))
    const missing: string[] = []
    let checked = 0
    for (const page of pages) {
      const html = read(site, page)
      for (const m of html.matchAll(/\s(?:href|src)="([^"]+)"/g)) {
        const link = m[1]!.replaceAll('&amp;', '&')
        if (/^[a-z]+:/i.test(link)) {
          missing.push(`${page} -> ${link} (no external links expected)`)
          continue
        }
        const [path, fragment] = link.split('#') as [string, string | undefined]
        const target = path === '' ? page : join(page, '..', path.startsWith('/') ? path.slice(1) : path)
        checked++
        if (!existsSync(join(site, target))) missing.push(`${page} -> ${link}`)
        else if (fragment && target.endsWith('.html') && !ids.get(target)?.has(fragment)) missing.push(`${page} -> ${link} (no such anchor)`)
      }
      if (!page.startsWith('csv')) expect(html, page).toContain('href="csv/')
    }
    expect(missing).toEqual([])
    expect(checked).toBeGreaterThan(100)
    // Every segment and campaign page is reachable from an index.
    const linked = new Set(pages.flatMap((p) => [...read(site, p).matchAll(/href="([^"#]+\.html)"/g)].map((m) => m[1]!)))
    expect(pages.filter((p) => !linked.has(p))).toEqual([])
  })

  it('lists every segment with the size SQL counts, and a page per segment and page of contacts', () => {
    const index = tableRows(read(site, 'segments.html'), 'segments')
    expect(index.map((r) => [r[0]!.replace(/<[^>]+>/g, ''), r[2]])).toEqual(sqlOf.sizes.map((s) => [s.no, String(s.n)]))
    expect(index[0]![1]).toBe('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;')
    // Five lines at two a page: three pages, the last with Þóra.
    expect(existsSync(join(site, 'segment-SG00001-p3.html'))).toBe(true)
    expect(existsSync(join(site, 'segment-SG00001-p4.html'))).toBe(false)
    const p3 = tableRows(read(site, 'segment-SG00001-p3.html'), 'segment-SG00001-contacts')
    expect(p3.map((r) => r[1])).toEqual(['Þóra Guðmundsdóttir'])
    const first = read(site, 'segment-SG00001.html')
    expect(tableRows(first, 'segment-SG00001-contacts')).toEqual([
      ['CT000006', 'Grandi hf', '–', 'FISHING', 'IS', '–'],
      ['CT000007', 'Jón Jónsson', 'Grandi hf', 'FISHING', 'IS', '–'],
    ])
    expect(first).toContain('data-fact="lines">5<')
    const industry = tableRows(first, 'segment-SG00001-industry').filter((r) => r[0] !== '(none)')
    expect(industry.map((r) => [r[0], r[2]])).toEqual(sqlOf.industry.map((x) => [x.code, String(x.n)]))
    expect(tableRows(first, 'segment-SG00001-steps').map((r) => [r[1], r[2], r[8]])).toEqual([['Add', 'industry=FISHING', ''], ['Remove', 'country=GB', 'yes'], ['Add contact', 'CT000002', '']])
    expect(tableRows(first, 'segment-SG00001-interactions')).toEqual([['EMAIL-OUT', '', '5', '0.00', '0', '2026-11-02', '2026-11-02']])
    // The whole segment in its CSV, with names in any script.
    const csv = readCsv(read(site, 'csv/segment-SG00001-contacts.csv').replace(/^\uFEFF/, ''))
    expect(csv.map((r) => r.fields[1])).toEqual(['Name', 'Grandi hf', 'Jón Jónsson', 'North Sea Ltd', 'Mary Smith', 'Þóra Guðmundsdóttir'])
    expect(tableRows(read(site, 'segment-SG00003.html'), 'segment-SG00003-contacts')).toEqual([])
    expect(read(site, 'segment-SG00003.html')).toContain('The segment has no contacts.')
  })

  it('shows each campaign with targets, responses, value and funnel as SQL computes them', () => {
    const index = tableRows(read(site, 'campaigns.html'), 'campaigns')
    expect(index.map((r) => [r[0]!.replace(/<[^>]+>/g, ''), r[5], r[6]])).toEqual(sqlOf.campaigns.map((c) => [c.no, String(c.targets), String(c.respondents)]))
    const cp1 = sqlOf.campaigns[0]!
    const page = read(site, 'campaign-CP0001.html')
    expect(kpi(page, 'targets')).toBe(String(cp1.targets))
    expect(kpi(page, 'respondents')).toBe(String(cp1.respondents))
    expect(kpi(page, 'response-rate')).toBe(`${Math.round((cp1.respondents / cp1.targets) * 1000) / 10} %`)
    expect(kpi(page, 'estimated')).toBe(formatMoney(Number(cp1.est), 'EUR'))
    expect(kpi(page, 'won')).toBe(formatMoney(Number(cp1.won), 'EUR'))
    expect(tableRows(page, 'campaign-CP0001-funnel')).toEqual([['Targeted', '5', '100 %'], ['Responded', '3', '60 %'], ['Opportunity', '2', '40 %'], ['Won', '1', '20 %']])
    expect(tableRows(page, 'campaign-CP0001-responses')).toEqual([['2026-W45', '2', '2', '2', '40 %'], ['2026-W46', '2', '1', '3', '60 %']])
    expect(tableRows(page, 'campaign-CP0001-templates').map((r) => [r[0], r[2], r[3]])).toEqual([['CALL-IN', '1', '1'], ['EMAIL-IN', '3', '3'], ['EMAIL-OUT', '5', '0']])
    expect(tableRows(page, 'campaign-CP0001-opportunities').map((r) => [r[1], r[4], r[5], r[6], r[7]])).toEqual([
      ['Winter cod', 'In progress', '4,000.00', '80.00', '0.00'],
      ['Winter haddock', 'Won', '6,000.00', '0.00', '6,000.00'],
    ])
    expect(page).toContain('<title id="chart-funnel-title">Funnel</title>')
    expect(page).toMatch(/<desc id="chart-funnel-desc">Targeted: 5; Responded: 3; Opportunity: 2; Won: 1<\/desc>/)
    // The overview lists the active campaign with its response rate, linked to its page.
    const active = tableRows(read(site, 'index.html'), 'active-campaigns')
    expect(active).toHaveLength(1)
    expect(active[0]![0]).toBe('<a href="campaign-CP0001.html">CP0001</a>')
    expect(active[0]![7]).toBe('60 %')
  })

  it('shows when it was generated and from which database', () => {
    const html = read(site, 'index.html')
    expect(html).toContain(`datetime="${NOW}"`)
    expect(html).toMatch(/data-database>sqlite:[^<]*crm\.sqlite</)
  })

  describe('in headless Chromium', () => {
    const available = existsSync(CHROMIUM)
    if (!available && process.env.CRM_REQUIRE_CHROMIUM !== '1') {
      console.warn(`reports: SKIPPING the browser tests: ${CHROMIUM} is missing (apt-get install -y chromium)`)
    }
    const maybe = available || process.env.CRM_REQUIRE_CHROMIUM === '1' ? it : it.skip

    maybe('opens every page without console errors or dialogs, readable on a phone, and saves screenshots', async () => {
      expect(existsSync(CHROMIUM), `${CHROMIUM} is missing and CRM_REQUIRE_CHROMIUM=1`).toBe(true)
      const { chromium } = await import('playwright-core')
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      })
      const artifacts = join(root, 'test-artifacts', 'reports')
      mkdirSync(artifacts, { recursive: true })
      try {
        for (const viewport of [{ name: 'desktop', width: 1280, height: 900 }, { name: 'phone', width: 390, height: 844 }]) {
          const context = await browser.newContext({ viewport })
          const page = await context.newPage()
          const problems: string[] = []
          page.on('console', (msg) => { if (msg.type() === 'error') problems.push(`console: ${msg.text()}`) })
          page.on('pageerror', (error) => problems.push(`page error: ${error.message}`))
          page.on('dialog', async (dialog) => { problems.push(`dialog: ${dialog.message()}`); await dialog.dismiss() })
          for (const name of PAGE_TYPES) {
            await page.goto(pathToFileURL(join(site, name)).href)
            await expect.poll(() => page.title()).toContain('CRM reports')
            // The hostile names are on screen as text.
            if (name === 'activity.html') expect(await page.locator('td', { hasText: HOSTILE_NAMES[1] }).count()).toBe(1)
            // The stale opportunity's description and its contact's name are both hostile.
            if (name === 'pipeline.html') expect(await page.locator('td', { hasText: HOSTILE_NAMES[0] }).count()).toBe(2)
            if (name === 'campaign-CP0001.html') expect(await page.locator('h1', { hasText: HOSTILE_NAMES[0] }).count()).toBe(1)
            if (name === 'segment-SG00001.html') expect(await page.locator('h1', { hasText: HOSTILE_NAMES[1] }).count()).toBe(1)
            // No page is wider than a phone screen; wide tables scroll inside their own box.
            const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
            expect(overflow, `${name} overflows at ${viewport.width}px`).toBeLessThanOrEqual(0)
            await page.screenshot({ path: join(artifacts, `${name.replace('.html', '')}-${viewport.name}.png`), fullPage: true })
          }
          expect(problems).toEqual([])
          await context.close()
        }
        // Printed, the navigation and the download links give way to the content.
        const printed = await browser.newPage()
        await printed.goto(pathToFileURL(join(site, 'pipeline.html')).href)
        await printed.emulateMedia({ media: 'print' })
        expect(await printed.locator('header nav').isVisible()).toBe(false)
        expect(await printed.locator('.download').first().isVisible()).toBe(false)
        expect(await printed.locator('table').first().isVisible()).toBe(true)
        await printed.pdf({ path: join(artifacts, 'pipeline-print.pdf') })
      } finally {
        await browser.close()
      }
      expect(existsSync(join(artifacts, 'pipeline-phone.png'))).toBe(true)
    }, 60_000)
  })
})

describe('reports site built from PostgreSQL', () => {
  const reason = pgSkipReason()
  const maybe = reason ? it.skip : it
  if (reason) console.warn(`reports: skipping the PostgreSQL build: ${reason}`)

  maybe('shows the same numbers and never the database password', async () => {
    const database = await createTestDatabase('postgres')
    const work = mkdtempSync(join(tmpdir(), 'crm-reports-pg-'))
    try {
      const deps = createCoreDeps(database, { clock: () => new Date(NOW) })
      const base = await seedReportData(deps, { id: 'test', isAdmin: true })
      await seedCampaignData(deps, { id: 'test', isAdmin: true }, base.thora, base.tokyo)
      // The throw-away cluster trusts every login, so a password in the URL is accepted and must be hidden.
      const url = database.displayUrl.replace('postgres://postgres@', 'postgres://postgres:s3cret-pw@')
      expect(url).toContain('s3cret-pw')
      await buildSite(url, join(work, 'site'))
      const index = read(join(work, 'site'), 'index.html')
      expect(kpi(index, 'calculated')).toBe(formatMoney(104_000 + 8_000, 'EUR'))
      expect(kpi(index, 'open')).toBe('4')
      const campaign = read(join(work, 'site'), 'campaign-CP0001.html')
      expect([kpi(campaign, 'targets'), kpi(campaign, 'respondents'), kpi(campaign, 'response-rate')]).toEqual(['5', '3', '60 %'])
      expect(tableRows(read(join(work, 'site'), 'segment-SG00001-p3.html'), 'segment-SG00001-contacts').map((r) => r[1])).toEqual(['Þóra Guðmundsdóttir'])
      expect(tableRows(read(join(work, 'site'), 'activity.html'), 'activity-by-month')).toEqual(await expectedActivityByMonth(database.db))
      expect(index).toMatch(/data-database>postgres:\/\/postgres:\*\*\*@/)
      for (const page of PAGES) expect(read(join(work, 'site'), page)).not.toContain('s3cret-pw')
    } finally {
      rmSync(work, { recursive: true, force: true })
      await database.close()
    }
  }, 60_000)
})

describe('reports site built from an empty database', () => {
  it('builds every page with a helpful empty state', async () => {
    const work = mkdtempSync(join(tmpdir(), 'crm-reports-empty-'))
    try {
      const url = `sqlite:${join(work, 'empty.sqlite')}`
      await (await openDatabase(url)).close()
      await buildSite(url, join(work, 'site'))
      const index = read(join(work, 'site'), 'index.html')
      expect(index).toContain('data-empty-site')
      expect(index).toContain('The database is empty')
      expect(read(join(work, 'site'), 'pipeline.html')).toContain('No open opportunities.')
      expect(read(join(work, 'site'), 'activity.html')).toContain('No salespeople and no activity in the period.')
      expect(read(join(work, 'site'), 'activity.html')).toContain('No salespeople and no activity in these months.')
      expect(read(join(work, 'site'), 'segments.html')).toContain('There are no segments yet.')
      expect(read(join(work, 'site'), 'campaigns.html')).toContain('There are no campaigns yet.')
      expect(read(join(work, 'site'), 'index.html')).toContain('No campaign is in an active status.')
      expect(readdirSync(join(work, 'site')).filter((f) => /^(segment|campaign)-/.test(f))).toEqual([])
      expect(readFileSync(join(work, 'site', 'csv', 'won-lost.csv'), 'utf8').replace(/^\uFEFF/, '').trim()).toBe('Outcome,Opportunities,Estimated value (EUR)')
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  }, 60_000)

  it('fails loudly on a database that needs migrations', async () => {
    const work = mkdtempSync(join(tmpdir(), 'crm-reports-raw-'))
    try {
      const url = `sqlite:${join(work, 'raw.sqlite')}`
      await (await openDatabase(url, { migrate: false })).close()
      const error = await buildSite(url, join(work, 'site')).then(() => undefined, (e: { stderr?: string; code?: number }) => e)
      expect(error?.code).toBe(1)
      expect(error?.stderr).toMatch(/needs migrations .*db migrate/)
    } finally {
      rmSync(work, { recursive: true, force: true })
    }
  }, 60_000)
})
