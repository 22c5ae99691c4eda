import { assignMailReview, createContactFromMailReview, dismissMailReview, listMailReview, type MailReviewItem, type MailReviewResult } from '../mail/review.ts'
import { invalidField } from '../errors.ts'
import { FIELD_OPTIONS, fieldsFrom } from './contact-commands.ts'
import type { CommandSpec } from './spec.ts'
import { messageView, type ResultView } from './views.ts'

function itemData(i: MailReviewItem) {
  return { id: i.id, address: i.address, name: i.name, direction: i.direction, subject: i.subject, occurredAt: i.occurredAt, salespersonCode: i.salespersonCode, loggedBy: i.loggedBy, externalRef: i.externalRef, status: i.status, contactNo: i.contactNo, interactionNo: i.interactionNo }
}

function resultView(r: MailReviewResult, text: string): ResultView {
  return messageView(text, { item: itemData(r.item), interactionNo: r.interaction?.no ?? null, alreadyLogged: r.alreadyLogged, ...(r.createdContactNo ? { createdContactNo: r.createdContactNo } : {}) })
}

/** The review list of email participants no contact matched: list, assign, create the contact, dismiss. */
export const mailReviewCommands: readonly CommandSpec[] = [
  {
    path: ['mail', 'unmatched'],
    summary: 'List email participants that matched no contact and wait for a decision',
    args: [],
    options: [{ name: 'all', type: 'bool', description: 'also show handled items (assigned, created, dismissed)' }],
    examples: ['mail unmatched', 'mail unmatched --json'],
    notes: ['Decide each one with: mail assign <id> <contact>, mail create-contact <id> [fields], or mail dismiss <id>.'],
    access: 'read',
    async run(ctx, input) {
      const items = await listMailReview(ctx.deps, { all: input.options.all === true })
      const waiting = items.filter((i) => i.status === 'waiting').length
      return {
        kind: 'table',
        title: items.length === 0 ? 'No email participant is waiting for review.' : `${waiting} participant(s) waiting for review${input.options.all ? ` (${items.length} in all)` : ''}`,
        columns: [
          { key: 'id', label: 'Id', align: 'right' },
          { key: 'address', label: 'Address' },
          { key: 'name', label: 'Name' },
          { key: 'when', label: 'Date' },
          { key: 'direction', label: 'Flow' },
          { key: 'subject', label: 'Subject' },
          { key: 'by', label: 'Logged by' },
          ...(input.options.all ? [{ key: 'status', label: 'Status' }] : []),
        ],
        rows: items.map((i) => ({
          id: i.id, address: i.address, name: i.name ?? '', when: i.occurredAt.slice(0, 16).replace('T', ' '), direction: i.direction,
          subject: i.subject, by: i.salespersonCode ?? i.loggedBy ?? '', status: i.status === 'waiting' ? 'waiting' : `${i.status}${i.contactNo ? ` ${i.contactNo}` : ''}`,
        })),
        data: { items: items.map(itemData) },
      }
    },
  },
  {
    path: ['mail', 'assign'],
    summary: 'Log a waiting email on an existing contact',
    args: [
      { name: 'id', description: 'the review item id from "mail unmatched"', required: true },
      { name: 'contact', description: 'contact number, e.g. CT000002', required: true },
    ],
    options: [],
    examples: ['mail assign 12 CT000002'],
    access: 'write',
    async run(ctx, input) {
      const r = await assignMailReview(ctx.deps, ctx.actor, input.args.id!, input.args.contact!)
      const text = r.alreadyLogged
        ? `${r.item.contactNo} already had this email (${r.interaction!.no}); review item ${r.item.id} is closed.`
        : `Logged "${r.item.subject}" on ${r.item.contactNo} as ${r.interaction!.no}; review item ${r.item.id} is closed.`
      return resultView(r, text)
    },
  },
  {
    path: ['mail', 'create-contact'],
    summary: 'Create a contact for a waiting email participant and log the email on it',
    args: [{ name: 'id', description: 'the review item id from "mail unmatched"', required: true }],
    options: [
      { name: 'type', type: 'string', description: 'person (default) or company' },
      { name: 'name', type: 'string', description: 'the full name (default: the name the email shows, else the address)' },
      { name: 'company', type: 'string', description: 'number of the company a person belongs to' },
      ...FIELD_OPTIONS.filter((o) => o.name !== 'email'),
    ],
    examples: ['mail create-contact 12', 'mail create-contact 12 --name "Jón Jónsson" --company CT000001 --job-title Skipper'],
    notes: ['The participant\'s address becomes the contact\'s email.'],
    access: 'write',
    async run(ctx, input) {
      const type = ((input.options.type as string | undefined) ?? 'person').trim().toLowerCase()
      if (type !== 'person' && type !== 'company') {
        throw invalidField('type', `--type is person or company, not "${input.options.type}".`, `mail create-contact ${input.args.id} --type company`)
      }
      const draft = { ...fieldsFrom(input), type: type as 'person' | 'company', ...(input.options.company ? { companyNo: input.options.company as string } : {}) }
      const r = await createContactFromMailReview(ctx.deps, ctx.actor, input.args.id!, draft)
      return resultView(r, `Created ${r.createdContactNo} (${r.item.address}) and logged "${r.item.subject}" on it as ${r.interaction!.no}; review item ${r.item.id} is closed.`)
    },
  },
  {
    path: ['mail', 'dismiss'],
    summary: 'Close a waiting email participant without logging anything',
    args: [{ name: 'id', description: 'the review item id from "mail unmatched"', required: true }],
    options: [],
    examples: ['mail dismiss 12'],
    access: 'write',
    async run(ctx, input) {
      const r = await dismissMailReview(ctx.deps, ctx.actor, input.args.id!)
      return resultView(r, `Dismissed review item ${r.item.id} (${r.item.address}); nothing was logged.`)
    },
  },
]
