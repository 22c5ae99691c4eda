import { describeEachDialect } from '@crm/db/testing'
import { beforeEach, expect, it } from 'vitest'
import {
  addContactToSegment,
  addToSegment,
  applySegmentCriteria,
  cancelSegmentLog,
  createContact,
  createSegment,
  getInteractionStatistics,
  getSegmentDetails,
  listSegmentContacts,
  logInteraction,
  logSegment,
  refineSegment,
  removeFromSegment,
  saveSegmentCriteria,
  undoSegmentStep,
  createCoreDeps,
  mergeContacts,
  updateContact,
  renderText,
  runCommand,
  setInteractionCanceled,
} from '../src/index.ts'
import { admin, countRows, domainError, useCore, NOW } from './builders.ts'

describeEachDialect('segments', (dialect) => {
  const core = useCore(dialect)
  const data = async (view: Promise<{ data?: unknown }>) => (await view).data as any
  const names = async (no: string) => (await listSegmentContacts(core.deps, no, { limit: 100 })).contacts.map((c) => c.name).sort()

  beforeEach(async () => {
    const company = async (name: string, extra: Record<string, unknown>) => (await createContact(core.deps, admin, { type: 'company', name, ...extra })).contact.no
    const hekla = await company('Hekla Útgerð ehf', { countryCode: 'IS', city: 'Reykjavík', industryGroups: ['FISHING'], businessRelations: ['PROSPECT'], email: 'info@hekla.is' })
    await company('Eldey Fiskur hf', { countryCode: 'IS', city: 'Ísafjörður', industryGroups: ['FISHING'], email: 'eldey@eldey.is' })
    await company('Norsk Fisk AS', { countryCode: 'NO', industryGroups: ['FISHING'], businessRelations: ['PROSPECT'] })
    await company('Bónus Verslun ehf', { countryCode: 'IS', industryGroups: ['RETAIL'], businessRelations: ['PROSPECT'] })
    await company('Excluded Fiskur ehf', { countryCode: 'IS', industryGroups: ['FISHING'], excludeFromSegments: true })
    await createContact(core.deps, admin, { type: 'person', name: 'Þóra Guðmundsdóttir', companyNo: hekla, email: 'thora@hekla.is' })
  })

  it('runs acceptance scenario 5: add, remove, refine, undo, save and reapply to today\'s data', async () => {
    const seg = await createSegment(core.deps, admin, { description: 'Fishing in Iceland' })
    expect(seg.no).toBe('SG00001')
    // The company's industry counts for its person; the excluded company never enters.
    let r = await addToSegment(core.deps, admin, { no: seg.no, terms: ['industry=FISHING', 'country=is'] })
    expect(r.step.added).toBe(3)
    expect(await names(seg.no)).toEqual(['Eldey Fiskur hf', 'Hekla Útgerð ehf', 'Þóra Guðmundsdóttir'])
    await logInteraction(core.deps, admin, { contactNo: 'CT000002', templateCode: 'EMAIL-OUT', subject: 'Offer', date: '2026-11-10' })
    r = await removeFromSegment(core.deps, admin, { no: seg.no, terms: ['interaction:EMAIL-OUT:30d'] })
    expect(r.step.removed).toBe(1)
    expect(await names(seg.no)).toEqual(['Hekla Útgerð ehf', 'Þóra Guðmundsdóttir'])
    r = await refineSegment(core.deps, admin, { no: seg.no, terms: ['relation=PROSPECT'] })
    expect(r.segment.lines).toBe(2)
    await undoSegmentStep(core.deps, admin, seg.no)
    expect(r.step.action).toBe('refine')
    const saved = await saveSegmentCriteria(core.deps, admin, { no: seg.no, code: 'fish-is' })
    expect(saved.steps.map((s) => s.action)).toEqual(['add', 'remove'])

    // Next week: a new fishing company, and the email is older than 30 days for nobody; the criteria re-evaluate.
    await createContact(core.deps, admin, { type: 'company', name: 'Brim Sjávarútvegur hf', countryCode: 'IS', industryGroups: ['FISHING'] })
    const later = { ...core.deps, clock: () => new Date(NOW.getTime() + 7 * 86_400_000) }
    const next = await createSegment(later, admin, { description: 'Fishing in Iceland, week 2' })
    const applied = await applySegmentCriteria(later, admin, { no: next.no, code: 'FISH-IS' })
    expect(applied.steps).toHaveLength(2)
    expect(await names(next.no)).toEqual(['Brim Sjávarútvegur hf', 'Hekla Útgerð ehf', 'Þóra Guðmundsdóttir'])
    const details = await getSegmentDetails(core.deps, seg.no)
    expect(details.steps.map((s) => [s.action, s.undone])).toEqual([['add', false], ['remove', false], ['refine', true]])
  })

  it('never adds a contact excluded from segments (scenario 6), by filter or by hand', async () => {
    const seg = await createSegment(core.deps, admin, { description: 'All' })
    await addToSegment(core.deps, admin, { no: seg.no, terms: ['name~fisk'] })
    expect(await names(seg.no)).toEqual(['Eldey Fiskur hf', 'Norsk Fisk AS'])
    const excluded = await domainError(addContactToSegment(core.deps, admin, { no: seg.no, contactNo: 'CT000005' }))
    expect(excluded.code).toBe('EXCLUDED_FROM_SEGMENTS')
    expect(await countRows(core.database, 'segment_lines')).toBe(2)
  })

  it('adds the persons of matched companies and skips contacts already in unless allowed', async () => {
    const seg = await createSegment(core.deps, admin, { description: 'Hekla' })
    const r = await addToSegment(core.deps, admin, { no: seg.no, terms: ['no=CT000001'], expand: 'persons' })
    expect(r.step.added).toBe(2)
    expect((await addToSegment(core.deps, admin, { no: seg.no, terms: ['no=CT000001'] })).step.added).toBe(0)
    expect((await addToSegment(core.deps, admin, { no: seg.no, terms: ['no=CT000001'], allowExisting: true })).step.added).toBe(1)
    await undoSegmentStep(core.deps, admin, seg.no)
    await undoSegmentStep(core.deps, admin, seg.no)
    await undoSegmentStep(core.deps, admin, seg.no)
    expect((await domainError(undoSegmentStep(core.deps, admin, seg.no))).code).toBe('NOTHING_TO_UNDO')
    expect(await countRows(core.database, 'segment_lines')).toBe(0)
  })

  it('logs a segment in one go, queues emails, makes a follow-up, and cancels it again (scenario 8)', async () => {
    const seg = await createSegment(core.deps, admin, { description: 'Iceland' })
    await addToSegment(core.deps, admin, { no: seg.no, terms: ['country=IS', 'has:email'] })
    const logged = await logSegment(core.deps, admin, { no: seg.no, templateCode: 'EMAIL-OUT', subject: 'Autumn offer', followUp: true })
    expect(logged.logged).toBe(3)
    expect(logged.queued).toBe(3)
    expect(logged.followUp?.lines).toBe(3)
    const entries = await core.database.db.selectFrom('interaction_log_entries').select(['no', 'segment_no', 'source']).orderBy('no').execute()
    expect(entries.map((e) => e.no)).toEqual(['IL00000001', 'IL00000002', 'IL00000003'])
    expect(entries.every((e) => e.segment_no === seg.no && e.source === 'segment')).toBe(true)
    // The series continues after the block.
    expect((await logInteraction(core.deps, admin, { contactNo: 'CT000002', templateCode: 'CALL-OUT', subject: 'x' })).interaction.no).toBe('IL00000004')
    expect((await domainError(addToSegment(core.deps, admin, { no: seg.no, terms: ['country=NO'] }))).code).toBe('SEGMENT_LOGGED')
    expect((await getInteractionStatistics(core.deps, 'CT000002')).count).toBe(2)
    const canceled = await cancelSegmentLog(core.deps, admin, seg.no)
    expect(canceled.canceled).toBe(3)
    expect((await getInteractionStatistics(core.deps, 'CT000002')).count).toBe(1)
    expect(await countRows(core.database, 'interaction_log_entries')).toBe(4)
  })

  it('skips lines of contacts excluded from segments, privacy blocked or erased since they were added, and says which', async () => {
    const run = (line: string) => runCommand(core.ctx, line)
    await run('segment new "Iceland"')
    await run('segment add SG00001 country=IS type=company')
    await run('segment add SG00001 --contact CT000006')
    await run('segment new "Only Eldey"')
    await run('segment add SG00002 --contact CT000002')
    expect(await listSegmentContacts(core.deps, 'SG00001').then((r) => r.contacts.map((c) => c.no))).toEqual(['CT000001', 'CT000002', 'CT000004', 'CT000006'])
    await updateContact(core.deps, admin, { no: 'CT000002', excludeFromSegments: true })
    await updateContact(core.deps, admin, { no: 'CT000004', privacyBlocked: true })
    await run('contact erase CT000006 --confirm CT000006')

    const view = await run('segment log SG00001 CALL-OUT "Calls"')
    expect(view.data).toMatchObject({
      logged: 1,
      skipped: 3,
      skippedContacts: [{ no: 'CT000002', reason: 'excluded-from-segments', lines: 1 }, { no: 'CT000004', reason: 'privacy-blocked', lines: 1 }, { no: 'CT000006', reason: 'erased', lines: 1 }],
    })
    expect(renderText(view)).toBe('Logged 1 CALL-OUT interaction(s) for segment SG00001; skipped 3 line(s) whose contact may no longer be in a segment: CT000002 (excluded from segments), CT000004 (privacy blocked), CT000006 (erased).')
    const entries = await core.database.db.selectFrom('interaction_log_entries').select(['no', 'contact_no']).where('segment_no', '=', 'SG00001').execute()
    expect(entries).toEqual([{ no: 'IL00000001', contact_no: 'CT000001' }])

    const empty = await domainError(run('segment log SG00002 CALL-OUT "Calls"'))
    expect(empty.code).toBe('SEGMENT_EMPTY')
    expect(empty.userMessage).toBe('Segment SG00002 has no contacts that can be logged (CT000002 (excluded from segments)); add some first: segment add SG00002 country=IS')
    expect(await countRows(core.database, 'interaction_log_entries')).toBe(1)
  })

  it('logs no "Email sent" entry for a contact without an email address: skipped, named, with a way to log it', async () => {
    const run = (line: string) => runCommand(core.ctx, line)
    await run('campaign new "Autumn offer" --start 2026-11-01 --end 2026-12-31')
    await run('segment new "Iceland" --campaign CP0001')
    await run('segment add SG00001 country=IS type=company')
    // Norsk Fisk has no address either, but its line is a letter.
    await run('segment add SG00001 --contact CT000003')
    await run('segment line SG00001 CT000003 --template LETTER')
    const view = await run('segment log SG00001 EMAIL-OUT "Autumn offer"')
    expect(view.data).toMatchObject({ logged: 3, queued: 2, skipped: 1, skippedContacts: [{ no: 'CT000004', reason: 'no-email-address', lines: 1 }] })
    expect(renderText(view)).toBe(
      'Logged 3 EMAIL-OUT interaction(s) for segment SG00001; 2 email(s) queued for sending; skipped 1 email line(s) whose contact has no email address: CT000004 (no entry, no mail); ' +
        'log them another way, e.g. log CT000004 LETTER "Autumn offer" --campaign CP0001 --target.',
    )
    const entries = await core.database.db.selectFrom('interaction_log_entries').select(['no', 'contact_no', 'template_code']).orderBy('no').execute()
    expect(entries).toEqual([
      { no: 'IL00000001', contact_no: 'CT000001', template_code: 'EMAIL-OUT' },
      { no: 'IL00000002', contact_no: 'CT000002', template_code: 'EMAIL-OUT' },
      { no: 'IL00000003', contact_no: 'CT000003', template_code: 'LETTER' },
    ])
    // The block of numbers was as large as the entries: the series goes on without a gap.
    expect((await data(run('log CT000004 LETTER "Autumn offer" --campaign CP0001 --target'))).no).toBe('IL00000004')
    expect(await countRows(core.database, 'email_outbox')).toBe(2)

    await run('segment new "Only Bónus"')
    await run('segment add SG00002 --contact CT000004')
    const empty = await domainError(run('segment log SG00002 EMAIL-OUT "Offer"'))
    expect(empty.code).toBe('SEGMENT_EMPTY')
    expect(empty.userMessage).toContain('(CT000004 (no email address))')
    expect((await data(run('segment log SG00002 CALL-OUT "Called"'))).logged).toBe(1)
  })

  it('reports no skipped lines when every contact is logged', async () => {
    await createSegment(core.deps, admin, { description: 'Fine' })
    await addToSegment(core.deps, admin, { no: 'SG00001', terms: ['country=NO'] })
    const view = await runCommand(core.ctx, 'segment log SG00001 CALL-OUT "Calls"')
    expect(view.data).toMatchObject({ logged: 1, skipped: 0, skippedContacts: [] })
    expect(renderText(view)).toBe('Logged 1 CALL-OUT interaction(s) for segment SG00001.')
  })

  it('does not restore one entry of a canceled segment log, so the segment cannot be logged twice for a contact', async () => {
    const at = (minutes: number) => ({ ...core.deps, clock: () => new Date(NOW.getTime() + minutes * 60_000) })
    const seg = await createSegment(core.deps, admin, { description: 'Calls' })
    await addToSegment(core.deps, admin, { no: seg.no, terms: ['country=IS', 'type=company'] })
    expect((await logSegment(at(1), admin, { no: seg.no, templateCode: 'CALL-OUT', subject: 'Calls' })).logged).toBe(3)
    await cancelSegmentLog(at(2), admin, seg.no)
    const entries = () => core.database.db.selectFrom('interaction_log_entries').select(['no', 'contact_no', 'canceled']).orderBy('no').execute()

    const refused = await domainError(setInteractionCanceled(at(3), admin, 'IL00000001', false))
    expect(refused.code).toBe('CANCELED_WITH_SEGMENT')
    expect(refused.userMessage).toBe('IL00000001 was logged by segment SG00001, whose log was canceled on 2026-11-20; its entries stay canceled together. To log the segment\'s contacts again, log the segment: segment log SG00001 CALL-OUT')
    expect((await entries()).map((e) => e.canceled)).toEqual([1, 1, 1])

    // Logged again: one live entry per contact; the first log's entries stay canceled for good.
    expect((await logSegment(at(4), admin, { no: seg.no, templateCode: 'CALL-OUT' })).logged).toBe(3)
    expect((await getInteractionStatistics(core.deps, 'CT000002')).count).toBe(1)
    const again = await domainError(setInteractionCanceled(at(5), admin, 'il00000002', false))
    expect(again.code).toBe('CANCELED_WITH_SEGMENT')
    expect(again.userMessage).toBe('IL00000002 belongs to an earlier log of segment SG00001, which was canceled; the segment was logged again on 2026-11-20, so restoring IL00000002 would log CT000002 twice. See the segment\'s current entries with: interactions CT000002')
    expect((await getInteractionStatistics(core.deps, 'CT000002')).count).toBe(1)

    // An entry of the live log canceled on its own comes back.
    await setInteractionCanceled(at(6), admin, 'IL00000005', true)
    expect((await setInteractionCanceled(at(7), admin, 'IL00000005', false)).canceled).toBe(false)
    expect((await entries()).map((e) => [e.no, e.contact_no, e.canceled])).toEqual([
      ['IL00000001', 'CT000001', 1], ['IL00000002', 'CT000002', 1], ['IL00000003', 'CT000004', 1],
      ['IL00000004', 'CT000001', 0], ['IL00000005', 'CT000002', 0], ['IL00000006', 'CT000004', 0],
    ])
  })

  it('refuses bad filters naming the term and listing what is allowed, and changes nothing', async () => {
    const seg = await createSegment(core.deps, admin, { description: 'Bad' })
    const unknownField = await domainError(addToSegment(core.deps, admin, { no: seg.no, terms: ['colour=red'] }))
    expect(unknownField.field).toBe('filter')
    expect(unknownField.message).toContain('"colour=red": unknown field "colour"')
    expect(unknownField.message).toContain('industry')
    expect((await domainError(addToSegment(core.deps, admin, { no: seg.no, terms: ['industry=SPACE'] }))).message).toContain('FISHING')
    expect((await domainError(addToSegment(core.deps, admin, { no: seg.no, terms: ['interaction:NOPE:30d'] }))).message).toContain('CALL-OUT')
    expect((await domainError(addToSegment(core.deps, admin, { no: seg.no, terms: ['interaction:EMAIL-OUT:soon'] }))).message).toContain('30d')
    expect((await domainError(addToSegment(core.deps, admin, { no: seg.no, terms: ['wibble'] }))).message).toContain('unknown filter')
    expect((await domainError(addToSegment(core.deps, admin, { no: 'SG99999', terms: ['country=IS'] }))).code).toBe('SEGMENT_NOT_FOUND')
    expect(await countRows(core.database, 'segment_steps')).toBe(0)
    expect(await countRows(core.database, 'segment_lines')).toBe(0)
  })

  it('matches city case- and accent-insensitively and combines terms with --any', async () => {
    const seg = await createSegment(core.deps, admin, { description: 'Cities' })
    await addToSegment(core.deps, admin, { no: seg.no, terms: ['city=reykjavik,ISAFJORDUR'], any: true })
    expect(await names(seg.no)).toEqual(['Eldey Fiskur hf', 'Hekla Útgerð ehf', 'Þóra Guðmundsdóttir'])
    const other = await createSegment(createCoreDeps(core.database, { clock: () => NOW }), admin, { description: 'Any' })
    await addToSegment(core.deps, admin, { no: other.no, terms: ['country=NO', 'industry=RETAIL'], any: true })
    expect(await names(other.no)).toEqual(['Bónus Verslun ehf', 'Norsk Fisk AS'])
  })

  it('follows a merge, skips contacts privacy blocked since they were added, and refuses unknown links', async () => {
    const seg = await createSegment(core.deps, admin, { description: 'Merge' })
    await addToSegment(core.deps, admin, { no: seg.no, terms: ['country=IS', 'type=company'] })
    await mergeContacts(core.deps, admin, 'CT000002', 'CT000001')
    expect((await listSegmentContacts(core.deps, seg.no)).contacts.map((c) => c.no).sort()).toEqual(['CT000001', 'CT000001', 'CT000004'])
    await updateContact(core.deps, admin, { no: 'CT000004', privacyBlocked: true })
    const logged = await logSegment(core.deps, admin, { no: seg.no, templateCode: 'CALL-OUT', subject: 'Calls' })
    expect(logged.logged).toBe(2)
    expect((await logInteraction(core.deps, admin, { contactNo: 'CT000001', templateCode: 'CALL-OUT', subject: 'x' })).interaction.no).toBe('IL00000003')
    expect((await domainError(logInteraction(core.deps, admin, { contactNo: 'CT000001', templateCode: 'CALL-OUT', subject: 'x', campaignNo: 'CP0042' }))).field).toBe('campaign')
    expect((await domainError(logInteraction(core.deps, admin, { contactNo: 'CT000001', templateCode: 'CALL-OUT', subject: 'x', segmentNo: 'SG00042' }))).field).toBe('segment')
  })
})
