// The outbox sender as its own process (`npm start` runs it when SMTP_HOST and MAIL_FROM are set): segment mail
// and acknowledgments go out through SMTP with the rate limit and retries of the MAIL_SEND_* settings.
import { randomBytes } from 'node:crypto'
import { hostname } from 'node:os'
import { createCoreDeps } from '@crm/core'
import { DEFAULT_DATABASE_URL, openDatabase } from '@crm/db'
import { messages } from './messages.ts'
import { runOutboxSender } from './outbox-sender.ts'
import { readSenderConfig } from './smtp-config.ts'
import { createSmtpTransport } from './smtp-transport.ts'

async function start(): Promise<number> {
  const { config, problems } = readSenderConfig(process.env)
  if (!config) {
    for (const p of problems) console.error(`mail-sender: ${p}`)
    return 1
  }
  let database
  try {
    database = await openDatabase(process.env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL)
  } catch (error) {
    console.error(`mail-sender: cannot open the database: ${(error as Error).message}`)
    return 1
  }
  const logger = {
    debug: () => {},
    info: (o: object) => console.log(JSON.stringify(o)),
    warn: (o: object) => console.warn(JSON.stringify(o)),
    error: (o: object) => console.error(JSON.stringify(o)),
  }
  const deps = createCoreDeps(database, { logger })
  const transport = createSmtpTransport(config.smtp)
  const stop = new AbortController()
  process.once('SIGINT', () => stop.abort())
  process.once('SIGTERM', () => stop.abort())
  console.log(messages.sender.started(config.smtp.host, config.smtp.port, config.policy.perMinute))
  try {
    await runOutboxSender(deps, transport, { ...config.policy, claimer: `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}` }, config.pollSeconds, stop.signal)
  } catch (error) {
    console.error(`mail-sender: stopped: ${(error as Error).message}`)
    if (process.env.CRM_DEBUG === '1') console.error(error)
    return 2
  } finally {
    transport.close()
    await database.close()
  }
  return 0
}

if (import.meta.main) {
  // As the ingester: relative paths mean where npm was run, not the workspace folder npm runs scripts in.
  if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD)
  process.exitCode = await start()
}
