import { EventEmitter } from 'node:events'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface StubRequest {
  path: string
  /** Web API calls arrive as forms, response_url posts as JSON. */
  body: Record<string, unknown>
}

/** A local stand-in for the Slack Web API and for response_url; it records every request it gets. */
export interface SlackStub {
  url: string
  requests: StubRequest[]
  /** Slack users the stub's users.info knows, by id. */
  users: Map<string, { email?: string; realName?: string }>
  /** Web API methods that answer only after this many milliseconds (a slow Slack). */
  delays: Map<string, number>
  /** Web API methods that fail: each call takes the next error and answers `{ ok: false, error }`; then they succeed again. */
  failures: Map<string, string[]>
  /** Resolves with the first recorded request matching `pred`, waiting for it to arrive. */
  waitFor(pred: (r: StubRequest) => boolean, timeoutMs?: number): Promise<StubRequest>
  close(): Promise<void>
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  const text = Buffer.concat(chunks).toString('utf8')
  if (!text) return {}
  if ((req.headers['content-type'] ?? '').includes('json')) return JSON.parse(text) as Record<string, unknown>
  return Object.fromEntries(new URLSearchParams(text))
}

/** Starts the stub on a free loopback port. */
export async function startSlackStub(): Promise<SlackStub> {
  const requests: StubRequest[] = []
  const users = new Map<string, { email?: string; realName?: string }>()
  const delays = new Map<string, number>()
  const failures = new Map<string, string[]>()
  const arrivals = new EventEmitter().setMaxListeners(0)
  const server: Server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!
    const body = await readBody(req)
    requests.push({ path, body })
    arrivals.emit('request', requests[requests.length - 1])
    const method = path.replace(/^\/api\//, '')
    const delay = delays.get(method)
    if (delay) await new Promise((done) => setTimeout(done, delay))
    let answer: unknown = { ok: true }
    if (method === 'auth.test') answer = { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T1', url: 'https://test.slack.com/' }
    else if (method === 'users.info') {
      const user = users.get(String(body.user))
      answer = user ? { ok: true, user: { id: body.user, name: String(body.user).toLowerCase(), real_name: user.realName, profile: { email: user.email } } } : { ok: false, error: 'user_not_found' }
    } else if (method === 'chat.postMessage') answer = { ok: true, ts: '1.0', channel: body.channel }
    else if (method === 'chat.getPermalink') answer = { ok: true, channel: body.channel, permalink: `https://test.slack.com/archives/${body.channel}/p${String(body.message_ts).replace('.', '')}` }
    const failure = failures.get(method)?.shift()
    if (failure) answer = { ok: false, error: failure }
    // Slack refuses a response_url once it has expired (30 minutes, or five uses): /expired/... stands for one.
    if (path.startsWith('/expired/')) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('expired_url')
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    requests,
    users,
    delays,
    failures,
    waitFor(pred, timeoutMs = 5000) {
      const found = requests.find(pred)
      if (found) return Promise.resolve(found)
      return new Promise<StubRequest>((resolve, reject) => {
        const onRequest = (r: StubRequest) => {
          if (!pred(r)) return
          clearTimeout(timer)
          arrivals.off('request', onRequest)
          resolve(r)
        }
        const timer = setTimeout(() => {
          arrivals.off('request', onRequest)
          reject(new Error(`the stub got no such request; it got: ${requests.map((r) => r.path).slice(-50).join(', ')}`))
        }, timeoutMs)
        arrivals.on('request', onRequest)
      })
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()) }),
  }
}
