import { ACTION_IDS } from '../ids.ts'
import { messages } from '../messages.ts'
import type { MailReviewModalItem } from './modal-views.ts'
import { button, clip, escapeMrkdwn, section, type Block, type SlackMessage } from './result-blocks.ts'

/** One review item as `mail unmatched` reports it in its data. */
export interface MailReviewListItem {
  id: number
  address: string
  name: string | null
  direction: 'inbound' | 'outbound'
  subject: string
  occurredAt: string
  salespersonCode: string | null
  loggedBy: string | null
  status: 'waiting' | 'assigned' | 'created' | 'dismissed'
  contactNo: string | null
}


/** Items shown per message: two blocks each, under Slack's 50 blocks with the heading. */
export const MAIL_REVIEW_PAGE = 20

/** Who logged the email: the forwarding address and its salesperson, whichever are known. */
function forwarder(i: MailReviewListItem): string | undefined {
  if (i.loggedBy && i.salespersonCode) return `${i.loggedBy} (${i.salespersonCode})`
  return i.loggedBy ?? i.salespersonCode ?? undefined
}

/** The text of one item: address, name, subject, then date, direction and who forwarded it. */
export function mailReviewItemText(i: MailReviewListItem): string {
  const m = messages.mail
  const by = forwarder(i)
  const facts = [messages.mail.itemId(i.id), i.occurredAt.slice(0, 16).replace('T', ' '), i.direction === 'inbound' ? m.inbound : m.outbound, ...(by ? [m.forwardedBy(escapeMrkdwn(by))] : [])]
  return `${m.item(escapeMrkdwn(i.address), escapeMrkdwn(i.name ?? m.noName), escapeMrkdwn(clip(i.subject, 500)))}\n${facts.join(' · ')}`
}

/** The value of an item's buttons: enough for the modals to show what is being decided (Slack allows 2,000 characters). */
export function mailReviewButtonValue(i: Pick<MailReviewListItem, 'id' | 'address' | 'name' | 'subject'>): string {
  const value: MailReviewModalItem = { id: i.id, address: clip(i.address, 300), name: i.name === null ? null : clip(i.name, 200), subject: clip(i.subject, 300) }
  return JSON.stringify(value)
}

/** Reads a review button's value or a review modal's private_metadata; a bare id is accepted too. */
export function readMailReviewItem(value: string | undefined): MailReviewModalItem {
  let parsed: unknown
  try {
    parsed = JSON.parse(value ?? '')
  } catch {
    parsed = value
  }
  if (!parsed || typeof parsed !== 'object') return { id: Number(parsed), address: '', name: null, subject: '' }
  const p = parsed as Partial<Record<keyof MailReviewModalItem, unknown>>
  return {
    id: Number(p.id),
    address: String(p.address ?? ''),
    name: typeof p.name === 'string' ? p.name : null,
    subject: String(p.subject ?? ''),
    ...(p.duplicatesSeen === true ? { duplicatesSeen: true } : {}),
    ...(typeof p.responseUrl === 'string' && /^https?:\/\//.test(p.responseUrl) ? { responseUrl: p.responseUrl } : {}),
  }
}

function itemActions(i: MailReviewListItem): Block {
  const m = messages.mail
  const value = mailReviewButtonValue(i)
  const dismiss = {
    ...button(m.buttons.dismiss, ACTION_IDS.mailDismiss, value),
    confirm: {
      title: { type: 'plain_text', text: m.dismissConfirm.title },
      text: { type: 'plain_text', text: clip(m.dismissConfirm.text(i.address), 300) },
      confirm: { type: 'plain_text', text: m.dismissConfirm.confirm },
      deny: { type: 'plain_text', text: m.dismissConfirm.deny },
    },
  }
  return {
    type: 'actions',
    block_id: `mail_review_${i.id}`,
    elements: [button(m.buttons.assign, ACTION_IDS.mailAssign, value, 'primary'), button(m.buttons.createContact, ACTION_IDS.mailCreateContact, value), dismiss],
  }
}

/**
 * The review list as Block Kit: one section per item (address, name, subject, date, who forwarded it) with
 * the buttons Assign to contact, Create contact and Dismiss; handled items (with --all) show how they ended.
 */
export function mailReviewListMessage(items: MailReviewListItem[]): SlackMessage {
  const m = messages.mail
  const waiting = items.filter((i) => i.status === 'waiting')
  const title = m.heading(waiting.length, items.length)
  const blocks: Block[] = [section(`*${escapeMrkdwn(title)}*`)]
  if (waiting.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: m.intro }] })
  // Waiting items first: they are what the buttons are for.
  const shown = [...waiting, ...items.filter((i) => i.status !== 'waiting')].slice(0, MAIL_REVIEW_PAGE)
  for (const item of shown) {
    blocks.push(section(mailReviewItemText(item)))
    blocks.push(item.status === 'waiting' ? itemActions(item) : { type: 'context', elements: [{ type: 'mrkdwn', text: m.handled(item.status, item.contactNo) }] })
  }
  if (items.length > shown.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: m.more(shown.length, items.length) }] })
  return { text: title, blocks }
}
