import type { AddressInfo, Server } from 'node:net'
import { createCoreDeps } from '@crm/core'
import { openDatabase, redactUrl } from '@crm/db'
import { createBotApp } from './app.ts'
import { readBotConfig } from './config.ts'
import { createLogger } from './logger.ts'
import { messages } from './messages.ts'

/** Starts the bot; returns a function that stops it. Exits 1 on invalid settings, before opening any socket. */
export async function main(env: NodeJS.ProcessEnv): Promise<{ stop: () => Promise<void>; port: number | undefined }> {
  const result = readBotConfig(env)
  if (!result.ok) {
    process.stderr.write([messages.configInvalid, ...result.problems.map((p) => `  - ${p}`)].join('\n') + '\n')
    process.exit(1)
  }
  const config = result.config
  const log = createLogger(config.logLevel)
  const database = await openDatabase(config.databaseUrl)
  const core = createCoreDeps(database, { logger: log })
  const app = createBotApp({ core, config, log })
  const started = (await app.start(config.port)) as unknown
  const port = config.appToken ? undefined : ((started as Server).address() as AddressInfo).port
  log.info({ event: 'started', mode: config.appToken ? 'socket' : 'http', port, database: redactUrl(config.databaseUrl) })
  return {
    port,
    async stop() {
      await app.stop()
      await database.close()
    },
  }
}

if (import.meta.main) {
  // `npm start -w apps/bot` runs in apps/bot: relative paths (the default ./data/crm.sqlite) mean where npm was run.
  if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD)
  const bot = await main(process.env)
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void bot.stop().then(() => process.exit(0)))
}
