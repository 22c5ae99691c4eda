import { createHmac, randomUUID } from 'node:crypto'
import type { AddressInfo, Server } from 'node:net'
import { Writable } from 'node:stream'
import { createCoreDeps } from '@crm/core'
import { openDatabase, type CrmDatabase, type DialectName } from '@crm/db'
import { createTestDatabase } from '@crm/db/testing'
import type { App } from '@slack/bolt'
import { afterEach, beforeEach } from 'vitest'
import { createBotApp } from '../src/app.ts'
import { readBotConfig } from '../src/config.ts'
import { createLogger } from '../src/logger.ts'
import { startSlackStub, type SlackStub, type StubRequest } from './slack-stub.ts'

export const SECRET = 'test-signing-secret'
export const ADMIN = 'UADMIN1'

export interface BotFixture {
  database: CrmDatabase
  stub: SlackStub
  app: App
  url: string
  /** Every log line the bot wrote, parsed. */
  logs: Array<Record<string, unknown>>
}

/** One running bot: the real Bolt app in HTTP mode on a free port, over `database`, talking to `stub`. */
export interface RunningBot {
  app: App
  url: string
  logs: Array<Record<string, unknown>>
  stop(): Promise<void>
}

/** Starts the real Bolt app in HTTP mode over an open database, with the stub as its Slack Web API. */
export async function startBot(stub: SlackStub, database: CrmDatabase, env: Record<string, string> = {}): Promise<RunningBot> {
  const logs: Array<Record<string, unknown>> = []
  const sink = new Writable({ write(chunk, _enc, done) { for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line)); done() } })
  const result = readBotConfig({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, PORT: '0', SLACK_API_URL: `${stub.url}/api/`, SLACK_ADMIN_USERS: ADMIN, LOG_LEVEL: 'info', ...env })
  if (!result.ok) throw new Error(result.problems.join('; '))
  const log = createLogger('info', sink)
  const app = createBotApp({ core: createCoreDeps(database, { logger: log }), config: result.config, log })
  const server = (await app.start(0)) as unknown as Server
  return { app, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`, logs, stop: async () => { await app.stop() } }
}

/**
 * Per test: a fresh database (in-memory SQLite, or a throw-away PostgreSQL database), a Slack stub and the
 * real Bolt app in HTTP mode on a free port.
 */
export function useBot(dialect: DialectName = 'sqlite'): BotFixture {
  const fixture = {} as BotFixture
  beforeEach(async () => {
    fixture.stub = await startSlackStub()
    fixture.database = dialect === 'sqlite' ? await openDatabase(':memory:') : await createTestDatabase(dialect)
    const bot = await startBot(fixture.stub, fixture.database)
    fixture.app = bot.app
    fixture.url = bot.url
    fixture.logs = bot.logs
  })
  afterEach(async () => {
    await fixture.app.stop()
    await fixture.stub.close()
    await fixture.database.close()
  })
  return fixture
}

/** Slack's request signature: v0=HMAC_SHA256(secret, "v0:" + timestamp + ":" + body). */
export function sign(body: string, timestamp: number, secret = SECRET): string {
  return 'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')
}

/** POSTs a signed form body to the bot, as Slack does. */
export async function postSigned(url: string, body: string, options: { secret?: string; headers?: Record<string, string>; timestamp?: number; json?: boolean } = {}): Promise<Response> {
  const ts = options.timestamp ?? Math.floor(Date.now() / 1000)
  return fetch(url, {
    method: 'POST',
    headers: {
      'content-type': options.json ? 'application/json' : 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': sign(body, ts, options.secret),
      ...options.headers,
    },
    body,
  })
}

/** The form body of a `/crm <text>` slash command by `user`; its response_url points at the stub. */
export function slashCommandBody(stub: SlackStub, user: string, text: string, triggerId: string = randomUUID()): { body: string; responsePath: string } {
  const responsePath = `/response/${triggerId}`
  const body = new URLSearchParams({
    token: 'legacy', team_id: 'T1', team_domain: 'test', channel_id: 'C1', channel_name: 'sales', user_id: user, user_name: user.toLowerCase(),
    command: '/crm', text, api_app_id: 'A1', response_url: `${stub.url}${responsePath}`, trigger_id: triggerId,
  }).toString()
  return { body, responsePath }
}

/** Sends `/crm <text>` as `user` and returns what the bot posted to the response_url. */
export async function runSlash(bot: BotFixture, user: string, text: string): Promise<StubRequest['body']> {
  const { body, responsePath } = slashCommandBody(bot.stub, user, text)
  const res = await postSigned(bot.url, body)
  if (res.status !== 200) throw new Error(`the bot answered ${res.status}`)
  return (await bot.stub.waitFor((r) => r.path === responsePath)).body
}

/** All the text of a message's blocks, for assertions. */
export function blocksText(message: Record<string, unknown>): string {
  return JSON.stringify(message.blocks ?? [])
}

/** POSTs an interactivity payload (block_actions, view_submission, shortcut) to the bot, signed. */
export async function postPayload(bot: { url: string }, payload: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  const base = { team: { id: 'T1' }, api_app_id: 'A1', token: 'legacy', is_enterprise_install: false }
  return postSigned(bot.url, new URLSearchParams({ payload: JSON.stringify({ ...base, ...payload }) }).toString(), { headers })
}

/** A view_submission of a modal the bot opened, with values typed into its inputs by block id. */
export function submission(user: string, view: Record<string, any>, typed: Record<string, string>): Record<string, unknown> {
  const values: Record<string, Record<string, unknown>> = {}
  for (const block of view.blocks as Array<Record<string, any>>) {
    if (block.type !== 'input') continue
    const element = block.element as Record<string, any>
    const v = typed[block.block_id] ?? null
    const state = element.type === 'datepicker' ? { selected_date: v } : element.type === 'static_select' || element.type === 'external_select' ? { selected_option: v === null ? null : { value: v } } : { value: v }
    values[block.block_id] = { [element.action_id]: { type: element.type, ...state } }
  }
  return {
    type: 'view_submission', user: { id: user }, trigger_id: 'trig',
    view: { id: view.id ?? 'V1', type: 'modal', callback_id: view.callback_id, private_metadata: view.private_metadata, blocks: view.blocks, state: { values }, hash: 'h' },
  }
}

/** POSTs an Events API callback (JSON) to the bot, signed. */
export async function postEvent(bot: BotFixture, event: Record<string, unknown>, eventId = randomUUID()): Promise<Response> {
  const body = JSON.stringify({ token: 'legacy', team_id: 'T1', api_app_id: 'A1', type: 'event_callback', event_id: eventId, event_time: Math.floor(Date.now() / 1000), event })
  return postSigned(bot.url, body, { json: true })
}
