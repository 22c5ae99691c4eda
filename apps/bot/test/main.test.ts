import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer, type AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { afterEach, describe, expect, it } from 'vitest'
import { postSigned, SECRET, slashCommandBody } from './harness.ts'
import { startSlackStub, type SlackStub } from './slack-stub.ts'

const main = resolve(import.meta.dirname, '../src/main.ts')

describe('node apps/bot/src/main.ts', () => {
  let stub: SlackStub | undefined
  let dir: string | undefined
  let child: ReturnType<typeof spawn> | undefined
  afterEach(async () => {
    child?.kill('SIGTERM')
    await stub?.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('starts in HTTP mode on a SQLite file, logs with pino and answers a signed /crm command', async () => {
    stub = await startSlackStub()
    dir = mkdtempSync(join(tmpdir(), 'crm-bot-'))
    child = spawn(process.execPath, [main], {
      env: {
        PATH: process.env.PATH, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, PORT: '0',
        SLACK_API_URL: `${stub.url}/api`, SLACK_ADMIN_USERS: 'UADMIN1', DATABASE_URL: `sqlite:${join(dir, 'crm.sqlite')}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const lines = createInterface({ input: child.stdout! })
    const started = await new Promise<Record<string, unknown>>((resolveStart, reject) => {
      child!.once('exit', (code) => reject(new Error(`the bot exited with ${code}`)))
      lines.on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, unknown>
        if (entry.event === 'started') resolveStart(entry)
      })
    })
    expect(started).toMatchObject({ app: 'crm-bot', mode: 'http', level: 30 })
    expect(JSON.stringify(started)).not.toContain('xoxb-test')
    await stub.waitFor((r) => r.path === '/api/auth.test')
    const { body, responsePath } = slashCommandBody(stub, 'UADMIN1', 'contact add company "Hekla ehf"')
    const res = await postSigned(`http://127.0.0.1:${started.port}/slack/events`, body)
    expect(res.status).toBe(200)
    const answer = (await stub.waitFor((r) => r.path === responsePath)).body
    expect(JSON.stringify(answer.blocks)).toContain('Hekla ehf')
  })

  /** Runs the bot until it exits; its exit code and stderr. */
  async function runToExit(env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
    child = spawn(process.execPath, [main], {
      env: { PATH: process.env.PATH, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, SLACK_API_URL: `${stub!.url}/api`, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stderr = ''
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))
    child.stdout!.resume()
    const code = await new Promise<number | null>((done) => child!.once('close', (c) => done(c)))
    return { code, stderr }
  }

  it('exits 1 with one line naming DATABASE_URL (password hidden), no stack, when PostgreSQL cannot be reached', async () => {
    stub = await startSlackStub()
    const { code, stderr } = await runToExit({ PORT: '0', DATABASE_URL: 'postgres://crm:s3cret-pw@127.0.0.1:1/x' })
    expect(code).toBe(1)
    expect(stderr.trimEnd().split('\n')).toHaveLength(1)
    expect(stderr).toContain('the database could not be reached (connect ECONNREFUSED 127.0.0.1:1)')
    expect(stderr).toContain('DATABASE_URL=postgres://crm:***@127.0.0.1:1/x')
    expect(stderr).not.toContain('s3cret-pw')
    expect(stderr).not.toMatch(/\bat |Migration unknown/)
  })

  it('exits 1 with one line naming the port, no stack, when PORT is in use', async () => {
    stub = await startSlackStub()
    dir = mkdtempSync(join(tmpdir(), 'crm-bot-'))
    const busy = createServer()
    await new Promise<void>((listening) => busy.listen(0, listening))
    const port = (busy.address() as AddressInfo).port
    try {
      const { code, stderr } = await runToExit({ PORT: String(port), DATABASE_URL: `sqlite:${join(dir, 'crm.sqlite')}` })
      expect(code).toBe(1)
      expect(stderr).toBe(`The bot cannot start: port ${port} is already in use; stop the program using it or set PORT to a free port.\n`)
    } finally {
      await new Promise((closed) => busy.close(closed))
    }
  })

  it('run by `npm start -w apps/bot` (in apps/bot), opens the default database where npm was run (INIT_CWD)', async () => {
    stub = await startSlackStub()
    dir = mkdtempSync(join(tmpdir(), 'crm-bot-'))
    child = spawn(process.execPath, [main], {
      cwd: resolve(import.meta.dirname, '..'),
      env: { PATH: process.env.PATH, INIT_CWD: dir, SLACK_BOT_TOKEN: 'xoxb-test', SLACK_SIGNING_SECRET: SECRET, PORT: '0', SLACK_API_URL: `${stub.url}/api` },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const lines = createInterface({ input: child.stdout! })
    await new Promise<void>((resolveStart, reject) => {
      child!.once('exit', (code) => reject(new Error(`the bot exited with ${code}`)))
      lines.on('line', (line) => {
        if ((JSON.parse(line) as Record<string, unknown>).event === 'started') resolveStart()
      })
    })
    expect(existsSync(join(dir, 'data', 'crm.sqlite'))).toBe(true)
    expect(existsSync(resolve(import.meta.dirname, '..', 'data', 'crm.sqlite'))).toBe(false)
  })
})
