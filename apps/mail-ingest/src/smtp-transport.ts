import { MailSendError, type MailTransport } from '@crm/core'
import { createTransport } from 'nodemailer'
import type { SmtpSettings } from './smtp-config.ts'

/** core's MailTransport over SMTP with nodemailer, plus close() to end its connections. */
export interface SmtpTransport extends MailTransport {
  close(): void
}

/**
 * Sends through the configured SMTP server (one pooled connection, STARTTLS when the server offers it). An
 * SMTP 5xx answer is a permanent failure; timeouts, refused connections and 4xx answers are tried again later.
 * Timeouts stay well under the outbox lease, so a row is never taken over while its send is still running.
 */
export function createSmtpTransport(smtp: SmtpSettings): SmtpTransport {
  const transport = createTransport({
    pool: true,
    maxConnections: 1,
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    ...(smtp.user ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
    logger: false,
  })
  return {
    async send(mail) {
      try {
        await transport.sendMail({ from: smtp.from, to: mail.to, subject: mail.subject, text: mail.text, ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo, references: mail.inReplyTo } : {}) })
      } catch (error) {
        const e = error as { message?: string; responseCode?: number; response?: string; code?: string }
        const code = typeof e.responseCode === 'number' ? e.responseCode : undefined
        const text = e.response ? `${e.response}` : `${e.message ?? String(error)}${e.code ? ` (${e.code})` : ''}`
        throw new MailSendError(text, code !== undefined && code >= 500)
      }
    },
    close() {
      transport.close()
    },
  }
}
