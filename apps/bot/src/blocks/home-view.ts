import { currencyDigits, formatMoney, type Interaction, type Opportunity } from '@crm/core'
import { messages } from '../messages.ts'
import { escapeMrkdwn, interactionLine, opportunityLine, type Block } from './result-blocks.ts'

export interface HomeData {
  salesperson: { code: string; name: string } | undefined
  openOpportunities: Opportunity[]
  recentInteractions: Interaction[]
  forecast: { month: string; currency: string; count: number; estimatedValue: number; calculatedValue: number }
}

const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text } })
const major = (value: number, currency: string) => `${currency} ${formatMoney(Math.round(value * 10 ** currencyDigits(currency)), currency)}`

/** The App Home tab: this month's forecast, the user's open opportunities by stage with calculated values, recent interactions. */
export function homeView(data: HomeData): Block {
  const m = messages.home
  if (!data.salesperson) return { type: 'home', blocks: [{ type: 'header', text: { type: 'plain_text', text: m.title } }, section(messages.notLinked)] }
  const blocks: Block[] = [{ type: 'header', text: { type: 'plain_text', text: m.title } }, { type: 'context', elements: [{ type: 'mrkdwn', text: m.who(data.salesperson.code, escapeMrkdwn(data.salesperson.name)) }] }]
  const f = data.forecast
  blocks.push(section(`*${m.forecast(f.month)}*\n${m.forecastLine(f.count, major(f.estimatedValue, f.currency), major(f.calculatedValue, f.currency))}`))
  blocks.push({ type: 'divider' })
  blocks.push(section(`*${m.openOpportunities}*`))
  if (!data.openOpportunities.length) blocks.push(section(m.noOpportunities))
  const byStage = new Map<string, Opportunity[]>()
  for (const o of data.openOpportunities) {
    const key = o.stage === null ? m.notStarted : m.stage(o.stage)
    byStage.set(key, [...(byStage.get(key) ?? []), o])
  }
  for (const [stage, opps] of byStage) {
    const lines = opps.map((o) => `${opportunityLine(o)} · ${m.calculated} ${o.currency} ${formatMoney(o.calculatedValueMinor, o.currency)}`)
    blocks.push(section(`*${stage}*\n${lines.join('\n')}`.slice(0, 2900)))
  }
  blocks.push({ type: 'divider' })
  blocks.push(section(`*${m.recentInteractions}*\n${data.recentInteractions.map((i) => `${interactionLine(i)} · \`${i.contactNo}\``).join('\n') || m.noInteractions}`.slice(0, 2900)))
  return { type: 'home', blocks: blocks.slice(0, 100) }
}
