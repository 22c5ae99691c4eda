import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createHmac, randomUUID } from 'node:crypto'
import { backoffSeconds, readStartConfig, runStart, swapInBuild } from '../src/start.ts'
import { startSlackStub } from '../../bot/test/slack-stub.ts'
import { crm, tempSqliteUrl } from './run-cli.ts'

const bin = join(import.meta.dirname, '..', 'bin', 'crm.js')

function capture(env: NodeJS.ProcessEnv) {
  const out = { stdout: '', stderr: '' }
  return { out, io: { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) }, env } }
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const port = (server.address() as { port: number }).port
  await new Promise<void>((done) => server.close(() => done()))
  return port
}

/** `crm start` as a child process in `cwd`; `output()` is everything it printed so far, `exited` its exit code. */
function spawnStart(cwd: string, env: NodeJS.ProcessEnv) {
  const child = spawn(process.execPath, [bin, 'start'], { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  return { child, exited, output: () => output }
}

describe('crm start', () => {
  it('with nothing configured lists what each part misses and exits 1', async () => {
    const tmp = tempSqliteUrl()
    try {
      const { out, io } = capture({})
      const code = await runStart([], io, new AbortController().signal, tmp.dir)
      expect(code).toBe(1)
      expect(out.stderr).toContain('nothing to run')
      expect(out.stderr).toMatch(/Slack bot: set SLACK_BOT_TOKEN; SLACK_APP_TOKEN \(Socket Mode\) or SLACK_SIGNING_SECRET \(HTTP mode\) \(see docs\/slack-app\.md\)/)
      expect(out.stderr).toMatch(/mail ingester: set IMAP_HOST; IMAP_USER; IMAP_PASSWORD; MAIL_AUTHSERV_IDS/)
      expect(out.stderr).toMatch(/reports build: set CRM_REPORTS_EVERY_MINUTES/)
      expect(out.stdout).toBe('')
      const partly = capture({ IMAP_HOST: 'imap.example.com' })
      expect(await runStart([], partly.io, new AbortController().signal, tmp.dir)).toBe(1)
      expect(partly.out.stderr).toMatch(/mail ingester: partly configured; still set IMAP_USER; IMAP_PASSWORD; MAIL_AUTHSERV_IDS/)
    } finally {
      tmp.cleanup()
    }
  })

  it('reads .env under the environment, and refuses a bad interval with the value it got', async () => {
    const tmp = tempSqliteUrl()
    try {
      writeFileSync(join(tmp.dir, '.env'), '# settings\nCRM_REPORTS_EVERY_MINUTES=often\nSLACK_BOT_TOKEN=xoxb-1\nSLACK_APP_TOKEN="xapp-1"\n')
      const { out, io } = capture({})
      expect(await runStart([], io, new AbortController().signal, tmp.dir)).toBe(1)
      expect(out.stderr).toContain('CRM_REPORTS_EVERY_MINUTES is a whole number of minutes (1-10080), not "often"')
      const config = readStartConfig([], { CRM_REPORTS_EVERY_MINUTES: '15' }, tmp.dir)
      expect(config.problems).toEqual([])
      expect(config.reportsEveryMinutes).toBe(15)
      expect(config.enabled.map((p) => p.name)).toEqual(['bot', 'reports'])
      expect(config.env.SLACK_APP_TOKEN).toBe('xapp-1')
      writeFileSync(join(tmp.dir, 'notes.txt'), 'mine')
      const mine = readStartConfig([], { CRM_REPORTS_EVERY_MINUTES: '15', CRM_REPORTS_OUT_DIR: '.' }, tmp.dir)
      expect(mine.problems).toEqual([expect.stringContaining('holds other files (and no index.html)')])
      const missing = capture({})
      expect(await runStart(['--env-file', 'nope.env'], missing.io, new AbortController().signal, tmp.dir)).toBe(1)
      expect(missing.out.stderr).toMatch(/There is no file .*nope\.env/)
    } finally {
      tmp.cleanup()
    }
  })

  it('swaps a finished build in place of the served folder, leaving nothing of the old one behind', () => {
    const tmp = tempSqliteUrl()
    try {
      const site = join(tmp.dir, 'site')
      mkdirSync(site)
      writeFileSync(join(site, 'index.html'), 'old')
      writeFileSync(join(site, 'gone.html'), 'old')
      mkdirSync(`${site}.next`)
      writeFileSync(join(`${site}.next`, 'index.html'), 'new')
      swapInBuild(`${site}.next`, site)
      expect(readdirSync(site)).toEqual(['index.html'])
      expect(readFileSync(join(site, 'index.html'), 'utf8')).toBe('new')
      expect(existsSync(`${site}.next`) || existsSync(`${site}.prev`)).toBe(false)
    } finally {
      tmp.cleanup()
    }
  })

  it('refuses bad bot and ingester settings before starting anything, listing each under its part', async () => {
    const tmp = tempSqliteUrl()
    try {
      const { out, io } = capture({
        DATABASE_URL: tmp.url, SLACK_BOT_TOKEN: 'abc', SLACK_SIGNING_SECRET: 's', PORT: 'x',
        IMAP_HOST: 'imap.example.com', IMAP_PORT: 'imap', IMAP_USER: 'log', IMAP_PASSWORD: 'p', MAIL_AUTHSERV_IDS: 'mx.example.com',
      })
      expect(await runStart([], io, new AbortController().signal, tmp.dir)).toBe(1)
      expect(out.stderr).toContain('crm start: the settings cannot be used:')
      expect(out.stderr).toContain('  - Slack bot: SLACK_BOT_TOKEN must be a bot token starting with xoxb-.')
      expect(out.stderr).toContain('  - Slack bot: PORT must be a port number (0-65535), not "x".')
      expect(out.stderr).toMatch(/ {2}- mail ingester: IMAP_PORT .*"imap"/)
      expect(out.stdout).not.toMatch(/running/)
    } finally {
      tmp.cleanup()
    }
  })

  it('runs the Slack bot in HTTP mode: a signed /crm command gets its answer at the response_url', async () => {
    const tmp = tempSqliteUrl()
    const stub = await startSlackStub()
    const port = await closedPort()
    expect((await crm(['contact', 'add', 'person', 'Þóra Guðmundsdóttir', '--email', 'thora@hekla.is'], { DATABASE_URL: tmp.url })).code).toBe(0)
    const secret = 'start-test-secret'
    const { child, exited, output } = spawnStart(tmp.dir, { DATABASE_URL: tmp.url, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: secret, PORT: String(port), SLACK_API_URL: `${stub.url}/api/` })
    try {
      const deadline = Date.now() + 60_000
      while (!/"event":"started"/.test(output()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200))
      expect(output()).toMatch(/running Slack bot/)
      const triggerId = randomUUID()
      const body = new URLSearchParams({
        team_id: 'T1', channel_id: 'C1', user_id: 'UREADER', user_name: 'reader', command: '/crm', text: 'contact find þóra',
        api_app_id: 'A1', response_url: `${stub.url}/response/${triggerId}`, trigger_id: triggerId,
      }).toString()
      const timestamp = Math.floor(Date.now() / 1000)
      const signature = 'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')
      const res = await fetch(`http://127.0.0.1:${port}/slack/events`, {
        method: 'POST', body,
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature },
      })
      expect(res.status).toBe(200)
      const answer = await stub.waitFor((r) => r.path === `/response/${triggerId}`, 30_000)
      expect(JSON.stringify(answer.body)).toContain('Þóra Guðmundsdóttir')
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
      await stub.close()
      tmp.cleanup()
    }
  }, 90_000)

  it('backs off 1, 2, 4 ... seconds, at most five minutes', () => {
    expect([1, 2, 3, 4, 10, 20].map(backoffSeconds)).toEqual([1, 2, 4, 8, 300, 300])
  })

  it('runs the scheduled reports build, restarts a crashing ingester with backoff, and stops cleanly on SIGTERM', async () => {
    const tmp = tempSqliteUrl()
    const site = join(tmp.dir, 'site')
    const port = await closedPort()
    const { child, exited, output } = spawnStart(tmp.dir, {
        DATABASE_URL: tmp.url,
        CRM_REPORTS_EVERY_MINUTES: '60',
        CRM_REPORTS_OUT_DIR: site,
        IMAP_HOST: '127.0.0.1',
        IMAP_PORT: String(port),
        IMAP_SECURE: 'false',
        IMAP_USER: 'crm-log',
        IMAP_PASSWORD: 'secret',
        MAIL_AUTHSERV_IDS: 'mx.test.invalid',
    })
    try {
      const deadline = Date.now() + 60_000
      while (!(/reports built into/.test(output()) && /ingester exited \(code 1\); restarting in 2 s/.test(output())) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200))
      }
      expect(output()).toMatch(/running mail ingester, reports build every 60 min/)
      expect(output()).toMatch(/Not enabled \(settings missing\):\n {2}- Slack bot: set SLACK_BOT_TOKEN/)
      expect(output()).toMatch(/\[ingester\] mail-ingest: cannot log in to 127\.0\.0\.1/)
      expect(output()).toMatch(/ingester exited \(code 1\); restarting in 1 s[\s\S]*ingester exited \(code 1\); restarting in 2 s/)
      expect(output()).toMatch(/reports built into .*site in [\d.]+ s; next build in 60 min/)
      expect(readFileSync(join(site, 'index.html'), 'utf8')).toContain('CRM reports')
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      expect(output()).toMatch(/stopping every part[\s\S]*stopped\.\n$/)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
      tmp.cleanup()
    }
  }, 90_000)
})
