import { addSalesperson, createContact, DEFAULT_FREE_MAIL_DOMAINS, logEmail, silentLogger, type CoreDeps, type EmailLoggingPolicy } from '@crm/core'
import { sql } from '@crm/db'
import { describeEachDialect } from '@crm/db/testing'
import { expect, it } from 'vitest'
import { mailAssignModal } from '../src/blocks/modal-views.ts'
import { ACTION_IDS, CALLBACK_IDS } from '../src/ids.ts'
import { ADMIN, blocksText, postEvent, postPayload, runSlash, submission, useBot, type BotFixture } from './harness.ts'

const adminActor = { id: 'test', isAdmin: true }
const RETRY = { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' }
const policy: EmailLoggingPolicy = { teamDomains: ['team.example'], freeMailDomains: [...DEFAULT_FREE_MAIL_DOMAINS], ownAddresses: ['log@team.example'] }
const settle = () => new Promise((r) => setTimeout(r, 300))
const core = (bot: BotFixture): CoreDeps => ({ database: bot.database, clock: () => new Date(), logger: silentLogger })
const count = async (bot: BotFixture, table: string) => Number((await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(bot.database.db)).rows[0]!.n)

/**
 * A linked salesperson (UJANE), a company, and one waiting review item: Anna sent "RE: Cod offer" to
 * jon@gmail.com with the logging mailbox in BCC, and no contact has that address.
 */
async function seed(bot: BotFixture): Promise<{ companyNo: string; itemId: number }> {
  const deps = core(bot)
  await addSalesperson(deps, adminActor, { code: 'JD', name: 'Jane Doe', slackUserId: 'UJANE' })
  await addSalesperson(deps, adminActor, { code: 'ANNA', name: 'Anna', email: 'anna@team.example' })
  const companyNo = (await createContact(deps, adminActor, { type: 'company', name: 'Hekla Útgerð ehf', website: 'hekla.is' })).contact.no
  const logged = await logEmail(deps, policy, {
    received: { from: { address: 'anna@team.example' }, to: [{ address: 'jon@gmail.com', name: 'Jón Jónsson' }], cc: [], subject: 'RE: Cod offer', date: '2026-11-16T09:12:00Z', messageId: '<m1@team.example>', attachments: [] },
    authenticity: { passed: true, reason: 'dkim=pass' },
    receivedAt: '2026-11-20T10:00:00Z',
  })
  expect(logged).toMatchObject({ outcome: 'unmatched', unmatched: ['jon@gmail.com'] })
  const item = await bot.database.db.selectFrom('mail_review_items').select('id').executeTakeFirstOrThrow()
  return { companyNo, itemId: Number(item.id) }
}

const reviewRow = (bot: BotFixture) => bot.database.db.selectFrom('mail_review_items').select(['status', 'contact_no', 'interaction_no', 'resolved_by']).executeTakeFirstOrThrow()
const entries = (bot: BotFixture) => bot.database.db.selectFrom('interaction_log_entries').select(['no', 'contact_no', 'template_code', 'subject', 'source', 'salesperson_code']).orderBy('no').execute()

/** The buttons of the review list as `/crm mail unmatched` answers it. */
async function listButtons(bot: BotFixture, user = 'UJANE') {
  const answer = await runSlash(bot, user, 'mail unmatched')
  const actions = (answer.blocks as Array<Record<string, any>>).filter((b) => b.type === 'actions')
  return actions.flatMap((a) => a.elements as Array<Record<string, any>>)
}

async function pressButton(bot: BotFixture, user: string, button: Record<string, any>, triggerId: string, responseUrl = `${bot.stub.url}/response/${triggerId}`) {
  const res = await postPayload(bot, {
    type: 'block_actions', user: { id: user }, trigger_id: triggerId, response_url: responseUrl,
    container: { type: 'message', message_ts: '1.0', channel_id: 'C1', is_ephemeral: true }, channel: { id: 'C1' },
    actions: [{ type: 'button', action_id: button.action_id, block_id: 'b', value: button.value, action_ts: '1.1' }],
  })
  expect(res.status).toBe(200)
}

async function openModal(bot: BotFixture, user: string, button: Record<string, any>, triggerId: string, responseUrl?: string): Promise<Record<string, any>> {
  await pressButton(bot, user, button, triggerId, responseUrl)
  const open = await bot.stub.waitFor((r) => r.path === '/api/views.open' && r.body.trigger_id === triggerId)
  return { id: `V-${triggerId}`, ...(JSON.parse(String(open.body.view)) as Record<string, any>) }
}

describeEachDialect('the email review list in Slack', (dialect) => {
  const bot = useBot(dialect)

  it('lists a waiting email as Block Kit with its address, name, subject, date, forwarder and buttons, also for an unlinked user', async () => {
    const { itemId } = await seed(bot)
    const answer = await runSlash(bot, 'USTRANGER', 'mail unmatched')
    expect(answer.response_type).toBe('ephemeral')
    expect(answer.text).toBe('1 email waits for review')
    const blocks = answer.blocks as Array<Record<string, any>>
    const item = blocks.find((b) => b.type === 'section' && String(b.text.text).includes('jon@gmail.com'))!
    expect(item.text.text).toBe(`*jon@gmail.com* · Jón Jónsson\nRE: Cod offer\n#${itemId} · 2026-11-16 09:12 · to them · forwarded by anna@team.example (ANNA)`)
    const buttons = blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements)
    expect(buttons.map((b: any) => [b.action_id, b.text.text])).toEqual([
      [ACTION_IDS.mailAssign, 'Assign to contact'], [ACTION_IDS.mailCreateContact, 'Create contact'], [ACTION_IDS.mailDismiss, 'Dismiss'],
    ])
    expect(JSON.parse(buttons[0].value)).toEqual({ id: itemId, address: 'jon@gmail.com', name: 'Jón Jónsson', subject: 'RE: Cod offer' })
    expect(buttons[2].confirm.text.text).toContain('jon@gmail.com')
    expect(blocksText(answer)).not.toContain('```')
  })

  it('shows the first 20 of a long list within Slack\'s 50 blocks, and how handled items ended with --all', async () => {
    const { companyNo, itemId } = await seed(bot)
    const to = Array.from({ length: 24 }, (_, i) => ({ address: `buyer${i}@gmail.com` }))
    await logEmail(core(bot), policy, {
      received: { from: { address: 'anna@team.example' }, to, cc: [], subject: 'Price list', date: '2026-11-17T10:00:00Z', messageId: '<m2@team.example>', attachments: [] },
      authenticity: { passed: true, reason: 'dkim=pass' },
      receivedAt: '2026-11-20T10:00:00Z',
    })
    await runSlash(bot, 'UJANE', `mail assign ${itemId} ${companyNo}`)
    const answer = await runSlash(bot, 'UJANE', 'mail unmatched')
    const blocks = answer.blocks as Array<Record<string, any>>
    expect(answer.text).toBe('24 emails wait for review')
    expect(blocks.length).toBeLessThanOrEqual(50)
    expect(blocks.filter((b) => b.type === 'actions')).toHaveLength(20)
    expect(blocks.at(-1)!.elements[0].text).toBe('Showing the first 20 of 24. Decide these to see the rest.')
    const all = await runSlash(bot, 'UJANE', 'mail unmatched --all')
    expect(all.text).toBe('24 emails wait for review (25 in the list with the handled ones)')
    // Waiting items come first: the handled one is past the first 20.
    expect(blocksText(all)).not.toContain(`Assigned to ${companyNo}`)
    expect((all.blocks as Array<Record<string, any>>).filter((b) => b.type === 'actions')).toHaveLength(20)
  })

  it('shows the mail commands in help, and answers the shell-only ones with where they run', async () => {
    expect(blocksText(await runSlash(bot, 'UNOBODY', 'help'))).toMatch(/mail\s+the email review list/)
    const group = blocksText(await runSlash(bot, 'UNOBODY', 'help mail'))
    for (const command of ['mail unmatched', 'mail assign &lt;id&gt; &lt;contact&gt;', 'mail create-contact &lt;id&gt;', 'mail dismiss &lt;id&gt;']) expect(group).toContain(command)
    expect(group).not.toMatch(/ingest|outbox/)
    for (const line of ['mail ingest ./mail.mbox', 'mail outbox --status failed', 'MAIL send-outbox']) {
      const answer = await runSlash(bot, ADMIN, line)
      expect(answer.text, line).toMatch(/^`mail (ingest|outbox|send-outbox)` runs on the server, from the shell \(`crm mail/)
      expect(answer.text).toContain('/crm mail unmatched')
    }
    expect(bot.logs.filter((l) => l.event === 'command_failed')).toEqual([])
  })

  it('logs the waiting email on a contact with /crm mail assign and closes the item', async () => {
    const { companyNo, itemId } = await seed(bot)
    const answer = await runSlash(bot, 'UJANE', `mail assign ${itemId} ${companyNo}`)
    expect(answer.text).toMatch(new RegExp(`^Logged "RE: Cod offer" on ${companyNo} as IL\\d+; review item ${itemId} is closed\\.$`))
    const rows = await entries(bot)
    expect(rows).toEqual([{ no: expect.any(String), contact_no: companyNo, template_code: 'EMAIL-OUT', subject: 'RE: Cod offer', source: 'email', salesperson_code: 'ANNA' }])
    expect(await reviewRow(bot)).toEqual({ status: 'assigned', contact_no: companyNo, interaction_no: rows[0]!.no, resolved_by: 'slack:UJANE' })
    expect(blocksText(await runSlash(bot, 'UJANE', 'mail unmatched'))).toContain('No email waits for review')
  })

  it('assigns from the button\'s modal, shows an unknown contact at its field and stores nothing, then logs it once', async () => {
    const { companyNo, itemId } = await seed(bot)
    const assign = (await listButtons(bot)).find((b) => b.action_id === ACTION_IDS.mailAssign)!
    const view = await openModal(bot, 'UJANE', assign, 'trigger-assign')
    expect(view.callback_id).toBe(CALLBACK_IDS.mailAssign)
    expect(JSON.stringify(view.blocks)).toContain('jon@gmail.com')
    const picker = view.blocks.find((b: any) => b.block_id === 'contact')
    expect(picker.element).toMatchObject({ type: 'external_select', action_id: 'value' })

    // The picker finds contacts by any word of the name, or by number, as the user types.
    const suggest = async (value: string) => {
      const res = await postPayload(bot, { type: 'block_suggestion', user: { id: 'UJANE' }, container: { type: 'view', view_id: view.id }, view, block_id: 'contact', action_id: 'value', value })
      expect(res.status).toBe(200)
      return ((await res.json()) as { options: Array<{ text: { text: string }; value: string }> }).options
    }
    expect(await suggest('útgerð')).toEqual([{ text: { type: 'plain_text', text: `Hekla Útgerð ehf · ${companyNo}` }, value: companyNo }])
    expect((await suggest(companyNo.toLowerCase())).map((o) => o.value)).toEqual([companyNo])
    expect(await suggest('zzzz')).toEqual([])
    expect(await suggest('   ')).toEqual([])
    expect(bot.logs.filter((l) => l.event === 'contact_picker_failed')).toEqual([])

    const refused = await postPayload(bot, submission('UJANE', view, { contact: 'CT999999' }))
    expect(await refused.json()).toEqual({ response_action: 'errors', errors: { contact: expect.stringContaining('CT999999') } })
    expect(await count(bot, 'interaction_log_entries')).toBe(0)
    expect(await reviewRow(bot)).toEqual({ status: 'waiting', contact_no: null, interaction_no: null, resolved_by: null })

    const saved = await postPayload(bot, submission('UJANE', view, { contact: companyNo.toLowerCase() }))
    expect(saved.status).toBe(200)
    expect(await saved.text()).toBe('')
    // The list the button was in is replaced: what was done on top, and the item gone from it.
    const refreshed = (await bot.stub.waitFor((r) => r.path === '/response/trigger-assign')).body
    expect(refreshed).toMatchObject({ response_type: 'ephemeral', replace_original: true })
    expect(String(refreshed.text)).toMatch(new RegExp(`^Logged "RE: Cod offer" on ${companyNo} as IL\\d+; review item ${itemId} is closed`))
    expect(JSON.stringify(refreshed.blocks)).toContain('No email waits for review')
    expect(JSON.stringify(refreshed.blocks)).not.toContain(ACTION_IDS.mailAssign)
    expect(bot.stub.requests.filter((r) => r.path === '/api/chat.postMessage')).toEqual([])
    const rows = await entries(bot)
    expect(rows).toMatchObject([{ contact_no: companyNo, subject: 'RE: Cod offer', source: 'email' }])
    expect(await reviewRow(bot)).toMatchObject({ status: 'assigned', contact_no: companyNo, interaction_no: rows[0]!.no })

    // A second decision from the same (stale) modal is refused at the field and logs nothing more.
    const again = await postPayload(bot, submission('UJANE', view, { contact: companyNo }))
    expect(await again.json()).toMatchObject({ response_action: 'errors', errors: { contact: expect.stringContaining('was already assigned') } })
    expect(await count(bot, 'interaction_log_entries')).toBe(1)
  })

  it('logs a retried modal submission once and posts one result', async () => {
    const { companyNo, itemId } = await seed(bot)
    const view = { id: 'VRETRY', ...(mailAssignModal({ id: itemId, address: 'jon@gmail.com', name: 'Jón Jónsson', subject: 'RE: Cod offer' }) as Record<string, any>) }
    const payload = submission('UJANE', view, { contact: companyNo })
    const [first, retry] = await Promise.all([postPayload(bot, payload), postPayload(bot, payload, RETRY)])
    expect([first.status, retry.status]).toEqual([200, 200])
    expect([await first.text(), await retry.text()]).toEqual(['', ''])
    expect((await postPayload(bot, payload, { ...RETRY, 'x-slack-retry-num': '2' })).status).toBe(200)
    await settle()
    expect(await count(bot, 'interaction_log_entries')).toBe(1)
    expect(bot.stub.requests.filter((r) => r.path === '/api/chat.postMessage')).toHaveLength(1)
    expect(bot.logs.filter((l) => l.event === 'request_already_claimed')).toHaveLength(2)
    expect(await reviewRow(bot)).toMatchObject({ status: 'assigned', contact_no: companyNo })
  })

  it('tells the result in a direct message when the list\'s response_url has expired', async () => {
    const { companyNo, itemId } = await seed(bot)
    const assign = (await listButtons(bot)).find((b) => b.action_id === ACTION_IDS.mailAssign)!
    const view = await openModal(bot, 'UJANE', assign, 'trigger-late', `${bot.stub.url}/expired/trigger-late`)
    expect(JSON.parse(view.private_metadata)).toMatchObject({ id: itemId, responseUrl: `${bot.stub.url}/expired/trigger-late` })
    expect(await (await postPayload(bot, submission('UJANE', view, { contact: companyNo }))).text()).toBe('')
    const posted = await bot.stub.waitFor((r) => r.path === '/api/chat.postMessage')
    expect(posted.body.channel).toBe('UJANE')
    expect(String(posted.body.text)).toMatch(new RegExp(`^Logged "RE: Cod offer" on ${companyNo} as IL\\d+; review item ${itemId} is closed`))
    expect(bot.stub.requests.filter((r) => r.path === '/expired/trigger-late')).toHaveLength(1)
    expect(bot.logs.filter((l) => l.event === 'review_list_not_replaced')).toMatchObject([{ status: 404 }])
    expect(await reviewRow(bot)).toMatchObject({ status: 'assigned', contact_no: companyNo })
  })

  it('dismisses from the button, logs nothing and replaces the list with the fresh one', async () => {
    const { itemId } = await seed(bot)
    const dismiss = (await listButtons(bot)).find((b) => b.action_id === ACTION_IDS.mailDismiss)!
    await pressButton(bot, 'UJANE', dismiss, 'trigger-dismiss')
    const answer = (await bot.stub.waitFor((r) => r.path === '/response/trigger-dismiss')).body
    expect(answer).toMatchObject({ response_type: 'ephemeral', replace_original: true })
    expect(answer.text).toBe(`Dismissed review item ${itemId} (jon@gmail.com); nothing was logged.`)
    expect(blocksText(answer)).toContain('No email waits for review')
    expect(await reviewRow(bot)).toEqual({ status: 'dismissed', contact_no: null, interaction_no: null, resolved_by: 'slack:UJANE' })
    expect(await count(bot, 'interaction_log_entries')).toBe(0)
    expect(String((await runSlash(bot, 'UJANE', `mail dismiss ${itemId}`)).text)).toContain('was already dismissed')
    const all = await runSlash(bot, 'UJANE', 'mail unmatched --all')
    expect(all.text).toBe('No email waits for review (1 in the list with the handled ones)')
    expect(blocksText(all)).toContain('jon@gmail.com')
    expect((all.blocks as Array<Record<string, any>>).at(-1)).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: 'Dismissed' }] })
  })

  it('creates the contact from the button\'s modal, prefilled from the email, after showing a possible duplicate', async () => {
    const { itemId } = await seed(bot)
    await createContact(core(bot), adminActor, { type: 'person', name: 'Jón Jónsson', phone: '+354 555 1234' })
    const create = (await listButtons(bot)).find((b) => b.action_id === ACTION_IDS.mailCreateContact)!
    const view = await openModal(bot, 'UJANE', create, 'trigger-create')
    expect(view.callback_id).toBe(CALLBACK_IDS.mailCreateContact)
    expect(view.blocks.find((b: any) => b.block_id === 'name').element.initial_value).toBe('Jón Jónsson')
    expect(JSON.stringify(view.blocks)).toContain('*Email:* jon@gmail.com')
    expect(view.blocks.some((b: any) => b.block_id === 'email')).toBe(false)

    const first = await (await postPayload(bot, submission('UJANE', view, { type: 'person', name: 'Jón Jónsson', 'job-title': 'Skipper' }))).json() as { response_action: string; view: Record<string, any> }
    expect(first.response_action).toBe('update')
    expect(JSON.stringify(first.view.blocks[0])).toMatch(/Possible duplicates.*Jón Jónsson/)
    expect(first.view.blocks.find((b: any) => b.block_id === 'job-title').element.initial_value).toBe('Skipper')
    expect(await count(bot, 'contacts')).toBe(2)
    expect(await reviewRow(bot)).toMatchObject({ status: 'waiting' })

    const saved = await postPayload(bot, submission('UJANE', { ...first.view, id: view.id }, { type: 'person', name: 'Jón Jónsson', 'job-title': 'Skipper' }))
    expect(await saved.text()).toBe('')
    // The list's response_url went with the modal through its duplicate warning; the list now shows no waiting email.
    const posted = await bot.stub.waitFor((r) => r.path === '/response/trigger-create')
    expect(posted.body).toMatchObject({ replace_original: true })
    expect(JSON.stringify(posted.body.blocks)).toContain('No email waits for review')
    expect(String(posted.body.text)).toMatch(new RegExp(`^Created CT\\d+ \\(jon@gmail.com\\) and logged "RE: Cod offer" on it as IL\\d+; review item ${itemId} is closed`))
    const contact = await bot.database.db.selectFrom('contacts').select(['no', 'name', 'email', 'job_title', 'type']).where('email', '=', 'jon@gmail.com').executeTakeFirstOrThrow()
    expect(contact).toMatchObject({ name: 'Jón Jónsson', job_title: 'Skipper', type: 'person' })
    expect(await entries(bot)).toMatchObject([{ contact_no: contact.no, subject: 'RE: Cod offer', source: 'email' }])
    expect(await reviewRow(bot)).toMatchObject({ status: 'created', contact_no: contact.no })
  })

  it('creates the contact with /crm mail create-contact and shows a wrong field', async () => {
    const { companyNo, itemId } = await seed(bot)
    const wrong = await runSlash(bot, 'UJANE', `mail create-contact ${itemId} --company CT999999`)
    expect(String(wrong.text)).toContain('CT999999')
    expect(await count(bot, 'contacts')).toBe(1)
    const answer = await runSlash(bot, 'UJANE', `mail create-contact ${itemId} --company ${companyNo} --job-title Skipper`)
    expect(String(answer.text)).toMatch(/^Created CT\d+ \(jon@gmail.com\)/)
    expect(await bot.database.db.selectFrom('contacts').select(['name', 'email', 'company_no']).where('email', '=', 'jon@gmail.com').execute()).toEqual([{ name: 'Jón Jónsson', email: 'jon@gmail.com', company_no: companyNo }])
    expect(await reviewRow(bot)).toMatchObject({ status: 'created' })
    expect(await count(bot, 'interaction_log_entries')).toBe(1)
  })

  it('refuses every decision by an unlinked user with the usual message and stores nothing', async () => {
    const { companyNo, itemId } = await seed(bot)
    const before = { contacts: await count(bot, 'contacts'), entries: await count(bot, 'interaction_log_entries') }
    for (const line of [`mail assign ${itemId} ${companyNo}`, `mail create-contact ${itemId}`, `mail dismiss ${itemId}`]) {
      expect(String((await runSlash(bot, 'USTRANGER', line)).text), line).toContain('/crm me link <salesperson> @you')
    }
    const buttons = await listButtons(bot, 'USTRANGER')
    for (const [i, button] of buttons.entries()) {
      await pressButton(bot, 'USTRANGER', button, `trigger-stranger-${i}`)
      const answer = (await bot.stub.waitFor((r) => r.path === `/response/trigger-stranger-${i}`)).body
      expect(String(answer.text), button.action_id).toContain('/crm me link <salesperson> @you')
    }
    expect(bot.stub.requests.filter((r) => r.path === '/api/views.open')).toEqual([])
    const view = { id: 'VSTRANGER', ...(mailAssignModal({ id: itemId, address: 'jon@gmail.com', name: null, subject: 'RE: Cod offer' }) as Record<string, any>) }
    const refused = await postPayload(bot, submission('USTRANGER', view, { contact: companyNo }))
    expect(await refused.json()).toEqual({ response_action: 'errors', errors: { contact: expect.stringContaining('/crm me link') } })
    expect({ contacts: await count(bot, 'contacts'), entries: await count(bot, 'interaction_log_entries') }).toEqual(before)
    expect(await reviewRow(bot)).toEqual({ status: 'waiting', contact_no: null, interaction_no: null, resolved_by: null })
  })

  it('says on App Home how many emails wait for review, and its button sends the list', async () => {
    await seed(bot)
    await postEvent(bot, { type: 'app_home_opened', user: 'UJANE', channel: 'D1', tab: 'home', event_ts: '1.0' })
    const publish = await bot.stub.waitFor((r) => r.path === '/api/views.publish')
    const blocks = JSON.parse(String(publish.body.view)).blocks as Array<Record<string, any>>
    const line = blocks.find((b) => String(b.text?.text).includes('wait'))!
    expect(line.text.text).toBe(':email: 1 email waits for review')
    expect(line.accessory.action_id).toBe(ACTION_IDS.mailShowList)
    const res = await postPayload(bot, { type: 'block_actions', user: { id: 'UJANE' }, trigger_id: 'trigger-home', container: { type: 'view', view_id: 'VHOME' }, actions: [{ type: 'button', action_id: ACTION_IDS.mailShowList, block_id: 'b', value: line.accessory.value, action_ts: '1.1' }] })
    expect(res.status).toBe(200)
    const posted = await bot.stub.waitFor((r) => r.path === '/api/chat.postMessage')
    expect(posted.body.channel).toBe('UJANE')
    expect(String(posted.body.blocks)).toContain('jon@gmail.com')
    expect(String(posted.body.blocks)).toContain(ACTION_IDS.mailAssign)
  })
})
