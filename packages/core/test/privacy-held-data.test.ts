import { describeEachDialect } from '@crm/db/testing'
import { beforeEach, expect, it } from 'vitest'
import { runCommand } from '../src/index.ts'
import { domainError, snapshotDatabase, useCore } from './builders.ts'

describeEachDialect('data held about a contact: export and erasure', (dialect) => {
  const core = useCore(dialect)
  const data = async (line: string) => (await runCommand(core.ctx, line)).data as any

  beforeEach(async () => {
    await data('contact add company "Hekla Útgerð ehf" --country IS')
    await data('contact add person "Þóra Guðmundsdóttir" --company CT000001 --email thora@hekla.is')
    await data('log CT000002 CALL-OUT "Þóra asked about cod" --note "Call her back on 898 7654"')
    await data('opp new CT000002 "Cod for Þóra" --value 1000')
    await data('campaign new "Autumn offer"')
    await data('segment new "Mailing" --campaign CP0001')
    await data('segment add SG00001 --contact CT000002')
    await data('segment log SG00001 EMAIL-OUT "Offer for Þóra"')
  })

  it('exports the interactions, opportunities, segment lines and emails held about the contact', async () => {
    const exported = await data('contact export CT000002')
    expect(JSON.parse(JSON.stringify(exported))).toEqual(exported)
    expect(exported.held.interactions.map((i: { no: string; subject: string }) => [i.no, i.subject])).toEqual([['IL00000001', 'Þóra asked about cod'], ['IL00000002', 'Offer for Þóra']])
    expect(exported.held.opportunities.map((o: { no: string; description: string }) => [o.no, o.description])).toEqual([['OP000001', 'Cod for Þóra']])
    expect(exported.held.opportunityEntries).toEqual([expect.objectContaining({ opportunityNo: 'OP000001', action: 'first', estimatedValue: 1000, active: true })])
    expect(exported.held.segmentLines).toEqual([{ segmentNo: 'SG00001', description: 'Mailing', campaignNo: 'CP0001', addedAt: expect.any(String) }])
    expect(exported.held.emails).toEqual([expect.objectContaining({ toAddress: 'thora@hekla.is', subject: 'Offer for Þóra', status: 'queued', interactionNo: 'IL00000002', segmentNo: 'SG00001', campaignNo: 'CP0001', sentAt: null })])
    // One naming throughout: every key of the export, however deep, is camelCase (no raw snake_case rows).
    const keys = new Set<string>()
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk)
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          keys.add(k)
          walk(x)
        }
      }
    }
    walk(exported)
    expect([...keys].filter((k) => k.includes('_'))).toEqual([])
  })

  it('refuses to erase a contact with open opportunities, naming them, until they are closed', async () => {
    const before = await snapshotDatabase(core.database)
    for (const line of ['contact erase CT000002', 'contact erase CT000002 --confirm CT000002']) {
      const refused = await domainError(runCommand(core.ctx, line))
      expect(refused.code).toBe('CONTACT_HAS_OPEN_OPPORTUNITIES')
      expect(refused.userMessage).toBe('CT000002 still has 1 open opportunity (OP000001); an erased contact\'s opportunities would stay in the pipeline and forecast. Close them first, e.g.: opp close OP000001 lost COMPETITOR')
    }
    expect(await snapshotDatabase(core.database)).toEqual(before)
    expect((await data('opp forecast')).lines).toHaveLength(1)
    await data('opp close OP000001 lost PRICE')
    expect((await data('contact erase CT000002 --confirm CT000002')).erased).toBe(true)
    expect((await data('opp forecast')).lines).toEqual([])
    expect((await data('contact show CT000002')).facts).toMatchObject({ openOpportunityCount: 0 })
  })

  it('erases the address and subject of the contact\'s emails too, and withdraws those not sent', async () => {
    await data('opp close OP000001 lost PRICE --note "Þóra went elsewhere"')
    await data('contact erase CT000002 --confirm CT000002')
    const outbox = await core.database.db.selectFrom('email_outbox').select(['to_address', 'subject', 'body', 'status']).execute()
    expect(outbox).toEqual([{ to_address: '(erased)', subject: '(erased)', body: null, status: 'failed' }])
    expect(JSON.stringify(await data('contact export CT000002'))).not.toMatch(/Þóra|thora|898/i)
    // Counts survive as anonymous aggregates.
    expect((await data('contact show CT000002')).facts).toMatchObject({ interactionCount: 2, openOpportunityCount: 0 })
  })
})
