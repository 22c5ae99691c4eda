import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { addSalesperson, createContact, createCoreDeps } from '@crm/core'
import { openDatabase, sql, type CrmDatabase } from '@crm/db'
import { ImapFlow } from 'imapflow'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { dovecotSkipReason, startDovecot, type Dovecot } from './dovecot.ts'
import { startImapProxy, type ImapProxy } from './imap-proxy.ts'
import { eventually, startIngester, type IngesterProcess } from './ingester-process.ts'
import { bccMessage, loggedMail, series } from './mail-load.ts'

const admin = { id: 'test', isAdmin: true }

const uidValidityOf = (s: false | { uidValidity?: bigint }) => (s ? String(s.uidValidity) : undefined)

const skip = dovecotSkipReason()

describe.skipIf(!!skip)(`exactly once under failure, ingester processes against Dovecot${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dovecot: Dovecot
  let proxy: ImapProxy
  let dir: string
  let database: CrmDatabase
  let admin2: ImapFlow
  let user: string
  let userNo = 0
  const running: IngesterProcess[] = []
  beforeAll(async () => {
    dovecot = await startDovecot()
  })
  afterAll(async () => {
    await dovecot?.stop()
  })
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crm-once-'))
    database = await openDatabase(`sqlite:${join(dir, 'crm.sqlite')}`)
    const deps = createCoreDeps(database)
    await addSalesperson(deps, admin, { code: 'ANNA', name: 'Anna Sales', email: 'anna@team.example' })
    const hekla = await createContact(deps, admin, { type: 'company', name: 'Hekla Útgerð ehf', website: 'hekla.is' })
    await createContact(deps, admin, { type: 'person', name: 'Þóra Guðmundsdóttir', companyNo: hekla.contact.no, email: 'thora@hekla.is' })
    proxy = await startImapProxy(dovecot.port)
    user = `once${process.pid}x${++userNo}`
    admin2 = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user, pass: dovecot.password }, logger: false })
    await admin2.connect()
  })
  afterEach(async () => {
    for (const p of running.splice(0)) await p.killHard()
    await admin2?.logout().catch(() => undefined)
    await proxy?.close()
    await database?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  function ingester(extra: Record<string, string> = {}): IngesterProcess {
    const p = startIngester({
      DATABASE_URL: `sqlite:${join(dir, 'crm.sqlite')}`,
      IMAP_HOST: '127.0.0.1', IMAP_PORT: String(proxy.port), IMAP_SECURE: 'false', IMAP_USER: user, IMAP_PASSWORD: dovecot.password,
      IMAP_POLL_SECONDS: '1', MAIL_AUTHSERV_IDS: 'mx.team.example', MAIL_TEAM_DOMAINS: 'team.example', MAIL_OWN_ADDRESSES: 'log@team.example',
      ...extra,
    })
    running.push(p)
    return p
  }

  async function count(folder: string): Promise<number> {
    const s = await admin2.status(folder, { messages: true }).catch(() => undefined)
    return s ? (s.messages ?? 0) : 0
  }

  async function append(folder: string, from: number, to: number): Promise<void> {
    for (let i = from; i <= to; i++) await admin2.append(folder, bccMessage(i))
  }

  it('loses and duplicates nothing when killed -9 after the database commit and before the IMAP move', async () => {
    await append('INBOX', 1, 30)
    let moveSeen = false
    proxy.onCommand = (line) => (/ UID MOVE /i.test(line) ? ((moveSeen = true), 'hold') : 'pass')
    const first = ingester()
    await eventually('the first ingester reaches the move', async () => moveSeen)
    // Every entry is committed, the move has not reached the server: the worst moment to die.
    expect((await loggedMail(database)).nos).toEqual(series(30))
    expect(await count('INBOX')).toBe(30)
    await first.killHard()
    proxy.onCommand = () => 'pass'
    const second = ingester()
    await eventually('the restarted ingester empties the queue', async () => (await count('INBOX')) === 0 && (await count('Processed')) === 30)
    await second.waitFor(/"outcome":"already-logged"/)
    const { nos, refs } = await loggedMail(database)
    expect(nos).toEqual(series(30))
    expect([...refs.values()].every((n) => n === 1)).toBe(true)
    expect(refs.size).toBe(30)
    expect(await second.stop()).toBe(0)
  })

  it('reconnects with backoff after the connection is cut in the middle of a batch and finishes', async () => {
    await append('INBOX', 1, 250)
    let cuts = 0
    proxy.onCommand = (line) => {
      // Cut once while the first batch's sources stream and once at its move (entries committed, not moved).
      if (cuts === 0 && / UID FETCH .*BODY/i.test(line)) return setTimeout(() => proxy.cutAll(), 30), cuts++, 'pass'
      if (cuts === 1 && / UID MOVE /i.test(line)) return cuts++, 'cut'
      return 'pass'
    }
    const p = ingester()
    await eventually('the queue is emptied despite two cuts', async () => (await count('INBOX')) === 0 && (await count('Processed')) === 250, 60_000)
    expect(cuts).toBe(2)
    expect(p.output()).toMatch(/"event":"mail.reconnect".*"retryInMs":1000/)
    expect(p.output().match(/"event":"mail.connected"/g)!.length).toBeGreaterThanOrEqual(3)
    const { nos, refs } = await loggedMail(database)
    expect(nos).toEqual(series(250))
    expect([...refs.values()].every((n) => n === 1)).toBe(true)
    expect(await p.stop()).toBe(0)
  })

  it('notices a recreated folder (new UIDVALIDITY) and logs its messages without duplicates', async () => {
    await admin2.mailboxCreate('Queue')
    await append('Queue', 1, 5)
    const p = ingester({ IMAP_MAILBOX: 'Queue' })
    await eventually('the first five are processed', async () => (await count('Processed')) === 5)
    const before = uidValidityOf(await admin2.status('Queue', { uidValidity: true }))
    // The folder is deleted and made again, with the same five messages (a restore) and two new ones.
    await admin2.mailboxDelete('Queue')
    await admin2.mailboxCreate('Queue')
    const after = uidValidityOf(await admin2.status('Queue', { uidValidity: true }))
    expect(after).not.toBe(before)
    await append('Queue', 1, 7)
    await eventually('the recreated folder is emptied', async () => (await count('Queue')) === 0 && (await count('Processed')) === 12, 30_000)
    await p.waitFor(/"event":"mail.uidvalidity_changed"/)
    const { nos, refs } = await loggedMail(database)
    expect(nos).toEqual(series(7))
    expect([...refs.values()].every((n) => n === 1)).toBe(true)
    expect(await p.stop()).toBe(0)
  })
})
