import { addSalesperson, createContact, silentLogger } from '@crm/core'
import { describe, expect, it } from 'vitest'
import { HOME_QUICK_ACTIONS } from '../src/blocks/home-view.ts'
import { ACTION_IDS, CALLBACK_IDS } from '../src/ids.ts'
import { ADMIN, blocksText, postEvent, postPayload, useBot, type BotFixture } from './harness.ts'

const adminActor = { id: 'test', isAdmin: true }
const REF = /Something went wrong \(ref ([0-9a-f]{8})\)/

/** The ref the user was shown, and proof that the same ref is in the bot's log with the Slack error. */
function refIn(bot: BotFixture, shown: string, slackError: string): string {
  const ref = REF.exec(shown)?.[1]
  expect(ref, shown).toBeDefined()
  const line = bot.logs.find((l) => l.ref === ref)
  expect(line).toMatchObject({ level: 50 })
  expect(JSON.stringify(line)).toContain(slackError)
  // Never the error itself in Slack.
  expect(shown).not.toContain(slackError)
  expect(shown).not.toMatch(/at .*\.ts:\d+|Error:/)
  return ref!
}

describe('unexpected errors reach the user with a ref', () => {
  const bot = useBot()

  it('a card button whose modal cannot open answers ephemerally through its response_url', async () => {
    const core = { database: bot.database, clock: () => new Date(), logger: silentLogger }
    await addSalesperson(core, adminActor, { code: 'JD', name: 'Jane Doe', slackUserId: 'UJANE' })
    const { contact } = await createContact(core, adminActor, { type: 'company', name: 'Hekla Útgerð ehf' })
    bot.stub.failures.set('views.open', ['expired_trigger_id'])
    const res = await postPayload(bot, {
      type: 'block_actions', user: { id: 'UJANE' }, trigger_id: 'trigger-card', container: { type: 'message', message_ts: '1.0', channel_id: 'C1' }, channel: { id: 'C1' },
      response_url: `${bot.stub.url}/response/card`, actions: [{ type: 'button', action_id: ACTION_IDS.newOpportunity, block_id: 'b', value: contact.no, action_ts: '1.1' }],
    })
    expect(res.status).toBe(200)
    const answer = await bot.stub.waitFor((r) => r.path === '/response/card')
    expect(answer.body).toMatchObject({ response_type: 'ephemeral', replace_original: false })
    const ref = refIn(bot, blocksText(answer.body), 'expired_trigger_id')
    expect(bot.logs.find((l) => l.ref === ref)).toMatchObject({ event: 'modal_open_failed', user: 'UJANE' })
  })

  it('an App Home button (no response_url) tells the user by DM', async () => {
    bot.stub.failures.set('views.open', ['expired_trigger_id'])
    const res = await postPayload(bot, {
      type: 'block_actions', user: { id: 'UJANE' }, trigger_id: 'trigger-home', container: { type: 'view', view_id: 'VHOME' }, view: { id: 'VHOME', type: 'home' },
      actions: [{ type: 'button', action_id: ACTION_IDS.newContact, block_id: HOME_QUICK_ACTIONS, value: 'new', action_ts: '1.1' }],
    })
    expect(res.status).toBe(200)
    const dm = await bot.stub.waitFor((r) => r.path === '/api/chat.postMessage')
    expect(dm.body.channel).toBe('UJANE')
    refIn(bot, String(dm.body.text) + String(dm.body.blocks), 'expired_trigger_id')
  })

  it('the message shortcut whose modal cannot open answers ephemerally', async () => {
    bot.stub.failures.set('views.open', ['trigger_exchanged'])
    const res = await postPayload(bot, {
      type: 'message_action', callback_id: CALLBACK_IDS.logShortcut, user: { id: 'UJANE' }, trigger_id: 'trigger-shortcut', action_ts: '1.2',
      channel: { id: 'C1' }, message_ts: '1700000000.000100', response_url: `${bot.stub.url}/response/shortcut`, message: { type: 'message', ts: '1700000000.000100', text: 'Call me', user: 'UCUST' },
    })
    expect(res.status).toBe(200)
    const answer = await bot.stub.waitFor((r) => r.path === '/response/shortcut')
    expect(answer.body).toMatchObject({ response_type: 'ephemeral' })
    refIn(bot, blocksText(answer.body), 'trigger_exchanged')
  })

  it('any other listener that fails unexpectedly (Bolt\'s error handler) tells the user by DM', async () => {
    bot.stub.failures.set('views.open', ['expired_trigger_id'])
    const res = await postPayload(bot, {
      type: 'block_actions', user: { id: ADMIN }, trigger_id: 'trigger-mail', container: { type: 'message', message_ts: '1.0', channel_id: 'C1' }, channel: { id: 'C1' },
      response_url: `${bot.stub.url}/response/mail`, actions: [{ type: 'button', action_id: ACTION_IDS.mailAssign, block_id: 'b', value: JSON.stringify({ id: 1, address: 'a@example.com', subject: 'Hi' }), action_ts: '1.1' }],
    })
    expect(res.status).toBe(200)
    const dm = await bot.stub.waitFor((r) => r.path === '/api/chat.postMessage')
    expect(dm.body.channel).toBe(ADMIN)
    const ref = refIn(bot, String(dm.body.text) + String(dm.body.blocks), 'expired_trigger_id')
    expect(bot.logs.find((l) => l.ref === ref)).toMatchObject({ event: 'unhandled_error', user: ADMIN, kind: 'block_actions' })
  })

  it('App Home that cannot be published publishes an error Home view with the ref', async () => {
    bot.stub.failures.set('views.publish', ['internal_error'])
    expect((await postEvent(bot, { type: 'app_home_opened', user: 'USTRANGER', channel: 'D1', tab: 'home', event_ts: '1.0' })).status).toBe(200)
    await bot.stub.waitFor((r) => r.path === '/api/views.publish' && String(r.body.view).includes('Something went wrong'))
    const publishes = bot.stub.requests.filter((r) => r.path === '/api/views.publish')
    expect(publishes).toHaveLength(2)
    const view = JSON.parse(String(publishes[1]!.body.view)) as { type: string }
    expect(view.type).toBe('home')
    expect(bot.logs.find((l) => l.ref === REF.exec(JSON.stringify(view))?.[1])).toMatchObject({ event: 'home_failed', user: 'USTRANGER' })
    refIn(bot, JSON.stringify(view), 'internal_error')
  })
})
