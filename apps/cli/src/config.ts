import { userInfo } from 'node:os'
import { DEFAULT_FREE_MAIL_DOMAINS } from '@crm/core'
import { DEFAULT_DATABASE_URL } from '@crm/db'
import type { IngestSettings } from '@crm/mail-ingest'

/** The CLI's settings, read from the environment in this one place. */
export interface CliConfig {
  databaseUrl: string
  actorId: string
  actorSalesperson: string | undefined
  debug: boolean
  mail: IngestSettings
}

function list(value: string | undefined): string[] {
  return (value ?? '').split(/[\s,;]+/).map((v) => v.trim().toLowerCase()).filter(Boolean)
}

/** Reads the CLI settings; `--db` on the command line wins over DATABASE_URL. */
export function readCliConfig(env: NodeJS.ProcessEnv, dbFlag: string | undefined): CliConfig {
  let user = 'user'
  try {
    user = userInfo().username
  } catch {
    // Containers without a passwd entry: keep the neutral name.
  }
  return {
    databaseUrl: dbFlag ?? (env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL),
    actorId: `cli:${env.CRM_ACTOR?.trim() || user}`,
    actorSalesperson: env.CRM_ACTOR?.trim().toUpperCase() || undefined,
    debug: env.CRM_DEBUG === '1',
    mail: {
      authservIds: list(env.MAIL_AUTHSERV_IDS),
      teamDomains: list(env.MAIL_TEAM_DOMAINS),
      ownAddresses: list(env.MAIL_OWN_ADDRESSES),
      freeMailDomains: env.MAIL_FREE_DOMAINS === undefined ? [...DEFAULT_FREE_MAIL_DOMAINS] : list(env.MAIL_FREE_DOMAINS),
      ack: /^(on|true|1|yes)$/i.test(env.MAIL_ACK?.trim() ?? ''),
      // The ingester checks this strictly at start; here a value that is not a count means no excerpt.
      excerptChars: Math.min(2000, Math.max(0, Math.floor(Number(env.MAIL_EXCERPT_CHARS ?? 0)) || 0)),
    },
  }
}
