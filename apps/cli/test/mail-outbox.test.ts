import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { runStart } from '../src/start.ts'
import { startSmtpServer, type TestSmtpServer } from '../../mail-ingest/test/smtp.ts'
import { crm, tempSqliteUrl } from './run-cli.ts'

const fixtures = join(import.meta.dirname, '..', '..', 'mail-ingest', 'test', 'fixtures')
const mailEnv = { MAIL_AUTHSERV_IDS: 'mx.team.example', MAIL_TEAM_DOMAINS: 'team.example', MAIL_OWN_ADDRESSES: 'log@team.example', MAIL_ACK: 'on' }

describe('crm mail outbox and send-outbox', () => {
  let smtp: TestSmtpServer
  let db: ReturnType<typeof tempSqliteUrl>
  let env: NodeJS.ProcessEnv
  const run = (...args: string[]) => crm(['--db', db.url, ...args], env)
  beforeAll(async () => {
    smtp = await startSmtpServer()
  })
  afterAll(async () => {
    await smtp?.stop()
  })
  beforeEach(async () => {
    smtp.received.length = 0
    db = tempSqliteUrl()
    env = { ...mailEnv, SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port), SMTP_SECURE: 'off', MAIL_FROM: 'CRM <crm@team.example>' }
    await run('salesperson', 'add', 'ANNA', 'Anna Sales', '--email', 'anna@team.example')
    await run('contact', 'add', 'company', 'Hekla Útgerð ehf', '--website', 'hekla.is', '--country', 'IS')
    await run('contact', 'add', 'person', 'Þóra Guðmundsdóttir', '--company', 'CT000001', '--email', 'thora@hekla.is', '--country', 'IS')
  })
  afterEach(() => {
    db.cleanup()
  })

  it('queues one acknowledgment per forwarded file, lists it, sends it once', async () => {
    const file = join(fixtures, 'gmail-forward-en.eml')
    expect((await run('mail', 'ingest', file)).code).toBe(0)
    expect((await run('mail', 'ingest', file)).stdout).toContain('already-logged')
    const queued = await run('mail', 'outbox', '--status', 'queued', '--json')
    expect(queued.code).toBe(0)
    expect(queued.json()).toMatchObject({ counts: { queued: 1, sent: 0 }, items: [{ kind: 'ack', to: 'anna@team.example', subject: 'Logged: Quote for 20 tonnes', attempts: 0 }] })
    const sent = await run('mail', 'send-outbox')
    expect(sent.code).toBe(0)
    expect(sent.stdout).toContain('Sent 1 email; 0 will be tried again, 0 failed.')
    expect(smtp.received.map((m) => [m.from, m.to[0], m.subject])).toEqual([['crm@team.example', 'anna@team.example', 'Logged: Quote for 20 tonnes']])
    const table = await run('mail', 'outbox')
    expect(table.stdout).toMatch(/Outbox: 0 queued, 0 sending, 1 sent, 0 failed/)
    expect(table.stdout).toMatch(/sent\s+ack\s+anna@team\.example/)
    expect((await run('mail', 'send-outbox', '--json')).json()).toMatchObject({ sent: 0 })
    expect(smtp.received).toHaveLength(1)
  })

  it('refuses an unknown status and a sender without settings, listing every missing one', async () => {
    const bad = await run('mail', 'outbox', '--status', 'lost')
    expect(bad.code).toBe(1)
    expect(bad.stderr).toContain('"lost" is not an outbox status; use queued, sending, sent, failed.')
    env = { SMTP_PORT: '99999' }
    const unset = await run('mail', 'send-outbox')
    expect(unset.code).toBe(1)
    expect(unset.stderr).toContain('The outbox cannot be sent')
    expect(unset.stderr).toMatch(/- SMTP_HOST is required[\s\S]*- SMTP_PORT is a port number \(1-65535\), not "99999"[\s\S]*- MAIL_FROM is required/)
  })

  it('npm start refuses bad sender settings before starting anything, listing each', async () => {
    let output = ''
    const io = { stdout: { write: (s: string) => (output += s) }, stderr: { write: (s: string) => (output += s) }, env: { DATABASE_URL: db.url, SMTP_HOST: 'smtp.example.com', MAIL_FROM: 'nobody', MAIL_SEND_PER_MINUTE: 'lots' } }
    expect(await runStart([], io, new AbortController().signal, db.dir)).toBe(1)
    expect(output).toContain('the settings cannot be used')
    expect(output).toContain('MAIL_FROM is not an email address: "nobody"')
    expect(output).toContain('MAIL_SEND_PER_MINUTE is a whole number of emails from 1 to 100000, not "lots"')
    expect(output).not.toMatch(/running/)
  })

  it('npm start runs the sender when SMTP is set: a queued segment email goes out', async () => {
    await run('segment', 'new', 'Iceland')
    await run('segment', 'add', 'SG00001', 'country=IS')
    const logged = await run('segment', 'log', 'SG00001', 'EMAIL-OUT', 'Autumn offer')
    expect(logged.code).toBe(0)
    expect(logged.stdout).toMatch(/1 email/)
    const stop = new AbortController()
    let output = ''
    const io = { stdout: { write: (s: string) => (output += s) }, stderr: { write: (s: string) => (output += s) }, env: { ...env, DATABASE_URL: db.url, MAIL_SEND_POLL_SECONDS: '1' } }
    const running = runStart([], io, stop.signal, db.dir)
    try {
      const deadline = Date.now() + 20_000
      while (smtp.received.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
      expect(output).toMatch(/running mail sender/)
      expect(smtp.received.map((m) => [m.to[0], m.subject])).toEqual([['thora@hekla.is', 'Autumn offer']])
    } finally {
      stop.abort()
      expect(await running).toBe(0)
    }
    expect((await run('mail', 'outbox', '--json')).json().counts).toMatchObject({ queued: 0, sending: 0, failed: 0 })
  })
})
