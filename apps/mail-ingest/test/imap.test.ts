import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { addSalesperson, createContact, createCoreDeps, DEFAULT_FREE_MAIL_DOMAINS, listInteractions, type CoreDeps } from '@crm/core'
import { createTestDatabase, pgSkipReason } from '@crm/db/testing'
import { sql, type CrmDatabase } from '@crm/db'
import type { ImapFlow } from 'imapflow'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { connectImap, ingestMailboxOnce, readMailIngestConfig, type ImapSettings, type IngestSettings } from '../src/index.ts'
import { dovecotSkipReason, startDovecot, type Dovecot } from './dovecot.ts'
import { startImapLoop } from './imap-loop.ts'

const settings: IngestSettings = { teamDomains: ['team.example'], freeMailDomains: [...DEFAULT_FREE_MAIL_DOMAINS], ownAddresses: ['log@team.example'], authservIds: ['mx.team.example'] }
const fixture = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name))
const admin = { id: 'test', isAdmin: true }

describe('mail ingest configuration', () => {
  it('lists every bad variable at once', () => {
    const r = readMailIngestConfig({ IMAP_PORT: 'abc', IMAP_SECURE: 'maybe', MAIL_TEAM_DOMAINS: 'not a domain' })
    expect(r.config).toBeUndefined()
    expect(r.problems).toEqual(expect.arrayContaining([
      'IMAP_HOST is required.', 'IMAP_USER is required.', expect.stringMatching(/^IMAP_PASSWORD is required, or IMAP_ACCESS_TOKEN/),
      'IMAP_SECURE is true or false, not "maybe".', 'IMAP_PORT is a port number (1-65535), not "abc".',
      expect.stringMatching(/^MAIL_AUTHSERV_IDS is required/), 'MAIL_TEAM_DOMAINS: "not" is not a domain.',
    ]))
  })

  it('accepts a complete environment with defaults', () => {
    const r = readMailIngestConfig({ IMAP_HOST: 'imap.example', IMAP_USER: 'log', IMAP_PASSWORD: 'x', MAIL_AUTHSERV_IDS: 'mx.example' })
    expect(r.config?.imap).toMatchObject({ host: 'imap.example', port: 993, secure: true, mailbox: 'INBOX', pollSeconds: 60 })
  })
})

const skip = dovecotSkipReason()
if (skip) console.warn(`mail-ingest IMAP tests skipped: ${skip}`)

// The poison and outage tests also run on PostgreSQL, which refuses more than SQLite.
for (const dialect of ['sqlite', 'postgres'] as const) {
  const pgSkip = dialect === 'postgres' ? pgSkipReason() : undefined
  describe.skipIf(!!skip || !!pgSkip)(`IMAP source against Dovecot [${dialect}]${skip || pgSkip ? ` (skipped: ${skip ?? pgSkip})` : ''}`, () => {
    let dovecot: Dovecot
    let database: CrmDatabase
    let deps: CoreDeps
    let client: ImapFlow
    let imap: ImapSettings
    let userNo = 0
    beforeAll(async () => {
      dovecot = await startDovecot()
    })
    afterAll(async () => {
      await dovecot?.stop()
    })
    beforeEach(async () => {
      database = await createTestDatabase(dialect)
      deps = createCoreDeps(database, { clock: () => new Date('2026-11-20T10:00:00Z') })
      await addSalesperson(deps, admin, { code: 'ANNA', name: 'Anna Sales', email: 'anna@team.example' })
      const hekla = await createContact(deps, admin, { type: 'company', name: 'Hekla Útgerð ehf', website: 'hekla.is' })
      await createContact(deps, admin, { type: 'person', name: 'Þóra Guðmundsdóttir', companyNo: hekla.contact.no, email: 'thora@hekla.is' })
      // A new user per test is an empty mailbox.
      imap = { host: '127.0.0.1', port: dovecot.port, secure: false, user: `log${process.pid}${dialect}x${++userNo}`, password: dovecot.password, mailbox: 'INBOX', pollSeconds: 30 }
      client = await connectImap(imap)
    })
    afterEach(async () => {
      await client?.logout().catch(() => undefined)
      await database?.close()
    })

    async function folderCount(path: string): Promise<number> {
      const status = await client.status(path, { messages: true })
      return status ? (status.messages ?? 0) : 0
    }

    it('ingests the backlog and moves each message to the folder of its outcome, creating the folders', async () => {
      for (const n of ['gmail-forward-en.eml', 'unmatched.eml', 'spoofed-forward.eml', 'auto-reply.eml']) await client.append('INBOX', fixture(n))
      const { ensureFolders } = await import('../src/index.ts')
      await ensureFolders(client)
      const results = await ingestMailboxOnce(client, deps, settings, 'INBOX', deps.logger)
      expect(results.map((r) => r.outcome)).toEqual(['logged', 'unmatched', 'rejected', 'ignored'])
      expect(await folderCount('INBOX')).toBe(0)
      expect(await folderCount('Processed')).toBe(2)
      expect(await folderCount('Unmatched')).toBe(1)
      expect(await folderCount('Rejected')).toBe(1)
      expect((await listInteractions(deps, 'CT000002')).interactions.map((i) => i.subject)).toEqual(['Quote for 20 tonnes'])
    })

    it('moves to the folder names configured', async () => {
      for (const n of ['gmail-forward-en.eml', 'unmatched.eml', 'spoofed-forward.eml']) await client.append('INBOX', fixture(n))
      const folders = { processed: 'CRM Done', unmatched: 'CRM Waiting', rejected: 'CRM Refused' }
      const { ensureFolders } = await import('../src/index.ts')
      await ensureFolders(client, folders)
      await ingestMailboxOnce(client, deps, settings, 'INBOX', deps.logger, folders)
      expect([await folderCount('INBOX'), await folderCount('CRM Done'), await folderCount('CRM Waiting'), await folderCount('CRM Refused')]).toEqual([0, 1, 1, 1])
    })

    it('moves a message that keeps failing unexpectedly to Rejected and logs the messages before and after it', async () => {
      // A poison message: the database refuses its entry (as PostgreSQL refused a NUL or an oversized reference).
      if (dialect === 'sqlite') {
        await sql`create trigger poison before insert on interaction_log_entries when new.subject = 'Poison' begin select raise(abort, 'poisoned by the test'); end`.execute(database.db)
      } else {
        await sql`create function poison() returns trigger language plpgsql as $$ begin if new.subject = 'Poison' then raise exception 'poisoned by the test'; end if; return new; end $$`.execute(database.db)
        await sql`create trigger poison before insert on interaction_log_entries for each row execute function poison()`.execute(database.db)
      }
      const poison = Buffer.from('Authentication-Results: mx.team.example; dkim=pass header.d=team.example header.s=s1\r\nFrom: Anna Sales <anna@team.example>\r\nTo: thora@hekla.is\r\nSubject: Poison\r\nDate: Thu, 19 Nov 2026 15:00:00 +0000\r\nMessage-ID: <poison@team.example>\r\n\r\nThis one fails.\r\n')
      for (const raw of [fixture('gmail-forward-en.eml'), poison, fixture('direct-inbound.eml')]) await client.append('INBOX', raw)
      const events: Array<Record<string, unknown>> = []
      const record = (o: object) => events.push(o as Record<string, unknown>)
      const logged = createCoreDeps(database, { clock: () => new Date('2026-11-20T10:00:00Z'), logger: { debug() {}, info: record, warn: record, error: record } })
      const loop = startImapLoop(client, logged, settings, imap)
      const other = await connectImap(imap)
      try {
        const count = async (path: string) => {
          if (!(await other.list()).some((m) => m.path === path)) return 0
          const status = await other.status(path, { messages: true })
          return status ? (status.messages ?? 0) : 0
        }
        await loop.until('all three messages moved', async () => (await count('Processed')) + (await count('Rejected')) === 3)
        expect([await count('INBOX'), await count('Processed'), await count('Rejected')]).toEqual([0, 2, 1])
      } finally {
        await loop.stop()
        await other.logout().catch(() => undefined)
      }
      expect(loop.crash).toBeUndefined()
      expect((await listInteractions(deps, 'CT000002')).interactions.map((i) => i.subject).sort()).toEqual(['Quote for 20 tonnes', 'Re: Your quote'])
      // Tried three times, each failure logged with its reference; the last one is the reason of the rejection.
      const failures = events.filter((e) => e.event === 'mail.ingest_failed')
      expect(failures.map((e) => [e.attempt, e.message])).toEqual([[1, 'poisoned by the test'], [2, 'poisoned by the test'], [3, 'poisoned by the test']])
      const outcomes = events.filter((e) => e.event === 'mail.ingested').map((e) => [e.outcome, e.reason])
      expect(outcomes).toEqual([['logged', null], ['invalid', `unexpected error (ref ${String(failures[2]!.ref)})`], ['logged', null]])
    })

    it('rejects no mail while the database is down: the pass fails and the message stays for the next one', async () => {
      await client.append('INBOX', fixture('bcc-outgoing.eml'))
      const { ensureFolders } = await import('../src/index.ts')
      await ensureFolders(client)
      await database.close()
      await expect(ingestMailboxOnce(client, deps, settings, 'INBOX', deps.logger)).rejects.toThrow()
      expect([await folderCount('INBOX'), await folderCount('Processed'), await folderCount('Rejected')]).toEqual([1, 0, 0])
    })

    it('picks up new mail while running (IDLE) and stops on abort', async () => {
      const loop = startImapLoop(client, deps, settings, imap)
      const other = await connectImap(imap)
      try {
        // The loop is running (it made the folders): the message arrives after the start.
        await loop.until('the outcome folders', async () => (await other.list()).some((m) => m.path === 'Processed'))
        await other.append('INBOX', fixture('bcc-outgoing.eml'))
        await loop.until('the message to be logged', async () => (await listInteractions(deps, 'CT000002')).interactions.length > 0)
        expect((await listInteractions(deps, 'CT000002')).interactions).toHaveLength(1)
        // The move follows the commit: wait for it too.
        const processed = async () => {
          const status = await other.status('Processed', { messages: true })
          return status ? (status.messages ?? 0) : 0
        }
        await loop.until('the message to be moved', async () => (await processed()) > 0)
        expect(await processed()).toBe(1)
      } finally {
        await loop.stop()
        await other.logout().catch(() => undefined)
      }
      expect(loop.crash).toBeUndefined()
    })
  })
}
