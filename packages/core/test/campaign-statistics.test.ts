import { describeEachDialect } from '@crm/db/testing'
import { beforeEach, expect, it } from 'vitest'
import { runCommand } from '../src/index.ts'
import { countRows, useCore } from './builders.ts'

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
})
