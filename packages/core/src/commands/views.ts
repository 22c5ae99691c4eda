import type { ContactDetails, SearchContactsResult } from '../contacts/read.ts'
import type { Contact } from '../contacts/contact.ts'
import type { DuplicateCandidate } from '../contacts/duplicates.ts'

export interface Column {
  key: string
  label: string
  align?: 'left' | 'right'
}

/**
 * What a command returns: a structured view that each door renders its own way (text in the shell, Block Kit
 * in Slack). `data` is the stable machine-readable payload printed by `--json`.
 */
export type ResultView =
  | { kind: 'contact'; title: string; details: ContactDetails; duplicates: DuplicateCandidate[]; notice?: string; data: unknown }
  | { kind: 'contact-list'; title: string; result: SearchContactsResult; data: unknown }
  | { kind: 'duplicates'; title: string; contact: Contact; duplicates: DuplicateCandidate[]; threshold: number; data: unknown }
  | { kind: 'table'; title: string; columns: Column[]; rows: Array<Record<string, string | number | boolean | null>>; footer?: string; data: unknown }
  | { kind: 'record'; title: string; fields: Array<[string, string | number | boolean | null]>; data: unknown }
  | { kind: 'message'; title: string; text: string; data: unknown }
  | { kind: 'document'; title: string; text: string; data: unknown }
  | { kind: 'help'; title: string; sections: Array<{ heading?: string; lines: string[] }>; data: unknown }

/** A short confirmation or information message. */
export function messageView(text: string, data: unknown = { message: text }): ResultView {
  return { kind: 'message', title: text, text, data }
}
