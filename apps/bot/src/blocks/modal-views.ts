import { EVALUATIONS, type CloseCode, type Contact, type DuplicateCandidate, type InteractionTemplateChoice, type SalesCycleChoice } from '@crm/core'
import { CALLBACK_IDS } from '../ids.ts'
import { messages } from '../messages.ts'
import { clip, escapeMrkdwn, type Block } from './result-blocks.ts'

/** The one action id of every modal input; the block id is the grammar's option name. */
export const INPUT_ACTION = 'value'

const plain = (text: string) => ({ type: 'plain_text', text, emoji: true })

function input(blockId: string, label: string, element: Block, optional = false, hint?: string): Block {
  return { type: 'input', block_id: blockId, label: plain(label), element: { ...element, action_id: INPUT_ACTION }, optional, ...(hint ? { hint: plain(hint) } : {}) }
}

const text = (initial?: string | null, multiline = false): Block => ({ type: 'plain_text_input', multiline, ...(initial ? { initial_value: initial } : {}) })
const select = (choices: readonly string[], initial?: string): Block => ({
  type: 'static_select', options: choices.map((c) => ({ text: plain(c), value: c })), ...(initial ? { initial_option: { text: plain(initial), value: initial } } : {}),
})

/** One option of a picker: the code as value, "CODE · description" as its label (Slack shows 75 characters). */
const choice = (code: string, description: string) => ({ text: plain(clip(`${code} · ${description}`, 75)), value: code })

/** Slack's limit of options in one static select. */
const OPTIONS_MAX = 100

/** A picker of codes with descriptions, starting at `initial` where it is one of them. */
function codePicker(codes: ReadonlyArray<{ code: string; description: string }>, initial?: string | null): Block {
  const options = codes.slice(0, OPTIONS_MAX).map((c) => choice(c.code, c.description))
  const start = options.find((o) => o.value === initial)
  return { type: 'static_select', options, ...(start ? { initial_option: start } : {}) }
}

/** The block id of a contact picker: its options come from options/contact-picker.ts, its value is a contact number. */
export const CONTACT_PICKER_BLOCK = 'contact'

/** The contact picker (an external select searching contacts as the user types), for modals not opened from a card. */
const contactPicker = (): Block => ({ type: 'external_select', min_query_length: 1, placeholder: plain(messages.modals.contactPlaceholder) })

function modal(callbackId: string, title: string, metadata: string, blocks: Block[]): Block {
  return { type: 'modal', callback_id: callbackId, private_metadata: metadata, title: plain(title), submit: plain(messages.modals.submit), close: plain(messages.modals.cancel), blocks }
}

/** Where a message logged with the "Log to CRM" shortcut came from; kept in the modal's private_metadata. */
export interface SlackMessageSource {
  author: string
  permalink?: string | undefined
  /** The whole message text when it is longer than the subject can hold. */
  fullText?: string | undefined
}

/** The subject field's limit; longer messages keep their full text in the note. */
export const SUBJECT_MAX = 250

/** The template the log modal starts with, where it exists, when the setup names none (setup set template-log). */
export const DEFAULT_TEMPLATE = 'CALL-OUT'

/**
 * The "Log interaction" modal: for a contact (from its card), or with a contact picker (App Home, `/crm log`),
 * or with the contact picker and the message's text and source (the shortcut). The template is picked from
 * the configured ones.
 */
export function logInteractionModal(templates: InteractionTemplateChoice[], contactNo: string | undefined, subject?: string, source?: SlackMessageSource, first = DEFAULT_TEMPLATE): Block {
  const m = messages.modals.log
  return modal(CALLBACK_IDS.logInteraction, m.title, source ? JSON.stringify({ source }) : contactNo ?? '', [
    ...(contactNo ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: m.forContact(contactNo) }] }] : [input(CONTACT_PICKER_BLOCK, m.contact, contactPicker(), false, m.contactHint)]),
    ...(source ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: m.fromMessage(escapeMrkdwn(source.author), source.permalink) }] }] : []),
    input('template', m.template, templates.length ? codePicker(templates, templates.some((t) => t.code === first) ? first : templates[0]!.code) : text(first), false, m.templateHint),
    input('subject', m.subject, text(subject?.slice(0, SUBJECT_MAX))),
    input('date', m.date, { type: 'datepicker' }, true),
    input('duration', m.duration, { type: 'number_input', is_decimal_allowed: false, min_value: '0' }, true),
    input('evaluation', m.evaluation, { type: 'static_select', options: EVALUATIONS.map((e) => ({ text: plain(e), value: e })) }, true),
    input('note', m.note, text(undefined, true), true),
  ])
}

/** The note of an interaction logged from a Slack message: the user's note, the full text if cut, and where it came from. */
export function noteWithSource(note: string | undefined, metadata: string): string | undefined {
  if (!metadata.startsWith('{')) return note
  const { source } = JSON.parse(metadata) as { source?: SlackMessageSource }
  if (!source) return note
  return [note, source.fullText, messages.modals.log.sourceNote(source.author, source.permalink)].filter(Boolean).join(' — ')
}

/** The sales cycles a new opportunity may use, and the setup's default. */
export interface CycleChoices {
  cycles: SalesCycleChoice[]
  defaultCycle: string | null
}

/**
 * The "New opportunity" modal: for a contact (from its card), or with a contact picker (App Home, `/crm opp
 * new`); the sales cycle is picked from the unblocked ones, starting at the setup's default.
 */
export function newOpportunityModal({ cycles, defaultCycle }: CycleChoices, contactNo?: string): Block {
  const m = messages.modals.opp
  const usable = cycles.filter((c) => !c.blocked || c.code === defaultCycle)
  return modal(CALLBACK_IDS.newOpportunity, m.title, contactNo ?? '', [
    contactNo ? { type: 'context', elements: [{ type: 'mrkdwn', text: m.forContact(contactNo) }] } : input(CONTACT_PICKER_BLOCK, m.contact, contactPicker(), false, m.contactHint),
    input('description', m.description, text()),
    // Without any cycle there is nothing to pick; saving then says at the description what the setup lacks.
    ...(usable.length ? [input('cycle', m.cycle, codePicker(usable, defaultCycle), false, m.cycleHint)] : []),
    input('value', m.value, text(), true, m.valueHint),
    input('close-date', m.closeDate, { type: 'datepicker' }, true),
  ])
}

/** The contact fields the new and edit modals offer, by grammar option name. */
export const CONTACT_MODAL_FIELDS = ['email', 'phone', 'mobile', 'job-title', 'city', 'country'] as const

function contactFieldInputs(c?: Contact, typed: Record<string, string> = {}, fields: readonly (typeof CONTACT_MODAL_FIELDS)[number][] = CONTACT_MODAL_FIELDS): Block[] {
  const m = messages.modals.contact
  const initial: Record<(typeof CONTACT_MODAL_FIELDS)[number], string | null | undefined> = { email: c?.email, phone: c?.phone, mobile: c?.mobile, 'job-title': c?.jobTitle, city: c?.city, country: c?.countryCode }
  return fields.map((f) => input(f, m.fields[f], text(typed[f] ?? initial[f]), true))
}

/** A list of possible duplicates with what to do about them, as the new-contact modals show it. */
function duplicatesWarning(duplicates: DuplicateCandidate[]): Block[] {
  const m = messages.modals.contact
  if (!duplicates.length) return []
  return [{ type: 'section', text: { type: 'mrkdwn', text: `:warning: *${m.duplicatesHeading}*\n${duplicates.slice(0, 5).map((d) => `• ${d.score}% ${escapeMrkdwn(d.contact.name)} \`${d.contact.no}\``).join('\n')}\n${m.duplicatesHint}` } }]
}

/** Metadata of a New contact modal whose duplicates the user has seen: saving again creates the contact. */
export const DUPLICATES_SEEN = 'duplicates-seen'

/**
 * The "New contact" modal. Given the possible duplicates of what was typed, it comes back with them listed
 * above the same values, and saving again creates the contact anyway.
 */
export function newContactModal(typed: Record<string, string> = {}, duplicates: DuplicateCandidate[] = []): Block {
  const m = messages.modals.contact
  return modal(CALLBACK_IDS.newContact, m.newTitle, duplicates.length ? DUPLICATES_SEEN : '', [
    ...duplicatesWarning(duplicates),
    input('type', m.type, select(['person', 'company'], typed.type ?? 'person')),
    input('name', m.name, text(typed.name)),
    input('company', m.company, text(typed.company), true, m.companyHint),
    ...contactFieldInputs(undefined, typed),
  ])
}

/** What a review item's modals show about the email being decided, and keep in their private_metadata. */
export interface MailReviewModalItem {
  id: number
  address: string
  name: string | null
  subject: string
  /** Set in "Create contact" once its possible duplicates were shown: saving again creates the contact. */
  duplicatesSeen?: boolean
  /** The response_url of the review list the modal was opened from, so saving can refresh that list. */
  responseUrl?: string
}

/** A review item as a review modal's private_metadata. */
function mailItemMetadata(item: MailReviewModalItem, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ id: item.id, address: item.address, name: item.name, subject: item.subject, ...(item.responseUrl ? { responseUrl: item.responseUrl } : {}), ...extra })
}

function mailItemContext(item: MailReviewModalItem): Block {
  const who = item.address ? messages.mail.item(escapeMrkdwn(item.address), escapeMrkdwn(item.name ?? messages.mail.noName), escapeMrkdwn(item.subject)) : ''
  return { type: 'context', elements: [{ type: 'mrkdwn', text: `${messages.mail.itemId(item.id)} ${who}`.trim().slice(0, 2900) }] }
}

/** "Assign to contact" for a waiting email: a contact picked by name, email or number logs the email on it. */
export function mailAssignModal(item: MailReviewModalItem): Block {
  const m = messages.mail.assignModal
  const picker = { type: 'external_select', min_query_length: 1, placeholder: plain(m.contactPlaceholder) }
  return modal(CALLBACK_IDS.mailAssign, m.title, mailItemMetadata(item), [
    mailItemContext(item),
    input(CONTACT_PICKER_BLOCK, m.contact, picker, false, m.contactHint),
  ])
}

/** The contact fields "Create contact" offers: the email is the participant's address. */
export const MAIL_CONTACT_FIELDS = CONTACT_MODAL_FIELDS.filter((f) => f !== 'email')

/**
 * "Create contact" for a waiting email, with the name the email showed; given possible duplicates it comes
 * back with them listed above what was typed, and saving again creates the contact anyway.
 */
export function mailCreateContactModal(item: MailReviewModalItem, typed: Record<string, string> = {}, duplicates: DuplicateCandidate[] = []): Block {
  const m = messages.modals.contact
  const metadata = mailItemMetadata(item, duplicates.length ? { duplicatesSeen: true } : {})
  return modal(CALLBACK_IDS.mailCreateContact, messages.mail.createModal.title, metadata, [
    ...duplicatesWarning(duplicates),
    mailItemContext(item),
    input('type', m.type, select(['person', 'company'], typed.type ?? 'person')),
    input('name', m.name, text(typed.name ?? item.name ?? item.address.split('@')[0])),
    { type: 'context', elements: [{ type: 'mrkdwn', text: messages.mail.createModal.email(escapeMrkdwn(item.address)) }] },
    input('company', m.company, text(typed.company), true, m.companyHint),
    ...contactFieldInputs(undefined, typed, MAIL_CONTACT_FIELDS),
  ])
}

/** The "Edit contact" modal, filled with the contact's current values; only changed fields are saved. */
export function editContactModal(c: Contact): Block {
  const m = messages.modals.contact
  const initial = { name: c.name, email: c.email, phone: c.phone, mobile: c.mobile, 'job-title': c.jobTitle, city: c.city, country: c.countryCode }
  return modal(CALLBACK_IDS.editContact, m.editTitle(c.no), JSON.stringify({ no: c.no, initial }), [input('name', m.name, text(c.name)), ...contactFieldInputs(c)])
}

/** "Next stage" for an opportunity: an optional quote reference and note. */
export function advanceOpportunityModal(no: string): Block {
  const m = messages.modals.advance
  return modal(CALLBACK_IDS.advanceOpportunity, m.title, no, [
    { type: 'context', elements: [{ type: 'mrkdwn', text: m.forOpportunity(no) }] },
    input('quote', m.quote, text(), true, m.quoteHint),
    input('note', m.note, text(undefined, true), true),
  ])
}

/**
 * Close an opportunity as won or lost, with a close code picked from the configured ones (won and lost codes
 * in groups; core refuses a code of the other outcome, or none, at this field) and a note.
 */
export function closeOpportunityModal(no: string, closeCodes: CloseCode[]): Block {
  const m = messages.modals.close
  const groups = (['won', 'lost'] as const)
    .map((type) => ({ label: plain(m.codeGroups[type]), options: closeCodes.filter((c) => c.type === type).slice(0, OPTIONS_MAX).map((c) => choice(c.code, c.description)) }))
    .filter((g) => g.options.length)
  return modal(CALLBACK_IDS.closeOpportunity, m.title, no, [
    { type: 'context', elements: [{ type: 'mrkdwn', text: m.forOpportunity(no) }] },
    input('outcome', m.outcome, select(['won', 'lost'])),
    input('code', m.code, groups.length ? { type: 'static_select', option_groups: groups } : text(), true, m.codeHint),
    input('note', m.note, text(undefined, true), true),
  ])
}

type StateValue = { type: string; value?: string | null; selected_date?: string | null; selected_option?: { value: string } | null }

/** The submitted values of a modal, by block id (empty inputs left out). */
export function readModalValues(state: { values: Record<string, Record<string, StateValue>> }): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [blockId, actions] of Object.entries(state.values)) {
    const v = actions[INPUT_ACTION]
    const value = v?.value ?? v?.selected_date ?? v?.selected_option?.value
    if (value !== undefined && value !== null && value.trim() !== '') out[blockId] = value.trim()
  }
  return out
}
