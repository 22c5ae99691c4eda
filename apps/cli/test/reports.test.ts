import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { createCoreDeps } from '@crm/core'
import { openDatabase } from '@crm/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { seedReportData } from '../../../packages/core/test/report-fixture.ts'
import { seedCampaignData } from '../../../packages/core/test/campaign-fixture.ts'
import { crm, tempSqliteUrl } from './run-cli.ts'

describe('crm reports build', () => {
  let temp: ReturnType<typeof tempSqliteUrl>
  beforeEach(async () => {
    temp = tempSqliteUrl()
    const database = await openDatabase(temp.url)
    try {
      const deps = createCoreDeps(database, { clock: () => new Date('2026-11-20T10:00:00Z') })
      const base = await seedReportData(deps, { id: 'test', isAdmin: true })
      await seedCampaignData(deps, { id: 'test', isAdmin: true }, base.thora, base.tokyo)
    } finally {
      await database.close()
    }
  })
  afterEach(() => temp.cleanup())

  it('builds the site from the --db database into --out, read from where the command runs, and says from which data', async () => {
    const r = await crm(['reports', 'build', '--out', 'site', '--db', temp.url], { INIT_CWD: temp.dir, CRM_REPORTS_AS_OF: '2026-11-20T10:00:00Z' })
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
    const site = join(temp.dir, 'site')
    expect(r.stdout).toMatch(/^Built 10 pages and \d+ CSV files into .*site in [\d.]+ s, from sqlite:.*crm\.sqlite as of 2026-11-20 10:00 UTC \(9 contacts, 3 segments, 2 campaigns\)/)
    for (const page of ['index.html', 'segments.html', 'campaigns.html', 'segment-SG00001.html', 'campaign-CP0001.html']) expect(existsSync(join(site, page)), page).toBe(true)
    expect(readFileSync(join(site, 'index.html'), 'utf8')).toContain('data-counts>9 contacts, 3 segments, 2 campaigns<')
    const json = await crm(['reports', 'build', '--out', 'site', '--db', temp.url, '--json'], { INIT_CWD: temp.dir })
    expect(json.json()).toMatchObject({ htmlPages: 10, segments: 3, campaigns: 2, contacts: 9, pageSize: 500 })
  }, 60_000)

  it('refuses a folder of other files and reports a failed build with its reason, exit 1', async () => {
    const junk = join(temp.dir, 'mine')
    mkdirSync(junk)
    writeFileSync(join(junk, 'notes.txt'), 'mine')
    const refused = await crm(['reports', 'build', '--out', junk, '--db', temp.url], {})
    expect(refused.code).toBe(1)
    expect(refused.stderr).toContain('holds other files (and no index.html)')
    expect(readFileSync(join(junk, 'notes.txt'), 'utf8')).toBe('mine')
    const failed = await crm(['reports', 'build', '--out', join(temp.dir, 'site'), '--db', temp.url], { CRM_REPORTS_PAGE_SIZE: 'lots' })
    expect(failed.code).toBe(1)
    expect(failed.stderr).toContain('The reports build failed: CRM_REPORTS_PAGE_SIZE must be a whole number of contacts (1-100000), not "lots".')
  }, 60_000)
})
