import { addSalesperson, createContact, createCoreDeps } from '@crm/core'
import { openDatabase, type CrmDatabase } from '@crm/db'
import { createTestPgUrl, pgSkipReason } from '@crm/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBotProcess, stopBotProcesses, type BotProcess } from './bot-process.ts'
import { ADMIN, postSigned, slashCommandBody } from './harness.ts'
import { startSlackStub, type SlackStub } from './slack-stub.ts'

const COMMANDS = 1000
const CONTACTS = 20

const skip = pgSkipReason()

/**
 * Issue 8's scale-out on PostgreSQL: two bot processes behind a (simulated) round-robin balancer get 1,000
 * /crm commands, and Slack's retries of some of them land on the other process.
 */
describe.skipIf(skip)(`two bot processes on one PostgreSQL database${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let stub: SlackStub
  let db: { url: string; drop(): Promise<void> }
  let database: CrmDatabase
  let bots: BotProcess[] = []
  const contactNos: string[] = []

  beforeAll(async () => {
    stub = await startSlackStub()
    db = await createTestPgUrl()
    database = await openDatabase(db.url, { poolSize: 2 })
    const core = createCoreDeps(database)
    const admin = { id: 'test', isAdmin: true }
    await addSalesperson(core, admin, { code: 'JD', name: 'Jane Doe', slackUserId: 'UJANE' })
    await addSalesperson(core, admin, { code: 'OK', name: 'Óli Kári', slackUserId: 'UOLI' })
    for (let i = 0; i < CONTACTS; i++) contactNos.push((await createContact(core, admin, { type: 'company', name: `Útgerð ${i} ehf` })).contact.no)
    bots = await Promise.all([startBotProcess(stub, db.url, { SLACK_ADMIN_USERS: ADMIN }), startBotProcess(stub, db.url, { SLACK_ADMIN_USERS: ADMIN })])
  })
  afterAll(async () => {
    await stopBotProcesses(bots)
    await database?.close()
    await db?.drop()
    await stub?.close()
  })

  it('logs every interaction once, loses none, and numbers without duplicates or gaps, with retries on the other process', { timeout: 120_000 }, async () => {
    // Of every 20 commands: 14 log an interaction, 3 create a contact, 2 create an opportunity, 1 reads.
    const lineFor = (i: number) => {
      const contact = contactNos[i % CONTACTS]!
      const kind = i % 20
      if (kind < 14) return `log ${contact} CALL-OUT "Load call ${i}" --duration 5`
      if (kind < 17) return `contact add person "Þóra ${i} Guðmundsdóttir" --company ${contact}`
      if (kind < 19) return `opp new ${contact} "Load deal ${i}" --value 1000`
      return `contact show ${contact}`
    }
    const retried = { both: 0, retryOnly: 0 }
    let next = 0
    const worker = async () => {
      while (next < COMMANDS) {
        const i = next++
        const user = i % 2 ? 'UJANE' : 'UOLI'
        const { body, responsePath } = slashCommandBody(stub, user, lineFor(i), `load-${i}`)
        const first = bots[i % 2]!
        const other = bots[(i + 1) % 2]!
        const retry = { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }
        if (i % 10 === 3) {
          // Slack saw no ack in time and redelivers to the other process while the first is still at work.
          retried.both++
          const statuses = await Promise.all([postSigned(first.url, body), postSigned(other.url, body, { headers: retry })])
          expect(statuses.map((r) => r.status)).toEqual([200, 200])
        } else if (i % 50 === 7) {
          // The first delivery never reached a process: only the retry arrives, and it must run.
          retried.retryOnly++
          expect((await postSigned(other.url, body, { headers: retry })).status).toBe(200)
        } else {
          expect((await postSigned(first.url, body)).status).toBe(200)
        }
        await stub.waitFor((r) => r.path === responsePath, 30_000)
      }
    }
    await Promise.all(Array.from({ length: 12 }, worker))
    await new Promise((r) => setTimeout(r, 500))

    const answers = stub.requests.filter((r) => r.path.startsWith('/response/load-'))
    expect(answers).toHaveLength(COMMANDS)
    expect(new Set(answers.map((r) => r.path)).size).toBe(COMMANDS)
    expect(answers.filter((r) => /:warning:|Something went wrong/.test(JSON.stringify(r.body)))).toEqual([])
    expect(retried).toEqual({ both: 100, retryOnly: 20 })

    const indexes = (kinds: (k: number) => boolean) => Array.from({ length: COMMANDS }, (_, i) => i).filter((i) => kinds(i % 20))
    const logs = await database.db.selectFrom('interaction_log_entries').select(['no', 'subject', 'salesperson_code']).orderBy('no').execute()
    expect(logs.map((l) => l.subject).sort()).toEqual(indexes((k) => k < 14).map((i) => `Load call ${i}`).sort())
    expect(logs.map((l) => l.no)).toEqual(logs.map((_, n) => `IL${String(n + 1).padStart(8, '0')}`))
    expect(new Set(logs.map((l) => l.salesperson_code))).toEqual(new Set(['JD', 'OK']))

    const contacts = await database.db.selectFrom('contacts').select(['no', 'name']).orderBy('no').execute()
    expect(contacts.filter((c) => c.name.startsWith('Þóra')).map((c) => c.name).sort()).toEqual(indexes((k) => k >= 14 && k < 17).map((i) => `Þóra ${i} Guðmundsdóttir`).sort())
    expect(contacts.map((c) => c.no)).toEqual(contacts.map((_, n) => `CT${String(n + 1).padStart(6, '0')}`))

    const opps = await database.db.selectFrom('opportunities').select(['no', 'description']).orderBy('no').execute()
    expect(opps.map((o) => o.description).sort()).toEqual(indexes((k) => k === 17 || k === 18).map((i) => `Load deal ${i}`).sort())
    expect(opps.map((o) => o.no)).toEqual(opps.map((_, n) => `OP${String(n + 1).padStart(6, '0')}`))

    expect(bots.flatMap((b) => b.problems)).toEqual([])
    // Each of the 100 doubly delivered commands was run by one process and only acknowledged by the other.
    expect(bots[0]!.alreadyClaimed + bots[1]!.alreadyClaimed).toBe(retried.both)
    expect(bots.every((b) => b.alreadyClaimed > 0)).toBe(true)
  })
})
