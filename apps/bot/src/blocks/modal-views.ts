import { EVALUATIONS } from '@crm/core'
import { CALLBACK_IDS } from '../ids.ts'
import { messages } from '../messages.ts'
import type { Block } from './result-blocks.ts'

/** The one action id of every modal input; the block id is the grammar's option name. */
export const INPUT_ACTION = 'value'

const plain = (text: string) => ({ type: 'plain_text', text, emoji: true })

function input(blockId: string, label: string, element: Block, optional = false, hint?: string): Block {
  return { type: 'input', block_id: blockId, label: plain(label), element: { ...element, action_id: INPUT_ACTION }, optional, ...(hint ? { hint: plain(hint) } : {}) }
}

const text = (initial?: string, multiline = false): Block => ({ type: 'plain_text_input', multiline, ...(initial ? { initial_value: initial } : {}) })

function modal(callbackId: string, title: string, metadata: string, blocks: Block[]): Block {
  return { type: 'modal', callback_id: callbackId, private_metadata: metadata, title: plain(title), submit: plain(messages.modals.submit), close: plain(messages.modals.cancel), blocks }
}

/** The "Log interaction" modal for a contact (or with a contact field, from a message shortcut). */
export function logInteractionModal(contactNo: string | undefined, subject?: string): Block {
  const m = messages.modals.log
  return modal(CALLBACK_IDS.logInteraction, m.title, contactNo ?? '', [
    ...(contactNo ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: m.forContact(contactNo) }] }] : [input('contact', m.contact, text(), false, m.contactHint)]),
    input('template', m.template, text('CALL-OUT'), false, m.templateHint),
    input('subject', m.subject, text(subject?.slice(0, 250))),
    input('date', m.date, { type: 'datepicker' }, true),
    input('duration', m.duration, { type: 'number_input', is_decimal_allowed: false, min_value: '0' }, true),
    input('evaluation', m.evaluation, { type: 'static_select', options: EVALUATIONS.map((e) => ({ text: plain(e), value: e })) }, true),
    input('note', m.note, text(undefined, true), true),
  ])
}

/** The "New opportunity" modal for a contact. */
export function newOpportunityModal(contactNo: string): Block {
  const m = messages.modals.opp
  return modal(CALLBACK_IDS.newOpportunity, m.title, contactNo, [
    { type: 'context', elements: [{ type: 'mrkdwn', text: m.forContact(contactNo) }] },
    input('description', m.description, text()),
    input('value', m.value, text(), true, m.valueHint),
    input('close-date', m.closeDate, { type: 'datepicker' }, true),
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
