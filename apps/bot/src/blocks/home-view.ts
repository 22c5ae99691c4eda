import { currencyDigits, formatMoney, type Interaction, type Opportunity } from '@crm/core'
import { ACTION_IDS } from '../ids.ts'
import { messages } from '../messages.ts'
import { escapeMrkdwn, interactionLine, opportunityLine, type Block } from './result-blocks.ts'

export interface HomeData {
  salesperson: { code: string; name: string } | undefined
  openOpportunities: Opportunity[]
  recentInteractions: Interaction[]
  forecast: { month: string; currency: string; count: number; estimatedValue: number; calculatedValue: number }
  /** Emails whose participants matched no contact and wait for a decision (the whole team's list). */
  mailReviewWaiting?: number
}

/** The block id of App Home's quick action buttons. */
export const HOME_QUICK_ACTIONS = 'home_quick_actions'

const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } })
const button = (text: string, actionId: string, value?: string): Block => ({ type: 'button', text: { type: 'plain_text', text }, action_id: actionId, ...(value ? { value } : {}) })
const major = (value: number, currency: string) => `${currency} ${formatMoney(Math.round(value * 10 ** currencyDigits(currency)), currency)}`

/** The App Home tab when it could not be built: the error's ref, never its details. */
export function errorHomeView(ref: string): Block {
  return { type: 'home', blocks: [{ type: 'header', text: { type: 'plain_text', text: messages.home.title } }, section(`${messages.errorPrefix} ${escapeMrkdwn(messages.unexpected(ref))}`)] }
}

/** The App Home tab: the emails waiting for review, this month's forecast, the user's open opportunities by stage with calculated values, recent interactions. */
export function homeView(data: HomeData): Block {
  const m = messages.home
  if (!data.salesperson) return { type: 'home', blocks: [{ type: 'header', text: { type: 'plain_text', text: m.title } }, section(messages.notLinked)] }
  const blocks: Block[] = [
    { type: 'header', text: { type: 'plain_text', text: m.title } },
    { type: 'context', elements: [{ type: 'mrkdwn', text: m.who(data.salesperson.code, escapeMrkdwn(data.salesperson.name)) }] },
    // Quick actions: without a contact number their modals come with a contact picker.
    {
      type: 'actions',
      block_id: HOME_QUICK_ACTIONS,
      elements: [
        button(messages.buttons.newContact, ACTION_IDS.newContact, 'new'),
        button(messages.buttons.newOpportunity, ACTION_IDS.newOpportunity),
        button(messages.buttons.logInteraction, ACTION_IDS.logInteraction),
      ],
    },
  ]
  if (data.mailReviewWaiting) {
    blocks.push({ ...section(`:email: ${messages.mail.homeWaiting(data.mailReviewWaiting)}`), accessory: button(messages.mail.buttons.showList, ACTION_IDS.mailShowList, 'list') })
  }
  const f = data.forecast
  blocks.push(section(`*${m.forecast(f.month)}*\n${m.forecastLine(f.count, major(f.estimatedValue, f.currency), major(f.calculatedValue, f.currency))}`))
  blocks.push({ type: 'divider' })
  blocks.push(section(`*${m.openOpportunities}*`))
  if (!data.openOpportunities.length) blocks.push(section(m.noOpportunities))
  const byStage = new Map<string, Opportunity[]>()
  for (const o of data.openOpportunities) {
    const key = o.stage === null ? m.notStarted : m.stage(o.stage, o.stageDescription && escapeMrkdwn(o.stageDescription))
    byStage.set(key, [...(byStage.get(key) ?? []), o])
  }
  for (const [stage, opps] of byStage) {
    blocks.push(section(`*${stage}*`))
    for (const o of opps.slice(0, 20)) {
      blocks.push(section(`${opportunityLine(o)} · ${m.calculated} ${o.currency} ${formatMoney(o.calculatedValueMinor, o.currency)}`))
      blocks.push({ type: 'actions', elements: [button(messages.buttons.advance, ACTION_IDS.advanceOpportunity, o.no), button(messages.buttons.close, ACTION_IDS.closeOpportunity, o.no)] })
    }
  }
  blocks.push({ type: 'divider' })
  blocks.push(section(`*${m.recentInteractions}*\n${data.recentInteractions.map((i) => `${interactionLine(i)} · \`${i.contactNo}\``).join('\n') || m.noInteractions}`.slice(0, 2900)))
  // Slack allows 100 blocks in a view; the recent interactions come last, so keep room for them.
  return { type: 'home', blocks: blocks.length <= 100 ? blocks : [...blocks.slice(0, 98), ...blocks.slice(-2)] }
}
