// Every command of the grammar, through the command runner on both dialects: the subcommands of segments,
// campaigns, opportunities and interactions do what their help says, and bad input to any command is refused
// with a message naming the problem while no row of any table changes.
import { describeEachDialect } from '@crm/db/testing'
import { beforeEach, expect, it } from 'vitest'
import { coreCommands, renderText, runCommand } from '../src/index.ts'
import { domainError, snapshotDatabase, useCore } from './builders.ts'

/** For every command, input it must refuse and a part of the message it must give. */
const BAD_INPUT: Array<[line: string, message: string | RegExp]> = [
  ['contact add company', 'A contact needs a name'],
  ['contact add person Jón --company CT000099', 'There is no company CT000099'],
  ['contact add company "Katla hf" --employees -3', 'is not a number of employees'],
  ['contact show CT000099', 'There is no contact CT000099'],
  ['contact find "  "', 'Type something to search for: a name, email, phone, company or city.'],
  ['contact find hekla --limit 0', '--limit is how many to show'],
  ['contact list --type robot', '--type is company or person, not "robot"'],
  ['contact edit CT000002 --email not-an-email', '"not-an-email" is not an email address'],
  ['contact edit CT000002 --language klingon', 'is not a language code'],
  ['contact link CT000001 CT000003', 'is a company; only persons can be linked'],
  ['contact unlink CT000001', 'CT000001 (Hekla Útgerð ehf) is a company; only persons can be linked to a company.'],
  ['contact duplicates CT000001 --threshold 500', '--threshold is 1 to 100'],
  ['contact not-duplicates CT000001 CT000001', 'Give two different contacts.'],
  ['contact merge CT000001 CT000001', 'Cannot merge CT000001 into itself'],
  ['contact history', 'Missing <no>'],
  ['contact export CT000099', 'There is no contact CT000099'],
  ['contact erase CT000002 --confirm CT000001', 'To go ahead, repeat the number: contact erase CT000002 --confirm CT000002'],
  ['log CT000002 CALL-OUT', 'Missing <subject>'],
  ['log CT000002 NOPE "Call"', 'There is no interaction template NOPE'],
  ['log CT000002 CALL-OUT "Call" --cost 1.234', '"1.234" is ambiguous'],
  ['log CT000002 CALL-OUT "Call" --date 2026-13-01', 'is not a valid calendar date'],
  ['log CT000002 CALL-OUT "Call" --flow sideways', '--flow is inbound or outbound'],
  ['log CT000002 CALL-OUT "Call" --evaluation great', 'The evaluation is one of'],
  ['log CT000002 CALL-OUT "Call" --duration -5', 'The duration is whole minutes'],
  ['log CT000002 CALL-OUT "Call" --opportunity OP000099', 'There is no opportunity OP000099'],
  ['log CT000002 CALL-OUT "Call" --response', 'A response answers a campaign'],
  ['log CT000099 CALL-OUT "Call"', 'There is no contact CT000099'],
  ['interactions CT000099', 'There is no contact CT000099'],
  ['interactions CT000002 --offset -1', '--offset is how many to skip'],
  ['interaction show IL99999999', 'There is no interaction IL99999999'],
  ['interaction cancel IL99999999', 'There is no interaction IL99999999'],
  ['interaction restore IL00000001', 'IL00000001 is not canceled.'],
  ['setup templates extra', 'Unexpected "extra"'],
  ['setup template DEMO "Demo" --channel pigeon', 'The channel is one of email, phone, meeting, letter, other, not "pigeon".'],
  ['opp new CT000002 "Cod" --value -5', 'The estimated value cannot be negative.'],
  ['opp new CT000002 "Cod" --priority urgent', 'The priority is low, normal or high'],
  ['opp new CT000002 "Cod" --cycle NOPE', 'There is no sales cycle NOPE'],
  ['opp new CT000002 "Cod" --close-date 2027-02-29', 'is not a valid calendar date'],
  ['opp show OP000099', 'There is no opportunity OP000099'],
  ['opp list --status pending', 'The status is one of'],
  ['opp list --stage 0', '--stage is a stage number'],
  ['opp next OP000099', 'There is no opportunity OP000099'],
  ['opp previous OP000001', 'OP000001 is at the first stage; there is no previous stage.'],
  ['opp stage OP000001 9', 'has no stage 9'],
  ['opp stage OP000001 two', '<stage> is a stage number'],
  ['opp update OP000001', 'Nothing to change on OP000001'],
  ['opp update OP000001 --chance 150', '--chance is a whole percent from 0 to 100'],
  ['opp update OP000001 --value 10,000', '"10,000" is ambiguous'],
  ['opp close OP000001 won PRICE', 'PRICE is not a won close code'],
  ['opp close OP000001 draw', '<outcome> is one of won, lost'],
  ['opp reopen OP000001', 'OP000001 is not closed'],
  ['opp forecast --from 2027-01-01 --to 2026-01-01', 'ends (2026-01-01) before it starts (2027-01-01)'],
  ['setup cycles now', 'Unexpected "now"'],
  ['setup cycle BAD "Bad" --stage New:10/20 --stage Next:5/10', 'completes less'],
  ['setup cycle BAD "Bad" --stage New', 'is not Description:completion/chance'],
  ['setup close-codes x', 'Unexpected "x"'],
  ['setup close-code lost "NO GOOD" "Bad"', 'is not a close code'],
  ['segment new ""', 'Missing <description>: what the segment is for.'],
  ['segment new "X" --campaign CP0099', 'There is no campaign CP0099'],
  ['segment show SG00099', 'There is no segment SG00099'],
  ['segment list now', 'Unexpected "now"'],
  ['segment contacts SG00001 --limit 0', '--limit is how many to show'],
  ['segment add SG00001 colour=red', 'unknown field "colour"'],
  ['segment add SG00001 --contact CT000002 --any', '--any combines filter terms'],
  ['segment remove SG00002 --contact CT000001', 'CT000001 is not in segment SG00002'],
  ['segment remove SG00001 country>IS', 'compares dates and numbers'],
  ['segment refine SG00001', 'Missing <filter>'],
  ['segment refine SG00001 relation=NOPE', 'there is no business relation NOPE'],
  ['segment refine SG00001 industry=FISHING --expand persons', 'Unknown option --expand for "segment refine". Options: --any.'],
  ['segment undo SG00003', 'has no step to undo'],
  ['segment save-criteria SG00003 FISH', 'has no steps to save'],
  ['segment save-criteria SG00001 "BAD CODE"', 'is not a criteria code'],
  ['segment apply-criteria SG00001 NOPE', 'There are no saved criteria NOPE'],
  ['segment log SG00003 EMAIL-OUT "Offer"', 'has no contacts that can be logged'],
  ['segment log SG00001 NOPE "Offer"', 'There is no interaction template NOPE'],
  ['segment log SG00001 EMAIL-OUT "Offer" --date 0026-11-20', 'is not a plausible date'],
  ['segment cancel-log SG00001', 'is not logged, so there is nothing to cancel'],
  ['segment line SG00001 CT000002 --template NOPE', 'There is no interaction template NOPE'],
  ['segment line SG00001 CT000002 --language klingon', '"klingon" is not a language code'],
  ['segment content SG00099 --subject "Offer"', 'There is no segment SG00099'],
  ['segment language SG00001 xx --subject "Offer"', '"xx" is not a language code'],
  ['segment language SG00001 is --remove', 'Segment SG00001 has no is variant'],
  ['campaign new "Spring" --start 2026-12-10 --end 2026-12-01', 'ends (2026-12-01) before it starts (2026-12-10)'],
  ['campaign new "Spring" --status PAUSED', 'There is no campaign status PAUSED'],
  ['campaign show CP0099', 'There is no campaign CP0099'],
  ['campaign list --status NOPE', 'There is no campaign status NOPE'],
  ['campaign status CP0001 PAUSED', 'There is no campaign status PAUSED'],
  ['campaign status CP0001 ACTIVE --end 2020-01-01', 'before it starts'],
  ['campaign link-segment CP0001 SG00099', 'There is no segment SG00099'],
  ['campaign respond CP0001 CT000099', 'There is no contact CT000099'],
  ['campaign respond CP0001 CT000002 --template NOPE', 'There is no interaction template NOPE'],
  ['campaign stats CP0099', 'There is no campaign CP0099'],
  ['setup campaign-statuses x', 'Unexpected "x"'],
  ['setup campaign-status "ON HOLD" "On hold"', 'is not a status code'],
  ['setup show x', 'Unexpected "x"'],
  ['setup set colour blue', 'Unknown setting "colour". Settings: default-country'],
  ['setup series NOPE', 'There is no number series NOPE. Series: CAMPAIGN, CONTACT'],
  ['setup codes industry-group x', 'Unexpected "x"'],
  ['setup code add industry-group "BAD CODE" Bad', '"BAD CODE" is not a code (1-20 letters, digits, - or _).'],
  ['setup code remove industry-group NOPE', 'There is no industry-group NOPE.'],
  ['salesperson add JD "Jane"', 'Salesperson JD already exists; use "salesperson edit JD" to change it.'],
  ['salesperson edit NOPE --name X', 'There is no salesperson NOPE.'],
  ['salesperson list x', 'Unexpected "x"'],
]

describeEachDialect('every command', (dialect) => {
  const core = useCore(dialect)
  const run = (line: string) => runCommand(core.ctx, line)
  const data = async (line: string) => (await run(line)).data as any
  const nos = (list: Array<{ no: string }>) => list.map((c) => c.no).sort()

  beforeEach(async () => {
    await run('salesperson add JD "Jón Jónsson"')
    await run('salesperson add AA "Anna Arnardóttir"')
    await run('contact add company "Hekla Útgerð ehf" --country IS --city Reykjavík --industry FISHING --relation PROSPECT --salesperson JD')
    await run('contact add person "Þóra Guðmundsdóttir" --company CT000001 --email thora@hekla.is')
    await run('contact add company "Norsk Fisk AS" --country NO --industry FISHING --email post@norskfisk.no --salesperson AA')
    await run('campaign new "Autumn offer" --start 2026-11-01 --end 2026-12-31')
    await run('segment new "Fishing" --campaign CP0001')
    await run('segment add SG00001 industry=FISHING')
    await run('segment new "Empty"')
    await run('segment new "Nothing yet"')
    await run('opp new CT000002 "50 t of cod" --value 10000 --close-date 2027-03-31 --salesperson JD')
    await run('log CT000002 CALL-OUT "Cod offer" --duration 15')
  })

  // The groups of contacts, interactions, opportunities, segments, campaigns and setup; other areas test theirs.
  const GROUPS = ['contact', 'log', 'interactions', 'interaction', 'opp', 'segment', 'campaign', 'setup', 'salesperson']

  it('has a bad-input case for every command of these groups', () => {
    const covered = (path: readonly string[]) => BAD_INPUT.some(([line]) => {
      const words = line.split(' ')
      return path.every((p, i) => words[i] === p) && !coreCommands.some((other) => other.path.length > path.length && other.path.every((p, i) => words[i] === p))
    })
    expect(coreCommands.filter((c) => GROUPS.includes(c.path[0]!) && !covered(c.path)).map((c) => c.path.join(' '))).toEqual([])
  })

  it('refuses bad input to every command with a clear message and changes nothing', async () => {
    const before = await snapshotDatabase(core.database)
    const wrong: string[] = []
    for (const [line, message] of BAD_INPUT) {
      let error
      try {
        error = await domainError(run(line))
      } catch (e) {
        wrong.push(`${line}: ${(e as Error).message}`)
        continue
      }
      const ok = typeof message === 'string' ? error.userMessage.includes(message) : message.test(error.userMessage)
      if (!ok) wrong.push(`${line}: "${error.userMessage}" lacks ${message}`)
      if (/\n\s+at /.test(error.userMessage)) wrong.push(`${line}: a stack trace in the message`)
    }
    expect(wrong).toEqual([])
    expect(await snapshotDatabase(core.database)).toEqual(before)
  })

  it('segment show, list, contacts, remove, refine, undo, log with a follow-up, and cancel-log', async () => {
    const shown = await data('segment show SG00001')
    expect(shown.segment).toMatchObject({ no: 'SG00001', description: 'Fishing', campaignNo: 'CP0001', lines: 3 })
    expect(shown.composition.country).toEqual([{ code: 'IS', count: 2 }, { code: 'NO', count: 1 }])
    expect(shown.steps.map((s: { action: string; criteria: string }) => [s.action, s.criteria])).toEqual([['add', 'industry=FISHING']])
    expect((await data('segment list')).segments.map((s: { no: string; lines: number }) => [s.no, s.lines])).toEqual([['SG00001', 3], ['SG00002', 0], ['SG00003', 0]])
    const page = await data('segment contacts SG00001 --limit 2')
    expect(page).toMatchObject({ total: 3, hasMore: true })
    expect(renderText(await run('segment contacts SG00001 --limit 2'))).toContain('More: segment contacts SG00001 --offset 2')
    expect((await data('segment contacts SG00001 --offset 2')).contacts).toHaveLength(1)
    expect((await data('segment remove SG00001 country=NO')).step.removed).toBe(1)
    expect((await data('segment refine SG00001 type=person')).step.removed).toBe(1)
    expect(nos((await data('segment contacts SG00001')).contacts)).toEqual(['CT000002'])
    expect((await data('segment remove SG00001 --contact CT000002')).step.removed).toBe(1)
    for (let i = 0; i < 3; i++) await run('segment undo SG00001')
    expect(nos((await data('segment contacts SG00001')).contacts)).toEqual(['CT000001', 'CT000002', 'CT000003'])
    // Hekla has no email address: its line is a letter (an email line would be skipped).
    await run('segment line SG00001 CT000001 --template LETTER')
    const logged = await data('segment log SG00001 EMAIL-OUT "Autumn offer" --date "2026-11-19 09:30" --follow-up')
    expect(logged).toMatchObject({ logged: 3, queued: 2, followUp: { no: 'SG00004', lines: 3, followUpOf: 'SG00001', campaignNo: 'CP0001' } })
    const entries = await core.database.db.selectFrom('interaction_log_entries').select(['occurred_at']).where('segment_no', '=', 'SG00001').execute()
    expect(entries.map((e) => e.occurred_at)).toEqual(Array(3).fill('2026-11-19T09:30:00.000Z'))
    expect((await domainError(run('segment add SG00001 country=IS'))).code).toBe('SEGMENT_LOGGED')
    expect((await data('segment cancel-log SG00001')).canceled).toBe(3)
    expect(renderText(await run('segment show SG00001'))).toMatch(/Logged\s+2026-11-20 \(canceled 2026-11-20\)/)
  })

  it('campaign show, list, status, link-segment, stats, and configurable statuses', async () => {
    await run('setup campaign-status PAUSED "Paused" --order 4')
    expect((await data('setup campaign-statuses')).statuses.map((s: { code: string }) => s.code)).toContain('PAUSED')
    expect((await data('campaign status CP0001 paused --end 2027-01-31')).status).toBe('PAUSED')
    expect((await data('campaign list --status PAUSED')).campaigns.map((c: { no: string; endingDate: string }) => [c.no, c.endingDate])).toEqual([['CP0001', '2027-01-31']])
    await run('campaign new "Winter fair"')
    const linked = await data('campaign link-segment CP0002 SG00002')
    expect(linked.segments.map((s: { no: string }) => s.no)).toEqual(['SG00002'])
    expect((await domainError(run('campaign link-segment CP0002 SG00001'))).code).toBe('SEGMENT_IN_OTHER_CAMPAIGN')
    await run('contact edit CT000001 --email info@hekla.is')
    await run('segment log SG00001 EMAIL-OUT "Autumn offer"')
    await run('campaign respond CP0001 CT000002 "Wants a quote" --template CALL-IN --date 2026-11-20')
    await run('opp new CT000002 "Quote" --value 2500 --campaign CP0001')
    const shown = await data('campaign show CP0001')
    expect(shown.segments.map((s: { no: string; lines: number }) => [s.no, s.lines])).toEqual([['SG00001', 3]])
    expect(shown.byTemplate).toEqual([{ templateCode: 'CALL-IN', count: 1, responses: 1 }, { templateCode: 'EMAIL-OUT', count: 3, responses: 0 }])
    expect(shown.statistics).toMatchObject({ targets: 3, responses: 1, responseRatePct: 33.3, opportunities: 1, estimatedValue: 2500 })
    expect((await data('campaign stats CP0001')).interactions).toBe(4)
    const list = await data('campaign list')
    expect(list.campaigns.map((c: { no: string; status: string }) => [c.no, c.status])).toEqual([['CP0001', 'PAUSED'], ['CP0002', 'PLANNED']])
    expect(renderText(await run('campaign show CP0001'))).toContain('By template')
  })

  it('opp show, list filters, previous, stage, update, close, reopen and forecast; cycles and close codes', async () => {
    await run('setup cycle FAST "Fast deals" --stage New:10/20 --stage Qualify:30/40:skip --stage Propose:70/60:quote --stage Sign:90/90')
    expect((await data('setup cycles')).map((c: { code: string }) => c.code)).toContain('FAST')
    expect((await data('setup close-codes')).map((c: { code: string }) => c.code)).toContain('PRICE')
    await run('opp new CT000003 "Herring" --value 5000 --cycle FAST --close-date 2027-01-15 --salesperson AA --priority high')
    expect((await domainError(run('opp stage OP000002 3'))).userMessage).toContain('requires a quote')
    let opp = (await data('opp stage OP000002 3 --quote Q-1')).opportunity
    expect(opp).toMatchObject({ stage: 3, probabilityPct: 42, calculatedValueMinor: 210_000 })
    opp = (await data('opp previous OP000002')).opportunity
    expect(opp.stage).toBe(2)
    opp = (await data('opp update OP000002 --value 6000 --chance 50 --close-date 2027-02-15 --description "Herring, more" --priority low')).opportunity
    expect(opp).toMatchObject({ description: 'Herring, more', priority: 'low', estimatedValueMinor: 600_000, chancePct: 50, completionPct: 30, calculatedValueMinor: 90_000, estimatedCloseDate: '2027-02-15' })
    const shown = await data('opp show OP000002')
    expect(shown.entries.map((e: { action: string; stage: number }) => [e.action, e.stage])).toEqual([['first', 1], ['jump', 3], ['previous', 2], ['update', 2]])
    expect(shown.entries.filter((e: { active: boolean }) => e.active)).toHaveLength(1)
    expect(nos((await data('opp list --salesperson AA')).opportunities)).toEqual(['OP000002'])
    // Each cycle names its own stages: the list shows the stage with the description of the opportunity's cycle.
    expect((await data('opp list --stage 2')).opportunities.map((o: { no: string; stageDescription: string }) => [o.no, o.stageDescription])).toEqual([['OP000002', 'Qualify']])
    expect(((await run('opp list --salesperson AA')) as { rows: unknown[] }).rows[0]).toMatchObject({ stage: '2 Qualify' })
    expect(nos((await data('opp list --stage 1')).opportunities)).toEqual(['OP000001'])
    expect(nos((await data('opp list --from 2027-02-01 --to 2027-02-28')).opportunities)).toEqual(['OP000002'])
    expect(nos((await data('opp list --contact CT000001')).opportunities)).toEqual(['OP000001'])
    const forecast = await data('opp forecast --salesperson JD')
    expect(forecast.total).toMatchObject({ count: 1, estimatedValue: 10000 })
    await run('opp close OP000002 won WON-PRICE --note "Signed"')
    expect(nos((await data('opp list --status won')).opportunities)).toEqual(['OP000002'])
    expect((await data('opp forecast')).total.count).toBe(1)
    opp = (await data('opp reopen OP000002 --note "They came back"')).opportunity
    expect(opp).toMatchObject({ status: 'in_progress', stage: 2, closeCode: null })
    expect((await data('opp show OP000002')).entries.at(-1)).toMatchObject({ action: 'reopen', note: 'They came back', active: true })
  })

  it('interaction show, cancel and restore; setup templates and a new template to log with', async () => {
    expect(await data('interaction show IL00000001')).toMatchObject({ no: 'IL00000001', contactNo: 'CT000002', templateCode: 'CALL-OUT', durationMin: 15 })
    expect((await data('interaction cancel IL00000001')).canceled).toBe(true)
    expect((await domainError(run('interaction cancel IL00000001'))).userMessage).toMatch(/already canceled/)
    expect((await data('interaction restore IL00000001')).canceled).toBe(false)
    await run('setup template DEMO "Product demo" --group MEETING --channel meeting --duration 45 --cost 12.50 --flow outbound --initiated-by us')
    expect((await data('setup templates')).find((t: { code: string }) => t.code === 'DEMO')).toMatchObject({ channel: 'meeting', unitCostMinor: 1250, unitDurationMin: 45, informationFlow: 'outbound' })
    expect(await data('log CT000002 DEMO "Demo at their office" --evaluation very-positive')).toMatchObject({ templateCode: 'DEMO', costMinor: 1250, durationMin: 45, evaluation: 'very-positive' })
    const history = await data('interactions CT000001 --limit 1')
    expect(history).toMatchObject({ rolledUp: true, hasMore: true })
  })
})
