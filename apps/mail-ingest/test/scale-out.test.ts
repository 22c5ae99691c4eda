import { addSalesperson, createContact, createCoreDeps } from '@crm/core'
import { openDatabase, sql, type CrmDatabase } from '@crm/db'
import { createTestPgUrl, pgSkipReason } from '@crm/db/testing'
import { ImapFlow } from 'imapflow'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dovecotSkipReason, startDovecot, type Dovecot } from './dovecot.ts'
import { eventually, startIngester, type IngesterProcess } from './ingester-process.ts'
import { bccMessage, loggedMail, series } from './mail-load.ts'

const MESSAGES = 2000
const CONTACTS = 20
const admin = { id: 'test', isAdmin: true }
const skip = dovecotSkipReason() ?? pgSkipReason()

describe.skipIf(!!skip)(`scale-out: two ingesters on one mailbox, PostgreSQL${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dovecot: Dovecot
  let pg: { url: string; drop(): Promise<void> }
  let database: CrmDatabase
  let mailbox: ImapFlow
  const user = `scale${process.pid}`
  const processes: IngesterProcess[] = []
  beforeAll(async () => {
    dovecot = await startDovecot()
    pg = await createTestPgUrl()
    database = await openDatabase(pg.url, { poolSize: 2 })
    const deps = createCoreDeps(database)
    await addSalesperson(deps, admin, { code: 'ANNA', name: 'Anna Sales', email: 'anna@team.example' })
    const company = await createContact(deps, admin, { type: 'company', name: 'Hekla Útgerð ehf', website: 'hekla.is' })
    for (let c = 0; c < CONTACTS; c++) await createContact(deps, admin, { type: 'person', name: `Person ${c}`, companyNo: company.contact.no, email: `p${c}@hekla.is` })
    mailbox = new ImapFlow({ host: '127.0.0.1', port: dovecot.port, secure: false, auth: { user, pass: dovecot.password }, logger: false })
    await mailbox.connect()
    const started = Date.now()
    for (let i = 1; i <= MESSAGES; i++) await mailbox.append('INBOX', bccMessage(i, `p${i % CONTACTS}@hekla.is`))
    console.log(`appended ${MESSAGES} messages in ${Date.now() - started} ms`)
  }, 120_000)
  afterAll(async () => {
    for (const p of processes) await p.killHard()
    await mailbox?.logout().catch(() => undefined)
    await database?.close()
    await pg?.drop()
    await dovecot?.stop()
  })

  async function count(folder: string): Promise<number> {
    const s = await mailbox.status(folder, { messages: true }).catch(() => false as const)
    return s ? (s.messages ?? 0) : 0
  }

  function ingester(): IngesterProcess {
    const p = startIngester({
      DATABASE_URL: pg.url, IMAP_HOST: '127.0.0.1', IMAP_PORT: String(dovecot.port), IMAP_SECURE: 'false', IMAP_USER: user, IMAP_PASSWORD: dovecot.password,
      IMAP_POLL_SECONDS: '2', MAIL_STANDBY_SECONDS: '1', MAIL_AUTHSERV_IDS: 'mx.team.example', MAIL_TEAM_DOMAINS: 'team.example', MAIL_OWN_ADDRESSES: 'log@team.example',
    })
    processes.push(p)
    return p
  }

  it(`logs each of ${MESSAGES} messages exactly once while the active ingester is killed and the standby takes over`, async () => {
    const first = ingester()
    await first.waitFor(/"event":"mail.active"/)
    const second = ingester()
    await second.waitFor(/"event":"mail.standby"/)
    expect(second.output()).not.toMatch(/"event":"mail.active"/)
    // Let the active one get well into the backlog, then kill it without warning.
    await eventually('the first ingester logs a share of the backlog', async () => (await loggedMail(database)).nos.length >= MESSAGES / 4, 60_000)
    await first.killHard()
    const killedAt = (await loggedMail(database)).nos.length
    await second.waitFor(/"event":"mail.active"/, 15_000)
    await eventually('the standby finishes the backlog', async () => (await count('INBOX')) === 0 && (await count('Processed')) === MESSAGES, 90_000)
    expect(await second.stop()).toBe(0)

    const { nos, refs } = await loggedMail(database)
    expect(killedAt).toBeLessThan(MESSAGES)
    expect(refs.size).toBe(MESSAGES)
    expect([...refs.values()].filter((n) => n !== 1)).toEqual([])
    expect(nos).toEqual(series(MESSAGES))
    expect(await count('Unmatched') + await count('Rejected')).toBe(0)
  }, 180_000)
  it('steps back when its lock session is killed, takes the lock again and goes on', async () => {
    const p = ingester()
    await p.waitFor(/"event":"mail.active"/)
    // The database ends the session that holds the lock (a failover, an admin's pg_terminate_backend).
    await sql`select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and granted`.execute(database.db)
    await p.waitFor(/"event":"mail.lock_lost"/, 15_000)
    await p.waitFor(/"event":"mail.active"[\s\S]*"event":"mail.lock_lost"[\s\S]*"event":"mail.active"/, 15_000)
    for (let i = MESSAGES + 1; i <= MESSAGES + 5; i++) await mailbox.append('INBOX', bccMessage(i, 'p1@hekla.is'))
    await eventually('the new mail is logged after the takeover', async () => (await loggedMail(database)).refs.size === MESSAGES + 5, 30_000)
    expect(await p.stop()).toBe(0)
    expect((await loggedMail(database)).nos).toEqual(series(MESSAGES + 5))
  }, 60_000)
})
