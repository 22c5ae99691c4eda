import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
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
