import { mkdtempSync, rmSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { addSalesperson, createContact, createCoreDeps } from '@crm/core'
import { openDatabase, sessionLeases, sql, type CrmDatabase } from '@crm/db'
import { createTestPgUrl, pgSkipReason } from '@crm/db/testing'
import { ImapFlow } from 'imapflow'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dovecotSkipReason, startDovecot, type Dovecot } from './dovecot.ts'
import { eventually, startIngester, type IngesterProcess } from './ingester-process.ts'
import { bccMessage, loggedMail, series } from './mail-load.ts'
import { mailboxLockName } from '../src/index.ts'

const MESSAGES = 2000
const CONTACTS = 20
const admin = { id: 'test', isAdmin: true }
const skip = dovecotSkipReason() ?? pgSkipReason()

/** A backlog in a mailbox, the CRM it is logged into, and ingester processes started on both. */
interface Load {
  mailbox: ImapFlow
  /** Messages in a folder of the mailbox (0 when it does not exist yet). */
  count(folder: string): Promise<number>
  ingester(standbySeconds?: string): IngesterProcess
  /** Kills every ingester started and logs out. */
  close(): Promise<void>
}

/** Anna and CONTACTS persons at one company in the database; a new Dovecot user with `messages` BCC copies of Anna's mail to them. */
async function startLoad(dovecot: Dovecot, database: CrmDatabase, databaseUrl: string, user: string, messages: number): Promise<Load> {
  const deps = createCoreDeps(database)
  await addSalesperson(deps, admin, { code: 'ANNA', name: 'Anna Sales', email: 'anna@team.example' })
  const company = await createContact(deps, admin, { type: 'company', name: 'Hekla Útgerð ehf', website: 'hekla.is' })
  for (let c = 0; c < CONTACTS; c++) await createContact(deps, admin, { type: 'person', name: `Person ${c}`, companyNo: company.contact.no, email: `p${c}@hekla.is` })
  const mailbox = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user, pass: dovecot.password }, logger: false })
  await mailbox.connect()
  const started = Date.now()
  for (let i = 1; i <= messages; i++) await mailbox.append('INBOX', bccMessage(i, `p${i % CONTACTS}@hekla.is`))
  console.log(`appended ${messages} messages in ${Date.now() - started} ms`)
  const processes: IngesterProcess[] = []
  return {
    mailbox,
    async count(folder) {
      const s = await mailbox.status(folder, { messages: true }).catch(() => false as const)
      return s ? (s.messages ?? 0) : 0
    },
    ingester(standbySeconds = '1') {
      const p = startIngester({
        DATABASE_URL: databaseUrl, IMAP_HOST: '127.0.0.1', IMAP_PORT: String(dovecot.port), IMAP_SECURE: 'false', IMAP_USER: user, IMAP_PASSWORD: dovecot.password,
        IMAP_POLL_SECONDS: '2', MAIL_STANDBY_SECONDS: standbySeconds, MAIL_AUTHSERV_IDS: 'mx.team.example', MAIL_TEAM_DOMAINS: 'team.example', MAIL_OWN_ADDRESSES: 'log@team.example',
      })
      processes.push(p)
      return p
    },
    async close() {
      for (const p of processes) await p.killHard()
      await mailbox.logout().catch(() => undefined)
    },
  }
}

describe.skipIf(!!skip)(`scale-out: two ingesters on one mailbox, PostgreSQL${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dovecot: Dovecot
  let pg: { url: string; drop(): Promise<void> }
  let database: CrmDatabase
  let load: Load
  beforeAll(async () => {
    dovecot = await startDovecot()
    pg = await createTestPgUrl()
    database = await openDatabase(pg.url, { poolSize: 2 })
    load = await startLoad(dovecot, database, pg.url, `scale${process.pid}`, MESSAGES)
  }, 120_000)
  afterAll(async () => {
    await load?.close()
    await database?.close()
    await pg?.drop()
    await dovecot?.stop()
  })

  it(`logs each of ${MESSAGES} messages exactly once while the active ingester is killed and the standby takes over`, async () => {
    const first = load.ingester()
    await first.waitFor(/"event":"mail.active"/)
    const second = load.ingester()
    await second.waitFor(/"event":"mail.standby"/)
    expect(second.output()).not.toMatch(/"event":"mail.active"/)
    // Let the active one get well into the backlog, then kill it without warning.
    await eventually('the first ingester logs a share of the backlog', async () => (await loggedMail(database)).nos.length >= MESSAGES / 4, 60_000)
    await first.killHard()
    const killedAt = (await loggedMail(database)).nos.length
    await second.waitFor(/"event":"mail.active"/, 15_000)
    await eventually('the standby finishes the backlog', async () => (await load.count('INBOX')) === 0 && (await load.count('Processed')) === MESSAGES, 90_000)
    expect(await second.stop()).toBe(0)

    const { nos, refs } = await loggedMail(database)
    expect(killedAt).toBeLessThan(MESSAGES)
    expect(refs.size).toBe(MESSAGES)
    expect([...refs.values()].filter((n) => n !== 1)).toEqual([])
    expect(nos).toEqual(series(MESSAGES))
    expect(await load.count('Unmatched') + await load.count('Rejected')).toBe(0)
  }, 180_000)
  it('steps back when its lock session is killed, takes the lock again and goes on', async () => {
    const p = load.ingester()
    await p.waitFor(/"event":"mail.active"/)
    // The database ends the session that holds the lock (a failover, an admin's pg_terminate_backend).
    await sql`select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and granted`.execute(database.db)
    await p.waitFor(/"event":"mail.lock_lost"/, 15_000)
    await p.waitFor(/"event":"mail.active"[\s\S]*"event":"mail.lock_lost"[\s\S]*"event":"mail.active"/, 15_000)
    for (let i = MESSAGES + 1; i <= MESSAGES + 5; i++) await load.mailbox.append('INBOX', bccMessage(i, 'p1@hekla.is'))
    await eventually('the new mail is logged after the takeover', async () => (await loggedMail(database)).refs.size === MESSAGES + 5, 30_000)
    expect(await p.stop()).toBe(0)
    expect((await loggedMail(database)).nos).toEqual(series(MESSAGES + 5))
  }, 60_000)
})

const SQLITE_MESSAGES = 1000
const dovecotSkip = dovecotSkipReason()

describe.skipIf(!!dovecotSkip)(`scale-out: two ingesters on one mailbox and one SQLite file${dovecotSkip ? ` (skipped: ${dovecotSkip})` : ''}`, () => {
  let dovecot: Dovecot
  let dir: string
  let database: CrmDatabase
  let load: Load
  const user = `sqlitescale${process.pid}`
  beforeAll(async () => {
    dovecot = await startDovecot()
    dir = mkdtempSync(join(tmpdir(), 'crm-sqlite-scale-'))
    // Migrated and seeded before any ingester starts.
    database = await openDatabase(`sqlite:${join(dir, 'crm.sqlite')}`)
    load = await startLoad(dovecot, database, `sqlite:${join(dir, 'crm.sqlite')}`, user, SQLITE_MESSAGES)
  }, 120_000)
  afterAll(async () => {
    await load?.close()
    await database?.close()
    await dovecot?.stop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  /** Whose the mailbox's lease is: the process id in its holder, or undefined when nobody holds it. */
  async function leaseHolder(): Promise<number | undefined> {
    const lease = await sessionLeases.find(database.db, mailboxLockName({ host: '127.0.0.1', port: dovecot.port, secure: false, user, password: '', mailbox: 'INBOX', pollSeconds: 2 }))
    if (!lease) return undefined
    expect(lease.holder.startsWith(`${hostname()}/`)).toBe(true)
    return Number(lease.holder.split('/')[1])
  }

  it('lets one ingester work while the other stands by without connecting, and the standby takes over when the first is killed', async () => {
    const first = load.ingester('1')
    await first.waitFor(/"event":"mail.active"/)
    const second = load.ingester('1')
    await second.waitFor(/"event":"mail.standby"/)
    expect(await leaseHolder()).toBe(first.child.pid)
    await eventually('the first ingester logs a share of the backlog', async () => (await loggedMail(database)).nos.length >= SQLITE_MESSAGES / 10, 60_000)
    // All this while, the standby never touched the mailbox.
    expect(second.output()).not.toMatch(/"event":"mail\.(active|connected|ingested)"/)
    await first.killHard()
    const killedAt = (await loggedMail(database)).nos.length
    console.log(`SQLite: the first ingester was killed after ${killedAt} of ${SQLITE_MESSAGES} messages`)
    // Nobody released the lease: the standby takes it once it runs out (3 checks of 1 second).
    await second.waitFor(/"event":"mail.active"/, 15_000)
    expect(await leaseHolder()).toBe(second.child.pid)
    await eventually('the standby finishes the backlog', async () => (await load.count('INBOX')) === 0 && (await load.count('Processed')) === SQLITE_MESSAGES, 90_000)

    const { nos, refs } = await loggedMail(database)
    expect(killedAt).toBeLessThan(SQLITE_MESSAGES)
    expect(refs.size).toBe(SQLITE_MESSAGES)
    expect([...refs.values()].filter((n) => n !== 1)).toEqual([])
    expect(nos).toEqual(series(SQLITE_MESSAGES))
    expect(await second.stop()).toBe(0)
    // A stopped ingester gives its lease back.
    expect(await leaseHolder()).toBeUndefined()
  }, 180_000)

  it('hands the mailbox over at once when the active ingester stops, without waiting for its lease to run out', async () => {
    // A lease of 3 x 5 seconds, renewed every 5: waiting for it to run out would take at least 10 seconds.
    const active = load.ingester('5')
    await active.waitFor(/"event":"mail.active"/)
    const standby = load.ingester('0.5')
    await standby.waitFor(/"event":"mail.standby"/)
    expect(await leaseHolder()).toBe(active.child.pid)
    expect(await active.stop()).toBe(0)
    const stoppedAt = Date.now()
    await standby.waitFor(/"event":"mail.active"/, 15_000)
    expect(Date.now() - stoppedAt).toBeLessThan(7_000)
    expect(await leaseHolder()).toBe(standby.child.pid)
    for (let i = SQLITE_MESSAGES + 1; i <= SQLITE_MESSAGES + 5; i++) await load.mailbox.append('INBOX', bccMessage(i, 'p1@hekla.is'))
    await eventually('the new mail is logged by the new active ingester', async () => (await loggedMail(database)).refs.size === SQLITE_MESSAGES + 5, 30_000)
    expect(await standby.stop()).toBe(0)
    expect((await loggedMail(database)).nos).toEqual(series(SQLITE_MESSAGES + 5))
  }, 60_000)
})
