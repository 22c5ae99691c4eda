import { relative } from 'node:path'
import { DomainError, type CommandSpec } from '@crm/core'
import { ingestMessage, MailPathError, readMailPath, type IngestSettings } from '@crm/mail-ingest'

/** `crm mail ingest PATH`: logs .eml files, a folder of them or an mbox, with the mail settings from the environment. */
export function createMailCommands(settings: IngestSettings): CommandSpec[] {
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
        let files
        try {
          files = readMailPath(path)
        } catch (error) {
          if (error instanceof MailPathError) throw new DomainError('MAIL_PATH_UNREADABLE', error.message, { field: 'path' })
          throw error
        }
        const results = []
        for (const f of files) {
          const r = await ingestMessage(ctx.deps, settings, f.raw)
          results.push({ file: relative(process.cwd(), f.file) || f.file, outcome: r.outcome, kind: r.kind, direction: r.direction, subject: r.subject, contacts: r.contacts, interactions: r.interactions, externalRef: r.externalRef, reason: r.reason })
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
  ]
}
