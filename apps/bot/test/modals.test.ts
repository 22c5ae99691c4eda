import { addSalesperson, changeSetting, createContact, createOpportunity, saveSalesCycle, silentLogger } from '@crm/core'
import { describe, expect, it } from 'vitest'
import { ACTION_IDS, CALLBACK_IDS } from '../src/ids.ts'
import { postPayload, postSigned, runSlash, slashCommandBody, submission, useBot, type BotFixture } from './harness.ts'

const adminActor = { id: 'test', isAdmin: true }

async function setup(bot: BotFixture) {
  const core = { database: bot.database, clock: () => new Date(), logger: silentLogger }
  await addSalesperson(core, adminActor, { code: 'JD', name: 'Jane Doe', slackUserId: 'UJANE' })
  return (await createContact(core, adminActor, { type: 'company', name: 'Hekla Útgerð ehf' })).contact.no
}

/** Presses a button as Slack sends it (App Home's quick actions carry no value) and returns the modal the bot opened. */
async function pressButton(bot: BotFixture, user: string, actionId: string, value: string | undefined, press = 1) {
  const trigger = `trigger-${actionId}${press > 1 ? `-${press}` : ''}`
  const res = await postPayload(bot, {
    type: 'block_actions', user: { id: user }, trigger_id: trigger, response_url: `${bot.stub.url}/response/${actionId}`,
    container: { type: 'message', message_ts: '1.0', channel_id: 'C1', is_ephemeral: true }, channel: { id: 'C1' },
    actions: [{ type: 'button', action_id: actionId, block_id: 'b', ...(value === undefined ? {} : { value }), action_ts: `1.${press}` }],
  })
  expect(res.status).toBe(200)
  const open = await bot.stub.waitFor((r) => r.path === '/api/views.open' && r.body.trigger_id === trigger)
  return JSON.parse(String(open.body.view)) as Record<string, any>
}

describe('modals', () => {
  const bot = useBot()

  it('opens Log interaction from the card, keeps it open with a field error, then logs the interaction', async () => {
    const no = await setup(bot)
    const view = await pressButton(bot, 'UJANE', ACTION_IDS.logInteraction, no)
    expect(view).toMatchObject({ callback_id: CALLBACK_IDS.logInteraction, private_metadata: no })

    const refused = await postPayload(bot, submission('UJANE', view, { template: 'FAX', subject: 'Cod offer' }))
    expect(await refused.json()).toEqual({ response_action: 'errors', errors: { template: expect.stringContaining('There is no interaction template FAX') } })
    expect(await bot.database.db.selectFrom('interaction_log_entries').select('no').execute()).toEqual([])

    const saved = await postPayload(bot, submission('UJANE', view, { template: 'CALL-OUT', subject: 'Cod offer', duration: '15', evaluation: 'positive', date: '2026-11-20' }))
    expect(saved.status).toBe(200)
    expect(await saved.text()).toBe('')
    const posted = await bot.stub.waitFor((r) => r.path === '/api/chat.postMessage')
    expect(posted.body.channel).toBe('UJANE')
    expect(String(posted.body.text)).toMatch(/^Logged \w+ for /)
    const rows = await bot.database.db.selectFrom('interaction_log_entries').select(['contact_no', 'template_code', 'subject', 'duration_min', 'evaluation', 'salesperson_code', 'source']).execute()
    expect(rows).toEqual([{ contact_no: no, template_code: 'CALL-OUT', subject: 'Cod offer', duration_min: 15, evaluation: 'positive', salesperson_code: 'JD', source: 'slack' }])
  })

  it('starts Log interaction on the setup\'s template-log (CALL-OUT until a team sets its own)', async () => {
    const no = await setup(bot)
    const picked = (view: Record<string, any>) => view.blocks.find((b: { block_id?: string }) => b.block_id === 'template').element.initial_option?.value
    expect(picked(await pressButton(bot, 'UJANE', ACTION_IDS.logInteraction, no))).toBe('CALL-OUT')
    await changeSetting({ database: bot.database, clock: () => new Date(), logger: silentLogger }, adminActor, 'template-log', 'meeting')
    expect(picked(await pressButton(bot, 'UJANE', ACTION_IDS.logInteraction, no, 2))).toBe('MEETING')
  })

  it('creates an opportunity from the New opportunity modal and shows a wrong value at its field', async () => {
    const no = await setup(bot)
    const view = await pressButton(bot, 'UJANE', ACTION_IDS.newOpportunity, no)
    const refused = await postPayload(bot, submission('UJANE', view, { description: '50 t of cod', value: 'lots' }))
    expect(await refused.json()).toMatchObject({ response_action: 'errors', errors: { value: expect.any(String) } })
    const saved = await postPayload(bot, submission('UJANE', view, { description: '50 t of cod', value: '10000.00', 'close-date': '2027-03-31' }))
    expect(saved.status).toBe(200)
    const rows = await bot.database.db.selectFrom('opportunities').select(['contact_no', 'description', 'estimated_close_date']).execute()
    expect(rows).toEqual([{ contact_no: no, description: '50 t of cod', estimated_close_date: '2027-03-31' }])
  })

  it('refuses an unlinked user in the modal and tells them how to get access', async () => {
    const no = await setup(bot)
    const view = await pressButton(bot, 'USTRANGER', ACTION_IDS.logInteraction, no)
    const refused = await postPayload(bot, submission('USTRANGER', view, { template: 'CALL-OUT', subject: 'x' }))
    expect(await refused.json()).toMatchObject({ response_action: 'errors', errors: { subject: expect.stringContaining('/crm me link') } })
  })

  it('"Log to CRM" logs a message with its text, author and permalink on the chosen contact, and shows a wrong contact at its field', async () => {
    const no = await setup(bot)
    bot.stub.users.set('UCUST', { realName: 'Gunnar Pálsson' })
    const long = `Customer wants 50 t of cod. ${'Details follow. '.repeat(20)}`
    const res = await postPayload(bot, {
      type: 'message_action', callback_id: CALLBACK_IDS.logShortcut, user: { id: 'UJANE' }, trigger_id: 'trigger-shortcut', action_ts: '1.2',
      channel: { id: 'C1' }, message_ts: '1700000000.000100', response_url: `${bot.stub.url}/response/shortcut`, message: { type: 'message', ts: '1700000000.000100', text: long, user: 'UCUST' },
    })
    expect(res.status).toBe(200)
    const open = await bot.stub.waitFor((r) => r.path === '/api/views.open' && r.body.trigger_id === 'trigger-shortcut')
    const view = JSON.parse(String(open.body.view))
    expect(view.blocks.find((b: any) => b.block_id === 'subject').element.initial_value).toBe(long.slice(0, 250))
    expect(JSON.stringify(view.blocks)).toContain('From a Slack message by Gunnar Pálsson')

    const refused = await postPayload(bot, submission('UJANE', view, { contact: 'CT999999', template: 'CALL-IN', subject: 'Cod request' }))
    expect(await refused.json()).toEqual({ response_action: 'errors', errors: { contact: expect.stringContaining('There is no contact CT999999') } })
    const saved = await postPayload(bot, submission('UJANE', view, { contact: no, template: 'CALL-IN', subject: 'Cod request', note: 'Call back Monday' }))
    expect(await saved.text()).toBe('')
    const rows = await bot.database.db.selectFrom('interaction_log_entries').select(['contact_no', 'template_code', 'subject', 'description', 'source']).execute()
    expect(rows).toEqual([{ contact_no: no, template_code: 'CALL-IN', subject: 'Cod request', description: `Call back Monday — ${long.trim()} — Slack message by Gunnar Pálsson: https://test.slack.com/archives/C1/p1700000000000100`, source: 'slack' }])
  })
})

describe('contact and opportunity modals', () => {
  const bot = useBot()

  it('warns about possible duplicates in the New contact modal before saving, and saves on the second try', async () => {
    await setup(bot)
    const view = await pressButton(bot, 'UJANE', ACTION_IDS.newContact, 'new')
    expect(view.callback_id).toBe(CALLBACK_IDS.newContact)
    const refused = await postPayload(bot, submission('UJANE', view, { type: 'person', name: 'Þóra Guðmundsdóttir', email: 'not-an-email' }))
    expect(await refused.json()).toMatchObject({ response_action: 'errors', errors: { email: expect.stringContaining('not-an-email') } })

    const first = await (await postPayload(bot, submission('UJANE', view, { type: 'company', name: 'Hekla Utgerd EHF', city: 'Reykjavík' }))).json() as { response_action: string; view: Record<string, any> }
    expect(first.response_action).toBe('update')
    expect(JSON.stringify(first.view.blocks[0])).toMatch(/Possible duplicates.*Hekla Útgerð ehf/)
    expect(first.view.blocks.find((b: any) => b.block_id === 'name').element.initial_value).toBe('Hekla Utgerd EHF')
    expect(await bot.database.db.selectFrom('contacts').select('name').execute()).toEqual([{ name: 'Hekla Útgerð ehf' }])

    const saved = await postPayload(bot, submission('UJANE', first.view, { type: 'company', name: 'Hekla Utgerd EHF', city: 'Reykjavík' }))
    expect(saved.status).toBe(200)
    expect(await saved.text()).toBe('')
    const posted = await bot.stub.waitFor((r) => r.path === '/api/chat.postMessage')
    expect(posted.body.channel).toBe('UJANE')
    expect(String(posted.body.blocks)).toContain('Possible duplicates')
    expect(await bot.database.db.selectFrom('contacts').select('name').orderBy('no').execute()).toEqual([{ name: 'Hekla Útgerð ehf' }, { name: 'Hekla Utgerd EHF' }])
  })

  it('saves a new contact at once when nothing looks like it', async () => {
    await setup(bot)
    const view = await pressButton(bot, 'UJANE', ACTION_IDS.newContact, 'new')
    const saved = await postPayload(bot, submission('UJANE', view, { type: 'company', name: 'Katla Seafood', country: 'IS' }))
    expect(await saved.text()).toBe('')
    expect(await bot.database.db.selectFrom('contacts').select(['name', 'country_code']).orderBy('no').execute()).toEqual([{ name: 'Hekla Útgerð ehf', country_code: null }, { name: 'Katla Seafood', country_code: 'IS' }])
  })

  it('edits a contact from its current values and saves only what changed', async () => {
    const no = await setup(bot)
    await runSlash(bot, 'UJANE', `contact edit ${no} --email info@hekla.is --city Reykjavík`)
    const view = await pressButton(bot, 'UJANE', ACTION_IDS.editContact, no)
    expect(view.callback_id).toBe(CALLBACK_IDS.editContact)
    const initial = Object.fromEntries(view.blocks.map((b: any) => [b.block_id, b.element.initial_value]))
    expect(initial).toMatchObject({ name: 'Hekla Útgerð ehf', email: 'info@hekla.is', city: 'Reykjavík' })
    const saved = await postPayload(bot, submission('UJANE', view, { name: 'Hekla Útgerð hf', email: 'info@hekla.is', city: '' }))
    expect(saved.status).toBe(200)
    await bot.stub.waitFor((r) => r.path === '/api/chat.postMessage')
    expect(await bot.database.db.selectFrom('contacts').select(['name', 'email', 'city']).executeTakeFirst()).toEqual({ name: 'Hekla Útgerð hf', email: 'info@hekla.is', city: null })

    const refused = await postPayload(bot, submission('UJANE', view, { name: 'Hekla Útgerð hf', email: 'info-at-hekla', city: 'Vík' }))
    expect(await refused.json()).toEqual({ response_action: 'errors', errors: { email: expect.stringContaining('info-at-hekla') } })
    const blank = await postPayload(bot, submission('UJANE', view, { name: '' }))
    expect(await blank.json()).toMatchObject({ response_action: 'errors', errors: { name: expect.any(String) } })
    expect(await bot.database.db.selectFrom('contacts').select(['name', 'email', 'city']).executeTakeFirst()).toEqual({ name: 'Hekla Útgerð hf', email: 'info@hekla.is', city: null })
  })

  it('refuses a New contact without a name or for an unknown company at the field', async () => {
    await setup(bot)
    const view = await pressButton(bot, 'UJANE', ACTION_IDS.newContact, 'new')
    const noCompany = await postPayload(bot, submission('UJANE', view, { type: 'person', name: 'Jón Jónsson', company: 'CT000099' }))
    expect(await noCompany.json()).toMatchObject({ response_action: 'errors', errors: { company: expect.stringContaining('CT000099') } })
    expect(await bot.database.db.selectFrom('contacts').select('name').execute()).toEqual([{ name: 'Hekla Útgerð ehf' }])
  })

  it('advances and closes an opportunity from App Home buttons', async () => {
    const no = await setup(bot)
    await runSlash(bot, 'UJANE', `opp new ${no} "50 t of cod" --value 10000.00`)
    const opp = (await bot.database.db.selectFrom('opportunities').select(['no', 'current_stage']).executeTakeFirstOrThrow())
    const advance = await pressButton(bot, 'UJANE', ACTION_IDS.advanceOpportunity, opp.no)
    expect((await postPayload(bot, submission('UJANE', advance, { note: 'Sent the offer' }))).status).toBe(200)
    await bot.stub.waitFor((r) => r.path === '/api/chat.postMessage')
    const after = await bot.database.db.selectFrom('opportunities').select(['current_stage']).executeTakeFirstOrThrow()
    expect(after.current_stage).toBe(opp.current_stage! + 1)

    const close = await pressButton(bot, 'UJANE', ACTION_IDS.closeOpportunity, opp.no)
    const refused = await postPayload(bot, submission('UJANE', close, { outcome: 'lost', code: 'NOPE' }))
    expect(await refused.json()).toMatchObject({ response_action: 'errors', errors: { code: expect.stringContaining('NOPE') } })
    const closed = await postPayload(bot, submission('UJANE', close, { outcome: 'won', code: 'WON-QUALITY', note: 'Quality' }))
    expect(closed.status).toBe(200)
    expect(await closed.text()).toBe('')
    expect(await bot.database.db.selectFrom('opportunities').select('status').executeTakeFirst()).toEqual({ status: 'won' })

    const closedAlready = await postPayload(bot, submission('UJANE', advance, { note: 'One more' }))
    expect(await closedAlready.json()).toMatchObject({ response_action: 'errors', errors: { note: expect.stringContaining('reopen it first') } })
    const again = await postPayload(bot, submission('UJANE', close, { outcome: 'lost', code: 'PRICE' }))
    expect(await again.json()).toMatchObject({ response_action: 'errors', errors: { code: expect.any(String) } })
    expect(await bot.database.db.selectFrom('opportunities').select(['status', 'current_stage']).executeTakeFirst()).toEqual({ status: 'won', current_stage: after.current_stage })
  })
})

const core = (bot: BotFixture) => ({ database: bot.database, clock: () => new Date(), logger: silentLogger })
const block = (view: Record<string, any>, id: string) => (view.blocks as Array<Record<string, any>>).find((b) => b.block_id === id)
const optionValues = (element: Record<string, any>) => (element.options ?? element.option_groups.flatMap((g: any) => g.options)).map((o: any) => o.value)

describe('pickers in the opportunity and interaction modals', () => {
  const bot = useBot()

  /** Jane, a company, and a second sales cycle FAST next to the default STANDARD, plus a blocked OLD one. */
  async function withCycles() {
    const no = await setup(bot)
    const stages = [{ description: 'Offer', completionPct: 50, chancePct: 50 }]
    await saveSalesCycle(core(bot), adminActor, { code: 'FAST', description: 'Fast deals', stages })
    await saveSalesCycle(core(bot), adminActor, { code: 'OLD', description: 'Old cycle', stages })
    await bot.database.db.updateTable('sales_cycles').set({ blocked: 1 }).where('code', '=', 'OLD').execute()
    return no
  }
  const opportunities = () => bot.database.db.selectFrom('opportunities').select(['contact_no', 'cycle_code', 'description', 'estimated_value_minor']).orderBy('no').execute()

  it('New opportunity from a card picks the sales cycle, starting at the setup default, and refuses an unknown one at its field', async () => {
    const no = await withCycles()
    const view = await pressButton(bot, 'UJANE', ACTION_IDS.newOpportunity, no)
    expect(view.private_metadata).toBe(no)
    expect(block(view, 'contact')).toBeUndefined()
    const cycle = block(view, 'cycle')!.element
    expect(cycle).toMatchObject({ type: 'static_select', initial_option: { value: 'STANDARD' } })
    expect(optionValues(cycle)).toEqual(['FAST', 'STANDARD'])

    const refused = await postPayload(bot, submission('UJANE', view, { description: 'Cod', cycle: 'NOPE' }))
    expect(await refused.json()).toEqual({ response_action: 'errors', errors: { cycle: expect.stringContaining('There is no sales cycle NOPE') } })
    const blocked = await postPayload(bot, submission('UJANE', view, { description: 'Cod', cycle: 'OLD' }))
    expect(await blocked.json()).toEqual({ response_action: 'errors', errors: { cycle: expect.stringContaining('OLD is blocked') } })
    expect(await opportunities()).toEqual([])

    const saved = await postPayload(bot, submission('UJANE', view, { description: 'Cod', cycle: 'FAST', value: '500.00' }))
    expect(await saved.text()).toBe('')
    expect(await opportunities()).toEqual([{ contact_no: no, cycle_code: 'FAST', description: 'Cod', estimated_value_minor: 50000 }])
  })

  it('New opportunity without a card has a contact picker and refuses an unknown contact at its field', async () => {
    const no = await withCycles()
    const view = await pressButton(bot, 'UJANE', ACTION_IDS.newOpportunity, undefined)
    expect(view).toMatchObject({ callback_id: CALLBACK_IDS.newOpportunity, private_metadata: '' })
    expect(block(view, 'contact')).toMatchObject({ optional: false, element: { type: 'external_select', min_query_length: 1 } })

    const unknown = await postPayload(bot, submission('UJANE', view, { contact: 'CT999999', description: 'Cod', cycle: 'STANDARD' }))
    expect(await unknown.json()).toEqual({ response_action: 'errors', errors: { contact: expect.stringContaining('There is no contact CT999999') } })
    expect(await opportunities()).toEqual([])

    const saved = await postPayload(bot, submission('UJANE', view, { contact: no, description: 'Haddock', cycle: 'STANDARD' }))
    expect(await saved.text()).toBe('')
    expect(await opportunities()).toEqual([{ contact_no: no, cycle_code: 'STANDARD', description: 'Haddock', estimated_value_minor: 0 }])
  })

  it('stores a New opportunity once when Slack retries the submission', async () => {
    const no = await withCycles()
    const view = { id: 'VOPP1', ...(await pressButton(bot, 'UJANE', ACTION_IDS.newOpportunity, no)) }
    const payload = submission('UJANE', view, { description: 'Cod', cycle: 'FAST' })
    const first = await postPayload(bot, payload)
    const retry = await postPayload(bot, payload, { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' })
    expect([first.status, retry.status]).toEqual([200, 200])
    expect([await first.text(), await retry.text()]).toEqual(['', ''])
    await bot.stub.waitFor((r) => r.path === '/api/chat.postMessage')
    await new Promise((r) => setTimeout(r, 200))
    expect(await opportunities()).toEqual([{ contact_no: no, cycle_code: 'FAST', description: 'Cod', estimated_value_minor: 0 }])
    expect(bot.stub.requests.filter((r) => r.path === '/api/chat.postMessage')).toHaveLength(1)
  })

  it('/crm opp new and /crm log without arguments open their modals with a contact picker', async () => {
    await withCycles()
    for (const [text, callbackId] of [['opp new', CALLBACK_IDS.newOpportunity], ['  LOG ', CALLBACK_IDS.logInteraction]] as const) {
      const { body } = slashCommandBody(bot.stub, 'UJANE', text, `trigger-${callbackId}`)
      expect((await postSigned(bot.url, body)).status).toBe(200)
      const open = await bot.stub.waitFor((r) => r.path === '/api/views.open' && r.body.trigger_id === `trigger-${callbackId}`)
      const view = JSON.parse(String(open.body.view))
      expect(view.callback_id).toBe(callbackId)
      expect(block(view, 'contact')!.element.type).toBe('external_select')
    }
  })

  it('Log interaction picks the template from the configured ones, starting at CALL-OUT', async () => {
    const no = await setup(bot)
    const view = await pressButton(bot, 'UJANE', ACTION_IDS.logInteraction, no)
    const template = block(view, 'template')!.element
    expect(template).toMatchObject({ type: 'static_select', initial_option: { value: 'CALL-OUT', text: { text: 'CALL-OUT · Outgoing phone call' } } })
    expect(optionValues(template)).toEqual(['CALL-IN', 'CALL-OUT', 'EMAIL-IN', 'EMAIL-OUT', 'LETTER', 'MEETING'])
    const saved = await postPayload(bot, submission('UJANE', view, { template: 'MEETING', subject: 'Visit' }))
    expect(await saved.text()).toBe('')
    expect(await bot.database.db.selectFrom('interaction_log_entries').select(['contact_no', 'template_code']).execute()).toEqual([{ contact_no: no, template_code: 'MEETING' }])
  })

  it('Close opportunity picks the close code; lost without one is refused at the field, lost with one closes it', async () => {
    const no = await setup(bot)
    const opp = await createOpportunity(core(bot), adminActor, { contactNo: no, description: 'Cod' })
    const view = await pressButton(bot, 'UJANE', ACTION_IDS.closeOpportunity, opp.no)
    const code = block(view, 'code')!.element
    expect(code.type).toBe('static_select')
    expect(code.option_groups.map((g: any) => [g.label.text, g.options.map((o: any) => o.value)])).toEqual([
      ['Won', ['WON-PRICE', 'WON-QUALITY', 'WON-RELATION']],
      ['Lost', ['COMPETITOR', 'NO-BUDGET', 'NO-RESPONSE', 'PRICE']],
    ])
    const state = () => bot.database.db.selectFrom('opportunities').select(['status', 'close_code']).executeTakeFirstOrThrow()

    const missing = await postPayload(bot, submission('UJANE', view, { outcome: 'lost', note: 'Too dear' }))
    expect(await missing.json()).toEqual({ response_action: 'errors', errors: { code: expect.stringContaining('Closing as lost needs a close code: COMPETITOR, NO-BUDGET, NO-RESPONSE, PRICE') } })
    const wrongKind = await postPayload(bot, submission('UJANE', view, { outcome: 'lost', code: 'WON-PRICE' }))
    expect(await wrongKind.json()).toEqual({ response_action: 'errors', errors: { code: expect.stringContaining('WON-PRICE is not a lost close code') } })
    expect(await state()).toEqual({ status: 'in_progress', close_code: null })

    const closed = await postPayload(bot, submission('UJANE', view, { outcome: 'lost', code: 'PRICE', note: 'Too dear' }))
    expect(await closed.text()).toBe('')
    expect(await state()).toEqual({ status: 'lost', close_code: 'PRICE' })
  })
})
