import type { App } from '@slack/bolt'
import type { BotDeps } from '../deps.ts'
import { SLASH_COMMAND } from '../ids.ts'
import { runLineForUser } from './run-line.ts'

/** Remembers recently handled request keys, so a redelivered request is not run twice. */
export class RecentKeys {
  private readonly keys = new Set<string>()
  private readonly max: number
  constructor(max = 5000) {
    this.max = max
  }
  /** True the first time a key is seen. */
  claim(key: string): boolean {
    if (this.keys.has(key)) return false
    this.keys.add(key)
    if (this.keys.size > this.max) this.keys.delete(this.keys.values().next().value!)
    return true
  }
}

/** `/crm <command line>`: acks at once, runs the line after the ack, answers through response_url. */
export function register(app: App, deps: BotDeps): void {
  const seen = new RecentKeys()
  app.command(SLASH_COMMAND, async ({ command, ack, respond, client, context }) => {
    await ack()
    // A retry means Slack did not see our ack in time; the first delivery is already doing the work.
    if (context.retryNum !== undefined || !seen.claim(command.trigger_id)) {
      deps.log.info({ event: 'retry_ignored', user: command.user_id, retryNum: context.retryNum })
      return
    }
    deps.log.info({ event: 'command', user: command.user_id, command: command.text.trim().split(/\s+/).slice(0, 2).join(' ') })
    const message = await runLineForUser(deps, client, command.user_id, command.text)
    await respond({ response_type: 'ephemeral', replace_original: false, ...message })
  })
}
