import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { createCoreDeps, formatMoney, readCsv } from '@crm/core'
import { openDatabase, sql, type CrmDatabase } from '@crm/db'
import { createTestDatabase, pgSkipReason } from '@crm/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HOSTILE_NAMES, seedReportData } from '../../../packages/core/test/report-fixture.ts'

const run = promisify(execFile)
const root = resolve(import.meta.dirname, '../../..')
const NOW = '2026-11-20T10:00:00.000Z'
const PAGES = ['index.html', 'pipeline.html', 'activity.html']
const CHROMIUM = '/usr/bin/chromium'

/** Builds the site from a database URL into a fresh folder, the way `npm run reports -- --out DIR` does. */
async function buildSite(databaseUrl: string, outDir: string): Promise<void> {
  await run(process.execPath, [join(root, 'apps/reports/src/build.ts'), '--out', outDir], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, CRM_REPORTS_AS_OF: NOW, CRM_REPORTS_QUIET: '1', ASTRO_TELEMETRY_DISABLED: '1' },
  })
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

describe('reports site built from a seeded database', () => {
  let work: string
  let site: string
  let expected: { openCount: number; estimated: number; calculated: number; byStage: Array<{ stage: number; n: number; est: number; calc: number }>; interactions: number }

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'crm-reports-'))
    site = join(work, 'site')
    const url = `sqlite:${join(work, 'crm.sqlite')}`
    const database: CrmDatabase = await openDatabase(url)
    try {
      const deps = createCoreDeps(database, { clock: () => new Date(NOW) })
      await seedReportData(deps, { id: 'test', isAdmin: true })
      const db = database.db
      const open = await sql<{ n: number; est: number; calc: number }>`select count(*) as n, sum(estimated_value_minor) as est, sum(calculated_value_minor) as calc from opportunities where status in ('not_started', 'in_progress')`.execute(db)
      const byStage = await sql<{ stage: number; n: number; est: number; calc: number }>`select current_stage as stage, count(*) as n, sum(estimated_value_minor) as est, sum(calculated_value_minor) as calc from opportunities where status in ('not_started', 'in_progress') group by current_stage order by current_stage`.execute(db)
      const interactions = await sql<{ n: number }>`select count(*) as n from interaction_log_entries where canceled = 0 and occurred_at >= '2026-08-23' and occurred_at < '2026-11-21'`.execute(db)
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
    expect(kpi(index, 'win-rate')).toBe('50 %')
    const stages = tableRows(read(site, 'pipeline.html'), 'pipeline-by-stage')
    expect(stages).toEqual(expected.byStage.map((s) => ['STANDARD', expect.stringMatching(new RegExp(`^${s.stage} `)), String(s.n), formatMoney(s.est, 'EUR'), formatMoney(s.calc, 'EUR')]))
  })

  it('shows salesperson activity and stale opportunities', () => {
    const activity = tableRows(read(site, 'activity.html'), 'salesperson-activity')
    expect(activity.map((r) => r.slice(0, 7))).toEqual([
      ['AA', 'Anna Ólafsdóttir', '2', '15', '3', '0', '1'],
      ['BB', '&quot;&gt;&lt;img src=x onerror=alert(1)&gt;', '2', '60', '2', '1', '0'],
    ])
    const stale = tableRows(read(site, 'pipeline.html'), 'stale-opportunities')
    expect(stale).toHaveLength(1)
    expect(stale[0]![2]).toBe('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('renders hostile names as text on every page, never as markup', () => {
    for (const page of PAGES) {
      const html = read(site, page)
      expect(html).not.toContain('<script>alert(1)')
      expect(html).not.toContain('<img src=x')
      expect(html).not.toMatch(/<script\b/)
    }
  })

  it('writes every table as a CSV file with raw values and names in any script', () => {
    const csvFiles = readdirSync(join(site, 'csv'))
    expect(csvFiles.sort()).toEqual(['forecast-by-month.csv', 'interactions-by-week.csv', 'pipeline-by-salesperson.csv', 'pipeline-by-stage.csv', 'salesperson-activity.csv', 'stale-opportunities.csv', 'won-lost.csv'])
    const stale = readCsv(read(site, 'csv/stale-opportunities.csv').replace(/^\uFEFF/, ''))
    expect(stale[1]!.fields[2]).toBe(HOSTILE_NAMES[0])
    expect(stale[1]!.fields[5]).toBe('2000.00')
    const activity = readCsv(read(site, 'csv/salesperson-activity.csv').replace(/^\uFEFF/, ''))
    expect(activity.map((r) => r.fields.slice(0, 2))).toEqual([['Salesperson', 'Name'], ['AA', 'Anna Ólafsdóttir'], ['BB', HOSTILE_NAMES[1]]])
  })

  it('links only to files that exist in the site', () => {
    const missing: string[] = []
    for (const page of PAGES) {
      const html = read(site, page)
      for (const m of html.matchAll(/\s(?:href|src)="([^"]+)"/g)) {
        const target = m[1]!.replace(/[#?].*$/, '')
        if (/^[a-z]+:/i.test(m[1]!) || m[1]!.startsWith('#') || target === '') continue
        if (!existsSync(join(site, target.startsWith('/') ? target.slice(1) : target))) missing.push(`${page} -> ${m[1]}`)
      }
      expect(html).toContain('href="csv/')
    }
    expect(missing).toEqual([])
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
          for (const name of PAGES) {
            await page.goto(pathToFileURL(join(site, name)).href)
            await expect.poll(() => page.title()).toContain('CRM reports')
            // The hostile names are on screen as text.
            if (name === 'activity.html') expect(await page.locator('td', { hasText: HOSTILE_NAMES[1] }).count()).toBe(1)
            // The stale opportunity's description and its contact's name are both hostile.
            if (name === 'pipeline.html') expect(await page.locator('td', { hasText: HOSTILE_NAMES[0] }).count()).toBe(2)
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
      await seedReportData(createCoreDeps(database, { clock: () => new Date(NOW) }), { id: 'test', isAdmin: true })
      // The throw-away cluster trusts every login, so a password in the URL is accepted and must be hidden.
      const url = database.displayUrl.replace('postgres://postgres@', 'postgres://postgres:s3cret-pw@')
      expect(url).toContain('s3cret-pw')
      await buildSite(url, join(work, 'site'))
      const index = read(join(work, 'site'), 'index.html')
      expect(kpi(index, 'calculated')).toBe(formatMoney(104_000, 'EUR'))
      expect(kpi(index, 'open')).toBe('3')
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
