import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createCoreDeps, listInteractions, type CoreDeps } from '@crm/core'
import { createTestDatabase, describeEachDialect } from '@crm/db/testing'
import type { CrmDatabase } from '@crm/db'
import { afterEach, beforeEach, expect, it } from 'vitest'
import { ingestMessage } from '../src/index.ts'
import { FIXTURE_SETTINGS as settings, seedFixtureCrm, type FixtureContacts } from './fixture-crm.ts'

const NOW = new Date('2026-11-20T10:00:00Z')
const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name))

describeEachDialect('mail ingest', (dialect) => {
  let database: CrmDatabase
  let deps: CoreDeps
  let nos: FixtureContacts
  beforeEach(async () => {
    database = await createTestDatabase(dialect)
    deps = createCoreDeps(database, { clock: () => NOW })
    nos = await seedFixtureCrm(deps)
  })
  afterEach(async () => {
    await database.close()
  })

  async function history(no: string) {
    return (await listInteractions(deps, no)).interactions.filter((i) => i.contactNo === no)
  }

  it('logs a forwarded Gmail message against the original sender, with the forwarder note, original date and clean subject', async () => {
    const r = await ingestMessage(deps, settings, fixture('gmail-forward-en.eml'))
    expect(r).toMatchObject({ outcome: 'logged', kind: 'forward', direction: 'inbound', contacts: [nos.thora] })
    const [entry] = await history(nos.thora!)
    expect(entry).toMatchObject({ templateCode: 'EMAIL-IN', subject: 'Quote for 20 tonnes', occurredAt: '2026-11-16T09:12:00.000Z', source: 'email', salespersonCode: 'ANNA', description: 'Please log this, hot lead.', informationFlow: 'inbound' })
    expect(entry!.externalRef).toMatch(/^sha256:/)
  })

  it('logs the same forward twice only once', async () => {
    const first = await ingestMessage(deps, settings, fixture('gmail-forward-en.eml'))
    const second = await ingestMessage(deps, settings, fixture('gmail-forward-en.eml'))
    expect(second.outcome).toBe('already-logged')
    expect(second.interactions).toEqual(first.interactions)
    expect(await history(nos.thora!)).toHaveLength(1)
  })

  it('reads an HTML-only German Outlook forward and matches the company by its domain', async () => {
    const r = await ingestMessage(deps, settings, fixture('outlook-forward-de-html.eml'))
    expect(r).toMatchObject({ outcome: 'logged', kind: 'forward', contacts: [nos.mueller] })
    const [entry] = await history(nos.mueller!)
    expect(entry).toMatchObject({ subject: 'Angebot Fischmehl', occurredAt: '2026-11-16T09:12:00.000Z', description: 'Bitte ablegen.' })
  })

  it('reads a KOI8-R Thunderbird forward with Russian headers', async () => {
    const r = await ingestMessage(deps, settings, fixture('thunderbird-forward-ru-koi8r.eml'))
    expect(r).toMatchObject({ outcome: 'logged', contacts: [nos.irina] })
    const [entry] = await history(nos.irina!)
    expect(entry).toMatchObject({ subject: 'Заказ на поставку', occurredAt: '2026-11-16T06:12:00.000Z', description: 'Коллеги, занесите в CRM.' })
  })

  it('reads an Icelandic forward and strips Áfram:', async () => {
    const r = await ingestMessage(deps, settings, fixture('apple-forward-is.eml'))
    expect(r).toMatchObject({ outcome: 'logged', contacts: [nos.thora] })
    const [entry] = await history(nos.thora!)
    expect(entry).toMatchObject({ subject: 'Tilboð', occurredAt: '2026-11-16T09:12:00.000Z', description: 'Til skráningar.' })
  })

  it('logs the innermost original of a nested forward with the outer note', async () => {
    const r = await ingestMessage(deps, settings, fixture('nested-forward.eml'))
    expect(r).toMatchObject({ outcome: 'logged', contacts: [nos.thora] })
    const [entry] = await history(nos.thora!)
    expect(entry).toMatchObject({ subject: 'Quote for 20 tonnes', occurredAt: '2026-11-16T09:12:00.000Z', description: 'Logging the original for Anna.', salespersonCode: 'BJORN' })
    // The nested forward of the same original is the same message as the single forward.
    expect((await ingestMessage(deps, settings, fixture('gmail-forward-en.eml'))).outcome).toBe('already-logged')
  })

  it('logs a forward as attachment (windows-1251) by the attached Message-ID', async () => {
    const r = await ingestMessage(deps, settings, fixture('forward-as-attachment.eml'))
    expect(r).toMatchObject({ outcome: 'logged', kind: 'attachment', contacts: [nos.irina], externalRef: '<orig-7@rosfish.ru>' })
    const [entry] = await history(nos.irina!)
    expect(entry).toMatchObject({ subject: 'Счёт на оплату', occurredAt: '2026-11-15T09:00:00.000Z', templateCode: 'EMAIL-IN' })
    // The attached .eml is the original itself, not a file the customer sent: the original had no attachments.
    expect(entry!.attachments).toEqual([])
  })

  it('stores the names and decoded sizes of the attachments of a message forwarded as attachment', async () => {
    const r = await ingestMessage(deps, settings, fixture('thunderbird-forward-as-attachment-pdf.eml'))
    expect(r).toMatchObject({ outcome: 'logged', kind: 'attachment', contacts: [nos.nordfish], externalRef: '<c41d2e7f-orig-nordfish@nordfish.no>' })
    const [entry] = await history(nos.nordfish!)
    expect(entry).toMatchObject({ subject: 'Offer and price sheet 2027', occurredAt: '2026-11-16T09:12:00.000Z', description: "Nordfish's offer with both files, for the record." })
    expect(entry!.attachments).toEqual([
      { name: 'Offer 2027.pdf', size: 18432, contentType: 'application/pdf' },
      { name: 'Prísar 2027.xlsx', size: 5120, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    ])
  })

  it('stores the attachment an inline forward carries along, with its encoded-word name and decoded size', async () => {
    const r = await ingestMessage(deps, settings, fixture('gmail-forward-is.eml'))
    expect(r).toMatchObject({ outcome: 'logged', kind: 'forward', contacts: [nos.thora] })
    const [entry] = await history(nos.thora!)
    expect(entry!.attachments).toEqual([{ name: 'Verðskrá 2027.pdf', size: 2345, contentType: 'application/pdf' }])
  })

  it('logs a BCC copy of outgoing mail as EMAIL-OUT to every matched recipient, never by a free-mail domain', async () => {
    const r = await ingestMessage(deps, settings, fixture('bcc-outgoing.eml'))
    expect(r).toMatchObject({ outcome: 'logged', kind: 'bcc', direction: 'outbound' })
    expect([...r.contacts].sort()).toEqual([nos.thora, nos.nordfish].sort())
    const [entry] = await history(nos.thora!)
    expect(entry).toMatchObject({ templateCode: 'EMAIL-OUT', subject: 'Your quote', externalRef: '<bcc-1@team.example>', informationFlow: 'outbound', salespersonCode: 'ANNA' })
    expect(entry!.attachments).toEqual([{ name: 'quote.pdf', size: 21, contentType: 'application/pdf' }])
  })

  it('logs a BCC copy of an Outlook reply as outbound, not as a forward of the quoted message', async () => {
    const r = await ingestMessage(deps, settings, fixture('outlook-reply-bcc.eml'))
    expect(r).toMatchObject({ outcome: 'logged', kind: 'bcc', direction: 'outbound', contacts: [nos.thora], externalRef: '<reply-1@team.example>' })
    const [entry] = await history(nos.thora!)
    expect(entry).toMatchObject({ templateCode: 'EMAIL-OUT', subject: 'RE: Quote for 20 tonnes', occurredAt: '2026-11-19T15:00:00.000Z' })
  })

  it('logs direct mail from a contact to a salesperson as EMAIL-IN', async () => {
    const r = await ingestMessage(deps, settings, fixture('direct-inbound.eml'))
    expect(r).toMatchObject({ outcome: 'logged', kind: 'direct', direction: 'inbound', contacts: [nos.thora] })
  })

  it('reads a forwarded Outlook "Sent:" time without a zone in the forwarder\'s zone, from the forward\'s Date header (+0300)', async () => {
    const r = await ingestMessage(deps, settings, fixture('outlook-forward-en-msk.eml'))
    expect(r).toMatchObject({ outcome: 'logged', kind: 'forward', contacts: [nos.irina] })
    // "Sent: Tuesday, March 3, 2026 10:15 AM" forwarded at 11:02 +0300 was written at 10:15 +0300.
    expect(await history(nos.irina!)).toMatchObject([{ subject: 'Order: 12 tonnes of capelin', occurredAt: '2026-03-03T07:15:00.000Z', salespersonCode: 'BJORN' }])
  })

  it('reads a forward time without a zone as UTC when the forward has no Date header', async () => {
    const raw = fixture('outlook-forward-en-msk.eml').toString('utf8').replace(/^Date: [^\r\n]*\r\n/m, '')
    const r = await ingestMessage(deps, settings, Buffer.from(raw))
    expect(r).toMatchObject({ outcome: 'logged', contacts: [nos.irina] })
    expect(await history(nos.irina!)).toMatchObject([{ occurredAt: '2026-03-03T10:15:00.000Z' }])
  })

  it('dates BCC copies and direct mail by their own Date header and its zone, even when they quote an Outlook header block', async () => {
    const withZone = (name: string, from: string, to: string) => {
      const text = fixture(name).toString('utf8')
      expect(text).toContain(from)
      return Buffer.from(text.replace(from, to))
    }
    // The reply quotes "Sent: Thursday, November 19, 2026 2:00 PM" (no zone); the reply itself is 18:00 +0300.
    await ingestMessage(deps, settings, withZone('outlook-reply-bcc.eml', 'Date: Thu, 19 Nov 2026 15:00:00 +0000', 'Date: Thu, 19 Nov 2026 18:00:00 +0300'))
    await ingestMessage(deps, settings, withZone('direct-inbound.eml', 'Date: Fri, 20 Nov 2026 09:00:00 +0000', 'Date: Fri, 20 Nov 2026 04:00:00 -0500'))
    expect((await history(nos.thora!)).map((e) => [e.subject, e.occurredAt]).sort()).toEqual([
      ['RE: Quote for 20 tonnes', '2026-11-19T15:00:00.000Z'],
      ['Re: Your quote', '2026-11-20T09:00:00.000Z'],
    ])
  })

  it.each([
    ['auto-reply.eml', /Auto-Submitted/],
    ['bounce.eml', /multipart\/report/],
    ['list-bulk.eml', /Precedence: bulk/],
  ])('ignores %s with the reason', async (name, reason) => {
    const r = await ingestMessage(deps, settings, fixture(name))
    expect(r.outcome).toBe('ignored')
    expect(r.reason).toMatch(reason)
    expect(await history(nos.thora!)).toHaveLength(0)
  })

  it('rejects a forward whose Authentication-Results come from an untrusted server', async () => {
    const r = await ingestMessage(deps, settings, fixture('spoofed-forward.eml'))
    expect(r).toMatchObject({ outcome: 'rejected', contacts: [] })
    expect(r.reason).toMatch(/not authenticated/)
    expect(await history(nos.thora!)).toHaveLength(0)
  })

  it('with microsoft365 trusted, reads Exchange Online\'s topmost Authentication-Results, which has no authserv-id', async () => {
    const m365 = { ...settings, authservIds: ['mx.team.example', 'Microsoft365'] }
    const r = await ingestMessage(deps, m365, fixture('m365-forward-en.eml'))
    expect(r).toMatchObject({ outcome: 'logged', contacts: [nos.thora] })
    expect(await history(nos.thora!)).toMatchObject([{ subject: 'Quote for 20 tonnes', salespersonCode: 'ANNA' }])
  })

  it('with microsoft365 trusted, logs a forward Exchange marks as sent inside the organisation (AuthAs: Internal)', async () => {
    const r = await ingestMessage(deps, { ...settings, authservIds: ['microsoft365'] }, fixture('m365-internal-forward-is.eml'))
    expect(r).toMatchObject({ outcome: 'logged', contacts: [nos.thora] })
    expect(await history(nos.thora!)).toMatchObject([{ subject: 'Pöntun á þorski', description: 'Vinsamlegast skrá.' }])
  })

  it('with microsoft365 trusted, rejects a message whose topmost Exchange header fails, whatever a lower header says', async () => {
    const r = await ingestMessage(deps, { ...settings, authservIds: ['microsoft365'] }, fixture('m365-spoofed-forward.eml'))
    expect(r).toMatchObject({ outcome: 'rejected', contacts: [] })
    expect(r.reason).toMatch(/not authenticated: spf=fail, dkim=none, dmarc=fail \(no pass for team\.example\)/)
    expect(await history(nos.thora!)).toHaveLength(0)
  })

  it('without microsoft365, trusts neither an Authentication-Results header without authserv-id nor AuthAs: Internal', async () => {
    for (const name of ['m365-forward-en.eml', 'm365-internal-forward-is.eml']) {
      const r = await ingestMessage(deps, settings, fixture(name))
      expect(r.outcome).toBe('rejected')
      expect(r.reason).toMatch(/no Authentication-Results header from mx\.team\.example/)
    }
    expect(await history(nos.thora!)).toHaveLength(0)
  })

  it('rejects a forward from someone outside the team', async () => {
    const r = await ingestMessage(deps, settings, fixture('outsider-forward.eml'))
    expect(r.outcome).toBe('rejected')
    expect(r.reason).toMatch(/mallory@other.example .*not a salesperson/)
    expect(await history(nos.thora!)).toHaveLength(0)
  })

  it('reports a message to an unknown free-mail address as unmatched', async () => {
    const r = await ingestMessage(deps, settings, fixture('unmatched.eml'))
    expect(r).toMatchObject({ outcome: 'unmatched', contacts: [] })
    expect(r.reason).toMatch(/stranger@gmail.com/)
  })

  it('reports bytes that are not mail as invalid', async () => {
    const r = await ingestMessage(deps, settings, Buffer.from('just some words\n'))
    expect(r.outcome).toBe('invalid')
  })
})
