import { addSalesperson, createContact, createOpportunity, logInteraction, silentLogger } from '@crm/core'
import { describe, expect, it } from 'vitest'
import { monthOf } from '../src/events/app-home.ts'
import { ACTION_IDS, CALLBACK_IDS } from '../src/ids.ts'
import { HOME_QUICK_ACTIONS } from '../src/blocks/home-view.ts'
import { postEvent, postPayload, useBot } from './harness.ts'

const adminActor = { id: 'test', isAdmin: true }

describe('App Home', () => {
  const bot = useBot()

  it('publishes the user\'s open opportunities by stage with calculated values and this month\'s forecast', async () => {
    const core = { database: bot.database, clock: () => new Date(), logger: silentLogger }
    await addSalesperson(core, adminActor, { code: 'JD', name: 'Jane Doe', slackUserId: 'UJANE' })
    await addSalesperson(core, adminActor, { code: 'OK', name: 'Óli Kári' })
    const { contact } = await createContact(core, adminActor, { type: 'company', name: 'Hekla Útgerð ehf' })
    const { to } = monthOf(new Date())
    await createOpportunity(core, adminActor, { contactNo: contact.no, description: 'Cod 2027', estimatedValue: '10000.00', estimatedCloseDate: to, salespersonCode: 'JD' })
    await createOpportunity(core, adminActor, { contactNo: contact.no, description: 'Haddock later', estimatedValue: '500.00', estimatedCloseDate: '2099-01-31', salespersonCode: 'JD' })
    await createOpportunity(core, adminActor, { contactNo: contact.no, description: 'Not mine', estimatedValue: '99.00', salespersonCode: 'OK' })

    await logInteraction(core, adminActor, { contactNo: contact.no, templateCode: 'CALL-OUT', subject: 'Called about cod', salespersonCode: 'JD' })
    await logInteraction(core, adminActor, { contactNo: contact.no, templateCode: 'CALL-OUT', subject: 'Call by Óli', salespersonCode: 'OK' })
    expect((await postEvent(bot, { type: 'app_home_opened', user: 'UJANE', channel: 'D1', tab: 'home', event_ts: '1.0' })).status).toBe(200)
    const publish = await bot.stub.waitFor((r) => r.path === '/api/views.publish')
    expect(publish.body.user_id).toBe('UJANE')
    const text = JSON.stringify(JSON.parse(String(publish.body.view)).blocks)
    expect(text).toContain('*Stage 1 · New*')
    expect(text).toMatch(/Cod 2027 · stage 1 New · EUR 10,000\.00 · calculated EUR 200\.00/)
    expect(text).toContain('Haddock later')
    expect(text).not.toContain('Not mine')
    expect(text).toMatch(/Your recent interactions\*\\n• \d{4}-\d\d-\d\d CALL-OUT: Called about cod/)
    expect(text).not.toContain('Call by Óli')
    expect(text).toMatch(/1 open opportunity closing this month · estimated EUR 10,000\.00 · calculated EUR 200\.00/)
  })

  it('offers quick actions whose buttons open the New contact, New opportunity and Log interaction modals', async () => {
    const core = { database: bot.database, clock: () => new Date(), logger: silentLogger }
    await addSalesperson(core, adminActor, { code: 'JD', name: 'Jane Doe', slackUserId: 'UJANE' })
    await postEvent(bot, { type: 'app_home_opened', user: 'UJANE', channel: 'D1', tab: 'home', event_ts: '1.0' })
    const publish = await bot.stub.waitFor((r) => r.path === '/api/views.publish')
    const blocks = JSON.parse(String(publish.body.view)).blocks as Array<Record<string, any>>
    const buttons = blocks.find((b) => b.block_id === HOME_QUICK_ACTIONS)!.elements as Array<Record<string, any>>
    expect(buttons.map((b) => [b.text.text, b.action_id])).toEqual([
      ['New contact', ACTION_IDS.newContact],
      ['New opportunity', ACTION_IDS.newOpportunity],
      ['Log interaction', ACTION_IDS.logInteraction],
    ])
    const opened: Record<string, any> = {}
    for (const [i, button] of buttons.entries()) {
      // Pressed in App Home, as Slack sends it: the button's own action id and value, a view container.
      const trigger = `trigger-home-${i}`
      const res = await postPayload(bot, {
        type: 'block_actions', user: { id: 'UJANE' }, trigger_id: trigger, container: { type: 'view', view_id: 'VHOME' }, view: { id: 'VHOME', type: 'home' },
        actions: [{ type: 'button', action_id: button.action_id, block_id: HOME_QUICK_ACTIONS, ...(button.value ? { value: button.value } : {}), action_ts: `1.${i}` }],
      })
      expect(res.status).toBe(200)
      opened[button.action_id] = JSON.parse(String((await bot.stub.waitFor((r) => r.path === '/api/views.open' && r.body.trigger_id === trigger)).body.view))
    }
    expect(opened[ACTION_IDS.newContact].callback_id).toBe(CALLBACK_IDS.newContact)
    const ids = (view: Record<string, any>) => view.blocks.map((b: any) => `${b.block_id}:${b.element?.type}`)
    expect(opened[ACTION_IDS.newOpportunity]).toMatchObject({ callback_id: CALLBACK_IDS.newOpportunity, private_metadata: '' })
    expect(ids(opened[ACTION_IDS.newOpportunity])).toEqual(['contact:external_select', 'description:plain_text_input', 'cycle:static_select', 'value:plain_text_input', 'close-date:datepicker'])
    expect(opened[ACTION_IDS.logInteraction]).toMatchObject({ callback_id: CALLBACK_IDS.logInteraction, private_metadata: '' })
    expect(ids(opened[ACTION_IDS.logInteraction]).slice(0, 2)).toEqual(['contact:external_select', 'template:static_select'])
  })

  it('tells an unlinked user how to get access', async () => {
    await postEvent(bot, { type: 'app_home_opened', user: 'USTRANGER', channel: 'D1', tab: 'home', event_ts: '1.0' })
    const publish = await bot.stub.waitFor((r) => r.path === '/api/views.publish')
    expect(String(publish.body.view)).toContain('/crm me link')
  })
})
