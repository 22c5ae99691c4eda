import { describeEachDialect } from '@crm/db/testing'
import { describe, expect, it } from 'vitest'
import {
  closeOpportunity,
  createContact,
  createOpportunity,
  eraseContact,
  getForecast,
  getInteractionStatistics,
  getOpportunityDetails,
  listInteractions,
  listInteractionTemplates,
  listCloseCodes,
  listSalesCycles,
  listRecentInteractions,
  listOpportunities,
  logInteraction,
  mergeContacts,
  moveOpportunityStage,
  renderText,
  reopenOpportunity,
  runCommand,
  saveSalesCycle,
  setInteractionCanceled,
  updateOpportunity,
  addSalesperson,
  createCampaign,
  createSegment,
  respondToCampaign,
  parseMoney,
  probabilityOf,
} from '../src/index.ts'
import { admin, countRows, domainError, snapshotDatabase, useCore } from './builders.ts'

describe('money', () => {
  it('parses amounts as people type them into minor units', () => {
    expect(parseMoney('2.50', 'EUR')).toBe(250)
    expect(parseMoney('10,000.00', 'EUR')).toBe(1_000_000)
    expect(parseMoney('10.000,00', 'EUR')).toBe(1_000_000)
    expect(parseMoney('1 500', 'EUR')).toBe(150_000)
    expect(parseMoney('15000', 'ISK')).toBe(15_000)
    expect(() => parseMoney('ten', 'EUR')).toThrow(/"ten" is not an amount/)
    expect(() => parseMoney('2.5051', 'EUR')).toThrow(/EUR has 2 decimal/)
  })

  it('computes probability by each of the cycle calculations', () => {
    expect(probabilityOf('multiply', 20, 10)).toBe(2)
    expect(probabilityOf('add', 20, 10)).toBe(15)
    expect(probabilityOf('chance', 20, 10)).toBe(20)
    expect(probabilityOf('completion', 20, 10)).toBe(10)
  })
})

describeEachDialect('interactions', (dialect) => {
  const f = useCore(dialect)

  it('lists a salesperson\'s latest live interactions across contacts, newest first', async () => {
    await addSalesperson(f.deps, admin, { code: 'JD', name: 'Jane Doe' })
    await addSalesperson(f.deps, admin, { code: 'OK', name: 'Óli Kári' })
    const a = (await createContact(f.deps, admin, { type: 'company', name: 'Hekla ehf' })).contact.no
    const b = (await createContact(f.deps, admin, { type: 'company', name: 'Katla ehf' })).contact.no
    const log = (contactNo: string, subject: string, date: string, salespersonCode: string) => logInteraction(f.deps, admin, { contactNo, templateCode: 'CALL-OUT', subject, date, salespersonCode })
    await log(a, 'First', '2026-11-01', 'JD')
    await log(b, 'Second', '2026-11-03', 'JD')
    const canceled = await log(a, 'Canceled', '2026-11-04', 'JD')
    await log(a, 'Someone else', '2026-11-05', 'OK')
    await setInteractionCanceled(f.deps, admin, canceled.interaction.no, true)
    expect((await listRecentInteractions(f.deps, 'jd')).map((i) => [i.subject, i.contactNo])).toEqual([['Second', b], ['First', a]])
    expect((await listRecentInteractions(f.deps, 'JD', 1)).map((i) => i.subject)).toEqual(['Second'])
  })

  async function heklaAndThora() {
    const company = await createContact(f.deps, admin, { type: 'company', name: 'Hekla Útgerð ehf', city: 'Reykjavík' })
    const person = await createContact(f.deps, admin, { type: 'person', name: 'Þóra Guðmundsdóttir', companyNo: company.contact.no })
    return { company: company.contact.no, person: person.contact.no }
  }

  it('logs a 15-minute CALL-OUT at 2.50 and shows it in the company history and the statistics (scenario 3)', async () => {
    const { company, person } = await heklaAndThora()
    const r = await logInteraction(f.deps, admin, { contactNo: person, templateCode: 'call-out', subject: 'Follow-up', durationMin: 15 })
    expect(r.interaction).toMatchObject({ no: 'IL00000001', contactNo: person, contactCompanyNo: company, costMinor: 250, cost: 2.5, durationMin: 15, informationFlow: 'outbound', initiatedBy: 'us', channel: 'phone', source: 'manual' })
    const history = await listInteractions(f.deps, company)
    expect(history.rolledUp).toBe(true)
    expect(history.interactions.map((i) => i.no)).toEqual(['IL00000001'])
    const stats = await getInteractionStatistics(f.deps, person)
    expect(stats).toMatchObject({ count: 1, cost: 2.5, costMinor: 250, durationMin: 15 })
    expect(stats.byTemplate).toEqual([expect.objectContaining({ templateCode: 'CALL-OUT', count: 1, costMinor: 250, durationMin: 15 })])
    const companyStats = await getInteractionStatistics(f.deps, company)
    expect(companyStats.count).toBe(1)
  })

  it('lists history newest first with paging', async () => {
    const { person } = await heklaAndThora()
    for (const day of ['2026-11-01', '2026-11-03', '2026-11-02']) {
      await logInteraction(f.deps, admin, { contactNo: person, templateCode: 'EMAIL-IN', subject: `Mail ${day}`, date: day })
    }
    const first = await listInteractions(f.deps, person, { limit: 2 })
    expect(first.interactions.map((i) => i.subject)).toEqual(['Mail 2026-11-03', 'Mail 2026-11-02'])
    expect(first.hasMore).toBe(true)
    const second = await listInteractions(f.deps, person, { limit: 2, offset: 2 })
    expect(second.interactions.map((i) => i.subject)).toEqual(['Mail 2026-11-01'])
    expect(second.hasMore).toBe(false)
  })

  it('treats re-logging the same external reference for a contact as a no-op, even concurrently', async () => {
    const { person } = await heklaAndThora()
    const input = { contactNo: person, templateCode: 'EMAIL-IN', subject: 'Offer', externalRef: '<abc@mail.example>' }
    const results = await Promise.all([logInteraction(f.deps, admin, input), logInteraction(f.deps, admin, input), logInteraction(f.deps, admin, input)])
    expect(new Set(results.map((r) => r.interaction.no)).size).toBe(1)
    expect(results.filter((r) => !r.alreadyLogged)).toHaveLength(1)
    expect(await countRows(f.database, 'interaction_log_entries')).toBe(1)
  })

  it('cancels and restores an entry; statistics follow and nothing is deleted', async () => {
    const { person } = await heklaAndThora()
    const { interaction } = await logInteraction(f.deps, admin, { contactNo: person, templateCode: 'CALL-OUT', subject: 'Call' })
    await setInteractionCanceled(f.deps, admin, interaction.no, true)
    expect((await getInteractionStatistics(f.deps, person)).count).toBe(0)
    expect(await countRows(f.database, 'interaction_log_entries')).toBe(1)
    expect((await domainError(setInteractionCanceled(f.deps, admin, interaction.no, true))).code).toBe('ALREADY_CANCELED')
    await setInteractionCanceled(f.deps, admin, interaction.no, false)
    expect((await getInteractionStatistics(f.deps, person)).count).toBe(1)
  })

  it('refuses bad input with a clear message and stores nothing', async () => {
    const { person } = await heklaAndThora()
    await createContact(f.deps, admin, { type: 'person', name: 'Blocked Person', privacyBlocked: true })
    const cases: Array<[Parameters<typeof logInteraction>[2], RegExp]> = [
      [{ contactNo: 'CT999999', templateCode: 'CALL-OUT', subject: 'x' }, /There is no contact CT999999/],
      [{ contactNo: person, templateCode: 'FAX', subject: 'x' }, /There is no interaction template FAX\. Templates: CALL-IN, CALL-OUT/],
      [{ contactNo: person, templateCode: 'CALL-OUT', subject: '  ' }, /Give a subject/],
      [{ contactNo: person, templateCode: 'CALL-OUT', subject: 'x', date: '2026-02-30' }, /not a valid calendar date/],
      [{ contactNo: person, templateCode: 'CALL-OUT', subject: 'x', cost: '-1' }, /cannot be negative/],
      [{ contactNo: person, templateCode: 'CALL-OUT', subject: 'x', evaluation: 'great' }, /very-positive, positive, neutral/],
      [{ contactNo: person, templateCode: 'CALL-OUT', subject: 'x', opportunityNo: 'OP999' }, /There is no opportunity OP999/],
      // A hint that ends in a command still ends its sentence before the example.
      [{ contactNo: person, templateCode: 'CALL-OUT', subject: 'x', segmentNo: 'SG999' }, /^There is no segment SG999\. See them with: segment list\. Example: --segment SG00001$/],
      [{ contactNo: 'CT000003', templateCode: 'CALL-OUT', subject: 'x' }, /privacy blocked/],
    ]
    for (const [input, message] of cases) expect((await domainError(logInteraction(f.deps, admin, input))).userMessage).toMatch(message)
    expect(await countRows(f.database, 'interaction_log_entries')).toBe(0)
    const series = await runCommand(f.ctx, 'setup series')
    expect(JSON.stringify(series.data)).toContain('"nextNumber":"IL00000001"')
  })

  it('refuses an actor whose salesperson code is no salesperson, naming CRM_ACTOR, and stores nothing', async () => {
    const { person } = await heklaAndThora()
    await addSalesperson(f.deps, admin, { code: 'JD', name: 'Jane Doe' })
    const campaign = await createCampaign(f.deps, admin, { description: 'Autumn offer' })
    const ghost = { id: 'cli:zz', salespersonCode: 'zz', isAdmin: true }
    const before = await snapshotDatabase(f.database)
    const expected = 'You act as salesperson ZZ (CRM_ACTOR), but there is no salesperson ZZ. Set CRM_ACTOR to your own salesperson code or give one with --salesperson. Salespeople: JD. Example: --salesperson JD'
    for (const attempt of [
      () => logInteraction(f.deps, ghost, { contactNo: person, templateCode: 'CALL-OUT', subject: 'Hello' }),
      () => respondToCampaign(f.deps, ghost, { campaignNo: campaign.no, contactNo: person }),
      () => createOpportunity(f.deps, ghost, { contactNo: person, description: 'Cod' }),
      () => createSegment(f.deps, ghost, { description: 'Fishing' }),
      () => createCampaign(f.deps, ghost, { description: 'Spring' }),
    ]) {
      const refused = await domainError(attempt())
      expect(refused.field).toBe('salesperson')
      expect(refused.userMessage).toBe(expected)
    }
    expect(await snapshotDatabase(f.database)).toEqual(before)
    // A salesperson given explicitly wins over the actor's code; an unknown one given is named as such.
    expect((await logInteraction(f.deps, ghost, { contactNo: person, templateCode: 'CALL-OUT', subject: 'Hello', salespersonCode: 'jd' })).interaction.salespersonCode).toBe('JD')
    expect((await domainError(logInteraction(f.deps, admin, { contactNo: person, templateCode: 'CALL-OUT', subject: 'Hello', salespersonCode: 'QQ' }))).userMessage).toBe('There is no salesperson QQ. Salespeople: JD. Example: --salesperson JD')
  })

  it('links an interaction only to an opportunity of the same contact or of its company', async () => {
    const { company, person } = await heklaAndThora()
    const colleague = (await createContact(f.deps, admin, { type: 'person', name: 'Jón Jónsson', companyNo: company })).contact.no
    const other = (await createContact(f.deps, admin, { type: 'company', name: 'Brim hf' })).contact.no
    const companyOpp = (await createOpportunity(f.deps, admin, { contactNo: company, description: 'Cod', estimatedValue: '100' })).no
    const personOpp = (await createOpportunity(f.deps, admin, { contactNo: person, description: 'Haddock', estimatedValue: '100' })).no
    // The company's opportunity from its person, the person's from the company and from a colleague: one party.
    for (const [contactNo, opportunityNo] of [[person, companyOpp], [company, personOpp], [colleague, personOpp], [person, personOpp]] as const) {
      expect((await logInteraction(f.deps, admin, { contactNo, templateCode: 'CALL-OUT', subject: 'About the offer', opportunityNo })).interaction.opportunityNo).toBe(opportunityNo)
    }
    const refused = await domainError(logInteraction(f.deps, admin, { contactNo: other, templateCode: 'CALL-OUT', subject: 'About the offer', opportunityNo: companyOpp.toLowerCase() }))
    expect(refused.field).toBe('opportunity')
    expect(refused.userMessage).toBe(`${companyOpp} is ${company}'s opportunity; an interaction with ${other} can only be linked to an opportunity of ${other} or of its company. Example: log ${company} CALL-OUT "About the offer" --opportunity ${companyOpp}`)
    expect(await countRows(f.database, 'interaction_log_entries')).toBe(4)
  })

  it('refuses a date in the future for what a user logs, but keeps a mail\'s own date', async () => {
    const { person } = await heklaAndThora()
    const future = await domainError(logInteraction(f.deps, admin, { contactNo: person, templateCode: 'MEETING', subject: 'Visit', date: '2030-01-01' }))
    expect(future.field).toBe('date')
    expect(future.userMessage).toMatch(/^2030-01-01 is in the future; an interaction records a communication that took place\. Log it once it has happened\. Example: --date \d{4}-\d{2}-\d{2}$/)
    const tomorrow = new Date(f.deps.clock().getTime() + 86_400_000).toISOString().slice(0, 10)
    expect((await logInteraction(f.deps, admin, { contactNo: person, templateCode: 'MEETING', subject: 'Visit', date: tomorrow })).interaction.occurredAt.slice(0, 10)).toBe(tomorrow)
    const mail = await logInteraction(f.deps, admin, { contactNo: person, templateCode: 'EMAIL-IN', subject: 'Clock ahead', date: '2030-01-01T08:00:00Z', source: 'email', externalRef: '<ahead@x>' })
    expect(mail.interaction.occurredAt).toBe('2030-01-01T08:00:00.000Z')
  })

  it('moves interactions and opportunities with a merge and strips them of text on erasure', async () => {
    const { company, person } = await heklaAndThora()
    const dup = await createContact(f.deps, admin, { type: 'person', name: 'Thora Gudmundsdottir' })
    await logInteraction(f.deps, admin, { contactNo: dup.contact.no, templateCode: 'EMAIL-IN', subject: 'Hello', externalRef: '<m1@x>' })
    await logInteraction(f.deps, admin, { contactNo: person, templateCode: 'EMAIL-IN', subject: 'Hello', externalRef: '<m1@x>' })
    await createOpportunity(f.deps, admin, { contactNo: dup.contact.no, description: 'Cod', estimatedValue: '100' })
    await mergeContacts(f.deps, admin, dup.contact.no, person)
    const history = await listInteractions(f.deps, company)
    expect(history.interactions).toHaveLength(2)
    expect(history.interactions.every((i) => i.contactNo === person && i.contactCompanyNo === company)).toBe(true)
    const [moved] = (await listOpportunities(f.deps, { contactNo: person })).opportunities
    expect(moved).toBeDefined()
    await closeOpportunity(f.deps, admin, { no: moved!.no, outcome: 'lost', closeCode: 'PRICE' })
    await eraseContact(f.deps, admin, person, person)
    const after = await listInteractions(f.deps, person)
    expect(after.interactions.map((i) => i.subject)).toEqual(['(erased)', '(erased)'])
    expect((await getInteractionStatistics(f.deps, person)).count).toBe(2)
  })
})

describeEachDialect('opportunities', (dialect) => {
  const f = useCore(dialect)

  async function setupScenario4() {
    const c = await createContact(f.deps, admin, { type: 'company', name: 'Hekla Útgerð ehf' })
    await saveSalesCycle(f.deps, admin, {
      code: 'TEST',
      description: 'Scenario 4',
      probabilityCalc: 'multiply',
      stages: [
        { description: 'One', completionPct: 10, chancePct: 20 },
        { description: 'Two', completionPct: 40, chancePct: 40 },
        { description: 'Three', completionPct: 80, chancePct: 60 },
      ],
    })
    const o = await createOpportunity(f.deps, admin, { contactNo: c.contact.no, description: 'Cod 2027', cycleCode: 'test', estimatedValue: '10,000.00', estimatedCloseDate: '2027-01-31' })
    return { contact: c.contact.no, opp: o }
  }

  it('calculates 200.00 at stage 1 and 1,600.00 after next; lost needs a lost code; closed refuses next (scenario 4)', async () => {
    const { opp } = await setupScenario4()
    expect(opp).toMatchObject({ no: 'OP000001', status: 'in_progress', stage: 1, probabilityPct: 2, calculatedValue: 200, calculatedValueMinor: 20000 })
    const next = await moveOpportunityStage(f.deps, admin, { no: opp.no, to: 'next' })
    expect(next).toMatchObject({ stage: 2, probabilityPct: 16, calculatedValue: 1600 })
    expect((await domainError(closeOpportunity(f.deps, admin, { no: opp.no, outcome: 'lost' }))).userMessage).toMatch(/needs a close code: COMPETITOR, NO-BUDGET/)
    expect((await domainError(closeOpportunity(f.deps, admin, { no: opp.no, outcome: 'lost', closeCode: 'WON-QUALITY' }))).userMessage).toMatch(/WON-QUALITY is not a lost close code/)
    const lost = await closeOpportunity(f.deps, admin, { no: opp.no, outcome: 'lost', closeCode: 'price' })
    expect(lost).toMatchObject({ status: 'lost', closeCode: 'PRICE', calculatedValue: 0 })
    expect((await domainError(moveOpportunityStage(f.deps, admin, { no: opp.no, to: 'next' }))).code).toBe('OPPORTUNITY_CLOSED')
    expect((await domainError(closeOpportunity(f.deps, admin, { no: opp.no, outcome: 'lost', closeCode: 'PRICE' }))).code).toBe('OPPORTUNITY_CLOSED')
    expect((await domainError(updateOpportunity(f.deps, admin, { no: opp.no, estimatedValue: '5' }))).code).toBe('OPPORTUNITY_CLOSED')
    const details = await getOpportunityDetails(f.deps, opp.no)
    expect(details.entries.map((e) => [e.action, e.stage, e.active])).toEqual([['first', 1, false], ['next', 2, false], ['lost', 2, true]])
  })

  it('lists the sales cycles, close codes and interaction templates that pickers offer', async () => {
    await saveSalesCycle(f.deps, admin, { code: 'FAST', description: 'Fast deals', stages: [{ description: 'Offer', completionPct: 50, chancePct: 50 }] })
    await f.database.db.updateTable('sales_cycles').set({ blocked: 1 }).where('code', '=', 'FAST').execute()
    expect(await listSalesCycles(f.deps)).toEqual([{ code: 'FAST', description: 'Fast deals', blocked: true }, { code: 'STANDARD', description: 'Standard sales cycle', blocked: false }])
    expect((await listCloseCodes(f.deps, 'lost')).map((c) => c.code)).toEqual(['COMPETITOR', 'NO-BUDGET', 'NO-RESPONSE', 'PRICE'])
    expect(await listCloseCodes(f.deps)).toContainEqual({ code: 'WON-QUALITY', type: 'won', description: 'Won on quality' })
    expect(await listInteractionTemplates(f.deps)).toContainEqual({ code: 'CALL-OUT', description: 'Outgoing phone call', channel: 'phone' })
  })

  it('reopens explicitly with a logged entry and a trace', async () => {
    const { opp } = await setupScenario4()
    await closeOpportunity(f.deps, admin, { no: opp.no, outcome: 'won', closeCode: 'WON-QUALITY' })
    const won = await getOpportunityDetails(f.deps, opp.no)
    expect(won.opportunity).toMatchObject({ status: 'won', calculatedValue: 10000 })
    const reopened = await reopenOpportunity(f.deps, admin, opp.no, 'They asked for more')
    expect(reopened).toMatchObject({ status: 'in_progress', stage: 1, calculatedValue: 200, closeCode: null })
    expect((await getOpportunityDetails(f.deps, opp.no)).entries.at(-1)).toMatchObject({ action: 'reopen', note: 'They asked for more', active: true })
    expect((await domainError(reopenOpportunity(f.deps, admin, opp.no))).code).toBe('NOT_CLOSED')
  })

  it('goes previous, jumps only over stages that allow skipping, and needs a quote where required', async () => {
    await createContact(f.deps, admin, { type: 'company', name: 'Acme' })
    const o = await createOpportunity(f.deps, admin, { contactNo: 'CT000001', description: 'Deal', estimatedValue: '1000' })
    // The default cycle: 1 New, 2 Qualify (skip allowed), 3 Propose (quote), 4 Negotiate.
    expect((await domainError(moveOpportunityStage(f.deps, admin, { no: o.no, to: 'previous' }))).code).toBe('NO_PREVIOUS_STAGE')
    expect((await domainError(moveOpportunityStage(f.deps, admin, { no: o.no, to: 3 }))).userMessage).toMatch(/requires a quote/)
    const jumped = await moveOpportunityStage(f.deps, admin, { no: o.no, to: 3, quote: 'Q-1' })
    expect(jumped.stage).toBe(3)
    expect((await domainError(moveOpportunityStage(f.deps, admin, { no: o.no, to: 9 }))).userMessage).toMatch(/has no stage 9\. Stages: 1 New, 2 Qualify/)
    const back = await moveOpportunityStage(f.deps, admin, { no: o.no, to: 'previous' })
    expect(back.stage).toBe(2)
    await moveOpportunityStage(f.deps, admin, { no: o.no, to: 1 })
    await moveOpportunityStage(f.deps, admin, { no: o.no, to: 'next' })
    expect((await domainError(moveOpportunityStage(f.deps, admin, { no: o.no, to: 4, quote: 'Q' }))).userMessage).toMatch(/Stage 3 \(Propose\) cannot be skipped/)
    await moveOpportunityStage(f.deps, admin, { no: o.no, to: 'next', quote: 'Q-2' })
    await moveOpportunityStage(f.deps, admin, { no: o.no, to: 'next' })
    expect((await domainError(moveOpportunityStage(f.deps, admin, { no: o.no, to: 'next' }))).userMessage).toMatch(/at the last stage/)
  })

  it('gives a stage the interaction it calls for (activity=TEMPLATE), shown in the setup and on the opportunity', async () => {
    const run = (line: string) => runCommand(f.ctx, line)
    await run('setup cycle VISIT "Visits" --stage New:10/20:activity=call-out --stage Visit:50/50:skip,activity=MEETING --stage Offer:80/60:quote')
    const cycle = (await run('setup cycles')).data as Array<{ code: string; stages: Array<{ activityCode: string | null }> }>
    expect(cycle.find((c) => c.code === 'VISIT')!.stages.map((s) => s.activityCode)).toEqual(['CALL-OUT', 'MEETING', null])
    expect(renderText(await run('setup cycles'))).toMatch(/VISIT .* 2 .*Visit .*skip,activity=MEETING/)
    await createContact(f.deps, admin, { type: 'company', name: 'Acme' })
    await run('opp new CT000001 "Boat" --cycle VISIT --value 500')
    expect(renderText(await run('opp show OP000001'))).toContain('CALL-OUT: log CT000001 CALL-OUT "…" --opportunity OP000001')
    expect(renderText(await run('opp next OP000001'))).toContain('MEETING: log CT000001 MEETING "…" --opportunity OP000001')
    expect(renderText(await run('opp next OP000001 --quote Q-1'))).not.toContain('Stage activity')
    const unknown = await domainError(run('setup cycle VISIT --stage New:10/20:activity=FAX'))
    expect(unknown.userMessage).toMatch(/^Stage 1 \(New\): its activity names the interaction template the stage calls for; there is no template FAX\. Templates: CALL-IN, CALL-OUT/)
    expect((await domainError(run('setup cycle VISIT --stage New:10/20:colour'))).userMessage).toContain('Unknown stage flag colour in "New:10/20:colour"; flags are quote, skip and activity=TEMPLATE.')
    expect((await domainError(run('setup cycle VISIT --stage New:10/20:activity=CALL-OUT,activity=MEETING'))).userMessage).toContain('has 2 activities; give one.')
    expect(cycle.find((c) => c.code === 'VISIT')!.stages).toHaveLength(3)
  })

  it('refuses bad input and changes nothing', async () => {
    const { opp } = await setupScenario4()
    const before = { opps: await countRows(f.database, 'opportunities'), entries: await countRows(f.database, 'opportunity_entries') }
    expect((await domainError(createOpportunity(f.deps, admin, { contactNo: 'CT404', description: 'x' }))).userMessage).toMatch(/There is no contact CT404/)
    expect((await domainError(createOpportunity(f.deps, admin, { contactNo: 'CT000001', description: 'x', estimatedValue: '-5' }))).userMessage).toMatch(/cannot be negative/)
    expect((await domainError(createOpportunity(f.deps, admin, { contactNo: 'CT000001', description: 'x', cycleCode: 'NOPE' }))).userMessage).toMatch(/There is no sales cycle NOPE\. Cycles: STANDARD, TEST/)
    expect((await domainError(createOpportunity(f.deps, admin, { contactNo: 'CT000001', description: 'x', estimatedCloseDate: '31.12.2026' }))).userMessage).toMatch(/is not a date \(YYYY-MM-DD\)/)
    expect((await domainError(updateOpportunity(f.deps, admin, { no: opp.no, estimatedValue: '-1' }))).userMessage).toMatch(/cannot be negative/)
    expect((await domainError(updateOpportunity(f.deps, admin, { no: opp.no, chancePct: 120 }))).userMessage).toMatch(/0 to 100/)
    expect((await domainError(moveOpportunityStage(f.deps, admin, { no: 'OP404', to: 'next' }))).userMessage).toMatch(/There is no opportunity OP404/)
    expect({ opps: await countRows(f.database, 'opportunities'), entries: await countRows(f.database, 'opportunity_entries') }).toEqual(before)
  })

  it('updates values with an entry and recalculates the current value', async () => {
    const { opp } = await setupScenario4()
    const u = await updateOpportunity(f.deps, admin, { no: opp.no, estimatedValue: '20000', chancePct: 50 })
    expect(u).toMatchObject({ estimatedValue: 20000, chancePct: 50, completionPct: 10, probabilityPct: 5, calculatedValue: 1000 })
    expect((await getOpportunityDetails(f.deps, opp.no)).entries.at(-1)).toMatchObject({ action: 'update', calculatedValue: 1000 })
  })

  it('forecasts open opportunities per salesperson, close month and stage in SQL', async () => {
    await addSalesperson(f.deps, admin, { code: 'JD', name: 'Jane Doe' })
    await addSalesperson(f.deps, admin, { code: 'AB', name: 'Ari Björnsson' })
    await createContact(f.deps, admin, { type: 'company', name: 'Acme' })
    const mk = (sp: string, value: string, date: string) => createOpportunity(f.deps, admin, { contactNo: 'CT000001', description: 'x', salespersonCode: sp, estimatedValue: value, estimatedCloseDate: date })
    await mk('JD', '1000', '2027-01-10')
    await mk('JD', '3000', '2027-01-20')
    const third = await mk('AB', '500', '2027-02-01')
    const won = await mk('AB', '9999', '2027-02-01')
    await closeOpportunity(f.deps, admin, { no: won.no, outcome: 'won', closeCode: 'WON-PRICE' })
    await moveOpportunityStage(f.deps, admin, { no: third.no, to: 'next' })
    const f1 = await getForecast(f.deps)
    expect(f1.lines).toEqual([
      { salespersonCode: 'AB', period: '2027-02', cycleCode: 'STANDARD', stage: 2, stageDescription: 'Qualify', count: 1, estimatedValue: 500, calculatedValue: 80 },
      { salespersonCode: 'JD', period: '2027-01', cycleCode: 'STANDARD', stage: 1, stageDescription: 'New', count: 2, estimatedValue: 4000, calculatedValue: 80 },
    ])
    expect(f1.total).toEqual({ count: 3, estimatedValue: 4500, calculatedValue: 160 })
    // Stage 2 of another cycle is another stage: its own line, named by its own description.
    await saveSalesCycle(f.deps, admin, { code: 'VISIT', description: 'Visits', stages: [{ description: 'Call', completionPct: 10, chancePct: 20 }, { description: 'Visit', completionPct: 50, chancePct: 50 }] })
    const visit = await createOpportunity(f.deps, admin, { contactNo: 'CT000001', description: 'y', salespersonCode: 'AB', estimatedValue: '100', estimatedCloseDate: '2027-02-05', cycleCode: 'VISIT' })
    await moveOpportunityStage(f.deps, admin, { no: visit.no, to: 'next' })
    expect((await getForecast(f.deps, { salespersonCode: 'AB' })).lines.map((l) => [l.cycleCode, l.stage, l.stageDescription, l.count])).toEqual([['STANDARD', 2, 'Qualify', 1], ['VISIT', 2, 'Visit', 1]])
    expect(renderText(await runCommand(f.ctx, 'opp forecast --salesperson AB'))).toMatch(/2027-02 +VISIT +2 Visit +1/)
    await closeOpportunity(f.deps, admin, { no: visit.no, outcome: 'lost', closeCode: 'PRICE' })
    const jd = await getForecast(f.deps, { salespersonCode: 'jd', closeFrom: '2027-01-15', closeTo: '2027-01-31' })
    expect(jd.total).toEqual({ count: 1, estimatedValue: 3000, calculatedValue: 60 })
    const list = await listOpportunities(f.deps, { status: 'won' })
    expect(list.opportunities.map((o) => o.no)).toEqual([won.no])
    expect((await domainError(listOpportunities(f.deps, { status: 'maybe' }))).userMessage).toMatch(/open, not-started, in-progress, won, lost/)
  })

  it('drives the whole cycle through the command grammar', async () => {
    await runCommand(f.ctx, 'contact add company "Hekla Útgerð ehf"')
    await runCommand(f.ctx, 'setup cycle TEST "Scenario 4" --stage One:10/20 --stage Two:40/40:skip --stage Three:80/60:quote')
    const created = await runCommand(f.ctx, 'opp new CT000001 "50 t of cod" --value 10000.00 --cycle TEST --close-date 2027-03-31')
    expect(renderText(created)).toContain('Current value        200.00 EUR')
    const next = await runCommand(f.ctx, 'opp next OP000001')
    expect(renderText(next)).toContain('1,600.00 EUR')
    const logged = await runCommand(f.ctx, 'log CT000001 CALL-OUT "Price talk" --duration 15 --opportunity OP000001 --evaluation positive')
    expect(logged.data).toMatchObject({ opportunityNo: 'OP000001', evaluation: 'positive', durationMin: 15 })
    const closed = await runCommand(f.ctx, 'opp close OP000001 lost PRICE --note "Cheaper supplier"')
    expect(renderText(closed)).toContain('lost (PRICE)')
    const forecast = await runCommand(f.ctx, 'opp forecast')
    expect(renderText(forecast)).toContain('Total: 0 opportunities')
    const stats = await runCommand(f.ctx, 'interactions CT000001 --stats')
    expect(renderText(stats)).toContain('1 interaction(s), cost 2.50 EUR, 15 min')
  })
})
