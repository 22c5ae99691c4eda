import { describeEachDialect } from '@crm/db/testing'
import { expect, it } from 'vitest'
import { generateActivity, generateCampaigns, generateContacts, getCampaignStatistics, getForecast, getSegmentDetails, listCampaigns, listOpportunities } from '../src/index.ts'
import { admin, countRows, useCore } from './builders.ts'

describeEachDialect('demo activity', (dialect) => {
  const core = useCore(dialect)

  it('logs interactions and creates open, won and lost opportunities through the use cases, the same for a seed', async () => {
    await generateContacts(core.deps, { contacts: 40, seed: 5, actor: admin })
    const result = await generateActivity(core.deps, { seed: 5, actor: admin, interactionsPerContact: 2, opportunities: 30 })
    expect(result.interactions).toBe(80)
    expect(await countRows(core.database, 'interaction_log_entries')).toBe(80)
    expect(await countRows(core.database, 'opportunities')).toBe(30)
    const closed = await core.database.db.selectFrom('opportunities').select(['status', 'close_code']).where('status', 'in', ['won', 'lost']).execute()
    expect(closed.filter((o) => o.status === 'won')).toHaveLength(result.won)
    expect(closed.filter((o) => o.status === 'lost')).toHaveLength(result.lost)
    expect(result.won).toBeGreaterThan(0)
    expect(result.lost).toBeGreaterThan(0)
    expect(closed.every((o) => o.close_code)).toBe(true)
    const open = await listOpportunities(core.deps, {})
    expect(open.opportunities.length).toBe(30 - result.won - result.lost)
    expect(new Set(open.opportunities.map((o) => o.stage)).size).toBeGreaterThan(1)
    expect((await getForecast(core.deps)).total.count).toBe(open.opportunities.length)
    const dates = await core.database.db.selectFrom('interaction_log_entries').select('occurred_at').execute()
    expect(dates.every((d) => d.occurred_at <= '2026-11-20T23:59:59Z' && d.occurred_at >= '2026-07-20')).toBe(true)
  })

  it('builds segments with filter steps and campaigns with logged mail, responses and opportunities, the same for a seed', async () => {
    await generateContacts(core.deps, { contacts: 120, seed: 20261122, salespeople: 3, showcase: true, actor: admin })
    await generateActivity(core.deps, { seed: 20261122, actor: admin, interactionsPerContact: 1, opportunities: 10 })
    const result = await generateCampaigns(core.deps, { seed: 20261122, actor: admin })
    expect(result.campaigns).toEqual(['CP0001', 'CP0002', 'CP0003'])
    expect(result.segments).toEqual(['SG00001', 'SG00002', 'SG00003', 'SG00004', 'SG00005'])
    expect(result.criteria).toEqual(['FISH-IS-GB'])
    const campaigns = await listCampaigns(core.deps)
    expect(campaigns.map((c) => c.status)).toEqual(['DONE', 'ACTIVE', 'PLANNED'])
    const autumn = await getCampaignStatistics(core.deps, 'CP0002')
    expect(autumn.targets).toBeGreaterThan(0)
    expect(autumn.responses).toBeGreaterThan(0)
    expect(autumn.opportunities).toBe(4)
    expect(autumn.wonValue).toBeGreaterThan(0)
    // Þóra always answers the autumn offer.
    const thora = await core.database.db.selectFrom('interaction_log_entries').select('no').where('contact_no', '=', 'CT000002').where('campaign_no', '=', 'CP0002').where('campaign_response', '=', 1).execute()
    expect(thora).toHaveLength(1)
    const fishing = await getSegmentDetails(core.deps, 'SG00002')
    expect(fishing.steps.map((s) => s.action)).toEqual(['add', 'remove', 'refine'])
    expect(fishing.segment.loggedAt).not.toBeNull()
    expect(result.logged).toBe(await countRows(core.database, 'email_outbox'))
  })
})
