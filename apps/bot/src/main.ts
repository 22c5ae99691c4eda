import type { AddressInfo, Server } from 'node:net'
import { createCoreDeps } from '@crm/core'
import { DatabaseUnreachableError, openDatabase, redactUrl } from '@crm/db'
import { createBotApp } from './app.ts'
import { readBotConfig } from './config.ts'
import { createLogger } from './logger.ts'
import { messages } from './messages.ts'

/** One line of an error for the console: its message (or code), line breaks and passwords in URLs removed. */
function detailOf(error: unknown): string {
  const e = error as { message?: unknown; code?: unknown; errors?: unknown[] } | null
  const text = typeof e?.message === 'string' && e.message ? e.message : Array.isArray(e?.errors) && e.errors.length ? detailOf(e.errors[0]) : typeof e?.code === 'string' ? e.code : String(error)
  return redactUrl(text.replace(/\s*\n\s*/g, ' '))
}

/** Ends a start that cannot go on: one clear line on stderr, no stack, exit code 1. */
function fail(line: string): never {
  process.stderr.write(redactUrl(line) + '\n')
  process.exit(1)
}

/** Starts the bot; returns a function that stops it. Exits 1 with one line on stderr on invalid settings (before opening any socket), a database it cannot open or a port in use. */
export async function main(env: NodeJS.ProcessEnv): Promise<{ stop: () => Promise<void>; port: number | undefined }> {
  const result = readBotConfig(env)
  if (!result.ok) {
    process.stderr.write([messages.configInvalid, ...result.problems.map((p) => `  - ${p}`)].join('\n') + '\n')
    process.exit(1)
  }
  const config = result.config
  const log = createLogger(config.logLevel)
  const database = await openDatabase(config.databaseUrl).catch((error: unknown) => {
    const url = redactUrl(config.databaseUrl)
    if (error instanceof DatabaseUnreachableError) fail(messages.databaseUnreachable(url, detailOf(error.cause)))
    return fail(messages.databaseFailed(url, detailOf(error)))
  })
  const core = createCoreDeps(database, { logger: log })
  const app = createBotApp({ core, config, log })
  const started = (await app.start(config.port).catch(async (error: unknown) => {
    await app.stop().catch(() => undefined)
    await database.close().catch(() => undefined)
    if ((error as { code?: unknown }).code === 'EADDRINUSE') fail(messages.portInUse(config.port))
    return fail(messages.startFailed(detailOf(error)))
  })) as unknown
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
