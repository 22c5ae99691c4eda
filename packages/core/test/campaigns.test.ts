import { describeEachDialect } from '@crm/db/testing'
import { beforeEach, expect, it } from 'vitest'
import {
  addToSegment,
  cancelSegmentLog,
  createCampaign,
  createContact,
  createOpportunity,
  createSegment,
  closeOpportunity,
  getCampaignDetails,
  getCampaignStatistics,
  linkSegmentToCampaign,
  listCampaigns,
  logSegment,
  respondToCampaign,
  setCampaignStatus,
} from '../src/index.ts'
import { admin, countRows, domainError, useCore } from './builders.ts'

describeEachDialect('campaigns', (dialect) => {
  const core = useCore(dialect)

  beforeEach(async () => {
    for (const [name, email] of [['Hekla Útgerð ehf', 'info@hekla.is'], ['Eldey Fiskur hf', 'eldey@eldey.is'], ['Ирина Соколова', 'irina@example.ru']] as const) {
      await createContact(core.deps, admin, { type: name.startsWith('Ирина') ? 'person' : 'company', name, email, countryCode: 'IS' })
    }
  })

  it('runs acceptance scenario 7: a logged segment of 3 for CP0001, 3 emails queued, 33.3 % response rate', async () => {
    const campaign = await createCampaign(core.deps, admin, { description: 'Autumn offer', start: '2026-11-01', end: '2026-12-31' })
    expect(campaign).toMatchObject({ no: 'CP0001', status: 'PLANNED' })
    const seg = await createSegment(core.deps, admin, { description: 'Everyone' })
    await addToSegment(core.deps, admin, { no: seg.no, terms: ['country=IS'] })
    await linkSegmentToCampaign(core.deps, admin, { campaignNo: 'cp0001', segmentNo: seg.no })
    const logged = await logSegment(core.deps, admin, { no: seg.no, templateCode: 'EMAIL-OUT', subject: 'Autumn offer' })
    expect(logged).toMatchObject({ logged: 3, queued: 3 })
    const entries = await core.database.db.selectFrom('interaction_log_entries').select(['segment_no', 'campaign_no']).execute()
    expect(entries).toEqual(Array(3).fill({ segment_no: seg.no, campaign_no: 'CP0001' }))
    expect(await countRows(core.database, 'email_outbox')).toBe(3)
    let stats = await getCampaignStatistics(core.deps, 'CP0001')
    expect(stats).toMatchObject({ targets: 3, interactions: 3, responses: 0, responseRatePct: 0 })
    await respondToCampaign(core.deps, admin, { campaignNo: 'CP0001', contactNo: 'CT000003', subject: 'Да, интересно' })
    stats = await getCampaignStatistics(core.deps, 'CP0001')
    expect(stats).toMatchObject({ targets: 3, interactions: 4, responses: 1, responseRatePct: 33.3 })

    const won = await createOpportunity(core.deps, admin, { contactNo: 'CT000003', description: 'Order', estimatedValue: '1000', campaignNo: 'CP0001' })
    await createOpportunity(core.deps, admin, { contactNo: 'CT000001', description: 'Open one', estimatedValue: '10000', campaignNo: 'CP0001' })
    await closeOpportunity(core.deps, admin, { no: won.no, outcome: 'won', closeCode: 'WON-QUALITY' })
    stats = await getCampaignStatistics(core.deps, 'CP0001')
    expect(stats).toMatchObject({ opportunities: 2, estimatedValue: 11000, calculatedValue: 200, wonValue: 1000 })

    // Canceling the segment's log takes its entries out of the statistics; nothing is deleted.
    await cancelSegmentLog(core.deps, admin, seg.no)
    stats = await getCampaignStatistics(core.deps, 'CP0001')
    expect(stats).toMatchObject({ interactions: 1, responses: 1 })
    expect(await countRows(core.database, 'interaction_log_entries')).toBe(4)
    const details = await getCampaignDetails(core.deps, 'CP0001')
    expect(details.segments.map((s) => s.no)).toEqual([seg.no])
    expect(details.byTemplate).toEqual([{ templateCode: 'EMAIL-IN', count: 1, responses: 1 }])
  })

  it('moves through configurable statuses and refuses bad input without changes', async () => {
    await createCampaign(core.deps, admin, { description: 'Spring' })
    expect((await setCampaignStatus(core.deps, admin, { no: 'CP0001', status: 'active' })).status).toBe('ACTIVE')
    expect((await listCampaigns(core.deps, { status: 'ACTIVE' })).map((c) => c.no)).toEqual(['CP0001'])
    expect((await domainError(setCampaignStatus(core.deps, admin, { no: 'CP0001', status: 'PAUSED' }))).message).toContain('PLANNED, SCHEDULED, ACTIVE, DONE, CANCELED')
    expect((await domainError(createCampaign(core.deps, admin, { description: 'Bad', start: '2026-12-10', end: '2026-12-01' }))).field).toBe('end')
    expect((await domainError(createCampaign(core.deps, admin, { description: '' }))).field).toBe('description')
    expect((await domainError(respondToCampaign(core.deps, admin, { campaignNo: 'CP0099', contactNo: 'CT000001' }))).code).toBe('CAMPAIGN_NOT_FOUND')
    expect(await countRows(core.database, 'campaigns')).toBe(1)
    expect(await countRows(core.database, 'interaction_log_entries')).toBe(0)
  })
})
