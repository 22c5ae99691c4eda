import { readFileSync } from 'node:fs'
import { DEFAULT_FREE_MAIL_DOMAINS } from '@crm/core'
import { DEFAULT_DATABASE_URL } from '@crm/db'
import { DEFAULT_FOLDERS, type ImapSettings } from './imap-source.ts'
import type { IngestSettings } from './ingest-message.ts'
import { readSwitch } from './smtp-config.ts'

/** The ingester's settings, read from the environment in this one place. */
export interface MailIngestConfig {
  databaseUrl: string
  /** CRM_DEBUG=1: print the stack of an error that stops the ingester. */
  debug: boolean
  imap: ImapSettings
  ingest: IngestSettings
  /** Seconds between a standby ingester's tries to take over the mailbox (MAIL_STANDBY_SECONDS). */
  standbySeconds: number
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
  const accessToken = env.IMAP_ACCESS_TOKEN?.trim() || undefined
  const accessTokenFile = env.IMAP_ACCESS_TOKEN_FILE?.trim() || undefined
  const secrets = [password && 'IMAP_PASSWORD', accessToken && 'IMAP_ACCESS_TOKEN', accessTokenFile && 'IMAP_ACCESS_TOKEN_FILE'].filter(Boolean)
  if (secrets.length === 0) problems.push('IMAP_PASSWORD is required, or IMAP_ACCESS_TOKEN (an OAuth2 access token for XOAUTH2, e.g. for Gmail or Microsoft 365) or IMAP_ACCESS_TOKEN_FILE (a file holding one, read at every login).')
  if (secrets.length > 1) problems.push(`Give one way to log in to IMAP, not ${secrets.join(' and ')}.`)
  if (accessTokenFile) {
    try {
      if (!readFileSync(accessTokenFile, 'utf8').trim()) problems.push(`IMAP_ACCESS_TOKEN_FILE: ${accessTokenFile} is empty; it should hold the access token.`)
    } catch (error) {
      problems.push(`IMAP_ACCESS_TOKEN_FILE: cannot read ${accessTokenFile} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`)
    }
  }
  const secureText = (env.IMAP_SECURE ?? 'true').trim().toLowerCase()
  if (!['true', 'false', '1', '0'].includes(secureText)) problems.push(`IMAP_SECURE is true or false, not "${env.IMAP_SECURE}".`)
  const secure = secureText === 'true' || secureText === '1'
  const portText = env.IMAP_PORT?.trim() || (secure ? '993' : '143')
  const port = Number(portText)
  if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`IMAP_PORT is a port number (1-65535), not "${portText}".`)
  const pollText = env.IMAP_POLL_SECONDS?.trim() || '60'
  const pollSeconds = Number(pollText)
  if (!Number.isFinite(pollSeconds) || pollSeconds < 1) problems.push(`IMAP_POLL_SECONDS is a number of seconds from 1, not "${pollText}".`)
  const mailbox = env.IMAP_MAILBOX?.trim() || 'INBOX'
  const folders = {
    processed: env.IMAP_PROCESSED_FOLDER?.trim() || DEFAULT_FOLDERS.processed,
    unmatched: env.IMAP_UNMATCHED_FOLDER?.trim() || DEFAULT_FOLDERS.unmatched,
    rejected: env.IMAP_REJECTED_FOLDER?.trim() || DEFAULT_FOLDERS.rejected,
  }
  for (const [key, folder] of [['IMAP_PROCESSED_FOLDER', folders.processed], ['IMAP_UNMATCHED_FOLDER', folders.unmatched], ['IMAP_REJECTED_FOLDER', folders.rejected]] as const) {
    // A message moved into the folder being watched would be read again forever.
    if (folder.toLowerCase() === mailbox.toLowerCase()) problems.push(`${key} is "${folder}", the folder being watched (IMAP_MAILBOX); give another folder, e.g. ${key}=CRM/${key.split('_')[1]![0]}${key.split('_')[1]!.slice(1).toLowerCase()}.`)
  }
  const standbyText = env.MAIL_STANDBY_SECONDS?.trim() || '5'
  const standbySeconds = Number(standbyText)
  if (!Number.isFinite(standbySeconds) || standbySeconds < 0.1 || standbySeconds > 3600) problems.push(`MAIL_STANDBY_SECONDS is a number of seconds (0.1-3600), not "${standbyText}".`)
  const excerptText = env.MAIL_EXCERPT_CHARS?.trim() || '0'
  const excerptChars = Number(excerptText)
  if (!Number.isInteger(excerptChars) || excerptChars < 0 || excerptChars > 2000) problems.push(`MAIL_EXCERPT_CHARS is a whole number of characters from 0 (no excerpt) to 2000, not "${excerptText}".`)
  const authservIds = list(env.MAIL_AUTHSERV_IDS)
  if (authservIds.length === 0) problems.push('MAIL_AUTHSERV_IDS is required: the authserv-id of your receiving server, whose Authentication-Results are trusted (e.g. MAIL_AUTHSERV_IDS=mx.google.com; microsoft365 for a mailbox in Exchange Online).')
  for (const id of authservIds) if (!/^[\p{L}\p{N}._-]+$/u.test(id)) problems.push(`MAIL_AUTHSERV_IDS: "${id}" is not an authserv-id (a host name such as mx.example.com, or microsoft365).`)
  for (const d of list(env.MAIL_TEAM_DOMAINS)) if (!/^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$/u.test(d)) problems.push(`MAIL_TEAM_DOMAINS: "${d}" is not a domain.`)
  const ack = readSwitch(env, 'MAIL_ACK', false, problems)
  if (problems.length) return { config: undefined, problems }
  return {
    problems: [],
    config: {
      databaseUrl: env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL,
      debug: env.CRM_DEBUG === '1',
      imap: { host, port, secure, user, password, ...(accessToken ? { accessToken } : {}), ...(accessTokenFile ? { accessTokenFile } : {}), mailbox, pollSeconds, folders },
      standbySeconds,
      ingest: {
        authservIds,
        teamDomains: list(env.MAIL_TEAM_DOMAINS),
        ownAddresses: list(env.MAIL_OWN_ADDRESSES),
        freeMailDomains: env.MAIL_FREE_DOMAINS === undefined ? [...DEFAULT_FREE_MAIL_DOMAINS] : list(env.MAIL_FREE_DOMAINS),
        ack,
        excerptChars,
      },
    },
  }
}
