import { describeEachDialect } from '@crm/db/testing'
import { expect, it } from 'vitest'
import { addSalesperson, assignMailReview, countMailReview, eraseContact, exportContactData, createContact, createContactFromMailReview, DEFAULT_FREE_MAIL_DOMAINS, dismissMailReview, listInteractions, listMailReview, logEmail, updateContact, type EmailFacts, type EmailLoggingPolicy } from '../src/index.ts'
import { admin, countRows, domainError, useCore } from './builders.ts'

async function expectDomainError(promise: Promise<unknown>, ...codes: string[]) {
  const error = await domainError(promise)
  expect(codes).toContain(error.code)
  return error
}

const policy: EmailLoggingPolicy = { teamDomains: ['team.example'], freeMailDomains: [...DEFAULT_FREE_MAIL_DOMAINS], ownAddresses: ['log@team.example'] }
const pass = { passed: true, reason: 'dkim=pass' }

function facts(over: Partial<EmailFacts>): EmailFacts {
  return { from: { address: 'anna@team.example' }, to: [], cc: [], subject: 'RE: Offer', date: '2026-11-16T09:12:00Z', messageId: '<m1@x>', attachments: [{ name: 'offer.pdf', size: 1200 }], ...over }
}

describeEachDialect('mail review list', (dialect) => {
  const f = useCore(dialect)

  async function seed() {
    await addSalesperson(f.deps, admin, { code: 'ANNA', name: 'Anna', email: 'anna@team.example' })
    const company = await createContact(f.deps, admin, { type: 'company', name: 'Hekla ehf', website: 'hekla.is' })
    const person = await createContact(f.deps, admin, { type: 'person', name: 'Þóra', companyNo: company.contact.no, email: 'thora@hekla.is' })
    return { company: company.contact.no, person: person.contact.no }
  }

  async function ingest(over: Partial<EmailFacts> = {}) {
    return logEmail(f.deps, policy, { received: facts({ to: [{ address: 'jon@gmail.com', name: 'Jón Jónsson' }], ...over }), authenticity: pass, receivedAt: '2026-11-20T10:00:00Z' })
  }

  it('keeps an unmatched participant waiting once, however often the message arrives', async () => {
    await seed()
    const r = await ingest()
    expect(r).toMatchObject({ outcome: 'unmatched', unmatched: ['jon@gmail.com'] })
    expect(r.reason).toMatch(/mail unmatched/)
    await ingest()
    const items = await listMailReview(f.deps)
    expect(items).toEqual([expect.objectContaining({ address: 'jon@gmail.com', name: 'Jón Jónsson', direction: 'outbound', templateCode: 'EMAIL-OUT', subject: 'RE: Offer', salespersonCode: 'ANNA', status: 'waiting' })])
    expect(await countMailReview(f.deps)).toBe(1)
  })

  it('lists the unmatched participants of a message that was logged for the others', async () => {
    const { person } = await seed()
    const r = await ingest({ to: [{ address: 'thora@hekla.is' }], cc: [{ address: 'jon@gmail.com' }] })
    expect(r).toMatchObject({ outcome: 'logged', contacts: [person], unmatched: ['jon@gmail.com'] })
    expect((await listMailReview(f.deps)).map((i) => i.address)).toEqual(['jon@gmail.com'])
  })

  it('assigns a waiting message to a contact exactly once, with the original facts', async () => {
    const { person } = await seed()
    await ingest()
    const [item] = await listMailReview(f.deps)
    const r = await assignMailReview(f.deps, admin, item!.id, person.toLowerCase())
    expect(r).toMatchObject({ alreadyLogged: false, item: { status: 'assigned', contactNo: person, resolvedBy: 'test' } })
    const entries = (await listInteractions(f.deps, person)).interactions
    expect(entries).toEqual([expect.objectContaining({ no: r.interaction!.no, templateCode: 'EMAIL-OUT', subject: 'RE: Offer', occurredAt: '2026-11-16T09:12:00.000Z', externalRef: '<m1@x>', salespersonCode: 'ANNA', source: 'email' })])
    expect(entries[0]!.attachments).toEqual([{ name: 'offer.pdf', size: 1200 }])
    const again = await expectDomainError(assignMailReview(f.deps, admin, item!.id, person), 'MAIL_REVIEW_HANDLED')
    expect(again.userMessage).toBe(`Review item ${item!.id} (jon@gmail.com) was already assigned to ${person} on 2026-11-20 by test.`)
    expect(await listMailReview(f.deps)).toEqual([])
    expect(await countRows(f.database, 'interaction_log_entries')).toBe(1)
    expect(await countMailReview(f.deps)).toBe(0)
    // The same message arriving again later does not reopen the item.
    await ingest()
    expect(await listMailReview(f.deps)).toEqual([])
  })

  it('lets only one of two concurrent decisions on an item win', async () => {
    const { person, company } = await seed()
    await ingest()
    const [item] = await listMailReview(f.deps)
    const results = await Promise.allSettled([assignMailReview(f.deps, admin, item!.id, person), assignMailReview(f.deps, admin, item!.id, company)])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(await countRows(f.database, 'interaction_log_entries')).toBe(1)
  })

  it('creates the contact from the participant and logs the message on it, or nothing at all', async () => {
    const { company } = await seed()
    await ingest()
    const [item] = await listMailReview(f.deps)
    const before = await countRows(f.database, 'contacts')
    await expectDomainError(createContactFromMailReview(f.deps, admin, item!.id, { companyNo: 'CT999999' }), 'NOT_FOUND', 'INVALID_FIELD', 'CONTACT_NOT_FOUND')
    expect(await countRows(f.database, 'contacts')).toBe(before)
    expect((await listMailReview(f.deps)).map((i) => i.status)).toEqual(['waiting'])
    const r = await createContactFromMailReview(f.deps, admin, item!.id, { companyNo: company })
    expect(r.createdContactNo).toMatch(/^CT/)
    expect(r.item).toMatchObject({ status: 'created', contactNo: r.createdContactNo, interactionNo: r.interaction!.no })
    const entries = (await listInteractions(f.deps, r.createdContactNo!)).interactions
    expect(entries).toEqual([expect.objectContaining({ subject: 'RE: Offer', externalRef: '<m1@x>' })])
    // The new contact now matches: the next message from the same address is logged directly.
    expect((await ingest({ messageId: '<m2@x>' })).outcome).toBe('logged')
  })

  it('dismisses an item and says clearly what is unknown or already handled', async () => {
    const { person } = await seed()
    await ingest()
    const [item] = await listMailReview(f.deps)
    expect((await dismissMailReview(f.deps, admin, String(item!.id))).item.status).toBe('dismissed')
    expect((await expectDomainError(dismissMailReview(f.deps, admin, item!.id), 'MAIL_REVIEW_HANDLED')).userMessage).toMatch(/already dismissed/)
    expect((await expectDomainError(assignMailReview(f.deps, admin, 999, person), 'MAIL_REVIEW_NOT_FOUND')).userMessage).toBe('There is no review item 999. See the waiting ones with: mail unmatched')
    expect((await expectDomainError(assignMailReview(f.deps, admin, 'abc', person), 'INVALID_FIELD')).userMessage).toMatch(/whole number/)
    expect((await listMailReview(f.deps, { all: true })).map((i) => i.status)).toEqual(['dismissed'])
    expect(await countRows(f.database, 'interaction_log_entries')).toBe(0)
  })

  it('refuses to log on a privacy-blocked contact and leaves the item waiting', async () => {
    const { person } = await seed()
    await ingest()
    await updateContact(f.deps, admin, { no: person, privacyBlocked: true })
    const [item] = await listMailReview(f.deps)
    await expectDomainError(assignMailReview(f.deps, admin, item!.id, person), 'PRIVACY_BLOCKED')
    expect((await listMailReview(f.deps)).map((i) => i.status)).toEqual(['waiting'])
  })
  it('shows a contact its review items on export and erases them with the contact', async () => {
    await seed()
    await ingest()
    const jon = await createContact(f.deps, admin, { type: 'person', name: 'Jón Jónsson', email: 'Jon@Gmail.com' })
    const held = (await exportContactData(f.deps, jon.contact.no)).held.mailReviewItems
    expect(held.map((i) => [i.address, i.subject, i.status])).toEqual([['jon@gmail.com', 'RE: Offer', 'waiting']])
    expect(Object.keys(held[0]!).filter((k) => k.includes('_'))).toEqual([])
    expect(held[0]).toMatchObject({ templateCode: expect.any(String), occurredAt: expect.any(String), note: null, attachments: expect.any(Array) })
    await eraseContact(f.deps, admin, jon.contact.no, jon.contact.no)
    const [item] = await listMailReview(f.deps, { all: true })
    expect(item).toMatchObject({ address: `(erased #${item!.id})`, name: null, subject: '(erased)', status: 'dismissed', resolvedBy: 'erasure' })
  })
})
