import { createCoreDeps } from '@crm/core'
import { openDatabase } from '@crm/db'
import { HTTPReceiver, SocketModeReceiver } from '@slack/bolt'
import { describe, expect, it } from 'vitest'
import { createBotApp } from '../src/app.ts'
import { readBotConfig } from '../src/config.ts'
import { createLogger } from '../src/logger.ts'

/** Bolt keeps its receiver private; the mode switch is only visible there without a live Slack. */
const receiverOf = (app: unknown) => (app as { receiver: unknown }).receiver

describe('connection mode', () => {
  it('uses Socket Mode with an app token and the HTTP receiver without one', async () => {
    const database = await openDatabase(':memory:')
    const log = createLogger('silent')
    const core = createCoreDeps(database)
    const socket = readBotConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1', SLACK_API_URL: 'http://127.0.0.1:9/api/' })
    const http = readBotConfig({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 's', SLACK_API_URL: 'http://127.0.0.1:9/api/' })
    if (!socket.ok || !http.ok) throw new Error('config')
    expect(receiverOf(createBotApp({ core, config: socket.config, log }))).toBeInstanceOf(SocketModeReceiver)
    expect(receiverOf(createBotApp({ core, config: http.config, log }))).toBeInstanceOf(HTTPReceiver)
    await database.close()
  })
})
