import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { readBotConfig } from '../src/config.ts'

const main = resolve(import.meta.dirname, '../src/main.ts')

describe('bot settings', () => {
  it('lists every missing and malformed variable at once', () => {
    const result = readBotConfig({ PORT: 'eighty', SLACK_API_URL: 'slack.com', SLACK_ADMIN_USERS: 'U123,bob', SLACK_MODAL_ACK_MS: '5000', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://crm:secret@db/crm' })
    expect(result.ok).toBe(false)
    const problems = result.ok ? [] : result.problems
    expect(problems.map((p) => p.split(' ')[0])).toEqual(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'PORT', 'SLACK_API_URL', 'SLACK_ADMIN_USERS', 'SLACK_MODAL_ACK_MS', 'LOG_LEVEL', 'DATABASE_URL:'])
    expect(problems.join('\n')).toContain('(100-2800, default 2500; Slack waits 3 seconds), not "5000"')
    expect(problems.join('\n')).toContain('these are not: bob')
    expect(problems.at(-1)).toMatch(/Unsupported database URL "mysql:\/\/crm:\*\*\*@db\/crm"\. Use sqlite:/)
    expect(readBotConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', DATABASE_URL: 'sqlite:' })).toMatchObject({ ok: false, problems: [expect.stringMatching(/^DATABASE_URL: The SQLite URL has no file path/)] })
  })

  it('uses HTTP mode with a signing secret, and Socket Mode when an app token is set', () => {
    const http = readBotConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: 'http://127.0.0.1:9/api', SLACK_ADMIN_USERS: 'U1A, U2B' })
    expect(http).toMatchObject({ ok: true, config: { appToken: undefined, signingSecret: 's', port: 3000, slackApiUrl: 'http://127.0.0.1:9/api/', adminUsers: ['U1A', 'U2B'], modalAckMs: 2500 } })
    const socket = readBotConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' })
    expect(socket).toMatchObject({ ok: true, config: { appToken: 'xapp-1', signingSecret: undefined } })
    expect(readBotConfig({ SLACK_BOT_TOKEN: 'xoxp-1', SLACK_APP_TOKEN: 'xoxb-2' })).toMatchObject({ ok: false, problems: [expect.stringContaining('xoxb-'), expect.stringContaining('xapp-')] })
  })

  it('exits 1 before opening a socket and prints every problem', async () => {
    const run = promisify(execFile)(process.execPath, [main], { env: { PATH: process.env.PATH, DATABASE_URL: 'mysql://x' } })
    const error = await run.then(() => undefined, (e: { code: number; stderr: string }) => e)
    expect(error?.code).toBe(1)
    expect(error?.stderr).toContain('SLACK_BOT_TOKEN is missing')
    expect(error?.stderr).toContain('SLACK_SIGNING_SECRET is missing')
    expect(error?.stderr).toContain('DATABASE_URL: Unsupported database URL "mysql://x"')
  })
})
