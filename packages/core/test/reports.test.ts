import { sql } from '@crm/db'
import { describeEachDialect } from '@crm/db/testing'
import { describe, expect, it } from 'vitest'
import { isoWeekOf, loadReportData, logInteraction, monthsEndingAt, periodEndingAt } from '../src/index.ts'
import { admin, useCore } from './builders.ts'
import { HOSTILE_NAMES, seedReportData } from './report-fixture.ts'

describe('report periods', () => {
  it('names ISO weeks across year boundaries', () => {
    expect(isoWeekOf('2026-01-01')).toBe('2026-W01')
    expect(isoWeekOf('2024-12-30')).toBe('2025-W01')
    expect(isoWeekOf('2027-01-01')).toBe('2026-W53')
    expect(isoWeekOf('2026-11-16')).toBe('2026-W47')
    expect(isoWeekOf('2026-11-15T23:59:59Z')).toBe('2026-W46')
  })

  it('names the calendar months that end with the current one, across a year boundary', () => {
    expect(monthsEndingAt(new Date('2026-01-31T23:59:59Z'), 3)).toEqual(['2025-11', '2025-12', '2026-01'])
    expect(monthsEndingAt(new Date('2026-11-20T10:00:00Z'), 1)).toEqual(['2026-11'])
  })

  it('ends the period with the current day included', () => {
    expect(periodEndingAt(new Date('2026-11-20T10:00:00Z'), 90)).toEqual({ from: '2026-08-23', to: '2026-11-21' })
  })
})

describeEachDialect('report read models', (dialect) => {
  const f = useCore(dialect)

  it('reads an empty database as zeros and empty lists', async () => {
    const r = await loadReportData(f.deps)
    expect(r.contacts).toEqual({ total: 0, companies: 0, persons: 0 })
    expect(r.pipeline).toEqual({ count: 0, estimatedMinor: 0, calculatedMinor: 0 })
    expect(r.pipelineByStage).toEqual([])
    expect(r.forecastByMonth).toEqual([])
    expect(r.wonLost).toEqual({ won: { count: 0, estimatedMinor: 0 }, lost: { count: 0, estimatedMinor: 0 }, winRatePct: null })
    expect(r.interactionsByWeek.every((w) => w.total === 0)).toBe(true)
    expect(r.staleOpportunities).toEqual([])
    expect(r.salespersonActivity).toEqual([])
    expect(r.activityByMonth.rows).toEqual([])
    expect(r.activityByMonth.months).toHaveLength(12)
  })

  it('sums the open pipeline by stage, close month and salesperson (estimated and calculated value)', async () => {
    await seedReportData(f.deps, admin)
    const r = await loadReportData(f.deps)
    expect(r.generatedAt).toBe('2026-11-20T10:00:00.000Z')
    expect(r.contacts).toEqual({ total: 5, companies: 2, persons: 3 })
    expect(r.pipeline).toEqual({ count: 3, estimatedMinor: 1_700_000, calculatedMinor: 104_000 })
    expect(r.pipelineByStage).toEqual([
      { cycleCode: 'STANDARD', stage: 1, stageDescription: 'New', count: 2, estimatedMinor: 1_200_000, calculatedMinor: 24_000 },
      { cycleCode: 'STANDARD', stage: 2, stageDescription: 'Qualify', count: 1, estimatedMinor: 500_000, calculatedMinor: 80_000 },
    ])
    expect(r.forecastByMonth).toEqual([
      { month: '2026-12', count: 1, estimatedMinor: 1_000_000, calculatedMinor: 20_000 },
      { month: '2027-01', count: 1, estimatedMinor: 500_000, calculatedMinor: 80_000 },
      { month: null, count: 1, estimatedMinor: 200_000, calculatedMinor: 4_000 },
    ])
    expect(r.pipelineBySalesperson).toEqual([
      { salespersonCode: 'AA', count: 2, estimatedMinor: 1_500_000, calculatedMinor: 100_000 },
      { salespersonCode: 'BB', count: 1, estimatedMinor: 200_000, calculatedMinor: 4_000 },
    ])
  })

  it('counts won and lost in the period with the win rate', async () => {
    await seedReportData(f.deps, admin)
    const r = await loadReportData(f.deps)
    expect(r.wonLost).toEqual({ won: { count: 1, estimatedMinor: 300_000 }, lost: { count: 1, estimatedMinor: 100_000 }, winRatePct: 50 })
    const before = await loadReportData({ ...f.deps, clock: () => new Date('2026-06-01T00:00:00Z') })
    expect(before.wonLost.winRatePct).toBeNull()
  })

  it('counts live interactions per ISO week and channel, leaving out canceled and older ones', async () => {
    await seedReportData(f.deps, admin)
    const r = await loadReportData(f.deps)
    expect(r.interactionsByWeek).toHaveLength(14)
    const week = (w: string) => r.interactionsByWeek.find((x) => x.week === w)
    expect(week('2026-W47')).toEqual({ week: '2026-W47', total: 2, byChannel: { email: 1, phone: 1, meeting: 0, letter: 0, other: 0 } })
    expect(week('2026-W46')).toEqual({ week: '2026-W46', total: 1, byChannel: { email: 0, phone: 0, meeting: 1, letter: 0, other: 0 } })
    expect(week('2026-W44')?.total).toBe(1)
    expect(r.interactionsByWeek.reduce((n, w) => n + w.total, 0)).toBe(4)
    expect(r.interactionsByChannel).toEqual({ email: 2, phone: 1, meeting: 1, letter: 0, other: 0 })
  })

  it('lists open opportunities without a stage change for the stale period', async () => {
    const seeded = await seedReportData(f.deps, admin)
    const r = await loadReportData(f.deps)
    expect(r.staleOpportunities).toEqual([
      expect.objectContaining({ no: seeded.o3, contactName: HOSTILE_NAMES[0], salespersonCode: 'BB', stage: 1, estimatedMinor: 200_000, calculatedMinor: 4_000, daysSinceChange: 80 }),
    ])
    expect((await loadReportData(f.deps, { staleDays: 90 })).staleOpportunities).toEqual([])
  })

  it('reports each salesperson\'s interactions, opportunities and results in the period', async () => {
    await seedReportData(f.deps, admin)
    const r = await loadReportData(f.deps)
    expect(r.salespersonActivity).toEqual([
      { code: 'AA', name: 'Anna Ólafsdóttir', interactions: 2, durationMin: 15, opportunitiesCreated: 3, won: 0, lost: 1, wonMinor: 0, openCount: 2, openCalculatedMinor: 100_000 },
      { code: 'BB', name: HOSTILE_NAMES[1], interactions: 2, durationMin: 60, opportunitiesCreated: 2, won: 1, lost: 0, wonMinor: 300_000, openCount: 1, openCalculatedMinor: 4_000 },
    ])
  })

  it('counts interactions, opportunities created and won per salesperson and calendar month, in one window of months', async () => {
    const seeded = await seedReportData(f.deps, admin)
    const db = f.database.db
    // Cod 2027 created on the last instant of October, Nets won in September; AA also logged on the first day
    // of the twelve-month window and on the day before it.
    await sql`update opportunities set created_at = ${'2026-10-31T23:59:59.999Z'} where no = ${seeded.o1}`.execute(db)
    await sql`update opportunities set closed_at = ${'2026-09-15T12:00:00.000Z'} where no = ${seeded.o4}`.execute(db)
    await logInteraction(f.deps, admin, { contactNo: seeded.thora, templateCode: 'EMAIL-IN', subject: 'First', date: '2025-12-01', salespersonCode: 'AA' })
    await logInteraction(f.deps, admin, { contactNo: seeded.thora, templateCode: 'EMAIL-IN', subject: 'Too old', date: '2025-11-30', salespersonCode: 'AA' })
    const r = await loadReportData(f.deps)
    const months = r.activityByMonth.months
    expect([months[0], months.at(-1), months.length]).toEqual(['2025-12', '2026-11', 12])
    const cells = (code: string, key: 'interactions' | 'opportunitiesCreated' | 'won') => {
      const row = r.activityByMonth.rows.find((x) => x.code === code)!
      return Object.fromEntries(months.flatMap((m, i) => (row.months[i]![key] ? [[m, row.months[i]![key]]] : [])))
    }
    expect(r.activityByMonth.rows.map((x) => [x.code, x.name, x.total])).toEqual([
      ['AA', 'Anna Ólafsdóttir', { interactions: 4, opportunitiesCreated: 3, won: 0 }],
      ['BB', HOSTILE_NAMES[1], { interactions: 2, opportunitiesCreated: 2, won: 1 }],
    ])
    expect(cells('AA', 'interactions')).toEqual({ '2025-12': 1, '2026-08': 1, '2026-11': 2 })
    expect(cells('AA', 'opportunitiesCreated')).toEqual({ '2026-10': 1, '2026-11': 2 })
    expect(cells('BB', 'interactions')).toEqual({ '2026-11': 2 })
    expect(cells('BB', 'won')).toEqual({ '2026-09': 1 })
    const three = (await loadReportData(f.deps, { activityMonths: 3 })).activityByMonth
    expect(three.months).toEqual(['2026-09', '2026-10', '2026-11'])
    expect(three.rows.map((x) => [x.code, x.total.interactions, x.total.opportunitiesCreated, x.total.won])).toEqual([['AA', 2, 3, 0], ['BB', 2, 2, 1]])
  })
})
