import { addSalesperson, createContact, silentLogger } from '@crm/core'
import { openDatabase, sql, type CrmDatabase } from '@crm/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { logInteractionModal, newContactModal } from '../src/blocks/modal-views.ts'
import { postPayload, startBot, submission, type RunningBot } from './harness.ts'
import { startSlackStub, type SlackStub } from './slack-stub.ts'

const adminActor = { id: 'test', isAdmin: true }
const TEMPLATES = [{ code: 'CALL-OUT', description: 'Outgoing phone call', channel: 'phone' as const }]
const count = async (db: CrmDatabase, table: string) => Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db.db)).rows[0]!.n)

/**
 * Slack waits 3 seconds for a modal's answer. Here Slack itself is slow: users.info (asked for a user not yet
 * linked, to link them by email) answers after 1.5 s, while the bot may work 0.2 s before it must answer.
 */
describe('a modal submission that works longer than Slack waits', () => {
  let stub: SlackStub
  let database: CrmDatabase
  let bot: RunningBot
  let contactNo: string
  beforeEach(async () => {
    stub = await startSlackStub()
    database = await openDatabase(':memory:')
    bot = await startBot(stub, database, { SLACK_MODAL_ACK_MS: '200' })
    const core = { database, clock: () => new Date(), logger: silentLogger }
    await addSalesperson(core, adminActor, { code: 'SL', name: 'Sigga Lára', email: 'sigga@team.example' })
    contactNo = (await createContact(core, adminActor, { type: 'company', name: 'Hekla Útgerð ehf' })).contact.no
    stub.users.set('USIGGA', { email: 'sigga@team.example' })
    stub.delays.set('users.info', 1500)
  })
  afterEach(async () => {
    await bot.stop()
    await database.close()
    await stub.close()
  })

  it('closes the modal before the work ends, saves once, and tells the result in a direct message', async () => {
    const view = { id: 'VSLOW1', ...(logInteractionModal(TEMPLATES, contactNo) as Record<string, any>) }
    const res = await postPayload(bot, submission('USIGGA', view, { template: 'CALL-OUT', subject: 'Þorskur 2027', duration: '15' }))
    // Answered (empty: the modal closes) while the work still waits on Slack: nothing stored or said yet.
    expect(res.status).toBe(200)
    expect(await res.text()).toBe('')
    expect(stub.requests.some((r) => r.path === '/api/users.info')).toBe(true)
    expect(await count(database, 'interaction_log_entries')).toBe(0)
    expect(stub.requests.filter((r) => r.path === '/api/chat.postMessage')).toEqual([])
    // Then the work ends: stored once, and the result arrives as a direct message.
    const posted = await stub.waitFor((r) => r.path === '/api/chat.postMessage', 10_000)
    expect(posted.body.channel).toBe('USIGGA')
    expect(String(posted.body.text)).toMatch(/^Logged IL\d+/)
    expect(await database.db.selectFrom('interaction_log_entries').select(['contact_no', 'subject', 'salesperson_code', 'source']).execute()).toEqual([
      { contact_no: contactNo, subject: 'Þorskur 2027', salesperson_code: 'SL', source: 'slack' },
    ])
    expect(bot.logs.filter((l) => typeof l.level === 'number' && l.level >= 50)).toEqual([])
  })

  it('tells a refusal found after the deadline in a direct message, and stores nothing', async () => {
    const view = { id: 'VSLOW2', ...(logInteractionModal(TEMPLATES, contactNo) as Record<string, any>) }
    const res = await postPayload(bot, submission('USIGGA', view, { template: 'CALL-OUT', subject: 'Þorskur 2027', duration: '-5' }))
    expect(await res.text()).toBe('')
    const posted = await stub.waitFor((r) => r.path === '/api/chat.postMessage', 10_000)
    expect(posted.body.channel).toBe('USIGGA')
    expect(String(posted.body.text)).toMatch(/^Your form took longer than Slack waits, so it was closed; it was not saved: .*duration/i)
    expect(await count(database, 'interaction_log_entries')).toBe(0)
  })

  it('shows possible duplicates found after the deadline in a direct message, and creates nothing', async () => {
    const view = { id: 'VSLOW3', ...(newContactModal() as Record<string, any>) }
    const res = await postPayload(bot, submission('USIGGA', view, { type: 'company', name: 'Hekla Utgerd' }))
    expect(await res.text()).toBe('')
    const posted = await stub.waitFor((r) => r.path === '/api/chat.postMessage', 10_000)
    expect(String(posted.body.text)).toMatch(/^Your form took longer than Slack waits, so it was closed; nothing was saved/)
    expect(String(posted.body.blocks)).toContain('Hekla Útgerð ehf')
    expect(await count(database, 'contacts')).toBe(1)
  })
})
