import type { MailAckFacts } from '@crm/core'

/** The texts the ingester and the sender write to people (English first; other catalogs can follow the keys). */
export const messages = {
  ack: {
    /** The acknowledgment a team member gets for a message sent to the logging mailbox. */
    render(f: MailAckFacts): { subject: string; text: string } {
      const subject = f.subject?.trim() || '(no subject)'
      const logged = f.contacts.length > 0
      const lines: string[] = []
      if (logged) {
        lines.push(`Your email "${subject}" is logged in the CRM against ${f.contacts.length === 1 ? 'this contact' : `these ${f.contacts.length} contacts`}:`, '')
        f.contacts.forEach((c, i) => lines.push(`  ${c.no}  ${c.name}${f.interactions[i] ? `  (interaction ${f.interactions[i]})` : ''}`))
      } else {
        lines.push(`Your email "${subject}" is not logged: ${f.reason ?? 'no contact matched.'}`)
      }
      if (f.unmatched.length) {
        lines.push('', `No contact has ${f.unmatched.length === 1 ? 'this address' : 'these addresses'}:`, '')
        for (const a of f.unmatched) lines.push(`  ${a}`)
        lines.push('', 'Create the contact, or give the address to an existing contact, and forward the email again to log it.')
      }
      lines.push('', '-- ', 'The CRM logging mailbox. This is an automatic message.')
      return { subject: `${logged ? 'Logged' : 'Not logged'}: ${subject}`, text: lines.join('\n') + '\n' }
    },
  },
  ingest: {
    /** The reason of a message that failed for a reason nobody expected; the reference finds its error in the log. */
    unexpectedError: (ref: string) => `unexpected error (ref ${ref})`,
  },
  sender: {
    started: (host: string, port: number, perMinute: number) => `sending the outbox through ${host}:${port}, at most ${perMinute} per minute`,
    pass: (r: { sent: number; retrying: number; failed: number; released: number; rateLimited: boolean }) =>
      `outbox: ${r.sent} sent, ${r.retrying} to retry, ${r.failed} failed, ${r.released} released${r.rateLimited ? ' (the rate limit is reached; the rest waits)' : ''}`,
  },
}
