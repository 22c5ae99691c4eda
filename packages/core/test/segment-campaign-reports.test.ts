import { describeEachDialect } from '@crm/db/testing'
import { sql } from '@crm/db'
import { expect, it } from 'vitest'
import { loadSegmentCampaignData, respondToCampaign, runCommand } from '../src/index.ts'
import { admin, useCore } from './builders.ts'
import { HOSTILE_NAMES, seedReportData } from './report-fixture.ts'
import { seedCampaignData } from './campaign-fixture.ts'

describeEachDialect('segment and campaign read models', (dialect) => {
  const f = useCore(dialect)

  it('reads an empty database as no segments and no campaigns', async () => {
    expect(await loadSegmentCampaignData(f.deps)).toEqual({ pageSize: 500, segments: [], campaigns: [] })
  })

  it('lists every segment with size, salesperson, dates, contacts in pages, composition, steps and logged interactions', async () => {
    const base = await seedReportData(f.deps, admin)
    const seeded = await seedCampaignData(f.deps, admin, base.thora, base.tokyo)
    const data = await loadSegmentCampaignData(f.deps, { pageSize: 2 })
    expect(data.segments.map((s) => [s.no, s.description, s.salespersonCode, s.campaignNo, s.lines, s.interactions])).toEqual([
      ['SG00001', HOSTILE_NAMES[1], 'AA', 'CP0001', 5, 5],
      ['SG00002', 'Japan', null, 'CP0002', 1, 0],
      ['SG00003', 'Nobody yet', null, null, 0, 0],
    ])
    const [fishing, tokyo, empty] = data.segments
    expect(fishing!.loggedAt).toBe('2026-11-20T10:00:00.000Z')
    expect(fishing!.lastInteractionAt).toMatch(/^2026-11-02/)
    expect(fishing!.createdAt).toBe('2026-11-20T10:00:00.000Z')
    // Line order: the add step (contact number order), then Þóra by hand; two per page.
    expect(fishing!.pages.map((p) => p.map((c) => c.name))).toEqual([['Grandi hf', 'Jón Jónsson'], ['North Sea Ltd', 'Mary Smith'], ['Þóra Guðmundsdóttir']])
    expect(fishing!.pages[0]![1]).toEqual({ no: seeded.jon, name: 'Jón Jónsson', type: 'person', company: 'Grandi hf', industry: 'FISHING', country: 'IS', salesperson: null })
    expect(fishing!.pages[1]![0]!.industry).toBe('FISHING, WHOLESALE')
    expect(fishing!.pages[2]![0]!.industry).toBeNull()
    expect(empty!.pages).toEqual([[]])
    expect(tokyo!.pages[0]!.map((c) => c.name)).toEqual(['株式会社 東京'])

    // Persons count with their company's industry group and business relation.
    expect(fishing!.composition.industry).toEqual([
      { code: 'FISHING', description: 'Fishing and seafood', count: 4 },
      { code: 'WHOLESALE', description: 'Wholesale', count: 2 },
      { code: null, description: null, count: 1 },
    ])
    expect(fishing!.composition.relation).toEqual([
      { code: 'CUST', description: 'Customer', count: 2 },
      { code: 'PROSPECT', description: 'Prospect', count: 2 },
      { code: null, description: null, count: 1 },
    ])
    expect(fishing!.composition.country.reduce((n, c) => n + c.count, 0)).toBe(5)
    expect(fishing!.composition.country.filter((c) => c.code !== null)).toEqual([
      { code: 'GB', description: null, count: 2 },
      { code: 'IS', description: null, count: 2 },
    ])
    expect(fishing!.steps.map((s) => [s.seq, s.action, s.criteria, s.added, s.removed, s.undone])).toEqual([
      [1, 'add', 'industry=FISHING', 4, 0, false],
      [2, 'remove', 'country=GB', 0, 2, true],
      [3, 'add-contact', base.thora, 1, 0, false],
    ])
    expect(fishing!.loggedInteractions).toEqual([{ templateCode: 'EMAIL-OUT', canceled: false, count: 5, costMinor: 0, durationMin: 0, firstAt: expect.stringMatching(/^2026-11-02/), lastAt: expect.stringMatching(/^2026-11-02/) }])
    expect(empty!.composition).toEqual({ industry: [], country: [], relation: [] })

    // segment show counts the same way: Jón and Mary under their companies' codes (it lists no "none" row).
    const shown = (await runCommand({ deps: f.deps, actor: admin, source: 'test' }, 'segment show SG00001')).data as { composition: Record<string, unknown> }
    const withCode = (rows: Array<{ code: string | null; count: number }>) => rows.filter((r) => r.code !== null).map((r) => ({ code: r.code, count: r.count }))
    expect(shown.composition.industry).toEqual(withCode(fishing!.composition.industry))
    expect(shown.composition.relation).toEqual(withCode(fishing!.composition.relation))
    expect(shown.composition.industry).toEqual([{ code: 'FISHING', count: 4 }, { code: 'WHOLESALE', count: 2 }])
  })

  it('gives every campaign its statistics, templates, responses over time, opportunities and funnel', async () => {
    const base = await seedReportData(f.deps, admin)
    await seedCampaignData(f.deps, admin, base.thora, base.tokyo)
    // A response from a contact the campaign never targeted counts as a response of its week, not as a respondent.
    await respondToCampaign(f.deps, admin, { campaignNo: 'CP0001', contactNo: base.tokyo, date: '2026-11-12' })
    const [cp1, cp2] = (await loadSegmentCampaignData(f.deps)).campaigns
    expect(cp1).toMatchObject({ no: 'CP0001', description: HOSTILE_NAMES[0], status: 'ACTIVE', statusDescription: 'Active', active: true, startingDate: '2026-11-01', endingDate: '2026-12-31', salespersonCode: 'AA' })
    expect(cp1!.totals).toEqual({
      targets: 5, interactions: 10, respondents: 3, responseRatePct: 60, costMinor: 0, durationMin: 5,
      opportunities: 2, estimatedMinor: 1_000_000, calculatedMinor: 8_000, wonCount: 1, wonMinor: 600_000,
    })
    expect(cp1!.segments.map((s) => s.no)).toEqual(['SG00001'])
    expect(cp1!.byTemplate).toEqual([
      { templateCode: 'CALL-IN', description: 'Incoming phone call', count: 1, responses: 1, costMinor: 0, durationMin: 5 },
      { templateCode: 'EMAIL-IN', description: 'Email received', count: 4, responses: 4, costMinor: 0, durationMin: 0 },
      { templateCode: 'EMAIL-OUT', description: 'Email sent', count: 5, responses: 0, costMinor: 0, durationMin: 0 },
    ])
    expect(cp1!.responsesByWeek).toEqual([
      { week: '2026-W45', responses: 2, newRespondents: 2, cumulativeRespondents: 2, responseRatePct: 40 },
      { week: '2026-W46', responses: 3, newRespondents: 1, cumulativeRespondents: 3, responseRatePct: 60 },
    ])
    expect(cp1!.opportunities.map((o) => [o.description, o.status, o.estimatedMinor, o.calculatedMinor, o.wonMinor])).toEqual([
      ['Winter cod', 'in_progress', 400_000, 8_000, 0],
      ['Winter haddock', 'won', 600_000, 0, 600_000],
    ])
    expect(cp1!.funnel).toEqual({ targeted: 5, responded: 3, opportunity: 2, won: 1 })
    expect(cp2).toMatchObject({ no: 'CP0002', status: 'PLANNED', active: false, responsesByWeek: [], opportunities: [], byTemplate: [] })
    expect(cp2!.totals).toMatchObject({ targets: 1, respondents: 0, responseRatePct: 0 })

    // The same totals straight from SQL.
    const db = f.database.db
    const targets = await sql<{ n: number }>`select count(distinct l.contact_no) as n from segment_lines l join segments s on s.no = l.segment_no where s.campaign_no = 'CP0001'`.execute(db)
    const responders = await sql<{ n: number }>`select count(distinct contact_no) as n from interaction_log_entries where campaign_no = 'CP0001' and campaign_response = 1 and canceled = 0 and contact_no in (select l.contact_no from segment_lines l join segments s on s.no = l.segment_no where s.campaign_no = 'CP0001')`.execute(db)
    expect([cp1!.totals.targets, cp1!.totals.respondents]).toEqual([Number(targets.rows[0]!.n), Number(responders.rows[0]!.n)])
  })
})
