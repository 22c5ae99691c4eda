// The eight acceptance scenarios of DOMAIN.md, each written as the `crm` command lines a user would type, run
// through the core command grammar (the same runner the shell and Slack use) on SQLite and PostgreSQL.
import { describeEachDialect } from '@crm/db/testing'
import { beforeEach, expect, it } from 'vitest'
import { createCoreDeps, renderText, runCommand, type CommandContext } from '../src/index.ts'
import { countRows, domainError, snapshotDatabase, useCore, NOW } from './builders.ts'

describeEachDialect('acceptance scenarios through the command grammar', (dialect) => {
  const core = useCore(dialect)
  const run = (line: string, ctx: CommandContext = core.ctx) => runCommand(ctx, line)
  const data = async (line: string, ctx?: CommandContext) => (await run(line, ctx)).data as any
  const nos = (list: Array<{ no: string }>) => list.map((c) => c.no).sort()
  const refused = async (line: string) => {
    const before = await snapshotDatabase(core.database)
    const error = await domainError(run(line))
    expect(await snapshotDatabase(core.database), `"${line}" changed the database`).toEqual(before)
    return error.userMessage
  }

  beforeEach(async () => {
    await run('salesperson add JD "Jón Jónsson"')
    await run('contact add company "Hekla Útgerð ehf" --address "Grandagarður 1" --post-code 101 --city Reykjavík --country IS --website www.hekla.is --salesperson JD --industry FISHING')
    await run('contact add person "Þóra Guðmundsdóttir" --company CT000001 --email thora@hekla.is')
  })

  it('1: a person at a company gets CT000002, inherits address and salesperson, and is found by thora, ÞÓRA and gudmunds', async () => {
    const thora = (await data('contact show CT000002')).contact
    expect(thora).toMatchObject({ no: 'CT000002', name: 'Þóra Guðmundsdóttir', companyNo: 'CT000001', companyName: 'Hekla Útgerð ehf', address: 'Grandagarður 1', postCode: '101', city: 'Reykjavík', countryCode: 'IS', salespersonCode: 'JD', inheritsCompanyAddress: true })
    for (const query of ['thora', 'ÞÓRA', 'gudmunds', 'Þóra Guðmunds']) {
      expect(nos((await data(`contact find ${query}`)).contacts), query).toEqual(['CT000002'])
    }
    expect(renderText(await run('contact find gudmunds'))).toContain('CT000002  Þóra Guðmundsdóttir  Hekla Útgerð ehf, Reykjavík, thora@hekla.is')
  })

  it('2: a company with the same website domain is reported as a duplicate with a score; merging moves Þóra and her interactions', async () => {
    await run('log CT000002 CALL-OUT "Before the merge" --duration 10')
    const created = await data('contact add company "Hekla Utgerd EHF" --website hekla.is/about')
    expect(created.contact.no).toBe('CT000003')
    expect(created.duplicates).toEqual([expect.objectContaining({ no: 'CT000001', score: expect.any(Number), reasons: expect.arrayContaining([expect.stringMatching(/website|name/i)]) })])
    expect(created.duplicates[0].score).toBeGreaterThanOrEqual(60)
    expect((await data('contact duplicates CT000003')).duplicates.map((d: { no: string }) => d.no)).toEqual(['CT000001'])
    const merged = await data('contact merge CT000001 CT000003')
    expect(merged).toMatchObject({ merged: 'CT000001', survivor: 'CT000003', movedPersons: 1 })
    expect((await data('contact show CT000002')).contact).toMatchObject({ companyNo: 'CT000003', companyName: 'Hekla Utgerd EHF' })
    const history = await data('interactions CT000003')
    expect(history).toMatchObject({ rolledUp: true })
    expect(history.interactions.map((i: { subject: string; contactNo: string }) => [i.subject, i.contactNo])).toEqual([['Before the merge', 'CT000002']])
    expect((await domainError(run('contact show CT000001'))).code).toBe('CONTACT_NOT_FOUND')
  })

  it('3: a 15-minute outbound CALL-OUT at 2.50 shows in the company\'s history and the person\'s statistics', async () => {
    await run('setup template CALL-OUT --cost 2.50')
    const logged = await data('log CT000002 CALL-OUT "Cod offer follow-up" --duration 15')
    expect(logged).toMatchObject({ no: 'IL00000001', contactNo: 'CT000002', contactCompanyNo: 'CT000001', informationFlow: 'outbound', costMinor: 250, durationMin: 15 })
    const company = await data('interactions CT000001')
    expect(company.interactions.map((i: { no: string }) => i.no)).toEqual(['IL00000001'])
    const stats = await data('interactions CT000002 --stats')
    expect(stats).toMatchObject({ count: 1, costMinor: 250, durationMin: 15 })
    expect(renderText(await run('interactions CT000002 --stats'))).toContain('1 interaction(s), cost 2.50 EUR, 15 min')
    expect((await data('contact show CT000002')).facts).toMatchObject({ interactionCount: 1, interactionCostMinor: 250, interactionDurationMin: 15 })
  })

  it('4: 10,000.00 on a 10/20, 40/40, 80/60 multiply cycle is 200.00 at stage 1 and 1,600.00 after next; lost needs a lost code; closed refuses next', async () => {
    await run('setup cycle SCEN "Scenario four" --stage New:10/20 --stage Qualify:40/40 --stage Propose:80/60 --calc multiply')
    let opp = (await data('opp new CT000002 "50 t of cod" --value 10,000.00 --cycle SCEN')).opportunity
    expect(opp).toMatchObject({ no: 'OP000001', stage: 1, status: 'in_progress', estimatedValueMinor: 1_000_000, probabilityPct: 2, calculatedValueMinor: 20_000 })
    opp = (await data('opp next OP000001')).opportunity
    expect(opp).toMatchObject({ stage: 2, probabilityPct: 16, calculatedValueMinor: 160_000 })
    expect(renderText(await run('opp show OP000001'))).toContain('Current value        1,600.00 EUR')
    expect(await refused('opp close OP000001 lost WON-QUALITY')).toContain('WON-QUALITY is not a lost close code')
    expect(await refused('opp close OP000001 lost')).toContain('Closing as lost needs a close code')
    opp = (await data('opp close OP000001 lost PRICE')).opportunity
    expect(opp).toMatchObject({ status: 'lost', closeCode: 'PRICE', calculatedValueMinor: 0 })
    expect(await refused('opp next OP000001')).toContain('OP000001 is closed as lost (PRICE) and cannot change')
    expect(await refused('opp close OP000001 won WON-PRICE')).toContain('is closed as lost')
  })

  it('5: add FISHING in IS, remove EMAIL-OUT in the last 30 days, refine to PROSPECT, undo, save, and apply next week to today\'s data', async () => {
    await run('contact add company "Eldey Fiskur hf" --country IS --industry FISHING --relation PROSPECT')
    await run('contact add company "Brim hf" --country IS --industry FISHING --relation PROSPECT')
    await run('contact add company "Norsk Fisk AS" --country NO --industry FISHING --relation PROSPECT')
    await run('log CT000003 EMAIL-OUT "Offer" --date 2026-11-10')
    await run('log CT000004 EMAIL-OUT "Old offer" --date 2026-09-01')
    await run('segment new "Fishing in Iceland"')
    expect((await data('segment add SG00001 industry=FISHING country=IS')).step.added).toBe(4)
    expect((await data('segment remove SG00001 interaction:EMAIL-OUT:30d')).step.removed).toBe(1)
    expect((await data('segment refine SG00001 relation=PROSPECT')).step.removed).toBe(2)
    expect(nos((await data('segment contacts SG00001')).contacts)).toEqual(['CT000004'])
    expect((await data('segment undo SG00001')).step.action).toBe('refine')
    expect(nos((await data('segment contacts SG00001')).contacts)).toEqual(['CT000001', 'CT000002', 'CT000004'])
    expect((await data('segment save-criteria SG00001 FISH-IS "Icelandic fishing not mailed lately"')).steps.map((s: { action: string }) => s.action)).toEqual(['add', 'remove'])
    const shown = renderText(await run('segment show SG00001'))
    expect(shown).toContain('3. refine relation=PROSPECT: +0 -2 [undone]')

    // Next week: Brim is mailed, a new fishing company arrives, and the criteria see today's data.
    const nextWeek: CommandContext = { ...core.ctx, deps: createCoreDeps(core.database, { clock: () => new Date(NOW.getTime() + 7 * 86_400_000) }) }
    await run('log CT000004 EMAIL-OUT "New offer" --date 2026-11-25', nextWeek)
    await run('contact add company "Vinnslustöðin hf" --country IS --industry FISHING', nextWeek)
    await run('segment new "Fishing in Iceland, week 2"', nextWeek)
    const applied = await data('segment apply-criteria SG00002 FISH-IS', nextWeek)
    // Eldey (mailed 11-10) and Brim (mailed 11-25) are within the 30 days; Vinnslustöðin is new.
    expect(applied.segment.lines).toBe(3)
    expect(nos((await data('segment contacts SG00002')).contacts)).toEqual(['CT000001', 'CT000002', 'CT000006'])
  })

  it('6: a contact excluded from segments never enters, by filter, by hand, by expansion or by saved criteria', async () => {
    await run('contact add person "Jón Jónsson" --company CT000001 --exclude-from-segments')
    await run('segment new "All of Hekla"')
    expect((await data('segment add SG00001 company=CT000001')).step.added).toBe(1)
    expect((await data('segment add SG00001 no=CT000001 --expand persons --allow-existing')).step.added).toBe(2)
    expect(await refused('segment add SG00001 --contact CT000003')).toContain('CT000003 (Jón Jónsson) is marked "exclude from segments" and never enters a segment.')
    await run('segment save-criteria SG00001 HEKLA')
    await run('segment new "Again"')
    await run('segment apply-criteria SG00002 HEKLA')
    await run('segment add SG00002 name~jon --any')
    for (const seg of ['SG00001', 'SG00002']) expect(nos((await data(`segment contacts ${seg}`)).contacts)).not.toContain('CT000003')
  })

  it('7: logging a segment of 3 for CP0001 makes 3 linked entries and 3 queued emails; one response gives 33.3 %', async () => {
    await run('contact add company "Eldey Fiskur hf" --country IS --email eldey@eldey.is')
    await run('contact add person "Ирина Соколова" --email irina@example.ru --country IS')
    await run('campaign new "Autumn offer" --start 2026-11-01 --end 2026-12-31')
    await run('segment new "Autumn mailing"')
    await run('segment add SG00001 country=IS has:email type=person')
    await run('segment add SG00001 --contact CT000003')
    expect((await data('segment show SG00001')).segment.lines).toBe(3)
    await run('campaign link-segment CP0001 SG00001')
    const logged = await data('segment log SG00001 EMAIL-OUT "Autumn offer"')
    expect(logged).toMatchObject({ logged: 3, queued: 3 })
    const entries = await core.database.db.selectFrom('interaction_log_entries').select(['contact_no', 'segment_no', 'campaign_no', 'template_code']).orderBy('no').execute()
    expect(entries).toEqual(['CT000002', 'CT000004', 'CT000003'].map((contact_no) => ({ contact_no, segment_no: 'SG00001', campaign_no: 'CP0001', template_code: 'EMAIL-OUT' })))
    const outbox = await core.database.db.selectFrom('email_outbox').select(['to_address', 'status', 'campaign_no']).orderBy('id').execute()
    expect(outbox.map((o) => [o.to_address, o.status, o.campaign_no])).toEqual([['thora@hekla.is', 'queued', 'CP0001'], ['irina@example.ru', 'queued', 'CP0001'], ['eldey@eldey.is', 'queued', 'CP0001']])
    expect(await data('campaign stats CP0001')).toMatchObject({ targets: 3, interactions: 3, responses: 0, responseRatePct: 0 })
    await run('campaign respond CP0001 CT000004 "Да, интересно"')
    expect(await data('campaign stats CP0001')).toMatchObject({ targets: 3, interactions: 4, responses: 1, responseRatePct: 33.3 })
    expect(renderText(await run('campaign stats CP0001'))).toContain('Response rate         33.3 %')
  })

  it('8: canceling a logged segment cancels its entries, statistics drop back, nothing is deleted', async () => {
    await run('contact add company "Eldey Fiskur hf" --country IS --email eldey@eldey.is')
    await run('campaign new "Autumn offer"')
    await run('segment new "Mailing" --campaign CP0001')
    await run('segment add SG00001 has:email')
    const before = await data('campaign stats CP0001')
    expect(before).toMatchObject({ targets: 2, interactions: 0 })
    await run('segment log SG00001 EMAIL-OUT "Autumn offer"')
    expect(await data('campaign stats CP0001')).toMatchObject({ targets: 2, interactions: 2 })
    expect((await data('interactions CT000002 --stats')).count).toBe(1)
    const canceled = await data('segment cancel-log SG00001')
    expect(canceled.canceled).toBe(2)
    expect(await data('campaign stats CP0001')).toEqual(before)
    expect((await data('interactions CT000002 --stats')).count).toBe(0)
    expect(await countRows(core.database, 'interaction_log_entries')).toBe(2)
    const rows = await core.database.db.selectFrom('interaction_log_entries').select(['canceled']).execute()
    expect(rows.every((r) => r.canceled === 1)).toBe(true)
    expect((await data('interactions CT000002 --canceled')).interactions.map((i: { canceled: boolean }) => i.canceled)).toEqual([true])
    expect((await data('segment list')).segments[0]).toMatchObject({ no: 'SG00001', logCanceledAt: NOW.toISOString() })
    // The segment is open again and can be logged anew.
    expect((await data('segment log SG00001 LETTER "Catalogue"')).logged).toBe(2)
  })
})
