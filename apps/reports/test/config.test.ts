import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { absoluteDatabaseUrl, parseBuildArgs } from '../src/build.ts'
import { readReportsConfig } from '../src/config.ts'

describe('reports settings', () => {
  it('defaults to the embedded database, now, 90 days, 30 stale days and 12 months of activity', () => {
    expect(readReportsConfig({})).toEqual({ databaseUrl: 'sqlite:./data/crm.sqlite', asOf: undefined, periodDays: 90, staleDays: 30, activityMonths: 12, pageSize: 500 })
    expect(readReportsConfig({ DATABASE_URL: ' postgres://crm@db/crm ', CRM_REPORTS_AS_OF: '2026-11-20', CRM_REPORTS_STALE_DAYS: '14' })).toMatchObject({
      databaseUrl: 'postgres://crm@db/crm',
      asOf: new Date('2026-11-20T00:00:00Z'),
      staleDays: 14,
    })
  })

  it('lists every bad setting at once', () => {
    expect(() => readReportsConfig({ CRM_REPORTS_AS_OF: 'soon', CRM_REPORTS_PERIOD_DAYS: '0', CRM_REPORTS_STALE_DAYS: 'x', CRM_REPORTS_PAGE_SIZE: '0', CRM_REPORTS_ACTIVITY_MONTHS: '61' })).toThrow(
      /CRM_REPORTS_AS_OF must be a date[\s\S]*CRM_REPORTS_PERIOD_DAYS must be[\s\S]*CRM_REPORTS_STALE_DAYS must be[\s\S]*CRM_REPORTS_PAGE_SIZE must be a whole number of contacts[\s\S]*CRM_REPORTS_ACTIVITY_MONTHS must be a whole number of months \(1-60\)/,
    )
  })

  it('takes the output folder from --out and refuses anything else', () => {
    expect(parseBuildArgs(['--out', 'site'])).toEqual({ outDir: resolve('site') })
    expect(parseBuildArgs(['--out=/tmp/x'])).toEqual({ outDir: '/tmp/x' })
    expect(() => parseBuildArgs(['--publish'])).toThrow(/Unknown argument "--publish"/)
  })

  it('reads a relative SQLite path from where the command was run, not from the app folder', () => {
    expect(absoluteDatabaseUrl(undefined, '/srv/crm')).toBe('sqlite:/srv/crm/data/crm.sqlite')
    expect(absoluteDatabaseUrl('sqlite:./x/y.sqlite', '/srv/crm')).toBe('sqlite:/srv/crm/x/y.sqlite')
    expect(absoluteDatabaseUrl('other.sqlite', '/srv/crm')).toBe('sqlite:/srv/crm/other.sqlite')
    expect(absoluteDatabaseUrl(':memory:', '/srv/crm')).toBe(':memory:')
    expect(absoluteDatabaseUrl('postgres://u:p@h/db', '/srv/crm')).toBe('postgres://u:p@h/db')
  })
})
