// Issue 8's scale-out as one load: two bot processes (HTTP mode, behind a simulated round-robin balancer) and two
// ingesters on the same mailbox, all on one PostgreSQL database at the same time, so the Slack commands and the
// mail contend for the same interaction number series. The active ingester is killed (kill -9) halfway.
import { addSalesperson, createContact, createCoreDeps } from '@crm/core'
import { openDatabase, type CrmDatabase } from '@crm/db'
import { createTestPgUrl, pgSkipReason } from '@crm/db/testing'
import { connectImap } from '@crm/mail-ingest'
import { dovecotSkipReason, startDovecot, type Dovecot } from '@crm/mail-ingest/dovecot'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBotProcess, stopBotProcesses, type BotProcess } from '../../bot/test/bot-process.ts'
import { postSigned, slashCommandBody } from '../../bot/test/harness.ts'
import { startSlackStub, type SlackStub } from '../../bot/test/slack-stub.ts'
import { eventually, startIngester, type IngesterProcess } from '../../mail-ingest/test/ingester-process.ts'
import { bccMessage } from '../../mail-ingest/test/mail-load.ts'

const COMMANDS = 1000
const MESSAGES = 2000
const CONTACTS = 20
const admin = { id: 'test', isAdmin: true }
const skip = pgSkipReason() ?? dovecotSkipReason()

describe.skipIf(!!skip)(`scale-out: two bots and two ingesters on one PostgreSQL database at once${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let stub: SlackStub
  let dovecot: Dovecot
  let pg: { url: string; drop(): Promise<void> }
  let database: CrmDatabase
  let mailbox: Awaited<ReturnType<typeof connectImap>>
  const bots: BotProcess[] = []
  const ingesters: IngesterProcess[] = []
  const contactNos: string[] = []
  const user = `both${process.pid}`

  beforeAll(async () => {
    stub = await startSlackStub()
    dovecot = await startDovecot()
    pg = await createTestPgUrl()
    database = await openDatabase(pg.url, { poolSize: 2 })
    const core = createCoreDeps(database)
    await addSalesperson(core, admin, { code: 'ANNA', name: 'Anna Sales', email: 'anna@team.example', slackUserId: 'UANNA' })
    await addSalesperson(core, admin, { code: 'OK', name: 'Óli Kári', slackUserId: 'UOLI' })
    const company = await createContact(core, admin, { type: 'company', name: 'Hekla Útgerð ehf', website: 'hekla.is' })
    contactNos.push(company.contact.no)
    for (let c = 0; c < CONTACTS; c++) contactNos.push((await createContact(core, admin, { type: 'person', name: `Þóra ${c} Guðmundsdóttir`, companyNo: company.contact.no, email: `p${c}@hekla.is` })).contact.no)
    const imap = { host: '127.0.0.1', port: dovecot.port, secure: false, user, password: dovecot.password, mailbox: 'INBOX', pollSeconds: 60 }
    mailbox = await connectImap(imap)
    // Four connections append in parallel (one APPEND waits for its answer before the next).
    const fillers = await Promise.all(Array.from({ length: 4 }, () => connectImap(imap)))
    await Promise.all(fillers.map(async (filler, f) => {
      for (let i = 1 + f; i <= MESSAGES; i += fillers.length) await filler.append('INBOX', bccMessage(i, `p${i % CONTACTS}@hekla.is`))
      await filler.logout()
    }))
    bots.push(...(await Promise.all([startBotProcess(stub, pg.url), startBotProcess(stub, pg.url)])))
  }, 180_000)

  afterAll(async () => {
    for (const i of ingesters) await i.killHard()
    await stopBotProcesses(bots)
    await mailbox?.logout().catch(() => undefined)
    await database?.close()
    await pg?.drop()
    await dovecot?.stop()
    await stub?.close()
  })

  function ingester(): IngesterProcess {
    const p = startIngester({
      DATABASE_URL: pg.url, IMAP_HOST: '127.0.0.1', IMAP_PORT: String(dovecot.port), IMAP_SECURE: 'false', IMAP_USER: user, IMAP_PASSWORD: dovecot.password,
      IMAP_POLL_SECONDS: '2', MAIL_STANDBY_SECONDS: '1', MAIL_AUTHSERV_IDS: 'mx.team.example', MAIL_TEAM_DOMAINS: 'team.example', MAIL_OWN_ADDRESSES: 'log@team.example',
    })
    ingesters.push(p)
    return p
  }

  const emailCount = async () => Number((await database.db.selectFrom('interaction_log_entries').select((eb) => eb.fn.countAll<number>().as('n')).where('source', '=', 'email').executeTakeFirstOrThrow()).n)

  it(`logs ${COMMANDS} commands and ${MESSAGES} messages once each, with one interaction number series and no gaps`, { timeout: 300_000 }, async () => {
    const first = ingester()
    await first.waitFor(/"event":"mail.active"/, 30_000)
    const second = ingester()
    await second.waitFor(/"event":"mail.standby"/, 30_000)

    // The commands run while the ingesters work the backlog: of every 10, 7 log a call, 2 add a person, 1 reads.
    const lineFor = (i: number) => {
      const contact = contactNos[1 + (i % CONTACTS)]!
      const kind = i % 10
      if (kind < 7) return `log ${contact} CALL-OUT "Load call ${i}" --duration 5`
      if (kind < 9) return `contact add person "Jón ${i} Jónsson" --company ${contactNos[0]}`
      return `contact show ${contact}`
    }
    let next = 0
    const worker = async () => {
      while (next < COMMANDS) {
        const i = next++
        const { body, responsePath } = slashCommandBody(stub, i % 2 ? 'UANNA' : 'UOLI', lineFor(i), `both-${i}`)
        expect((await postSigned(bots[i % 2]!.url, body)).status).toBe(200)
        await stub.waitFor((r) => r.path === responsePath, 60_000)
      }
    }
    // A quarter into the backlog, while the commands run, the active ingester dies without warning; the standby
    // takes over.
    const killer = async () => {
      await eventually('the first ingester logs a share of the backlog', async () => (await emailCount()) >= MESSAGES / 4, 120_000)
      await first.killHard()
      return emailCount()
    }
    const [killedAt] = await Promise.all([killer(), ...Array.from({ length: 8 }, worker)])
    expect(killedAt).toBeLessThan(MESSAGES)
    await second.waitFor(/"event":"mail.active"/, 30_000)
    await eventually('the standby finishes the backlog', async () => (await emailCount()) === MESSAGES, 180_000)
    await eventually('the queue folder is empty', async () => {
      const status = await mailbox.status('INBOX', { messages: true })
      return status !== false && (status.messages ?? 0) === 0
    }, 60_000)
    expect(await second.stop()).toBe(0)

    const answers = stub.requests.filter((r) => r.path.startsWith('/response/both-'))
    expect(new Set(answers.map((r) => r.path)).size).toBe(COMMANDS)
    expect(answers.filter((r) => /:warning:|Something went wrong/.test(JSON.stringify(r.body)))).toEqual([])
    expect(bots.flatMap((b) => b.problems)).toEqual([])

    const entries = await database.db.selectFrom('interaction_log_entries').select(['no', 'source', 'subject', 'external_ref']).orderBy('no').execute()
    const calls = Array.from({ length: COMMANDS }, (_, i) => i).filter((i) => i % 10 < 7)
    // Every command's call logged once, every message logged once, nothing else.
    expect(entries.filter((e) => e.source === 'slack').map((e) => e.subject).sort()).toEqual(calls.map((i) => `Load call ${i}`).sort())
    const refs = entries.filter((e) => e.source === 'email').map((e) => e.external_ref)
    expect(refs).toHaveLength(MESSAGES)
    expect(new Set(refs).size).toBe(MESSAGES)
    expect(entries).toHaveLength(calls.length + MESSAGES)
    // Bots and ingesters drew from one series: IL00000001 ... without a gap or a duplicate.
    expect(entries.map((e) => e.no)).toEqual(entries.map((_, n) => `IL${String(n + 1).padStart(8, '0')}`))
    // Both kinds of writer really interleaved in the series.
    const firstEmail = entries.findIndex((e) => e.source === 'email')
    const lastEmail = entries.map((e) => e.source).lastIndexOf('email')
    expect(entries.slice(firstEmail, lastEmail).some((e) => e.source === 'slack')).toBe(true)

    const contacts = await database.db.selectFrom('contacts').select(['no', 'name']).orderBy('no').execute()
    expect(contacts.filter((c) => c.name.startsWith('Jón ')).length).toBe(Array.from({ length: COMMANDS }, (_, i) => i).filter((i) => i % 10 === 7 || i % 10 === 8).length)
    expect(contacts.map((c) => c.no)).toEqual(contacts.map((_, n) => `CT${String(n + 1).padStart(6, '0')}`))
  })
})
