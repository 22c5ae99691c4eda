import { relative } from 'node:path'
import { DomainError, listOutbox, OUTBOX_STATUSES, sendQueuedEmails, type CommandSpec } from '@crm/core'
import { createSmtpTransport, ingestOrReject, iterateMailPath, MailPathError, readSenderConfig, type IngestSettings } from '@crm/mail-ingest'
import { messages } from '../messages.ts'

/**
 * `crm mail ingest PATH` logs .eml files, a folder of them or an mbox; `crm mail outbox` lists the outgoing mail
 * and `crm mail send-outbox` sends what is due. Settings come from the environment.
 */
export function createMailCommands(settings: IngestSettings, env: NodeJS.ProcessEnv): CommandSpec[] {
  return [
    {
      path: ['mail', 'ingest'],
      summary: 'Log email from an .eml file, a folder of .eml files or an mbox against the matching contacts',
      args: [{ name: 'path', description: 'an .eml file, a folder of .eml files, or an mbox file', required: true }],
      options: [],
      examples: ['crm mail ingest forwarded.eml', 'crm mail ingest ./exported-mail/', 'crm mail ingest Sent.mbox --json'],
      notes: [
        'Outcomes: logged, already-logged (the same message again: nothing new), unmatched, rejected (not from a team member or not authenticated), ignored (auto-reply, bounce, list mail), invalid.',
        'Settings: MAIL_AUTHSERV_IDS, MAIL_TEAM_DOMAINS, MAIL_OWN_ADDRESSES, MAIL_FREE_DOMAINS (see README).',
      ],
      access: 'admin',
      async run(ctx, input) {
        const path = input.args.path!
        const results = []
        // One message in memory at a time: an mbox is read in chunks as it is ingested.
        const files = iterateMailPath(path)
        for (;;) {
          let next
          try {
            next = files.next()
          } catch (error) {
            if (error instanceof MailPathError) throw new DomainError('MAIL_PATH_UNREADABLE', error.message, { field: 'path' })
            throw error
          }
          if (next.done) break
          const f = next.value
          // A message that breaks something unexpected ends invalid (with a reference to the log) and the rest go on;
          // a database that is down stops the run.
          const r = await ingestOrReject(ctx.deps, settings, { file: f.file, source: f.raw, internalDate: undefined }, ctx.deps.logger)
          results.push({ file: relative(process.cwd(), f.file) || f.file, outcome: r.outcome, kind: r.kind, direction: r.direction, subject: r.subject, contacts: r.contacts, interactions: r.interactions, externalRef: r.externalRef, unmatched: r.unmatched, reason: r.reason })
        }
        const counts: Record<string, number> = {}
        for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1
        const summary = Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ')
        return {
          kind: 'table',
          title: `${results.length} message(s): ${summary}`,
          columns: [
            { key: 'file', label: 'File' },
            { key: 'outcome', label: 'Outcome' },
            { key: 'contacts', label: 'Contacts' },
            { key: 'interactions', label: 'Interactions' },
            { key: 'reason', label: 'Reason' },
          ],
          rows: results.map((r) => ({ file: r.file, outcome: r.outcome, contacts: r.contacts.join(' '), interactions: r.interactions.join(' '), reason: r.reason ?? (r.subject ? `${r.kind}, ${r.direction}: ${r.subject}` : '') })),
          data: { messages: results, counts },
        }
      },
    },
    {
      path: ['mail', 'outbox'],
      summary: 'List outgoing mail (segment emails and acknowledgments) with its delivery status',
      args: [],
      options: [
        { name: 'status', type: 'list', description: `only these statuses: ${OUTBOX_STATUSES.join(', ')}`, placeholder: 'status' },
        { name: 'limit', type: 'int', description: 'at most this many rows, newest first (default 50)' },
      ],
      examples: ['crm mail outbox', 'crm mail outbox --status failed', 'crm mail outbox --status queued,sending --json'],
      notes: ['A failed row shows the SMTP server\'s answer. Rows are sent by npm start (when SMTP_HOST and MAIL_FROM are set) or by crm mail send-outbox.'],
      access: 'read',
      async run(ctx, input) {
        const statuses = (input.options.status as string[] | undefined) ?? []
        const limit = (input.options.limit as number | undefined) ?? 50
        const { counts, items } = await listOutbox(ctx.deps, { statuses, limit })
        return {
          kind: 'table',
          title: messages.mail.outboxTitle(counts, items.length),
          columns: [
            { key: 'id', label: 'Id', align: 'right' },
            { key: 'status', label: 'Status' },
            { key: 'kind', label: 'Kind' },
            { key: 'to', label: 'To' },
            { key: 'subject', label: 'Subject' },
            { key: 'attempts', label: 'Attempts', align: 'right' },
            { key: 'when', label: 'Sent / next try' },
            { key: 'error', label: 'Error' },
          ],
          rows: items.map((i) => ({ id: i.id, status: i.status, kind: i.kind, to: i.to, subject: i.subject, attempts: i.attempts, when: i.sentAt ?? i.nextAttemptAt ?? '', error: i.error ?? '' })),
          data: { counts, items },
        }
      },
    },
    {
      path: ['mail', 'send-outbox'],
      summary: 'Send the queued outgoing mail that is due now, within the per-minute limit',
      args: [],
      options: [],
      examples: ['crm mail send-outbox', 'crm mail send-outbox --json'],
      notes: [
        'Settings: SMTP_HOST, SMTP_PORT, SMTP_SECURE, SMTP_USER, SMTP_PASSWORD, MAIL_FROM, MAIL_SEND_PER_MINUTE, MAIL_SEND_MAX_ATTEMPTS, MAIL_SEND_BACKOFF_SECONDS, MAIL_SEND_LEASE_SECONDS (see README).',
        'Safe next to a running npm start: each email is claimed by one sender only.',
      ],
      access: 'admin',
      async run(ctx) {
        const { config, problems } = readSenderConfig(env)
        if (!config) throw new DomainError('SMTP_NOT_CONFIGURED', messages.mail.senderNotConfigured(problems))
        const transport = createSmtpTransport(config.smtp)
        try {
          const r = await sendQueuedEmails(ctx.deps, transport, config.policy)
          return { kind: 'message', title: messages.mail.sent(r), text: messages.mail.sent(r), data: r }
        } finally {
          transport.close()
        }
      },
    },
  ]
}
