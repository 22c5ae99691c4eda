import { describeEachDialect } from '@crm/db/testing'
import { expect, it } from 'vitest'
import { addSalesperson, createContact, DEFAULT_FREE_MAIL_DOMAINS, listInteractions, logEmail, updateContact, type EmailFacts, type EmailLoggingPolicy } from '../src/index.ts'
import { admin, countRows, useCore } from './builders.ts'

const policy: EmailLoggingPolicy = { teamDomains: ['team.example'], freeMailDomains: [...DEFAULT_FREE_MAIL_DOMAINS], ownAddresses: ['log@team.example'] }
const pass = { passed: true, reason: 'dkim=pass' }

function facts(over: Partial<EmailFacts>): EmailFacts {
  return { from: null, to: [], cc: [], subject: 'Offer', date: '2026-11-16T09:12:00Z', messageId: '<m1@x>', attachments: [], ...over }
}

describeEachDialect('logEmail', (dialect) => {
  const f = useCore(dialect)

  async function seed() {
    await addSalesperson(f.deps, admin, { code: 'ANNA', name: 'Anna', email: 'anna@sales.example' })
    const company = await createContact(f.deps, admin, { type: 'company', name: 'Hekla ehf', website: 'hekla.is' })
    const person = await createContact(f.deps, admin, { type: 'person', name: 'Þóra', companyNo: company.contact.no, email: 'thora@hekla.is' })
    return { company: company.contact.no, person: person.contact.no }
  }

  it('logs an email from a team-domain address that is no salesperson, by the contact domain when the address is unknown', async () => {
    const { company } = await seed()
    const r = await logEmail(f.deps, policy, { received: facts({ from: { address: 'ops@team.example' }, to: [{ address: 'new.person@hekla.is' }] }), authenticity: pass, receivedAt: '2026-11-20T10:00:00Z' })
    expect(r).toMatchObject({ outcome: 'logged', kind: 'bcc', direction: 'outbound', contacts: [company] })
    const [entry] = (await listInteractions(f.deps, company)).interactions
    expect(entry).toMatchObject({ templateCode: 'EMAIL-OUT', salespersonCode: null, externalRef: '<m1@x>', occurredAt: '2026-11-16T09:12:00.000Z' })
  })

  it('matches an unknown address to the company by its email domain, never to a person of that domain', async () => {
    await seed()
    const brim = await createContact(f.deps, admin, { type: 'company', name: 'Brim hf', email: 'info@brim.is' })
    await createContact(f.deps, admin, { type: 'person', name: 'Jón', email: 'jon@brim.is' })
    await createContact(f.deps, admin, { type: 'company', name: 'Brimborg', email: 'sala@brimborg.is' })
    const r = await logEmail(f.deps, policy, { received: facts({ from: { address: 'anna@sales.example' }, to: [{ address: 'new.buyer@BRIM.is' }] }), authenticity: pass, receivedAt: '2026-11-20T10:00:00Z' })
    expect(r).toMatchObject({ outcome: 'logged', contacts: [brim.contact.no] })
  })

  it('never matches a company by a free-mail domain', async () => {
    await seed()
    await createContact(f.deps, admin, { type: 'company', name: 'Gmail fan club', website: 'gmail.com' })
    const r = await logEmail(f.deps, policy, { received: facts({ from: { address: 'anna@sales.example' }, to: [{ address: 'someone@gmail.com' }] }), authenticity: pass, receivedAt: '2026-11-20T10:00:00Z' })
    expect(r.outcome).toBe('unmatched')
    expect(await countRows(f.database, 'interaction_log_entries')).toBe(0)
  })

  it('rejects an unauthenticated message from a salesperson and stores nothing', async () => {
    await seed()
    const r = await logEmail(f.deps, policy, { received: facts({ from: { address: 'anna@sales.example' }, to: [{ address: 'thora@hekla.is' }] }), authenticity: { passed: false, reason: 'dkim=fail' }, receivedAt: '2026-11-20T10:00:00Z' })
    expect(r).toMatchObject({ outcome: 'rejected', reason: 'The message is not authenticated: dkim=fail' })
    expect(await countRows(f.database, 'interaction_log_entries')).toBe(0)
  })

  it('skips a privacy-blocked contact', async () => {
    const { person } = await seed()
    await updateContact(f.deps, admin, { no: person, privacyBlocked: true })
    const r = await logEmail(f.deps, policy, { received: facts({ from: { address: 'anna@sales.example' }, to: [{ address: 'thora@hekla.is' }] }), authenticity: pass, receivedAt: '2026-11-20T10:00:00Z' })
    expect(r).toMatchObject({ outcome: 'unmatched', contacts: [], unmatched: [], reason: `Contact ${person} is privacy blocked; not logged.` })
    // Nothing waits for review: the reason must not promise it.
    expect(await countRows(f.database, 'mail_review_items')).toBe(0)
    expect(await countRows(f.database, 'interaction_log_entries')).toBe(0)
  })

  it('names a privacy-blocked contact and the unknown address waiting for review when the message has both', async () => {
    const { person } = await seed()
    await updateContact(f.deps, admin, { no: person, privacyBlocked: true })
    const r = await logEmail(f.deps, policy, { received: facts({ from: { address: 'anna@sales.example' }, to: [{ address: 'thora@hekla.is' }, { address: 'new@unknown.example' }] }), authenticity: pass, receivedAt: '2026-11-20T10:00:00Z' })
    expect(r).toMatchObject({ outcome: 'unmatched', contacts: [], unmatched: ['new@unknown.example'] })
    expect(r.reason).toBe(`No contact has the address new@unknown.example (or a company its domain); waiting for review: mail unmatched. Contact ${person} is privacy blocked; not logged.`)
    expect(await countRows(f.database, 'mail_review_items')).toBe(1)
  })

  it('uses the received time when the original has no date and a hash when it has no Message-ID', async () => {
    const { person } = await seed()
    const input = { received: facts({ from: { address: 'thora@hekla.is' }, to: [{ address: 'anna@sales.example' }], date: null, messageId: null, text: 'Hi' }), authenticity: pass, receivedAt: '2026-11-20T10:00:00.000Z' }
    const r = await logEmail(f.deps, policy, input)
    expect(r).toMatchObject({ outcome: 'logged', kind: 'direct', direction: 'inbound', contacts: [person], externalRef: expect.stringMatching(/^sha256:[0-9a-f]{40}$/) })
    expect((await listInteractions(f.deps, person)).interactions[0]).toMatchObject({ occurredAt: '2026-11-20T10:00:00.000Z', templateCode: 'EMAIL-IN' })
    expect((await logEmail(f.deps, policy, input)).outcome).toBe('already-logged')
  })
  it('keeps an excerpt of the original after the note only when configured', async () => {
    const { person } = await seed()
    const text = 'Hello Anna,\n\n  could you   send a quote for 20 tonnes of cod by Friday?'
    const received = facts({ from: { address: 'anna@sales.example' }, to: [{ address: 'thora@hekla.is' }], text })
    await logEmail(f.deps, policy, { received, authenticity: pass, receivedAt: '2026-11-20T10:00:00Z' })
    expect((await listInteractions(f.deps, person)).interactions[0]!.description).toBeNull()
    await logEmail(f.deps, { ...policy, excerptChars: 30 }, { received: { ...received, messageId: '<m2@x>' }, authenticity: pass, receivedAt: '2026-11-20T10:00:00Z' })
    const entries = (await listInteractions(f.deps, person)).interactions
    expect(entries.map((e) => e.description)).toContain('> Hello Anna, could you send a q…')
  })
})
