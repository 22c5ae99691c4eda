import { describeEachDialect } from '@crm/db/testing'
import { expect, it } from 'vitest'
import { addSalesperson, createContact, DEFAULT_FREE_MAIL_DOMAINS, listInteractions, logEmail, renderText, runCommand, type EmailFacts, type EmailLoggingPolicy } from '../src/index.ts'
import { admin, domainError, snapshotDatabase, useCore } from './builders.ts'

const policy: EmailLoggingPolicy = { teamDomains: ['team.example'], freeMailDomains: [...DEFAULT_FREE_MAIL_DOMAINS], ownAddresses: ['log@team.example'] }
const pass = { passed: true, reason: 'dkim=pass' }

function facts(over: Partial<EmailFacts>): EmailFacts {
  return { from: null, to: [], cc: [], subject: 'Offer', date: '2026-11-16T09:12:00Z', messageId: '<m1@x>', attachments: [], ...over }
}

describeEachDialect('the templates the system logs with (setup)', (dialect) => {
  const f = useCore(dialect)
  const run = (line: string) => runCommand(f.ctx, line)
  const data = async (line: string) => (await run(line)).data as any

  it('ships EMAIL-IN, EMAIL-OUT, EMAIL-IN and CALL-OUT, and lets a team choose its own for mail, responses and the log default', async () => {
    expect((await data('setup show')).templates).toEqual({ emailIn: 'EMAIL-IN', emailOut: 'EMAIL-OUT', response: 'EMAIL-IN', log: 'CALL-OUT' })
    await run('setup template MAIL-RCVD "Mail from a customer" --group EMAIL --channel email --flow inbound')
    await run('setup template MAIL-SENT "Mail to a customer" --group EMAIL --channel email --flow outbound')
    await run('setup template ANSWER "Answer to a campaign" --group OTHER --channel other')
    await run('setup set template-email-in mail-rcvd')
    await run('setup set template-email-out MAIL-SENT')
    await run('setup set template-response ANSWER')
    const shown = renderText(await run('setup set template-log MEETING'))
    expect(shown).toMatch(/template-email-in +MAIL-RCVD/)
    expect(shown).toMatch(/template-log +MEETING/)

    await addSalesperson(f.deps, admin, { code: 'ANNA', name: 'Anna', email: 'anna@team.example' })
    const hekla = (await createContact(f.deps, admin, { type: 'company', name: 'Hekla ehf', email: 'info@hekla.is' })).contact.no
    await logEmail(f.deps, policy, { received: facts({ from: { address: 'info@hekla.is' }, to: [{ address: 'anna@team.example' }], messageId: '<in@x>' }), authenticity: pass, receivedAt: '2026-11-20T10:00:00Z' })
    await logEmail(f.deps, policy, { received: facts({ from: { address: 'anna@team.example' }, to: [{ address: 'info@hekla.is' }], messageId: '<out@x>' }), authenticity: pass, receivedAt: '2026-11-20T10:00:00Z' })
    await run('campaign new "Spring"')
    await run(`campaign respond CP0001 ${hekla} "Yes please"`)
    await run(`campaign respond CP0001 ${hekla} "Called back" --template CALL-IN`)
    const entries = (await listInteractions(f.deps, hekla)).interactions.map((i) => [i.subject, i.templateCode]).sort()
    expect(entries).toEqual([['Called back', 'CALL-IN'], ['Offer', 'MAIL-RCVD'], ['Offer', 'MAIL-SENT'], ['Yes please', 'ANSWER']])
  })

  it('refuses an unknown or empty template and changes nothing', async () => {
    const before = await snapshotDatabase(f.database)
    const unknown = await domainError(run('setup set template-email-in FAX'))
    expect(unknown.field).toBe('template-email-in')
    expect(unknown.userMessage).toMatch(/^There is no interaction template FAX\. Templates: CALL-IN, CALL-OUT, EMAIL-IN, EMAIL-OUT, LETTER, MEETING\. Example: setup set template-email-in CALL-IN$/)
    expect((await domainError(run('setup set template-log ""'))).userMessage).toMatch(/^template-log needs an interaction template\. Templates: CALL-IN/)
    expect(await snapshotDatabase(f.database)).toEqual(before)
  })
})
