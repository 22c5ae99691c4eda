import { createCoreDeps } from '@crm/core'
import { openDatabase } from '@crm/db'
import { readMailIngestConfig } from './config.ts'
import { connectImap, runImapIngest } from './imap-source.ts'

/** Starts the ingester: validate the settings (exit 1 listing every problem), open the database, watch the mailbox. */
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
  let client
  try {
    client = await connectImap(config.imap)
  } catch (error) {
    console.error(`mail-ingest: cannot log in to ${config.imap.host}:${config.imap.port} as ${config.imap.user}: ${(error as Error).message}`)
    await database.close()
    return 1
  }
  try {
    await runImapIngest(client, deps, config.ingest, config.imap, stop.signal)
  } catch (error) {
    // The connection dropped or the server refused a command: say so and exit; the supervisor restarts us.
    const e = error as { message?: string; responseText?: string; code?: string }
    console.error(`mail-ingest: stopped: ${e.responseText ?? e.message ?? String(error)}${e.code ? ` (${e.code})` : ''}`)
    if (config.debug) console.error(error)
    return 2
  } finally {
    await client.logout().catch(() => undefined)
    await database.close()
  }
  return 0
}

if (import.meta.main) process.exitCode = await start()
