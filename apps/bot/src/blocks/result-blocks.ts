import { formatMoney, renderText, type Contact, type Interaction, type Opportunity, type ResultView } from '@crm/core'
import { ACTION_IDS } from '../ids.ts'
import { messages } from '../messages.ts'

/** A Block Kit block; kept loose on purpose, Slack validates the shape. */
export type Block = Record<string, unknown>

export interface SlackMessage {
  text: string
  blocks: Block[]
}

/** Search results shown per message; the rest is behind "Show more". */
export const SEARCH_PAGE_SIZE = 10
const SECTION_MAX = 2900

/** Escapes the three characters Slack's mrkdwn treats as markup. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

/** Text cut to Slack's limit for its field, with an ellipsis, never inside a surrogate pair or an &entity;. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text
  let cut = text.slice(0, max - 1)
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1)
  return cut.replace(/&[a-z]{0,4}$/, '') + '…'
}

/** Every section is cut to Slack's 3,000 characters: echoed user input can be any length. */
export const section = (text: string): Block => ({ type: 'section', text: { type: 'mrkdwn', text: clip(text, SECTION_MAX) } })
const header = (text: string): Block => ({ type: 'header', text: { type: 'plain_text', text: clip(text, 150), emoji: true } })
/** A button; `value` must stay under Slack's 2,000 characters. */
export const button = (text: string, actionId: string, value: string, style?: 'primary' | 'danger'): Block => ({
  type: 'button', text: { type: 'plain_text', text, emoji: true }, action_id: actionId, value, ...(style ? { style } : {}),
})

/** Monospace text split into sections that stay under Slack's 3000-character limit. */
function codeBlocks(text: string): Block[] {
  const out: Block[] = []
  let chunk: string[] = []
  let size = 0
  for (const line of text.split('\n')) {
    if (size + line.length + 1 > SECTION_MAX && chunk.length) {
      out.push(section('```' + escapeMrkdwn(chunk.join('\n')) + '```'))
      chunk = []
      size = 0
    }
    chunk.push(line.slice(0, SECTION_MAX))
    size += line.length + 1
  }
  if (chunk.length) out.push(section('```' + escapeMrkdwn(chunk.join('\n')) + '```'))
  return out.slice(0, 48)
}

function contactSummary(c: Contact): string {
  const extra = [c.type === 'person' ? c.companyName : null, c.city, c.email ?? c.phone].filter(Boolean).map((v) => escapeMrkdwn(v!))
  return `*${escapeMrkdwn(c.name)}*${c.type === 'company' ? ' (company)' : ''}  \`${c.no}\`${extra.length ? `\n${extra.join(' · ')}` : ''}`
}

/** What the card shows beside the contact itself: its latest interactions and open opportunities. */
export interface ContactActivity {
  interactions: Interaction[]
  openOpportunities: Opportunity[]
}

/** One interaction: date, template, subject and number. */
export function interactionLine(i: Interaction): string {
  return `• ${i.occurredAt.slice(0, 10)} ${escapeMrkdwn(i.templateCode)}: ${escapeMrkdwn(i.subject)} \`${i.no}\``
}

/** One open opportunity: number, description, stage and estimated value. */
export function opportunityLine(o: Opportunity): string {
  const stage = o.stage === null ? 'not started' : `stage ${o.stage}${o.stageDescription ? ` ${escapeMrkdwn(o.stageDescription)}` : ''}`
  return `• \`${o.no}\` ${escapeMrkdwn(o.description)} · ${stage} · ${o.currency} ${formatMoney(o.estimatedValueMinor, o.currency)}`
}

/** The contact card: details, company, salesperson, activity and the buttons for the next step. */
export function contactCardBlocks(view: Extract<ResultView, { kind: 'contact' }>, activity?: ContactActivity): Block[] {
  const { contact: c, salespersonName, persons } = view.details
  const label = messages.card.labels
  const fields: string[] = []
  const add = (label: string, value: string | null | undefined) => {
    if (value) fields.push(`*${label}*\n${escapeMrkdwn(value)}`)
  }
  add(label.company, c.type === 'person' && c.companyNo ? `${c.companyName ?? ''} (${c.companyNo})`.trim() : null)
  add(label.jobTitle, c.jobTitle)
  add(label.email, [c.email, c.email2].filter(Boolean).join(', '))
  add(label.phone, [c.phone, c.mobile].filter(Boolean).join(', '))
  add(label.address, [c.address, c.address2, [c.postCode, c.city].filter(Boolean).join(' '), c.countryCode].filter(Boolean).join(', '))
  add(label.website, c.website)
  add(label.salesperson, salespersonName ? `${salespersonName} (${c.salespersonCode})` : c.salespersonCode)
  const blocks: Block[] = [header(`${c.name} · ${c.no}`)]
  if (view.notice) blocks.push(section(escapeMrkdwn(view.notice)))
  if (fields.length) blocks.push({ type: 'section', fields: fields.slice(0, 10).map((text) => ({ type: 'mrkdwn', text: clip(text, 2000) })) })
  if (persons.length) blocks.push(section(`*${messages.card.persons}*\n${persons.slice(0, 10).map((p) => `• ${escapeMrkdwn(p.name)} \`${p.no}\``).join('\n')}`))
  if (activity) {
    blocks.push(section(`*${messages.card.lastInteractions}*\n${activity.interactions.map(interactionLine).join('\n') || messages.card.none}`))
    blocks.push(section(`*${messages.card.openOpportunities}*\n${activity.openOpportunities.map(opportunityLine).join('\n') || messages.card.none}`))
  }
  if (view.duplicates.length) {
    blocks.push(section(`:warning: *${messages.card.possibleDuplicates}*\n${view.duplicates.slice(0, 5).map((d) => `• ${d.score}% ${escapeMrkdwn(d.contact.name)} \`${d.contact.no}\``).join('\n')}`))
  }
  blocks.push({
    type: 'actions',
    elements: [
      button(messages.buttons.logInteraction, ACTION_IDS.logInteraction, c.no, 'primary'),
      button(messages.buttons.newOpportunity, ACTION_IDS.newOpportunity, c.no),
      button(messages.buttons.edit, ACTION_IDS.editContact, c.no),
    ],
  })
  return blocks
}

/** Up to ten search results, each with a Show button, and "Show more" when more match. */
export function contactListBlocks(view: Extract<ResultView, { kind: 'contact-list' }>): Block[] {
  const { result } = view
  const shown = result.contacts.slice(0, SEARCH_PAGE_SIZE)
  const blocks: Block[] = [section(`*${escapeMrkdwn(view.title)}*`)]
  if (!shown.length) blocks.push(section(messages.noResults))
  for (const c of shown) blocks.push({ ...section(contactSummary(c)), accessory: button(messages.buttons.show, ACTION_IDS.showContact, c.no) })
  const buttons: Block[] = []
  if (result.hasMore || result.contacts.length > shown.length) {
    const next = JSON.stringify({ query: result.query, offset: result.offset + shown.length })
    blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: messages.moreResults(shown.length) }] })
    buttons.push(button(messages.showMore, ACTION_IDS.showMore, next.slice(0, 2000)))
  }
  buttons.push(button(messages.buttons.newContact, ACTION_IDS.newContact, 'new'))
  blocks.push({ type: 'actions', elements: buttons })
  return blocks
}

/** Renders any result view of the core grammar as a Slack message (Block Kit plus a plain-text fallback). */
export function resultMessage(view: ResultView, activity?: ContactActivity): SlackMessage {
  const text = clip(view.title, SECTION_MAX)
  switch (view.kind) {
    case 'contact':
      return { text, blocks: contactCardBlocks(view, activity) }
    case 'contact-list':
      return { text, blocks: contactListBlocks(view) }
    case 'message':
      return { text, blocks: [section(escapeMrkdwn(view.text))] }
    case 'record':
      return {
        text,
        blocks: [
          section(`*${escapeMrkdwn(view.title)}*`),
          ...chunk(view.fields.filter(([, v]) => v !== null && v !== ''), 10).map((fs) => ({
            type: 'section', fields: fs.map(([k, v]) => ({ type: 'mrkdwn', text: clip(`*${escapeMrkdwn(k)}*\n${escapeMrkdwn(String(typeof v === 'boolean' ? (v ? 'yes' : 'no') : v))}`, 2000) })),
          })),
        ],
      }
    case 'table':
    case 'help':
      // Their plain text starts with the title, which the bold heading already shows.
      return { text, blocks: [section(`*${escapeMrkdwn(view.title)}*`), ...codeBlocks(renderText(view).split('\n').slice(1).join('\n').trim() || messages.card.noneText)] }
    default:
      return { text, blocks: [section(`*${escapeMrkdwn(view.title)}*`), ...codeBlocks(renderText(view))] }
  }
}

function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}

/** An ephemeral error message: what went wrong and what to do. */
export function errorMessage(text: string): SlackMessage {
  return { text: clip(text, SECTION_MAX), blocks: [section(`${messages.errorPrefix} ${escapeMrkdwn(text)}`)] }
}
