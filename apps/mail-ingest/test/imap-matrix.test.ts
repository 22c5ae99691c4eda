import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { createCoreDeps, type CoreDeps, type Logger } from '@crm/core'
import type { CrmDatabase } from '@crm/db'
import { createTestDatabase } from '@crm/db/testing'
import type { ImapFlow } from 'imapflow'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { connectImap, ingestMessage, readMailPath, type ImapSettings, type IngestOutcome } from '../src/index.ts'
import { dovecotSkipReason, startDovecot, type Dovecot } from './dovecot.ts'
import { FIXTURE_SETTINGS as settings, seedFixtureCrm } from './fixture-crm.ts'
import { startImapLoop } from './imap-loop.ts'
import { startImapProxy, type ImapProxy } from './imap-proxy.ts'
import { malformedCorpus } from './malformed-corpus.ts'

// Every fixture and a sample of the malformed corpus through a real Dovecot and the real IMAP loop
// (runImapIngest), compared with the file pipeline (readMailPath + ingestMessage) on the same bytes.

const FIXTURES = join(import.meta.dirname, 'fixtures')
/** Where each outcome must land (the issue: Processed, Unmatched, Rejected; ignored mail is done, so Processed). */
const EXPECTED_FOLDER: Record<IngestOutcome['outcome'], string> = {
  logged: 'Processed', 'already-logged': 'Processed', ignored: 'Processed', unmatched: 'Unmatched', rejected: 'Rejected', invalid: 'Rejected',
}
const FOLDERS = ['Processed', 'Unmatched', 'Rejected']

/** A logger that keeps what the ingester reports. */
function recordingLogger(): Logger & { events: Array<Record<string, unknown>> } {
  const events: Array<Record<string, unknown>> = []
  const keep = (level: string) => (obj: object) => void events.push({ level, ...obj })
  return { events, debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') }
}

/** The same message whatever line ends the server hands back. */
const digest = (raw: Uint8Array) => createHash('sha256').update(Buffer.from(raw).toString('latin1').replace(/\r\n/g, '\n')).digest('hex')

const skip = dovecotSkipReason()

describe.skipIf(!!skip)(`the IMAP ingester against Dovecot, message by message${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dovecot: Dovecot
  let userNo = 0
  let databases: CrmDatabase[] = []
  let clients: ImapFlow[] = []
  beforeAll(async () => {
    dovecot = await startDovecot()
  })
  afterAll(async () => {
    await dovecot?.stop()
  })
  beforeEach(() => {
    databases = []
    clients = []
  })
  afterEach(async () => {
    for (const c of clients) await c.logout().catch(() => c.close())
    for (const d of databases) await d.close()
  })

  async function crm(logger?: Logger): Promise<{ database: CrmDatabase; deps: CoreDeps }> {
    const database = await createTestDatabase('sqlite')
    databases.push(database)
    const deps = createCoreDeps(database, { clock: () => new Date('2026-11-20T10:00:00Z'), ...(logger ? { logger } : {}) })
    await seedFixtureCrm(deps)
    return { database, deps }
  }

  /** A new user (an empty mailbox), its settings through `port` (Dovecot or a proxy) and a direct connection. */
  async function mailbox(port = dovecot.port, pollSeconds = 30): Promise<{ imap: ImapSettings; direct: ImapFlow }> {
    const user = `matrix${process.pid}x${++userNo}`
    const direct = await connectImap({ host: '127.0.0.1', port: dovecot.port, secure: false, user, password: dovecot.password, mailbox: 'INBOX', pollSeconds })
    clients.push(direct)
    return { imap: { host: '127.0.0.1', port, secure: false, user, password: dovecot.password, mailbox: 'INBOX', pollSeconds }, direct }
  }

  async function count(client: ImapFlow, folder: string): Promise<number> {
    if (!(await client.list()).some((m) => m.path === folder)) return 0
    const status = await client.status(folder, { messages: true })
    return status ? (status.messages ?? 0) : 0
  }

  /** Runs the real IMAP loop on its own connection until `done`, then stops it; a crash of the loop fails the wait. */
  async function runUntil(imap: ImapSettings, deps: CoreDeps, what: string, done: () => Promise<boolean>): Promise<void> {
    const client = await connectImap(imap, deps.logger)
    clients.push(client)
    const loop = startImapLoop(client, deps, settings, imap)
    try {
      await loop.until(what, done)
    } finally {
      await loop.stop()
    }
    expect(loop.crash).toBeUndefined()
  }

  /** Which folder each message (by its bytes) is in now. */
  async function whereIs(client: ImapFlow): Promise<Map<string, string[]>> {
    const found = new Map<string, string[]>()
    for (const folder of ['INBOX', ...FOLDERS]) {
      if ((await count(client, folder)) === 0) continue
      const lock = await client.getMailboxLock(folder)
      try {
        for await (const m of client.fetch('1:*', { source: true })) {
          const key = digest(m.source!)
          found.set(key, [...(found.get(key) ?? []), folder])
        }
      } finally {
        lock.release()
      }
    }
    return found
  }

  it('ends every fixture in the outcome, contacts and entries the file pipeline gives the same bytes, in the folder of that outcome', async () => {
    // The file pipeline, on the fixtures folder as `crm mail ingest` reads it, plus bytes that are not mail.
    const messages = [...readMailPath(FIXTURES), { file: 'not-mail', raw: Buffer.from('just some words\n') }]
    const byFile = await crm()
    const expected = new Map<string, IngestOutcome>()
    for (const m of messages) expected.set(m.file, await ingestMessage(byFile.deps, settings, m.raw))
    // Every kind of outcome is among them, so every folder and every path through the loop is exercised.
    expect(new Set([...expected.values()].map((r) => r.outcome))).toEqual(new Set(['logged', 'already-logged', 'unmatched', 'ignored', 'rejected', 'invalid']))

    // The same bytes, in the same order, appended to a fresh mailbox and ingested by the IMAP loop.
    const logger = recordingLogger()
    const byImap = await crm(logger)
    const { imap, direct } = await mailbox()
    const fileOf = new Map<number, string>()
    for (const m of messages) {
      const appended = await direct.append('INBOX', Buffer.from(m.raw))
      expect(appended && appended.uid, m.file).toBeTruthy()
      fileOf.set(appended ? appended.uid! : 0, m.file)
    }
    const ingested = () => logger.events.filter((e) => e.event === 'mail.ingested')
    await runUntil(imap, byImap.deps, `all ${messages.length} fixtures to be ingested and moved`, async () => ingested().length >= messages.length && (await count(direct, 'INBOX')) === 0)

    // Each message once, with the outcome, reason, kind and entry numbers of the file pipeline.
    expect(ingested().map((e) => e.uid).sort((a, b) => Number(a) - Number(b))).toEqual([...fileOf.keys()])
    const entryContacts = async (deps: CoreDeps, nos: string[]) =>
      nos.length === 0 ? [] : (await deps.database.db.selectFrom('interaction_log_entries').select('contact_no').where('no', 'in', nos).execute()).map((r) => r.contact_no).sort()
    for (const e of ingested()) {
      const file = fileOf.get(Number(e.uid))!
      const want = expected.get(file)!
      expect({ file, outcome: e.outcome, kind: e.kind, reason: e.reason, interactions: e.interactions }).toEqual({ file, outcome: want.outcome, kind: want.kind, reason: want.reason, interactions: want.interactions })
      // The same contacts: those of the entries written (or found) on each side, and the file pipeline's own list.
      const contacts = await entryContacts(byImap.deps, e.interactions as string[])
      expect({ file, contacts }).toEqual({ file, contacts: await entryContacts(byFile.deps, want.interactions) })
      if (want.outcome === 'logged') expect({ file, contacts }).toEqual({ file, contacts: [...want.contacts].sort() })
    }

    // The same entries and the same review list, field by field.
    const entries = (deps: CoreDeps) => deps.database.db.selectFrom('interaction_log_entries')
      .select(['no', 'contact_no', 'template_code', 'subject', 'description', 'occurred_at', 'salesperson_code', 'external_ref', 'attachments']).orderBy('no').execute()
    const review = (deps: CoreDeps) => deps.database.db.selectFrom('mail_review_items').selectAll().orderBy('id').execute()
    expect(await entries(byImap.deps)).toEqual(await entries(byFile.deps))
    expect((await entries(byImap.deps)).length).toBeGreaterThan(20)
    const withoutTimes = (rows: Array<Record<string, unknown>>) => rows.map(({ created_at: _c, ...rest }) => rest)
    expect(withoutTimes(await review(byImap.deps))).toEqual(withoutTimes(await review(byFile.deps)))

    // Each message left the queue folder for the folder of its outcome, exactly once.
    const where = await whereIs(direct)
    const misplaced: string[] = []
    for (const m of messages) {
      const want = EXPECTED_FOLDER[expected.get(m.file)!.outcome]
      const got = where.get(digest(m.raw)) ?? []
      if (got.length !== 1 || got[0] !== want) misplaced.push(`${m.file}: ${expected.get(m.file)!.outcome} in ${got.join(', ') || 'no folder'}, not ${want}`)
    }
    expect(misplaced).toEqual([])
    expect(logger.events.filter((e) => e.level === 'warn' || e.level === 'error')).toEqual([])
  }, 300_000)

  it('takes a sample of 100 malformed messages through Dovecot without a crash: each ends in an outcome and leaves the queue folder', async () => {
    const corpus = malformedCorpus(FIXTURES, 100)
    const logger = recordingLogger()
    const { deps } = await crm(logger)
    const { imap, direct } = await mailbox()
    const uids = new Map<number, string>()
    const refused: string[] = []
    for (const m of corpus) {
      // A server may refuse bytes no mail may hold (e.g. NUL): that message never reaches the ingester.
      const appended = await direct.append('INBOX', m.raw).catch((error: Error) => (refused.push(`${m.name}: ${error.message}`), false as const))
      if (appended && appended.uid) uids.set(appended.uid, m.name)
    }
    if (refused.length) console.log(`Dovecot refused ${refused.length} of ${corpus.length} malformed messages at APPEND:\n${refused.join('\n')}`)
    expect(uids.size).toBeGreaterThanOrEqual(80)
    const ingested = () => logger.events.filter((e) => e.event === 'mail.ingested')
    await runUntil(imap, deps, `${uids.size} malformed messages to be ingested and moved`, async () => ingested().length >= uids.size && (await count(direct, 'INBOX')) === 0)

    // One outcome per message, each known, each with a reason unless logged.
    const outcomes = Object.keys(EXPECTED_FOLDER)
    expect(ingested().map((e) => Number(e.uid)).sort((a, b) => a - b)).toEqual([...uids.keys()].sort((a, b) => a - b))
    const bad = ingested().filter((e) => !outcomes.includes(String(e.outcome)) || (e.outcome !== 'logged' && e.outcome !== 'already-logged' && !e.reason))
    expect(bad).toEqual([])
    const counts: Record<string, number> = {}
    for (const e of ingested()) counts[String(e.outcome)] = (counts[String(e.outcome)] ?? 0) + 1
    console.log(`malformed sample through Dovecot: ${JSON.stringify(counts)}`)
    // Every message left INBOX for the folder of its outcome.
    const byFolder: Record<string, number> = {}
    for (const e of ingested()) byFolder[EXPECTED_FOLDER[e.outcome as IngestOutcome['outcome']]] = (byFolder[EXPECTED_FOLDER[e.outcome as IngestOutcome['outcome']]] ?? 0) + 1
    expect(await count(direct, 'INBOX')).toBe(0)
    for (const folder of FOLDERS) expect({ folder, messages: await count(direct, folder) }).toEqual({ folder, messages: byFolder[folder] ?? 0 })
  }, 300_000)

  describe('a server without IDLE', () => {
    let proxy: ImapProxy | undefined
    afterEach(async () => {
      await proxy?.close()
      proxy = undefined
    })

    it('still picks up mail appended after the start, by polling', async () => {
      proxy = await startImapProxy(dovecot.port, { hide: ['IDLE'] })
      const logger = recordingLogger()
      const { deps, database } = await crm(logger)
      const { imap, direct } = await mailbox(proxy.port, 1)
      const probe = await connectImap(imap)
      clients.push(probe)
      expect(probe.capabilities.has('IDLE')).toBe(false)
      expect(direct.capabilities.has('IDLE')).toBe(true)

      const processed = async (n: number) => (await count(direct, 'Processed')) === n
      const client = await connectImap(imap, logger)
      clients.push(client)
      const loop = startImapLoop(client, deps, settings, imap)
      try {
        // The loop is running (it made the folders): the first message arrives after the start.
        await loop.until('the outcome folders', async () => (await direct.list()).some((m) => m.path === 'Processed'))
        await direct.append('INBOX', readMailPath(join(FIXTURES, 'gmail-forward-en.eml'))[0]!.raw)
        await loop.until('the first message to be processed', () => processed(1))
        // The second arrives after a pass has ended: only a later poll can find it.
        await direct.append('INBOX', readMailPath(join(FIXTURES, 'bcc-outgoing.eml'))[0]!.raw)
        await loop.until('the second message to be processed', () => processed(2))
      } finally {
        await loop.stop()
      }
      expect(loop.crash).toBeUndefined()
      expect(logger.events.filter((e) => e.event === 'mail.ingested').map((e) => e.outcome)).toEqual(['logged', 'logged'])
      expect((await database.db.selectFrom('interaction_log_entries').select('subject').orderBy('no').execute()).map((r) => r.subject)).toEqual(['Quote for 20 tonnes', 'Your quote', 'Your quote'])
      // The ingester never sent IDLE to a server that did not offer it.
      expect(proxy.commands.filter((c) => /^\S+ IDLE\b/i.test(c))).toEqual([])
      expect(await count(direct, 'INBOX')).toBe(0)
    }, 300_000)
  })
})
