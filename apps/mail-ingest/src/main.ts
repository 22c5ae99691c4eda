import { createCoreDeps } from '@crm/core'
import { openDatabase } from '@crm/db'
import { readMailIngestConfig } from './config.ts'
import { ImapLoginError, runIngester } from './run-ingester.ts'

/**
 * Starts the ingester: validate the settings (exit 1 listing every problem), open the database, then work the
 * mailbox while holding its lock (standby otherwise), reconnecting with backoff.
 */
async function start(): Promise<number> {
  const { config, problems } = readMailIngestConfig(process.env)
  if (!config) {
    for (const p of problems) console.error(`mail-ingest: ${p}`)
    return 1
  }
  let database
  try {
    database = await openDatabase(config.databaseUrl)
  } catch (error) {
    console.error(`mail-ingest: cannot open the database: ${(error as Error).message}`)
    return 1
  }
  const logger = {
    debug: () => {},
    info: (o: object) => console.log(JSON.stringify(o)),
    warn: (o: object) => console.warn(JSON.stringify(o)),
    error: (o: object) => console.error(JSON.stringify(o)),
  }
  const deps = createCoreDeps(database, { logger })
  const stop = new AbortController()
  process.once('SIGINT', () => stop.abort())
  process.once('SIGTERM', () => stop.abort())
  try {
    await runIngester(database, deps, config.imap, config.ingest, stop.signal, { standbySeconds: config.standbySeconds })
  } catch (error) {
    if (error instanceof ImapLoginError) {
      const how = config.imap.accessToken || config.imap.accessTokenFile ? ' (XOAUTH2)' : ''
      console.error(`mail-ingest: cannot log in to ${config.imap.host}:${config.imap.port} as ${config.imap.user}${how}: ${error.message}`)
      return 1
    }
    // The database or a bug stopped it: say so and exit; the supervisor restarts us.
    const e = error as { message?: string; code?: string }
    console.error(`mail-ingest: stopped: ${e.message ?? String(error)}${e.code ? ` (${e.code})` : ''}`)
    if (config.debug) console.error(error)
    return 2
  } finally {
    await database.close()
  }
  return 0
}

if (import.meta.main) {
  // `npm start -w @crm/mail-ingest` runs in apps/mail-ingest: relative paths (the default ./data/crm.sqlite,
  // IMAP_ACCESS_TOKEN_FILE) mean where npm was run.
  if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD)
  process.exitCode = await start()
}
