import { currencyDigits, formatMoney, type Interaction, type Opportunity } from '@crm/core'
import { ACTION_IDS } from '../ids.ts'
import { messages } from '../messages.ts'
import { escapeMrkdwn, interactionLine, opportunityLine, type Block } from './result-blocks.ts'

/** The count and calculated value (major units, setup currency) of all of a salesperson's open opportunities at one stage of one cycle. */
export interface StageTotal {
  cycleCode: string
  stage: number | null
  stageDescription: string | null
  count: number
  calculatedValue: number
}

export interface HomeData {
  salesperson: { code: string; name: string } | undefined
  /** Some of the open opportunities, up to HOME_STAGE_MAX of each stage; the stage totals count them all. */
  openOpportunities: Opportunity[]
  /** Every stage with open opportunities; without them the totals are those of `openOpportunities`. */
  stageTotals?: StageTotal[]
  recentInteractions: Interaction[]
  forecast: { month: string; currency: string; count: number; estimatedValue: number; calculatedValue: number }
  /** Emails whose participants matched no contact and wait for a decision (the whole team's list). */
  mailReviewWaiting?: number
}

/** At most this many opportunities of one stage are listed on App Home. */
export const HOME_STAGE_MAX = 20
/** Slack's limit of blocks in a Home view. */
const HOME_BLOCKS_MAX = 100

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
  if (!data.openOpportunities.length && !data.stageTotals?.length) blocks.push(section(m.noOpportunities))
  // The recent interactions come last: a divider and one section.
  blocks.push(...stageBlocks(data.salesperson.code, data.forecast.currency, groupByStage(data), HOME_BLOCKS_MAX - blocks.length - 2))
  blocks.push({ type: 'divider' })
  blocks.push(section(`*${m.recentInteractions}*\n${data.recentInteractions.map((i) => `${interactionLine(i)} · \`${i.contactNo}\``).join('\n') || m.noInteractions}`.slice(0, 2900)))
  // Slack allows 100 blocks in a view; stageBlocks kept to the room left, this is only a guard.
  return { type: 'home', blocks: blocks.length <= HOME_BLOCKS_MAX ? blocks : [...blocks.slice(0, HOME_BLOCKS_MAX - 2), ...blocks.slice(-2)] }
}

interface StageGroup extends StageTotal {
  items: Opportunity[]
}

const stageKey = (cycleCode: string, stage: number | null) => `${cycleCode}\u0000${stage ?? ''}`

/** The open opportunities by cycle and stage, in cycle then stage order ("not started" first), with the totals of each stage. */
function groupByStage(data: HomeData): StageGroup[] {
  const groups = new Map<string, StageGroup>()
  const totals = data.stageTotals ?? data.openOpportunities.map((o) => ({ cycleCode: o.cycleCode, stage: o.stage, stageDescription: o.stageDescription, count: 1, calculatedValue: o.calculatedValue }))
  for (const t of totals) {
    const key = stageKey(t.cycleCode, t.stage)
    const group = groups.get(key)
    if (group) {
      group.count += t.count
      group.calculatedValue += t.calculatedValue
    } else groups.set(key, { ...t, items: [] })
  }
  for (const o of data.openOpportunities) {
    const group = groups.get(stageKey(o.cycleCode, o.stage))
    if (group && group.items.length < HOME_STAGE_MAX) group.items.push(o)
  }
  return [...groups.values()].sort((a, b) => (a.cycleCode < b.cycleCode ? -1 : a.cycleCode > b.cycleCode ? 1 : (a.stage ?? 0) - (b.stage ?? 0)))
}

/**
 * Each stage's heading with its count and calculated value, its opportunities (a line and Advance/Close
 * buttons each) and, when some are not listed, how many more with the command that lists them; in at most
 * `room` blocks. Every stage gets its heading; the opportunities are shared out evenly, then what room is
 * left goes to the first stages.
 */
function stageBlocks(salesperson: string, currency: string, groups: StageGroup[], room: number): Block[] {
  const m = messages.home
  const command = (stage: number | null | undefined) => `/crm opp list --salesperson ${salesperson}${stage === undefined ? '' : stage === null ? ' --status not-started' : ` --stage ${stage}`}`
  // Too many stages for a heading each (not in practice): the first ones, and one line for the rest.
  let shownGroups = groups
  let hidden = 0
  if (groups.length > room) {
    shownGroups = groups.slice(0, Math.max(room - 1, 0))
    hidden = groups.slice(shownGroups.length).reduce((n, g) => n + g.count, 0)
  }
  const blocksOf = (g: StageGroup, shown: number) => 1 + 2 * shown + (g.count > shown ? 1 : 0)
  const used = (shown: number[]) => shownGroups.reduce((n, g, i) => n + blocksOf(g, shown[i]!), 0) + (hidden ? 1 : 0)
  // The same number from every stage, as many as fit; then one more at a time to the first stages.
  let each = HOME_STAGE_MAX
  while (each > 0 && used(shownGroups.map((g) => Math.min(each, g.items.length))) > room) each--
  const shown = shownGroups.map((g) => Math.min(each, g.items.length))
  for (let added = true; added; ) {
    added = false
    for (const [i, g] of shownGroups.entries()) {
      if (shown[i]! >= g.items.length) continue
      const next = shown.map((n, j) => (j === i ? n + 1 : n))
      if (used(next) > room) continue
      shown[i] = shown[i]! + 1
      added = true
    }
  }
  const multiCycle = new Set(groups.map((g) => g.cycleCode)).size > 1
  const blocks: Block[] = []
  for (const [i, g] of shownGroups.entries()) {
    const label = g.stage === null ? m.notStarted : m.stage(g.stage, g.stageDescription && escapeMrkdwn(g.stageDescription))
    blocks.push(section(`*${label}*${multiCycle ? ` · ${escapeMrkdwn(g.cycleCode)}` : ''}\n${m.stageTotal(g.count, major(g.calculatedValue, currency))}`))
    for (const o of g.items.slice(0, shown[i])) {
      blocks.push(section(`${opportunityLine(o)} · ${m.calculated} ${o.currency} ${formatMoney(o.calculatedValueMinor, o.currency)}`))
      blocks.push({ type: 'actions', elements: [button(messages.buttons.advance, ACTION_IDS.advanceOpportunity, o.no), button(messages.buttons.close, ACTION_IDS.closeOpportunity, o.no)] })
    }
    if (g.count > shown[i]!) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: m.more(g.count - shown[i]!, command(multiCycle ? undefined : g.stage)) }] })
  }
  if (hidden) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: m.more(hidden, command(undefined)) }] })
  return blocks
}
