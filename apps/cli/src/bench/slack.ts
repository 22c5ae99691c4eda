// The Slack bot under load: signed /crm requests to the real Bolt app (Bolt's HTTPReceiver) on loopback, with
// a local stand-in for the Slack Web API and response_url. Server time: from the moment the server gets the
// request to the moment it sends the ack (HTTP 200), and to the moment the answer arrives at response_url.
// The baseline is a bare Bolt app that only acks, timed the same way in the same run.
import { createHmac } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { performance } from 'node:perf_hooks'
import { createBotApp, createLogger, readBotConfig } from '@crm/bot'
import { addSalesperson, createCoreDeps, mulberry32, type Actor } from '@crm/core'
import { sql, type CrmDatabase } from '@crm/db'
import { App, HTTPReceiver, LogLevel } from '@slack/bolt'
import type { BenchResult, BenchSizes } from './benchmarks.ts'
import { percentile } from './stats.ts'

const SECRET = 'bench-signing-secret'
const USER = 'UBENCH'
const ACTOR: Actor = { id: 'bench', isAdmin: true }
/** The goal for both the ack and the answer, on SQLite. */
const GOAL_MS = 50

interface Stub {
  url: string
  /** Resolves with the performance.now() at which a POST to `path` arrived. */
  arrival(path: string): Promise<number>
  close(): Promise<void>
}

/** The Slack Web API (auth.test, users.info) and response_url, answering at once. */
async function startStub(): Promise<Stub> {
  const waiting = new Map<string, (at: number) => void>()
  const arrived = new Map<string, number>()
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!
    req.resume()
    req.on('end', () => {
      const at = performance.now()
      const wake = waiting.get(path)
      if (wake) {
        waiting.delete(path)
        wake(at)
      } else arrived.set(path, at)
      const answer = path.endsWith('auth.test') ? { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1' } : { ok: true }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    arrival(path) {
      const at = arrived.get(path)
      if (at !== undefined) {
        arrived.delete(path)
        return Promise.resolve(at)
      }
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer at ${path} within 30 s`)), 30_000)
        waiting.set(path, (t) => {
          clearTimeout(timer)
          resolve(t)
        })
      })
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }),
  }
}

let sequence = 0

/** A Bolt app's HTTPReceiver behind our own server, which notes when each request arrives and is acked. */
interface TimedServer {
  url: string
  /** performance.now() of the request's arrival and of its ack, by trigger id, filled as requests come. */
  timings: Map<string, { arrived: number; acked?: number }>
  close(): Promise<void>
}

async function serveTimed(receiver: HTTPReceiver): Promise<TimedServer> {
  const timings = new Map<string, { arrived: number; acked?: number }>()
  const server = createServer((req, res) => {
    const arrived = performance.now()
    const id = String(req.headers['x-bench-id'])
    const timing: { arrived: number; acked?: number } = { arrived }
    timings.set(id, timing)
    const end = res.end.bind(res) as (...args: unknown[]) => typeof res
    res.end = ((...args: unknown[]) => {
      timing.acked ??= performance.now()
      return end(...args)
    }) as typeof res.end
    receiver.requestListener(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`,
    timings,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }),
  }
}

/** Sends one signed `/crm <text>`; returns server ms to the ack and, unless `ackOnly`, to the answer at response_url. */
async function send(target: TimedServer, stub: Stub, text: string, ackOnly: boolean): Promise<{ ack: number; response: number }> {
  const id = `bench-${++sequence}`
  const body = new URLSearchParams({
    token: 'legacy', team_id: 'T1', team_domain: 'bench', channel_id: 'C1', channel_name: 'bench', user_id: USER, user_name: 'bench',
    command: '/crm', text, api_app_id: 'A1', response_url: `${stub.url}/response/${id}`, trigger_id: id,
  }).toString()
  const ts = Math.floor(Date.now() / 1000)
  const signature = 'v0=' + createHmac('sha256', SECRET).update(`v0:${ts}:${body}`).digest('hex')
  const res = await fetch(target.url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': signature, 'x-bench-id': id }, body })
  await res.arrayBuffer()
  if (res.status !== 200) throw new Error(`the bot answered ${res.status} to /crm ${text}`)
  const timing = target.timings.get(id)!
  target.timings.delete(id)
  const ack = timing.acked! - timing.arrived
  if (ackOnly) return { ack, response: Number.NaN }
  return { ack, response: (await stub.arrival(`/response/${id}`)) - timing.arrived }
}

/**
 * `/crm contact show`, `contact find` and `opp next` through the bot on a database that already holds the
 * contacts, interactions and opportunities (100k, 1M and 100k at full size).
 */
export async function benchSlack(database: CrmDatabase, sizes: BenchSizes): Promise<BenchResult[]> {
  const db = database.db
  const core = createCoreDeps(database)
  if (!(await db.selectFrom('salespeople').select('code').where('slack_user_id', '=', USER).executeTakeFirst())) {
    await addSalesperson(core, ACTOR, { code: 'BENCHBOT', name: 'Bench Bot', slackUserId: USER })
  }
  const stub = await startStub()
  const config = readBotConfig({ SLACK_BOT_TOKEN: 'xoxb-bench', SLACK_SIGNING_SECRET: SECRET, PORT: '0', SLACK_API_URL: `${stub.url}/api/`, SLACK_ADMIN_USERS: USER, LOG_LEVEL: 'silent' })
  if (!config.ok) throw new Error(config.problems.join('; '))
  const log = createLogger('silent')
  const botReceiver = new HTTPReceiver({ signingSecret: SECRET, logLevel: LogLevel.ERROR })
  createBotApp({ core: createCoreDeps(database, { logger: log }), config: config.config, log }, botReceiver)
  const bareReceiver = new HTTPReceiver({ signingSecret: SECRET, logLevel: LogLevel.ERROR })
  const bare = new App({ token: 'xoxb-bench', receiver: bareReceiver, clientOptions: { slackApiUrl: `${stub.url}/api/` }, logLevel: LogLevel.ERROR })
  bare.command('/crm', async ({ ack }) => {
    await ack()
  })
  const botServer = await serveTimed(botReceiver)
  const bareServer = await serveTimed(bareReceiver)
  try {
    const n = sizes.samples
    const rng = mulberry32(17)
    const contacts = (await db.selectFrom('contacts').select(['no', 'name']).where('erased_at', 'is', null).orderBy('no').execute())
    const pick = () => contacts[Math.floor(rng() * contacts.length)]!
    // Companies and persons alike; a company's card rolls up its persons' activity.
    const shows = Array.from({ length: n + 5 }, () => `contact show ${pick().no}`)
    const finds = Array.from({ length: n + 5 }, () => `contact find ${pick().name.split(/\s+/)[0]!.slice(0, 5)}`)
    const open = await db.selectFrom('opportunities').select('no').where('status', '=', 'in_progress').where('current_stage', '<', 3).orderBy(sql`random()`).limit(n + 5).execute()
    if (open.length < n + 5) throw new Error(`opp next needs ${n + 5} open opportunities before their last stage; there are ${open.length}`)
    const nexts = open.map((o) => `opp next ${o.no}`)

    const measure = async (target: TimedServer, lines: string[], ackOnly: boolean) => {
      const acks: number[] = []
      const responses: number[] = []
      for (let i = 0; i < lines.length; i++) {
        const t = await send(target, stub, lines[i]!, ackOnly)
        if (i < 5) continue
        acks.push(t.ack)
        responses.push(t.response)
      }
      return { acks, responses }
    }
    const bareRun = await measure(bareServer, Array.from({ length: n + 5 }, () => 'contact show CT000001'), true)
    const baseline = { p50: percentile(bareRun.acks, 50), p95: percentile(bareRun.acks, 95) }
    const size = `${contacts.length} contacts, ${await count(database, 'interaction_log_entries')} interactions`
    const out: BenchResult[] = []
    for (const [name, lines] of [['contact show', shows], ['contact find', finds], ['opp next', nexts]] as const) {
      const run = await measure(botServer, lines, false)
      for (const [what, samples] of [['ack', run.acks], ['response', run.responses]] as const) {
        const p95 = percentile(samples, 95)
        out.push({
          benchmark: 'slack bot', dialect: database.dialect, size, measure: `/crm ${name} -> ${what}`, goalMs: database.dialect === 'sqlite' ? GOAL_MS : null,
          p50: percentile(samples, 50), p95, samples: samples.length, baseline: 'bare Bolt app, ack only', baselineP95: baseline.p95,
          ratio: p95 / baseline.p95, pass: database.dialect === 'sqlite' ? p95 < GOAL_MS : null,
        })
      }
    }
    return out
  } finally {
    await botServer.close()
    await bareServer.close()
    await stub.close()
  }
}

async function count(database: CrmDatabase, table: 'interaction_log_entries'): Promise<number> {
  const row = await database.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}
