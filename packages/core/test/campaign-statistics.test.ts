import { describeEachDialect } from '@crm/db/testing'
import { beforeEach, expect, it } from 'vitest'
import { loadSegmentCampaignData, renderText, runCommand } from '../src/index.ts'
import { countRows, domainError, useCore } from './builders.ts'

describeEachDialect('campaign statistics', (dialect) => {
  const core = useCore(dialect)
  const data = async (line: string) => (await runCommand(core.ctx, line)).data as any
  const stats = () => data('campaign stats CP0001')

  beforeEach(async () => {
    for (const name of ['Hekla Útgerð ehf', 'Eldey Fiskur hf', 'Brim hf', 'Norsk Fisk AS']) {
      await data(`contact add company "${name}" --country ${name.startsWith('Norsk') ? 'NO' : 'IS'} --email info@${name.split(' ')[0]!.toLowerCase()}.example`)
    }
    await data('campaign new "Autumn offer" --start 2026-11-01 --end 2026-12-31')
    await data('segment new "Iceland" --campaign CP0001')
    await data('segment add SG00001 country=IS')
  })

  it('counts the contacts of a segment not logged yet as targets, and the logged ones once logged', async () => {
    expect(await stats()).toMatchObject({ targets: 3, segmentContacts: 3, interactions: 0, responses: 0, responseRatePct: 0 })
    await data('segment log SG00001 EMAIL-OUT "Autumn offer"')
    expect(await stats()).toMatchObject({ targets: 3, segmentContacts: 3, interactions: 3, costMinor: 0 })
  })

  it('keeps the response rate at or below 100 %: responses are distinct targets who responded', async () => {
    await data('segment log SG00001 EMAIL-OUT "Autumn offer"')
    await data('campaign respond CP0001 CT000001 "Yes"')
    await data('campaign respond CP0001 CT000001 "Yes again"')
    await data('log CT000002 CALL-IN "Interested" --campaign CP0001 --response')
    // Norsk Fisk was never targeted: its response is reported apart and not part of the rate.
    await data('campaign respond CP0001 CT000004 "Heard about it"')
    expect(await stats()).toMatchObject({ targets: 3, interactions: 7, responses: 2, otherResponses: 1, responseRatePct: 66.7 })
    await data('campaign respond CP0001 CT000003 "Me too"')
    expect(await stats()).toMatchObject({ responses: 3, otherResponses: 1, responseRatePct: 100 })
    const list = await data('campaign list')
    expect(list.campaigns[0].statistics).toMatchObject({ targets: 3, responses: 3, responseRatePct: 100 })
  })

  it('drops an entry canceled with "interaction cancel" from the statistics and takes it back on restore', async () => {
    await data('segment log SG00001 EMAIL-OUT "Autumn offer"')
    await data('campaign respond CP0001 CT000001 "Yes"')
    expect(await stats()).toMatchObject({ targets: 3, interactions: 4, responses: 1, responseRatePct: 33.3 })
    await data('interaction cancel IL00000001')
    expect(await stats()).toMatchObject({ targets: 2, interactions: 3, responses: 0, otherResponses: 1, responseRatePct: 0 })
    await data('interaction cancel IL00000004')
    expect(await stats()).toMatchObject({ targets: 2, interactions: 2, responses: 0, otherResponses: 0 })
    await data('interaction restore IL00000001')
    await data('interaction restore IL00000004')
    expect(await stats()).toMatchObject({ targets: 3, interactions: 4, responses: 1, responseRatePct: 33.3 })
    expect(await countRows(core.database, 'interaction_log_entries')).toBe(4)
  })

  it('goes back to the segment\'s planned targets when the segment\'s log is canceled (scenario 8)', async () => {
    await data('segment log SG00001 EMAIL-OUT "Autumn offer"')
    await data('opp new CT000001 "Cod" --value 1000 --campaign CP0001')
    const logged = await stats()
    expect(logged).toMatchObject({ targets: 3, interactions: 3, opportunities: 1 })
    const canceled = await data('segment cancel-log SG00001')
    expect(canceled.canceled).toBe(3)
    expect(await stats()).toMatchObject({ targets: 3, interactions: 0, costMinor: 0, durationMin: 0, responses: 0, opportunities: 1 })
    expect(await countRows(core.database, 'interaction_log_entries')).toBe(3)
    const entries = await core.database.db.selectFrom('interaction_log_entries').select(['canceled']).execute()
    expect(entries.every((e) => e.canceled === 1)).toBe(true)
  })
  it('makes a contact a target only through a segment log, a target template or --target, never through a response or a plain linked call', async () => {
    await data('contact add company "Sæfari ehf" --country IS')
    await data('contact add company "Vík ehf" --country IS')
    await data('contact add company "Ós ehf" --country IS')
    // A call linked to the campaign is counted as an interaction, but the contact was not targeted by it.
    expect((await data('log CT000005 CALL-OUT "Asked about the offer" --campaign CP0001')).campaignTarget).toBe(false)
    expect(await stats()).toMatchObject({ targets: 3, interactions: 1 })
    expect(renderText(await runCommand(core.ctx, 'log CT000006 LETTER "Offer by post" --campaign CP0001 --target'))).toContain('CP0001 (target)')
    expect(await stats()).toMatchObject({ targets: 4, interactions: 2 })
    await data('setup template LETTER --campaign-target')
    expect((await data('log CT000007 LETTER "Offer by post" --campaign CP0001')).campaignTarget).toBe(true)
    // Without a campaign the template's flag makes no target.
    expect((await data('log CT000007 LETTER "Christmas card"')).campaignTarget).toBe(false)
    expect(await stats()).toMatchObject({ targets: 5, interactions: 3 })
    await data('segment log SG00001 EMAIL-OUT "Autumn offer"')
    expect(await stats()).toMatchObject({ targets: 5, interactions: 6 })
    const rows = await core.database.db.selectFrom('interaction_log_entries').select(['no', 'campaign_target']).where('segment_no', '=', 'SG00001').execute()
    expect(rows.map((r) => r.campaign_target)).toEqual([1, 1, 1])
  })

  it('counts no planned line whose contact a log would skip: privacy blocked, excluded from segments or erased', async () => {
    expect(await stats()).toMatchObject({ targets: 3, segmentContacts: 3 })
    await data('contact edit CT000001 --privacy-blocked yes')
    expect(await stats()).toMatchObject({ targets: 2 })
    await data('contact edit CT000002 --exclude-from-segments yes')
    expect(await stats()).toMatchObject({ targets: 1 })
    // A response of a contact the segment will not log is not a target's response.
    await data('campaign respond CP0001 CT000002 "Yes"')
    expect(await stats()).toMatchObject({ targets: 1, responses: 0, otherResponses: 1, responseRatePct: 0 })
    const report = (await loadSegmentCampaignData(core.deps)).campaigns.find((c) => c.no === 'CP0001')!
    expect(report.totals).toMatchObject({ targets: 1, respondents: 0 })
    expect(report.responsesByWeek.map((w) => w.newRespondents)).toEqual([0])
    // The log takes the same one contact the statistics counted.
    expect((await data('segment log SG00001 EMAIL-OUT "Autumn offer"')).logged).toBe(1)
    expect(await stats()).toMatchObject({ targets: 1 })
  })

  it('writes values as opportunities do: grouped thousands, the currency\'s decimals', async () => {
    await data('opp new CT000001 "Cod" --value 15000 --campaign CP0001')
    await data('opp new CT000002 "Haddock" --value 1234.5 --campaign CP0001')
    await data('opp close OP000002 won WON-QUALITY')
    const text = renderText(await runCommand(core.ctx, 'campaign stats CP0001'))
    expect(text).toMatch(/Estimated value +16,234\.50 EUR/)
    expect(text).toMatch(/Won value +1,234\.50 EUR/)
    expect(renderText(await runCommand(core.ctx, 'campaign list'))).toContain('1,234.50')
  })

  it('refuses --target without a campaign or together with --response, storing nothing', async () => {
    const noCampaign = await domainError(runCommand(core.ctx, 'log CT000001 LETTER "Offer" --target'))
    expect(noCampaign.userMessage).toContain('A target belongs to a campaign: give the campaign with --campaign.')
    const both = await domainError(runCommand(core.ctx, 'log CT000001 LETTER "Offer" --campaign CP0001 --target --response'))
    expect(both.userMessage).toContain('not both')
    expect(await countRows(core.database, 'interaction_log_entries')).toBe(0)
  })
})
