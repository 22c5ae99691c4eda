import type { App } from '@slack/bolt'
import { releaseClaim } from '../claim-request.ts'
import type { BotDeps } from '../deps.ts'
import { SLASH_COMMAND } from '../ids.ts'
import { runForUser } from './run-line.ts'

/**
 * `/crm <command line>`: acks at once, runs the line after the ack, answers through response_url. Retries
 * never get here twice: the request was claimed by the claim middleware (claim-request.ts).
 */
export function register(app: App, deps: BotDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond, client, context }) => {
    await ack()
    deps.log.info({ event: 'command', user: command.user_id, command: command.text.trim().split(/\s+/).slice(0, 2).join(' '), retryNum: context.retryNum })
    const outcome = await runForUser(deps, client, command.user_id, command.text)
    // Nothing was written when the command failed unexpectedly, so a later delivery may try again.
    if (!outcome.ok && outcome.failed) await releaseClaim(context)
    await respond({ response_type: 'ephemeral', replace_original: false, ...outcome.message })
  })
}
