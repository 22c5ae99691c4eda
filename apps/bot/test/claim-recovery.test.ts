import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { addSalesperson, createContact, INSTANCE_LEASE_MS, silentLogger } from '@crm/core'
import { openDatabase, type CrmDatabase } from '@crm/db'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { logInteractionModal } from '../src/blocks/modal-views.ts'
import { startBotProcess, stopBotProcesses, type BotProcess } from './bot-process.ts'
import { postPayload, submission } from './harness.ts'
import { startSlackStub, type SlackStub } from './slack-stub.ts'

const adminActor = { id: 'test', isAdmin: true }
const TEMPLATES = [{ code: 'CALL-OUT', description: 'Outgoing phone call', channel: 'phone' as const }]
const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms))
/** Waits (up to 5 s) until the process has logged `n` deliveries it only acknowledged; its log lines come a moment after the answer. */
async function alreadyClaimed(bot: BotProcess, n: number): Promise<number> {
  for (let i = 0; i < 100 && bot.alreadyClaimed < n; i++) await sleep(50)
  return bot.alreadyClaimed
}

/**
 * A bot process dies (kill -9) while it runs a modal submission: it had claimed the request but written nothing.
 * Slack tells the user it failed and the user submits again, to the other process.
 */
describe('a request whose process died mid-way', () => {
  let dir: string
  let stub: SlackStub
  let database: CrmDatabase
  let bots: BotProcess[] = []
  let contactNo: string
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'crm-claims-'))
    stub = await startSlackStub()
    database = await openDatabase(`sqlite:${join(dir, 'crm.sqlite')}`)
    const core = { database, clock: () => new Date(), logger: silentLogger }
    await addSalesperson(core, adminActor, { code: 'SL', name: 'Sigga Lára', email: 'sigga@team.example' })
    contactNo = (await createContact(core, adminActor, { type: 'company', name: 'Hekla Útgerð ehf' })).contact.no
    stub.users.set('USIGGA', { email: 'sigga@team.example' })
  })
  afterEach(async () => {
    await stopBotProcesses(bots)
    bots = []
    await database.close()
    await stub.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('is run by the next delivery once the dead process\'s lease ran out: saved once, never twice', async () => {
    const url = `sqlite:${join(dir, 'crm.sqlite')}`
    const [a, b] = (bots = [await startBotProcess(stub, url), await startBotProcess(stub, url)])
    const view = { id: 'VCRASH1', ...(logInteractionModal(TEMPLATES, contactNo) as Record<string, any>) }
    const payload = submission('USIGGA', view, { template: 'CALL-OUT', subject: 'Þorskur 2027', duration: '15' })
    // Process a claims the submission and waits on Slack (users.info, to link the user by email); then it dies.
    stub.delays.set('users.info', 10_000)
    const first = postPayload(a!, payload).catch((error: unknown) => error)
    await stub.waitFor((r) => r.path === '/api/users.info', 5000)
    a!.child.kill('SIGKILL')
    expect(await first).toBeInstanceOf(Error)
    stub.delays.delete('users.info')
    const rows = () => database.db.selectFrom('interaction_log_entries').select(['contact_no', 'subject', 'salesperson_code']).execute()

    // At once: the request may still be running in a live process, so the other one only acknowledges it.
    expect((await postPayload(b!, payload)).status).toBe(200)
    expect(await alreadyClaimed(b!, 1)).toBe(1)
    expect(await rows()).toEqual([])

    // Once the dead process's lease ran out, the next delivery runs it.
    await sleep(INSTANCE_LEASE_MS + 500)
    const again = await postPayload(b!, payload)
    expect(again.status).toBe(200)
    await stub.waitFor((r) => r.path === '/api/chat.postMessage' && r.body.channel === 'USIGGA', 10_000)
    expect(await rows()).toEqual([{ contact_no: contactNo, subject: 'Þorskur 2027', salesperson_code: 'SL' }])

    // Finished now: any later delivery is only acknowledged.
    expect((await postPayload(b!, payload)).status).toBe(200)
    expect(await alreadyClaimed(b!, 2)).toBe(2)
    expect(await rows()).toHaveLength(1)
    expect(b!.problems.filter((p) => (p.level as number) >= 50)).toEqual([])
  }, 60_000)
})
