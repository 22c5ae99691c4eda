import { addSalesperson, createContact, createOpportunity, formatMoney, logInteraction, moveOpportunityStage, silentLogger } from '@crm/core'
import { sql } from '@crm/db'
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

  it('lists 60 opportunities by stage in stage order with each stage\'s count and calculated value, and says how many more and where', async () => {
    const core = { database: bot.database, clock: () => new Date(), logger: silentLogger }
    await addSalesperson(core, adminActor, { code: 'JD', name: 'Jane Doe', slackUserId: 'UJANE' })
    const { contact } = await createContact(core, adminActor, { type: 'company', name: 'Hekla Útgerð ehf' })
    await logInteraction(core, adminActor, { contactNo: contact.no, templateCode: 'CALL-OUT', subject: 'Called about cod', salespersonCode: 'JD' })
    // 30 at stage 1, 18 at stage 2, 12 at stage 3; stage 3 closes first, so close-date order would put it first.
    const stages = [...Array.from({ length: 12 }, () => 3), ...Array.from({ length: 18 }, () => 2), ...Array.from({ length: 30 }, () => 1)]
    for (const [i, stage] of stages.entries()) {
      const day = new Date(Date.UTC(2030, 0, 1 + i)).toISOString().slice(0, 10)
      const o = await createOpportunity(core, adminActor, { contactNo: contact.no, description: `Deal ${i}`, estimatedValue: String(1000 + i * 10), estimatedCloseDate: day, salespersonCode: 'JD' })
      if (stage > 1) await moveOpportunityStage(core, adminActor, { no: o.no, to: stage, ...(stage === 3 ? { quote: `Q-${i}` } : {}) })
    }
    const expected = (await sql<{ stage: number; n: number; calc: number }>`select current_stage as stage, count(*) as n, sum(calculated_value_minor) as calc from opportunities
      where salesperson_code = 'JD' and status in ('not_started', 'in_progress') group by current_stage order by current_stage`.execute(bot.database.db)).rows
    expect(expected.map((r) => [r.stage, Number(r.n)])).toEqual([[1, 30], [2, 18], [3, 12]])

    await postEvent(bot, { type: 'app_home_opened', user: 'UJANE', channel: 'D1', tab: 'home', event_ts: '1.0' })
    const publish = await bot.stub.waitFor((r) => r.path === '/api/views.publish')
    const blocks = JSON.parse(String(publish.body.view)).blocks as Array<Record<string, any>>
    expect(blocks.length).toBeLessThanOrEqual(100)
    const texts = blocks.map((b) => String(b.text?.text ?? b.elements?.map((e: any) => e.text?.text ?? e.text ?? '').join(' ') ?? ''))
    const headings = texts.flatMap((t, i) => (/^\*Stage \d/.test(t) ? [i] : []))
    expect(headings.map((i) => texts[i]!.split('\n')[0])).toEqual(['*Stage 1 · New*', '*Stage 2 · Qualify*', '*Stage 3 · Propose*'])
    let listedInAll = 0
    for (const [k, row] of expected.entries()) {
      const start = headings[k]!
      const end = headings[k + 1] ?? texts.findIndex((t) => t.includes('Your recent interactions'))
      const n = Number(row.n)
      expect(texts[start]).toBe(`*Stage ${row.stage} · ${['New', 'Qualify', 'Propose'][k]}*\n${n} open · calculated EUR ${formatMoney(Number(row.calc), 'EUR')}`)
      const part = texts.slice(start + 1, end)
      const listed = part.filter((t) => t.startsWith('• `')).length
      expect(part.every((t) => !t.startsWith('• `') || t.includes(`stage ${row.stage} `))).toBe(true)
      const more = part.find((t) => / more — /.test(t))
      if (listed < n) expect(more).toBe(`${n - listed} more — \`/crm opp list --salesperson JD --stage ${row.stage}\``)
      else expect(more).toBeUndefined()
      expect(listed).toBeGreaterThan(0)
      listedInAll += listed
    }
    // Stage 3 is listed whole; the room left goes to the others, as much as Slack's 100 blocks allow.
    expect(texts.slice(headings[2]! + 1).filter((t) => t.startsWith('• `'))).toHaveLength(12)
    expect(listedInAll).toBeGreaterThanOrEqual(40)
    expect(texts.at(-1)).toContain('Called about cod')
  })

  it('tells an unlinked user how to get access', async () => {
    await postEvent(bot, { type: 'app_home_opened', user: 'USTRANGER', channel: 'D1', tab: 'home', event_ts: '1.0' })
    const publish = await bot.stub.waitFor((r) => r.path === '/api/views.publish')
    expect(String(publish.body.view)).toContain('/crm me link')
  })
})
