import type { SendPolicy } from '@crm/core'

/** Where and as whom outgoing mail is sent. */
export interface SmtpSettings {
  host: string
  port: number
  secure: boolean
  user: string | undefined
  password: string | undefined
  from: string
}

/** The outbox sender's settings: the SMTP server and the pacing. */
export interface SenderConfig {
  smtp: SmtpSettings
  policy: Required<Pick<SendPolicy, 'perMinute' | 'maxAttempts' | 'backoffSeconds' | 'leaseSeconds'>>
  /** Seconds between looks at the outbox when nothing is due sooner. */
  pollSeconds: number
}

const ADDRESS = /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/

/** The address inside MAIL_FROM ("CRM <crm@example.com>" or crm@example.com), or undefined. */
function addressOf(from: string): string | undefined {
  const inner = /<([^>]+)>\s*$/.exec(from)?.[1] ?? from
  return ADDRESS.test(inner.trim()) ? inner.trim() : undefined
}

/** Reads on/off settings (on, off, true, false, 1, 0, yes, no). */
export function readSwitch(env: NodeJS.ProcessEnv, key: string, fallback: boolean, problems: string[]): boolean {
  const text = env[key]?.trim().toLowerCase()
  if (!text) return fallback
  if (['on', 'true', '1', 'yes'].includes(text)) return true
  if (['off', 'false', '0', 'no'].includes(text)) return false
  problems.push(`${key} is on or off, not "${env[key]}".`)
  return fallback
}

function readNumber(env: NodeJS.ProcessEnv, key: string, fallback: number, min: number, max: number, unit: string, problems: string[]): number {
  const text = env[key]?.trim()
  if (!text) return fallback
  const n = Number(text)
  if (!/^\d+$/.test(text) || n < min || n > max) problems.push(`${key} is a whole number of ${unit} from ${min} to ${max}, not "${env[key]}". Example: ${key}=${fallback}`)
  return n
}

/** Reads and validates the SMTP and sender settings; returns every problem at once. */
export function readSenderConfig(env: NodeJS.ProcessEnv): { config: SenderConfig; problems: [] } | { config: undefined; problems: string[] } {
  const problems: string[] = []
  const host = env.SMTP_HOST?.trim() ?? ''
  if (!host) problems.push('SMTP_HOST is required: the server outgoing mail is sent through. Example: SMTP_HOST=smtp.example.com')
  const secure = readSwitch(env, 'SMTP_SECURE', false, problems)
  const portText = env.SMTP_PORT?.trim() || (secure ? '465' : '587')
  const port = Number(portText)
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) problems.push(`SMTP_PORT is a port number (1-65535), not "${portText}". Example: SMTP_PORT=587`)
  const user = env.SMTP_USER?.trim() || undefined
  const password = env.SMTP_PASSWORD || undefined
  if (user && !password) problems.push('SMTP_PASSWORD is required when SMTP_USER is set.')
  if (password && !user) problems.push('SMTP_USER is required when SMTP_PASSWORD is set.')
  const from = env.MAIL_FROM?.trim() ?? ''
  if (!from) problems.push('MAIL_FROM is required: the sender of outgoing mail. Example: MAIL_FROM="CRM <crm@example.com>"')
  else if (!addressOf(from)) problems.push(`MAIL_FROM is not an email address: "${from}". Example: MAIL_FROM="CRM <crm@example.com>"`)
  const perMinute = readNumber(env, 'MAIL_SEND_PER_MINUTE', 60, 1, 100_000, 'emails', problems)
  const maxAttempts = readNumber(env, 'MAIL_SEND_MAX_ATTEMPTS', 5, 1, 100, 'attempts', problems)
  const backoffSeconds = readNumber(env, 'MAIL_SEND_BACKOFF_SECONDS', 60, 0, 86_400, 'seconds', problems)
  const leaseSeconds = readNumber(env, 'MAIL_SEND_LEASE_SECONDS', 300, 30, 86_400, 'seconds', problems)
  const pollSeconds = readNumber(env, 'MAIL_SEND_POLL_SECONDS', 30, 1, 3600, 'seconds', problems)
  if (problems.length) return { config: undefined, problems }
  return { problems: [], config: { smtp: { host, port, secure, user, password, from }, policy: { perMinute, maxAttempts, backoffSeconds, leaseSeconds }, pollSeconds } }
}
