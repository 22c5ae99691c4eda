import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { addSalesperson, createContact, silentLogger } from '@crm/core'
import { openDatabase, sql, type CrmDatabase } from '@crm/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ACTION_IDS, CALLBACK_IDS } from '../src/ids.ts'
import { ADMIN, postPayload, postSigned, slashCommandBody, startBot, submission, type RunningBot } from './harness.ts'
import { startSlackStub, type SlackStub } from './slack-stub.ts'

const RETRY = { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }
const adminActor = { id: 'test', isAdmin: true }
const TEMPLATES = [{ code: 'CALL-OUT', description: 'Outgoing phone call', channel: 'phone' as const }]
const settle = () => new Promise((r) => setTimeout(r, 300))
const count = async (db: CrmDatabase, table: string) => Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db.db)).rows[0]!.n)

/** Two bots, each with its own connection to one SQLite file, as two processes behind a load balancer. */
describe('Slack retries across two bot processes', () => {
  let dir: string
  let stub: SlackStub
  let dbs: CrmDatabase[]
  let bots: RunningBot[]
  let contactNo: string
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crm-bot-retries-'))
    stub = await startSlackStub()
    dbs = [await openDatabase(`sqlite:${join(dir, 'crm.sqlite')}`), await openDatabase(`sqlite:${join(dir, 'crm.sqlite')}`)]
    bots = [await startBot(stub, dbs[0]!), await startBot(stub, dbs[1]!)]
    const core = { database: dbs[0]!, clock: () => new Date(), logger: silentLogger }
    await addSalesperson(core, adminActor, { code: 'JD', name: 'Jane Doe', slackUserId: 'UJANE' })
    contactNo = (await createContact(core, adminActor, { type: 'company', name: 'Hekla Útgerð ehf' })).contact.no
  })
  afterEach(async () => {
    for (const bot of bots) await bot.stop()
    for (const db of dbs) await db.close()
    await stub.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('runs a retried slash command once, whichever process gets the retry', async () => {
    const { body, responsePath } = slashCommandBody(stub, ADMIN, 'contact add company "Katla ehf"')
    const deliveries = await Promise.all([postSigned(bots[0]!.url, body), postSigned(bots[1]!.url, body, { headers: RETRY })])
    expect(deliveries.map((r) => r.status)).toEqual([200, 200])
    expect((await postSigned(bots[0]!.url, body, { headers: { ...RETRY, 'x-slack-retry-num': '2' } })).status).toBe(200)
    await stub.waitFor((r) => r.path === responsePath)
    await settle()
    expect(await dbs[0]!.db.selectFrom('contacts').select('name').where('name', '=', 'Katla ehf').execute()).toHaveLength(1)
    expect(stub.requests.filter((r) => r.path === responsePath)).toHaveLength(1)
    expect([...bots[0]!.logs, ...bots[1]!.logs].filter((l) => l.event === 'request_already_claimed')).toHaveLength(2)
  })

  it('runs a retry whose first delivery never arrived', async () => {
    const { body, responsePath } = slashCommandBody(stub, ADMIN, 'contact add company "Katla ehf"')
    expect((await postSigned(bots[1]!.url, body, { headers: RETRY })).status).toBe(200)
    await stub.waitFor((r) => r.path === responsePath)
    expect(await count(dbs[0]!, 'contacts')).toBe(2)
  })

  it('saves a retried modal submission once, and the retry just closes the modal', async () => {
    const view = { id: 'VLOG1', callback_id: CALLBACK_IDS.logInteraction, private_metadata: contactNo, blocks: [] as unknown[] }
    const { logInteractionModal } = await import('../src/blocks/modal-views.ts')
    view.blocks = (logInteractionModal(TEMPLATES, contactNo) as { blocks: unknown[] }).blocks
    const payload = submission('UJANE', view, { template: 'CALL-OUT', subject: 'Cod offer', duration: '15' })
    const [first, retry] = await Promise.all([postPayload(bots[0]!, payload), postPayload(bots[1]!, payload, RETRY)])
    expect([first.status, retry.status]).toEqual([200, 200])
    expect([await first.text(), await retry.text()]).toEqual(['', ''])
    await settle()
    expect(await count(dbs[0]!, 'interaction_log_entries')).toBe(1)
    expect(stub.requests.filter((r) => r.path === '/api/chat.postMessage')).toHaveLength(1)
  })

  it('lets a refused submission be sent again with the same values once the cause is fixed', async () => {
    const { logInteractionModal } = await import('../src/blocks/modal-views.ts')
    const view = { id: 'VLOG2', callback_id: CALLBACK_IDS.logInteraction, private_metadata: contactNo, blocks: (logInteractionModal(TEMPLATES, contactNo) as { blocks: unknown[] }).blocks }
    const payload = submission('UNEW', view, { template: 'CALL-OUT', subject: 'Cod offer' })
    expect(await (await postPayload(bots[0]!, payload)).json()).toMatchObject({ response_action: 'errors', errors: { subject: expect.stringContaining('/crm me link') } })
    await addSalesperson({ database: dbs[0]!, clock: () => new Date(), logger: silentLogger }, adminActor, { code: 'NW', name: 'New One', slackUserId: 'UNEW' })
    expect(await (await postPayload(bots[1]!, payload)).text()).toBe('')
    expect(await count(dbs[0]!, 'interaction_log_entries')).toBe(1)
  })

  it('opens the shortcut\'s modal once for a retried shortcut, and its retried submission logs one interaction', async () => {
    const shortcut = {
      type: 'message_action', callback_id: CALLBACK_IDS.logShortcut, user: { id: 'UJANE' }, trigger_id: 'trigger-retried-shortcut', action_ts: '1.2',
      channel: { id: 'C1' }, message_ts: '1.0', response_url: `${stub.url}/response/shortcut`, message: { type: 'message', ts: '1.0', text: 'Customer wants 50 t of cod', user: 'UCUST' },
    }
    const deliveries = await Promise.all([postPayload(bots[0]!, shortcut), postPayload(bots[1]!, shortcut, RETRY)])
    expect(deliveries.map((r) => r.status)).toEqual([200, 200])
    const open = await stub.waitFor((r) => r.path === '/api/views.open')
    await settle()
    expect(stub.requests.filter((r) => r.path === '/api/views.open')).toHaveLength(1)
    const view = { ...JSON.parse(String(open.body.view)), id: 'VSHORT' }
    const payload = submission('UJANE', view, { contact: contactNo, template: 'CALL-IN', subject: view.blocks.find((b: any) => b.block_id === 'subject').element.initial_value })
    await Promise.all([postPayload(bots[1]!, payload), postPayload(bots[0]!, payload, RETRY)])
    await settle()
    const rows = await dbs[0]!.db.selectFrom('interaction_log_entries').select(['contact_no', 'subject']).execute()
    expect(rows).toEqual([{ contact_no: contactNo, subject: 'Customer wants 50 t of cod' }])
  })

  it('runs a retried button press once', async () => {
    const press = {
      type: 'block_actions', user: { id: 'UJANE' }, trigger_id: 'trigger-button', response_url: `${stub.url}/response/button`,
      container: { type: 'message', message_ts: '1.0', channel_id: 'C1', is_ephemeral: true }, channel: { id: 'C1' },
      actions: [{ type: 'button', action_id: ACTION_IDS.logInteraction, block_id: 'b', value: contactNo, action_ts: '1.1' }],
    }
    await Promise.all([postPayload(bots[0]!, press), postPayload(bots[1]!, press, RETRY)])
    await stub.waitFor((r) => r.path === '/api/views.open')
    await settle()
    expect(stub.requests.filter((r) => r.path === '/api/views.open')).toHaveLength(1)
  })
})
