import type { App } from '@slack/bolt'
import { buildLogInteractionModal, buildNewOpportunityModal } from '../actions/modal-openers.ts'
import type { Block } from '../blocks/result-blocks.ts'
import { releaseClaim } from '../claim-request.ts'
import type { BotDeps } from '../deps.ts'
import { SLASH_COMMAND } from '../ids.ts'
import { reportUnexpected } from '../unexpected.ts'
import { runForUser } from './run-line.ts'

/** Commands that, typed without arguments, open their modal (with a contact picker) instead of showing usage. */
const MODAL_COMMANDS: Record<string, (deps: BotDeps) => Promise<Block>> = {
  'opp new': (deps) => buildNewOpportunityModal(deps.core),
  log: (deps) => buildLogInteractionModal(deps.core),
}

/**
 * `/crm <command line>`: acks at once, runs the line after the ack, answers through response_url. Retries
 * never get here twice: the request was claimed by the claim middleware (claim-request.ts).
 */
export function register(app: App, deps: BotDeps): void {
  app.command(SLASH_COMMAND, async ({ command, ack, respond, client, context }) => {
    await ack()
    deps.log.info({ event: 'command', user: command.user_id, command: command.text.trim().split(/\s+/).slice(0, 2).join(' '), retryNum: context.retryNum })
    const openModal = MODAL_COMMANDS[command.text.trim().toLowerCase().split(/\s+/).join(' ')]
    if (openModal) {
      try {
        await client.views.open({ trigger_id: command.trigger_id, view: (await openModal(deps)) as never })
      } catch (error) {
        await reportUnexpected(deps, { user: command.user_id, client, respond, body: command }, 'modal_open_failed', error)
      }
      return
    }
    const outcome = await runForUser(deps, client, command.user_id, command.text)
    // Nothing was written when the command failed unexpectedly, so a later delivery may try again.
    if (!outcome.ok && outcome.failed) await releaseClaim(context)
    await respond({ response_type: 'ephemeral', replace_original: false, ...outcome.message })
  })
}
