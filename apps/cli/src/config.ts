import { userInfo } from 'node:os'
import { DEFAULT_DATABASE_URL } from '@crm/db'

/** The CLI's settings, read from the environment in this one place. */
export interface CliConfig {
  databaseUrl: string
  actorId: string
  actorSalesperson: string | undefined
  debug: boolean
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
  }
}
