import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { addSalesperson, addToSegment, createContact, createCoreDeps, createSegment, DEFAULT_FREE_MAIL_DOMAINS, listOutbox, logSegment, sendQueuedEmails, type Actor, type CoreDeps, type SendPolicy } from '@crm/core'
import { openDatabase, outbox, type CrmDatabase, type DialectName } from '@crm/db'
import { createTestDatabase, createTestPgUrl, describeEachDialect } from '@crm/db/testing'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { createSmtpTransport, ingestMessage, readMailIngestConfig, readSenderConfig, type IngestSettings, type SmtpTransport } from '../src/index.ts'
import { startSmtpServer, type TestSmtpServer } from './smtp.ts'

const run = promisify(execFile)
const T0 = Date.parse('2026-11-20T10:00:00Z')
const admin: Actor = { id: 'test', isAdmin: true }
const settings: IngestSettings = { teamDomains: ['team.example'], freeMailDomains: [...DEFAULT_FREE_MAIL_DOMAINS], ownAddresses: ['log@team.example'], authservIds: ['mx.team.example'], ack: true }
const policy: SendPolicy = { perMinute: 1000, maxAttempts: 3, backoffSeconds: 60, leaseSeconds: 300 }

/** A forward from Anna of a customer thread: Þóra is a contact, the Cc is nobody we know. */
function forward(messageId: string, extra = ''): Buffer {
  return Buffer.from(`Authentication-Results: mx.team.example; dkim=pass header.d=team.example
From: Anna Sales <anna@team.example>
To: log@team.example
Subject: Fwd: Quote for 20 tonnes
Date: Thu, 19 Nov 2026 08:00:00 +0000
Message-ID: <${messageId}>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
${extra}
Log this please.

---------- Forwarded message ---------
From: Þóra Guðmundsdóttir <thora@hekla.is>
Date: Mon, 16 Nov 2026 at 09:12
Subject: Quote for 20 tonnes
To: Anna Sales <anna@team.example>
Cc: Jon Nobody <jon@unknown-trawlers.example>

Hello Anna, could you send a quote?
`.replace(/\n/g, '\r\n'))
}

describe('sender configuration', () => {
  it('lists every bad setting at once', () => {
    const r = readSenderConfig({ SMTP_PORT: 'x', SMTP_SECURE: 'maybe', SMTP_USER: 'u', MAIL_FROM: 'not an address', MAIL_SEND_PER_MINUTE: '0', MAIL_SEND_MAX_ATTEMPTS: 'many', MAIL_SEND_BACKOFF_SECONDS: '-5', MAIL_SEND_LEASE_SECONDS: '1' })
    expect(r.config).toBeUndefined()
    expect(r.problems).toEqual([
      expect.stringMatching(/^SMTP_HOST is required/),
      'SMTP_SECURE is on or off, not "maybe".',
      'SMTP_PORT is a port number (1-65535), not "x". Example: SMTP_PORT=587',
      'SMTP_PASSWORD is required when SMTP_USER is set.',
      'MAIL_FROM is not an email address: "not an address". Example: MAIL_FROM="CRM <crm@example.com>"',
      expect.stringMatching(/^MAIL_SEND_PER_MINUTE is a whole number of emails from 1 to 100000, not "0"/),
      expect.stringMatching(/^MAIL_SEND_MAX_ATTEMPTS is a whole number of attempts from 1 to 100, not "many"/),
      expect.stringMatching(/^MAIL_SEND_BACKOFF_SECONDS is a whole number of seconds from 0 to 86400, not "-5"/),
      expect.stringMatching(/^MAIL_SEND_LEASE_SECONDS is a whole number of seconds from 30 to 86400, not "1"/),
    ])
    expect(readMailIngestConfig({ IMAP_HOST: 'h', IMAP_USER: 'u', IMAP_PASSWORD: 'p', MAIL_AUTHSERV_IDS: 'mx', MAIL_ACK: 'sometimes' }).problems).toEqual(['MAIL_ACK is on or off, not "sometimes".'])
  })

  it('takes defaults: port 587 without TLS, 465 with, 60 a minute, 5 attempts', () => {
    const r = readSenderConfig({ SMTP_HOST: 'smtp.example', MAIL_FROM: 'CRM <crm@example.com>' })
    expect(r.config).toMatchObject({ smtp: { host: 'smtp.example', port: 587, secure: false, user: undefined, from: 'CRM <crm@example.com>' }, policy: { perMinute: 60, maxAttempts: 5, backoffSeconds: 60, leaseSeconds: 300 } })
    expect(readSenderConfig({ SMTP_HOST: 'h', SMTP_SECURE: 'on', MAIL_FROM: 'a@b.example' }).config?.smtp.port).toBe(465)
  })
})

describeEachDialect('outbox over SMTP', (dialect: DialectName) => {
  let smtp: TestSmtpServer
  let database: CrmDatabase
  let deps: CoreDeps
  let transport: SmtpTransport
  let now = T0
  const at = (seconds: number) => {
    now = T0 + seconds * 1000
  }

  beforeAll(async () => {
    smtp = await startSmtpServer()
  })
  afterAll(async () => {
    await smtp?.stop()
  })
  beforeEach(async () => {
    smtp.received.length = 0
    smtp.attempts.length = 0
    now = T0
    database = await createTestDatabase(dialect)
    deps = createCoreDeps(database, { clock: () => new Date(now) })
    transport = createSmtpTransport({ host: '127.0.0.1', port: smtp.port, secure: false, user: undefined, password: undefined, from: 'CRM <crm@team.example>' })
    await addSalesperson(deps, admin, { code: 'ANNA', name: 'Anna Sales', email: 'anna@team.example' })
    const hekla = await createContact(deps, admin, { type: 'company', name: 'Hekla Útgerð ehf', website: 'hekla.is', countryCode: 'IS' })
    await createContact(deps, admin, { type: 'person', name: 'Þóra Guðmundsdóttir', companyNo: hekla.contact.no, email: 'thora@hekla.is', countryCode: 'IS' })
  })
  afterEach(async () => {
    transport?.close()
    await database?.close()
  })

  async function queueSegmentMail(addresses: string[]): Promise<void> {
    for (const [i, email] of addresses.entries()) await createContact(deps, admin, { type: 'person', name: `Customer ${i + 1}`, email, countryCode: 'NO' })
    const seg = await createSegment(deps, admin, { description: 'Norway' })
    await addToSegment(deps, admin, { no: seg.no, terms: ['country=NO'] })
    const logged = await logSegment(deps, admin, { no: seg.no, templateCode: 'EMAIL-OUT', subject: 'Autumn offer' })
    expect(logged.queued).toBe(addresses.length)
  }

  it('acknowledges a forward once: the contacts it was logged against and the address that stayed unmatched', async () => {
    const r = await ingestMessage(deps, settings, forward('fwd-ack-1@team.example'))
    expect(r).toMatchObject({ outcome: 'logged', contacts: ['CT000002'] })
    // The same message again (a restart before the IMAP move, or the file ingested twice): no second ack.
    expect((await ingestMessage(deps, settings, forward('fwd-ack-1@team.example'))).outcome).toBe('already-logged')
    expect(await database.db.selectFrom('mail_acks').selectAll().execute()).toEqual([expect.objectContaining({ message_ref: '<fwd-ack-1@team.example>', to_address: 'anna@team.example', outcome: 'logged' })])
    const sent = await sendQueuedEmails(deps, transport, policy)
    expect(sent).toMatchObject({ sent: 1, failed: 0, retrying: 0 })
    expect(smtp.received).toHaveLength(1)
    const [ack] = smtp.received
    expect(ack).toMatchObject({ from: 'crm@team.example', to: ['anna@team.example'], subject: 'Logged: Quote for 20 tonnes', inReplyTo: '<fwd-ack-1@team.example>' })
    expect(ack!.text).toContain('CT000002  Þóra Guðmundsdóttir  (interaction IL')
    expect(ack!.text).toMatch(/No contact has this address:\s+jon@unknown-trawlers\.example/)
    expect(ack!.text).not.toContain('hekla.is')
    // Nothing is left to send, and ingesting once more queues nothing.
    await ingestMessage(deps, settings, forward('fwd-ack-1@team.example'))
    expect(await sendQueuedEmails(deps, transport, policy)).toMatchObject({ sent: 0 })
    expect(smtp.received).toHaveLength(1)
  })

  it('tells the forwarder when nothing matched, and never acknowledges a rejected message or with MAIL_ACK off', async () => {
    const unmatched = Buffer.from(forward('fwd-ack-2@team.example').toString().replace(/thora@hekla\.is/g, 'stranger@elsewhere.example'))
    expect((await ingestMessage(deps, settings, unmatched)).outcome).toBe('unmatched')
    const spoofed = Buffer.from(forward('fwd-ack-3@team.example').toString().replace('dkim=pass', 'dkim=fail'))
    expect((await ingestMessage(deps, settings, spoofed)).outcome).toBe('rejected')
    expect((await ingestMessage(deps, { ...settings, ack: false }, forward('fwd-ack-4@team.example'))).outcome).toBe('logged')
    await sendQueuedEmails(deps, transport, policy)
    expect(smtp.received.map((m) => [m.to[0], m.subject])).toEqual([['anna@team.example', 'Not logged: Quote for 20 tonnes']])
    expect(smtp.received[0]!.text).toMatch(/is not logged: No contact has the address .*[\s\S]*stranger@elsewhere\.example[\s\S]*jon@unknown-trawlers\.example/)
  })

  it('sends the emails a logged segment queued, one per contact, and records each as sent', async () => {
    await queueSegmentMail(['a@kunde.no', 'b@kunde.no', 'c@kunde.no'])
    const r = await sendQueuedEmails(deps, transport, policy)
    expect(r).toMatchObject({ sent: 3, failed: 0, retrying: 0, rateLimited: false, nextDueAt: null })
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(['a@kunde.no', 'b@kunde.no', 'c@kunde.no'])
    expect(smtp.received.every((m) => m.subject === 'Autumn offer')).toBe(true)
    const { counts, items } = await listOutbox(deps, { statuses: ['sent'] })
    expect(counts).toEqual({ queued: 0, sending: 0, sent: 3, failed: 0 })
    expect(items.every((i) => i.sentAt === new Date(T0).toISOString() && i.attempts === 1 && i.interactionNo?.startsWith('IL'))).toBe(true)
  })

  it('keeps to MAIL_SEND_PER_MINUTE: 2 a minute sends 2, 2 and 1 over three minutes', async () => {
    await queueSegmentMail(['a@kunde.no', 'b@kunde.no', 'c@kunde.no', 'd@kunde.no', 'e@kunde.no'])
    const limited = { ...policy, perMinute: 2 }
    expect(await sendQueuedEmails(deps, transport, limited)).toMatchObject({ sent: 2, rateLimited: true, nextDueAt: new Date(T0).toISOString() })
    at(30)
    expect(await sendQueuedEmails(deps, transport, limited)).toMatchObject({ sent: 0, rateLimited: true })
    expect(smtp.received).toHaveLength(2)
    at(61)
    expect(await sendQueuedEmails(deps, transport, limited)).toMatchObject({ sent: 2, rateLimited: true })
    at(122)
    expect(await sendQueuedEmails(deps, transport, limited)).toMatchObject({ sent: 1, rateLimited: false })
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(['a@kunde.no', 'b@kunde.no', 'c@kunde.no', 'd@kunde.no', 'e@kunde.no'])
  })

  it('retries a refused email with a doubling backoff and fails it with the server answer after the last attempt', async () => {
    await queueSegmentMail(['tempfail@kunde.no', 'reject@kunde.no', 'ok@kunde.no'])
    let r = await sendQueuedEmails(deps, transport, policy)
    // 550 is permanent: failed at once; 451 is tried again in 60 s.
    expect(r).toMatchObject({ sent: 1, retrying: 1, failed: 1, nextDueAt: new Date(T0 + 60_000).toISOString() })
    let rows = (await listOutbox(deps)).items
    expect(rows.find((i) => i.to === 'reject@kunde.no')).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringMatching(/^550 .*No such user here/) })
    expect(rows.find((i) => i.to === 'tempfail@kunde.no')).toMatchObject({ status: 'queued', attempts: 1, error: expect.stringMatching(/^451 /) })
    at(59)
    expect(await sendQueuedEmails(deps, transport, policy)).toMatchObject({ sent: 0, retrying: 0, failed: 0 })
    at(60)
    r = await sendQueuedEmails(deps, transport, policy)
    expect(r).toMatchObject({ retrying: 1, nextDueAt: new Date(T0 + 180_000).toISOString() })
    at(180)
    expect(await sendQueuedEmails(deps, transport, policy)).toMatchObject({ failed: 1, retrying: 0, nextDueAt: null })
    rows = (await listOutbox(deps, { statuses: ['failed'] })).items
    expect(rows.find((i) => i.to === 'tempfail@kunde.no')).toMatchObject({ status: 'failed', attempts: 3, error: expect.stringMatching(/^451 .*Mailbox busy, try later/) })
    expect(smtp.attempts.filter((a) => a === 'tempfail@kunde.no')).toHaveLength(3)
    expect(smtp.received.map((m) => m.to[0])).toEqual(['ok@kunde.no'])
  })

  it('releases an email left in sending by a sender that died once its lease is over, and sends it', async () => {
    await queueSegmentMail(['a@kunde.no'])
    const dead = await outbox.claim(database.db, { claimer: 'dead-sender', now: new Date(T0).toISOString(), leaseUntil: new Date(T0 + 300_000).toISOString(), limit: 10, skipLocked: false })
    expect(dead).toHaveLength(1)
    at(120)
    expect(await sendQueuedEmails(deps, transport, policy)).toMatchObject({ sent: 0, released: 0 })
    expect((await listOutbox(deps)).counts.sending).toBe(1)
    at(301)
    expect(await sendQueuedEmails(deps, transport, policy)).toMatchObject({ sent: 1, released: 1 })
    expect(smtp.received.map((m) => m.to[0])).toEqual(['a@kunde.no'])
    expect((await listOutbox(deps)).items[0]).toMatchObject({ status: 'sent', attempts: 2 })
  })

  it('fails an email left in sending once it has used its last attempt, with the reason', async () => {
    await queueSegmentMail(['a@kunde.no'])
    await outbox.claim(database.db, { claimer: 'dead-sender', now: new Date(T0).toISOString(), leaseUntil: new Date(T0 + 300_000).toISOString(), limit: 10, skipLocked: false })
    at(301)
    expect(await sendQueuedEmails(deps, transport, { ...policy, maxAttempts: 1 })).toMatchObject({ sent: 0, failed: 1, released: 1 })
    expect((await listOutbox(deps)).items[0]).toMatchObject({ status: 'failed', attempts: 1, error: expect.stringContaining('The sender stopped while sending') })
    expect(smtp.received).toHaveLength(0)
  })

  it('two sender processes on one database send each email exactly once, within one rate limit', async () => {
    let url: string
    let cleanup: () => Promise<void>
    if (dialect === 'sqlite') {
      const dir = mkdtempSync(join(tmpdir(), 'crm-outbox-'))
      url = `sqlite:${join(dir, 'crm.sqlite')}`
      cleanup = async () => rmSync(dir, { recursive: true, force: true })
    } else {
      const pgCopy = await createTestPgUrl()
      url = pgCopy.url
      cleanup = pgCopy.drop
    }
    await database.close()
    database = await openDatabase(url)
    // The senders run on the real clock; the rows are queued at it too.
    now = Date.now()
    deps = createCoreDeps(database, { clock: () => new Date(now) })
    try {
      await addSalesperson(deps, admin, { code: 'ANNA', name: 'Anna Sales', email: 'anna@team.example' })
      await queueSegmentMail(Array.from({ length: 30 }, (_, i) => `c${i}@kunde.no`))
      const both = async (perMinute: number) => {
        const runs = await Promise.all(['one', 'two'].map((claimer) => run(process.execPath, [join(import.meta.dirname, 'send-once.ts'), url, String(smtp.port), String(perMinute), claimer])))
        return runs.map((r) => JSON.parse(r.stdout) as { sent: number })
      }
      // The per-minute limit holds over both processes together.
      const first = await both(7)
      expect(first[0]!.sent + first[1]!.sent).toBe(7)
      expect(smtp.received).toHaveLength(7)
      const rest = await both(1000)
      expect(rest[0]!.sent + rest[1]!.sent).toBe(23)
      expect(smtp.received).toHaveLength(30)
      expect(new Set(smtp.received.map((m) => m.to[0])).size).toBe(30)
      expect((await listOutbox(deps)).counts).toEqual({ queued: 0, sending: 0, sent: 30, failed: 0 })
    } finally {
      await database.close()
      database = await createTestDatabase('sqlite')
      await cleanup()
    }
  })
})
