import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { SECRET } from './harness.ts'
import type { SlackStub } from './slack-stub.ts'

const main = resolve(import.meta.dirname, '../src/main.ts')

/** A bot started as its own process (`node apps/bot/src/main.ts`), as a deployment runs it. */
export interface BotProcess {
  child: ChildProcess
  /** Its events endpoint, http://127.0.0.1:PORT/slack/events. */
  url: string
  /** Log lines at warn level or above. */
  problems: Array<Record<string, unknown>>
  /** Deliveries this process only acknowledged because another delivery of the request had claimed it. */
  alreadyClaimed: number
}

/** Starts the bot in HTTP mode on a free port against the stub Web API and waits for its "started" line. */
export async function startBotProcess(stub: SlackStub, databaseUrl: string, env: NodeJS.ProcessEnv = {}): Promise<BotProcess> {
  const child = spawn(process.execPath, [main], {
    env: { PATH: process.env.PATH, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, PORT: '0', SLACK_API_URL: `${stub.url}/api`, DATABASE_URL: databaseUrl, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const bot: BotProcess = { child, url: '', problems: [], alreadyClaimed: 0 }
  const lines = createInterface({ input: child.stdout! })
  const port = await new Promise<number>((started, reject) => {
    child.once('exit', (code) => reject(new Error(`a bot process exited with ${code}`)))
    lines.on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>
      if (typeof entry.level === 'number' && entry.level >= 40) bot.problems.push(entry)
      if (entry.event === 'request_already_claimed') bot.alreadyClaimed++
      if (entry.event === 'started') started(entry.port as number)
    })
  })
  bot.url = `http://127.0.0.1:${port}/slack/events`
  return bot
}

/** Stops the bot processes (SIGTERM) and waits until each has exited (one killed before counts as exited). */
export async function stopBotProcesses(bots: readonly BotProcess[]): Promise<void> {
  const exited = (b: BotProcess) => b.child.exitCode !== null || b.child.signalCode !== null
  const waits = bots.map((b) => new Promise((done) => (exited(b) ? done(null) : b.child.once('exit', done))))
  for (const bot of bots) if (!exited(bot)) bot.child.kill('SIGTERM')
  await Promise.all(waits)
}
