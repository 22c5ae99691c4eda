import { describeEachDialect } from '@crm/db/testing'
import { beforeEach, expect, it } from 'vitest'
import { renderText, runCommand } from '../src/index.ts'
import { domainError, snapshotDatabase, useCore } from './builders.ts'

describeEachDialect('a segment line with its own template', (dialect) => {
  const core = useCore(dialect)
  const run = (line: string) => runCommand(core.ctx, line)
  const data = async (line: string) => (await run(line)).data as any

  beforeEach(async () => {
    await run('setup template LETTER --cost 1.20')
    await run('contact add company "Hekla Útgerð ehf" --country IS --email info@hekla.is')
    await run('contact add company "Eldey Fiskur hf" --country IS')
    await run('contact add company "Brim hf" --country IS --email brim@brim.is')
    await run('campaign new "Autumn offer"')
    await run('segment new "Iceland" --campaign CP0001')
    await run('segment add SG00001 country=IS')
  })

  it('logs that contact with its template: a letter where there is no email address, emails queued only for email entries', async () => {
    expect((await data('segment line SG00001 CT000002 --template letter')).templateCode).toBe('LETTER')
    await run('segment line SG00001 CT000003 --template LETTER')
    await run('segment line SG00001 CT000003 --template ""')
    expect((await data('segment contacts SG00001')).contacts.map((c: { no: string; templateCode: string | null }) => [c.no, c.templateCode])).toEqual([['CT000001', null], ['CT000002', 'LETTER'], ['CT000003', null]])
    expect(renderText(await run('segment contacts SG00001'))).toMatch(/CT000002 .*LETTER/)
    const logged = await data('segment log SG00001 EMAIL-OUT "Autumn offer" --follow-up')
    expect(logged).toMatchObject({ logged: 3, queued: 2 })
    const entries = await core.database.db.selectFrom('interaction_log_entries').select(['contact_no', 'template_code', 'channel', 'cost_minor', 'campaign_no']).orderBy('no').execute()
    expect(entries.map((e) => [e.contact_no, e.template_code, e.channel, Number(e.cost_minor), e.campaign_no])).toEqual([
      ['CT000001', 'EMAIL-OUT', 'email', 0, 'CP0001'],
      ['CT000002', 'LETTER', 'letter', 120, 'CP0001'],
      ['CT000003', 'EMAIL-OUT', 'email', 0, 'CP0001'],
    ])
    expect((await core.database.db.selectFrom('email_outbox').select('contact_no').orderBy('id').execute()).map((o) => o.contact_no)).toEqual(['CT000001', 'CT000003'])
    // The follow-up segment keeps the line's template.
    expect((await data('segment contacts SG00002')).contacts.find((c: { no: string }) => c.no === 'CT000002').templateCode).toBe('LETTER')
    expect(await data('campaign stats CP0001')).toMatchObject({ targets: 3, interactions: 3, costMinor: 120 })
  })

  it('queues emails for lines with an email template in a segment logged as letters', async () => {
    await run('segment line SG00001 CT000003 --template EMAIL-OUT')
    expect(await data('segment log SG00001 LETTER "Catalogue"')).toMatchObject({ logged: 3, queued: 1 })
  })

  it('keeps the template of a line that is removed and put back by undo', async () => {
    await run('segment line SG00001 CT000002 --template LETTER')
    await run('segment remove SG00001 no=CT000002')
    await run('segment undo SG00001')
    expect((await data('segment contacts SG00001')).contacts.find((c: { no: string }) => c.no === 'CT000002').templateCode).toBe('LETTER')
  })

  it('refuses an unknown template, a contact not in the segment and a logged segment, changing nothing', async () => {
    const refused = async (line: string) => {
      const before = await snapshotDatabase(core.database)
      const error = await domainError(run(line))
      expect(await snapshotDatabase(core.database)).toEqual(before)
      return error.userMessage
    }
    expect(await refused('segment line SG00001 CT000002 --template NOPE')).toContain('There is no interaction template NOPE. Templates: ')
    expect(await refused('segment line SG00001 CT000099 --template LETTER')).toBe('CT000099 is not in segment SG00001. See its contacts with: segment contacts SG00001')
    expect(await refused('segment line SG00001 CT000002')).toContain('Give the template (--template) or language (--language) this contact is logged with')
    await run('segment log SG00001 EMAIL-OUT "Offer"')
    expect(await refused('segment line SG00001 CT000002 --template LETTER')).toContain('has been logged, so its contacts are fixed')
  })
})
