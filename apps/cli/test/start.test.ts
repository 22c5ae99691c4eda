import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { backoffSeconds, readStartConfig, runStart, swapInBuild } from '../src/start.ts'
import { tempSqliteUrl } from './run-cli.ts'

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

  it('backs off 1, 2, 4 ... seconds, at most five minutes', () => {
    expect([1, 2, 3, 4, 10, 20].map(backoffSeconds)).toEqual([1, 2, 4, 8, 300, 300])
  })

  it('runs the scheduled reports build, restarts a crashing ingester with backoff, and stops cleanly on SIGTERM', async () => {
    const tmp = tempSqliteUrl()
    const site = join(tmp.dir, 'site')
    const port = await closedPort()
    const child = spawn(process.execPath, [bin, 'start'], {
      cwd: tmp.dir,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: tmp.url,
        CRM_REPORTS_EVERY_MINUTES: '60',
        CRM_REPORTS_OUT_DIR: site,
        IMAP_HOST: '127.0.0.1',
        IMAP_PORT: String(port),
        IMAP_SECURE: 'false',
        IMAP_USER: 'crm-log',
        IMAP_PASSWORD: 'secret',
        MAIL_AUTHSERV_IDS: 'mx.test.invalid',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
    try {
      const deadline = Date.now() + 60_000
      while (!(/reports built into/.test(output) && /ingester exited \(code 1\); restarting in 2 s/.test(output)) && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200))
      }
      expect(output).toMatch(/running mail ingester, reports build every 60 min/)
      expect(output).toMatch(/Not enabled \(settings missing\):\n {2}- Slack bot: set SLACK_BOT_TOKEN/)
      expect(output).toMatch(/\[ingester\] mail-ingest: cannot log in to 127\.0\.0\.1/)
      expect(output).toMatch(/ingester exited \(code 1\); restarting in 1 s[\s\S]*ingester exited \(code 1\); restarting in 2 s/)
      expect(output).toMatch(/reports built into .*site in [\d.]+ s; next build in 60 min/)
      expect(readFileSync(join(site, 'index.html'), 'utf8')).toContain('CRM reports')
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
      expect(output).toMatch(/stopping every part[\s\S]*stopped\.\n$/)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
      tmp.cleanup()
    }
  }, 90_000)
})
