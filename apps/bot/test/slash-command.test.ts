import { addSalesperson, createContact, listInteractionTemplates, silentLogger, type CoreDeps } from '@crm/core'
import { sql } from '@crm/db'
import { describe, expect, it } from 'vitest'
import { ACTION_IDS } from '../src/ids.ts'
import { ADMIN, blocksText, postSigned, runSlash, slashCommandBody, useBot, type BotFixture } from './harness.ts'

const countContacts = async (bot: BotFixture) => Number((await sql<{ n: number }>`select count(*) as n from contacts`.execute(bot.database.db)).rows[0]!.n)
const core = (bot: BotFixture): CoreDeps => ({ database: bot.database, clock: () => new Date(), logger: silentLogger })
const adminActor = { id: 'test', isAdmin: true }

describe('the /crm slash command over signed HTTP', () => {
  const bot = useBot()

  it('rejects a forged signature and a stale timestamp with 401 and runs nothing', async () => {
    const { body, responsePath } = slashCommandBody(bot.stub, ADMIN, 'contact add company "Forged ehf"')
    expect((await postSigned(bot.url, body, { secret: 'not-the-secret' })).status).toBe(401)
    expect((await postSigned(bot.url, body, { timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(401)
    await new Promise((r) => setTimeout(r, 200))
    expect(await countContacts(bot)).toBe(0)
    expect(bot.stub.requests.some((r) => r.path === responsePath)).toBe(false)
  })

  it('rejects forged and stale modal submissions, shortcuts and events, and stores nothing', async () => {
    const { logInteractionModal } = await import('../src/blocks/modal-views.ts')
    const { submission } = await import('./harness.ts')
    const { contact } = await createContact(core(bot), adminActor, { type: 'company', name: 'Hekla ehf' })
    await addSalesperson(core(bot), adminActor, { code: 'JD', name: 'Jane Doe', slackUserId: 'UJANE' })
    const modal = { id: 'VF', ...logInteractionModal(await listInteractionTemplates(core(bot)), contact.no) } as Record<string, any>
    const bodies = [
      new URLSearchParams({ payload: JSON.stringify({ team: { id: 'T1' }, api_app_id: 'A1', token: 'legacy', ...submission('UJANE', modal, { template: 'CALL-OUT', subject: 'Forged' }) }) }).toString(),
      new URLSearchParams({ payload: JSON.stringify({ type: 'message_action', team: { id: 'T1' }, callback_id: 'log_to_crm', user: { id: 'UJANE' }, trigger_id: 'tf', channel: { id: 'C1' }, message_ts: '1.0', message: { ts: '1.0', text: 'x', user: 'U1' } }) }).toString(),
    ]
    for (const body of bodies) {
      expect((await postSigned(bot.url, body, { secret: 'not-the-secret' })).status).toBe(401)
      expect((await postSigned(bot.url, body, { timestamp: Math.floor(Date.now() / 1000) - 301 })).status).toBe(401)
    }
    const event = JSON.stringify({ token: 'legacy', team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: 'EvF', event_time: 1, event: { type: 'app_home_opened', user: 'UJANE', tab: 'home' } })
    expect((await postSigned(bot.url, event, { secret: 'not-the-secret', json: true })).status).toBe(401)
    expect((await fetch(bot.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: event })).status).toBe(401)
    await new Promise((r) => setTimeout(r, 200))
    expect(await bot.database.db.selectFrom('interaction_log_entries').select('no').execute()).toEqual([])
    expect(await bot.database.db.selectFrom('slack_requests').select('key').execute()).toEqual([])
    expect(bot.stub.requests.filter((r) => r.path !== '/api/auth.test')).toEqual([])
  })

  it('acks at once and answers /crm help through the response_url', async () => {
    const { body, responsePath } = slashCommandBody(bot.stub, 'UNOBODY', 'help')
    const started = Date.now()
    const res = await postSigned(bot.url, body)
    expect(res.status).toBe(200)
    expect(Date.now() - started).toBeLessThan(3000)
    const answer = (await bot.stub.waitFor((r) => r.path === responsePath)).body
    expect(answer.response_type).toBe('ephemeral')
    expect(blocksText(answer)).toContain('Commands')
    expect(blocksText(answer)).toMatch(/contact\s+find, create/)
    expect(blocksText(answer)).toContain('your Slack account and salesperson link')
  })

  it('shows the help of one command', async () => {
    const answer = await runSlash(bot, 'UNOBODY', 'help contact add')
    expect(answer.text).toContain('contact add: Create a company or a person')
    expect(blocksText(answer)).toContain('contact add &lt;company|person&gt; [name...] [options]')
  })

  it('creates a contact for an admin and answers with its card and buttons', async () => {
    const answer = await runSlash(bot, ADMIN, 'contact add person "Anna Jónsdóttir" --email anna@hekla.is')
    const rows = await bot.database.db.selectFrom('contacts').select(['no', 'name', 'email']).execute()
    expect(rows).toEqual([{ no: expect.any(String), name: 'Anna Jónsdóttir', email: 'anna@hekla.is' }])
    const blocks = answer.blocks as Array<Record<string, any>>
    expect(blocks[0]).toMatchObject({ type: 'header', text: { text: `Anna Jónsdóttir · ${rows[0]!.no}` } })
    const actions = blocks.find((b) => b.type === 'actions')!
    expect(actions.elements.map((e: any) => e.action_id)).toEqual([ACTION_IDS.logInteraction, ACTION_IDS.newOpportunity, ACTION_IDS.editContact])
    expect(actions.elements.every((e: any) => e.value === rows[0]!.no)).toBe(true)
  })

  it('shows the contact card with its last interactions and open opportunities with stage and value', async () => {
    const { contact } = await createContact(core(bot), adminActor, { type: 'company', name: 'Hekla Útgerð ehf' })
    expect((await runSlash(bot, ADMIN, `log ${contact.no} CALL-OUT "Cod offer <2027>"`)).text).toMatch(/^Logged/)
    expect((await runSlash(bot, ADMIN, `opp new ${contact.no} "50 t of cod" --value 10000.00`)).text).toMatch(/^Created/)
    const card = await runSlash(bot, 'UVIEWER', `contact show ${contact.no}`)
    const texts = (card.blocks as Array<Record<string, any>>).map((b) => b.text?.text ?? '')
    expect(texts.find((t: string) => t.startsWith('*Last interactions*'))).toMatch(/CALL-OUT: Cod offer &lt;2027&gt;/)
    expect(texts.find((t: string) => t.startsWith('*Open opportunities*'))).toMatch(/50 t of cod · stage 1 New · [A-Z]{3} 10,000\.00/)
  })

  it('does not create a second record when Slack retries the same command', async () => {
    const { body, responsePath } = slashCommandBody(bot.stub, ADMIN, 'contact add company "Hekla Útgerð ehf"')
    expect((await postSigned(bot.url, body)).status).toBe(200)
    expect((await postSigned(bot.url, body, { headers: { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } })).status).toBe(200)
    expect((await postSigned(bot.url, body)).status).toBe(200)
    await bot.stub.waitFor((r) => r.path === responsePath)
    await new Promise((r) => setTimeout(r, 300))
    expect(await countContacts(bot)).toBe(1)
    expect(bot.stub.requests.filter((r) => r.path === responsePath)).toHaveLength(1)
  })

  it('answers a domain error ephemerally with what to fix', async () => {
    const answer = await runSlash(bot, ADMIN, 'contact show CT999999')
    expect(answer.response_type).toBe('ephemeral')
    expect(answer.text).toContain('There is no contact CT999999. Find the number with: contact find <name>')
    const typo = await runSlash(bot, ADMIN, 'contakt find anna')
    expect(typo.text).toContain('Did you mean "contact"?')
  })

  it('answers with a reference when the request cannot even be claimed, and runs nothing', async () => {
    await sql`drop table slack_requests`.execute(bot.database.db)
    const answer = await runSlash(bot, ADMIN, 'contact add company "Katla ehf"')
    const ref = String(answer.text).match(/^Something went wrong \(ref ([0-9a-f]{8})\)/)?.[1]
    expect(ref).toBeDefined()
    expect(JSON.stringify(answer)).not.toMatch(/slack_requests|SqliteError/)
    expect(bot.logs.find((l) => l.event === 'claim_failed')).toMatchObject({ ref, level: 50 })
    expect(await countContacts(bot)).toBe(0)
  })

  it('answers an unexpected error with a reference that is in the log, never a stack trace', async () => {
    await sql`drop table contact_search_tokens`.execute(bot.database.db)
    const answer = await runSlash(bot, ADMIN, 'contact find anna')
    const ref = String(answer.text).match(/^Something went wrong \(ref ([0-9a-f]{8})\)/)?.[1]
    expect(ref).toBeDefined()
    expect(JSON.stringify(answer)).not.toMatch(/at .*\.ts:\d+|contact_search_tokens|SqliteError/)
    expect(bot.logs.find((l) => l.event === 'command_failed')).toMatchObject({ ref, level: 50 })
  })

  it('shows ten search results with Show more, which pages on', async () => {
    for (let i = 1; i <= 12; i++) await createContact(core(bot), adminActor, { type: 'company', name: `Fisk ${String(i).padStart(2, '0')} ehf` })
    const answer = await runSlash(bot, 'UVIEWER', 'contact find fisk')
    const blocks = answer.blocks as Array<Record<string, any>>
    expect(blocks.filter((b) => b.accessory?.action_id === ACTION_IDS.showContact)).toHaveLength(10)
    const more = blocks.find((b) => b.type === 'actions')!.elements[0]
    expect(more.action_id).toBe(ACTION_IDS.showMore)

    const payload = {
      type: 'block_actions', team: { id: 'T1' }, user: { id: 'UVIEWER' }, api_app_id: 'A1', token: 'legacy', trigger_id: 't1',
      container: { type: 'message', message_ts: '1.0', channel_id: 'C1', is_ephemeral: true }, channel: { id: 'C1' },
      response_url: `${bot.stub.url}/response/more`, actions: [{ type: 'button', action_id: more.action_id, block_id: 'b1', value: more.value, action_ts: '1.1' }],
    }
    expect((await postSigned(bot.url, new URLSearchParams({ payload: JSON.stringify(payload) }).toString())).status).toBe(200)
    const next = (await bot.stub.waitFor((r) => r.path === '/response/more')).body
    const names = (next.blocks as Array<Record<string, any>>).filter((b) => b.accessory).map((b) => b.text.text)
    expect(names).toHaveLength(2)
    expect(names.join()).toContain('Fisk 12 ehf')
  })
})

describe('Slack users and salespeople', () => {
  const bot = useBot()

  it('lets an unlinked user search and view but not change, and says how to get access', async () => {
    await createContact(core(bot), adminActor, { type: 'company', name: 'Hekla Útgerð ehf' })
    const found = await runSlash(bot, 'USTRANGER', 'contact find hekla')
    expect(blocksText(found)).toContain('Hekla Útgerð ehf')
    const refused = await runSlash(bot, 'USTRANGER', 'contact add company "Katla ehf"')
    expect(refused.text).toContain('/crm me link <salesperson> @you')
    expect(await countContacts(bot)).toBe(1)
  })

  it('lets an admin link a Slack user to a salesperson, who may then change records', async () => {
    await addSalesperson(core(bot), adminActor, { code: 'JD', name: 'Jane Doe' })
    const linked = await runSlash(bot, ADMIN, 'me link JD <@UJANE|jane>')
    expect(linked.text).toBe('<@UJANE> is now linked to salesperson JD (Jane Doe).')
    expect(await bot.database.db.selectFrom('salespeople').select('slack_user_id').where('code', '=', 'JD').executeTakeFirst()).toEqual({ slack_user_id: 'UJANE' })
    await runSlash(bot, 'UJANE', 'contact add company "Katla ehf"')
    expect(await countContacts(bot)).toBe(1)
    expect(String((await runSlash(bot, 'UJANE', 'me')).text)).toBe('<@UJANE>: salesperson JD (Jane Doe).')
  })

  it('keeps merge and erase for admins, even for a linked salesperson', async () => {
    await addSalesperson(core(bot), adminActor, { code: 'JD', name: 'Jane Doe', slackUserId: 'UJANE' })
    const { contact } = await createContact(core(bot), adminActor, { type: 'company', name: 'Hekla ehf' })
    const refused = await runSlash(bot, 'UJANE', `contact erase ${contact.no}`)
    expect(refused.text).toContain('"contact erase" is for admins')
    expect(await bot.database.db.selectFrom('contacts').select('erased_at').executeTakeFirst()).toEqual({ erased_at: null })
  })

  it('keeps linking for admins', async () => {
    await addSalesperson(core(bot), adminActor, { code: 'JD', name: 'Jane Doe' })
    const refused = await runSlash(bot, 'UJANE', 'me link JD')
    expect(refused.text).toContain('"me link" is for admins')
    expect(await bot.database.db.selectFrom('salespeople').select('slack_user_id').executeTakeFirst()).toEqual({ slack_user_id: null })
  })

  it('links a user automatically when their Slack email is a salesperson\'s email', async () => {
    await addSalesperson(core(bot), adminActor, { code: 'OK', name: 'Ólafur Kári', email: 'olafur@hekla.is' })
    bot.stub.users.set('UOLAFUR', { email: 'Olafur@Hekla.is' })
    const answer = await runSlash(bot, 'UOLAFUR', 'contact add company "Katla ehf"')
    expect(blocksText(answer)).toContain('linked to salesperson OK')
    expect(await countContacts(bot)).toBe(1)
    expect(await bot.database.db.selectFrom('salespeople').select('slack_user_id').executeTakeFirst()).toEqual({ slack_user_id: 'UOLAFUR' })
    expect(bot.stub.requests.filter((r) => r.path === '/api/users.info')).toHaveLength(1)
    await runSlash(bot, 'UOLAFUR', 'me')
    expect(bot.stub.requests.filter((r) => r.path === '/api/users.info')).toHaveLength(1)
  })
})
