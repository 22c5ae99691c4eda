import { DEFAULT_FREE_MAIL_DOMAINS } from '@crm/core'
import { DEFAULT_DATABASE_URL } from '@crm/db'
import type { ImapSettings } from './imap-source.ts'
import type { IngestSettings } from './ingest-message.ts'
import { readSwitch } from './smtp-config.ts'

/** The ingester's settings, read from the environment in this one place. */
export interface MailIngestConfig {
  databaseUrl: string
  /** CRM_DEBUG=1: print the stack of an error that stops the ingester. */
  debug: boolean
  imap: ImapSettings
  ingest: IngestSettings
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,;]+/).map((v) => v.trim().toLowerCase()).filter(Boolean)
}

/** Reads and validates the environment; returns every problem at once instead of stopping at the first. */
export function readMailIngestConfig(env: NodeJS.ProcessEnv): { config: MailIngestConfig; problems: [] } | { config: undefined; problems: string[] } {
  const problems: string[] = []
  const required = (key: string) => {
    const v = env[key]?.trim()
    if (!v) problems.push(`${key} is required.`)
    return v ?? ''
  }
  const host = required('IMAP_HOST')
  const user = required('IMAP_USER')
  const password = env.IMAP_PASSWORD ?? ''
  if (!password) problems.push('IMAP_PASSWORD is required.')
  const secureText = (env.IMAP_SECURE ?? 'true').trim().toLowerCase()
  if (!['true', 'false', '1', '0'].includes(secureText)) problems.push(`IMAP_SECURE is true or false, not "${env.IMAP_SECURE}".`)
  const secure = secureText === 'true' || secureText === '1'
  const portText = env.IMAP_PORT?.trim() || (secure ? '993' : '143')
  const port = Number(portText)
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`IMAP_PORT is a port number (1-65535), not "${portText}".`)
  const pollText = env.IMAP_POLL_SECONDS?.trim() || '60'
  const pollSeconds = Number(pollText)
  if (!Number.isFinite(pollSeconds) || pollSeconds < 1) problems.push(`IMAP_POLL_SECONDS is a number of seconds from 1, not "${pollText}".`)
  const authservIds = list(env.MAIL_AUTHSERV_IDS)
  if (authservIds.length === 0) problems.push('MAIL_AUTHSERV_IDS is required: the authserv-id of your receiving server, whose Authentication-Results are trusted.')
  for (const d of list(env.MAIL_TEAM_DOMAINS)) if (!/^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$/u.test(d)) problems.push(`MAIL_TEAM_DOMAINS: "${d}" is not a domain.`)
  const ack = readSwitch(env, 'MAIL_ACK', false, problems)
  if (problems.length) return { config: undefined, problems }
  return {
    problems: [],
    config: {
      databaseUrl: env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL,
      debug: env.CRM_DEBUG === '1',
      imap: { host, port, secure, user, password, mailbox: env.IMAP_MAILBOX?.trim() || 'INBOX', pollSeconds },
      ingest: {
        authservIds,
        teamDomains: list(env.MAIL_TEAM_DOMAINS),
        ownAddresses: list(env.MAIL_OWN_ADDRESSES),
        freeMailDomains: env.MAIL_FREE_DOMAINS === undefined ? [...DEFAULT_FREE_MAIL_DOMAINS] : list(env.MAIL_FREE_DOMAINS),
        ack,
      },
    },
  }
}
