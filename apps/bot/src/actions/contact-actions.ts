import type { App, BlockButtonAction } from '@slack/bolt'
import { runLineForUser } from '../commands/run-line.ts'
import type { BotDeps } from '../deps.ts'
import { ACTION_IDS } from '../ids.ts'

/** The buttons of contact cards and search results; each runs a command of the same grammar. */
export function register(app: App, deps: BotDeps): void {
  app.action<BlockButtonAction>(ACTION_IDS.showContact, async ({ ack, action, body, client, respond }) => {
    await ack()
    const message = await runLineForUser(deps, client, body.user.id, ['contact', 'show', action.value ?? ''])
    await respond({ response_type: 'ephemeral', replace_original: false, ...message })
  })
  app.action<BlockButtonAction>(ACTION_IDS.showMore, async ({ ack, action, body, client, respond }) => {
    await ack()
    const { query, offset } = JSON.parse(action.value ?? '{}') as { query?: string; offset?: number }
    const message = await runLineForUser(deps, client, body.user.id, ['contact', 'find', '--offset', String(offset ?? 0), '--', query ?? ''])
    await respond({ response_type: 'ephemeral', replace_original: false, ...message })
  })
  // Until the modals exist, the card's buttons show the command that does the same.
  const hints: Array<[string, string]> = [
    [ACTION_IDS.logInteraction, 'help log'],
    [ACTION_IDS.newOpportunity, 'help opp new'],
    [ACTION_IDS.editContact, 'help contact edit'],
  ]
  for (const [actionId, line] of hints) {
    app.action<BlockButtonAction>(actionId, async ({ ack, body, client, respond }) => {
      await ack()
      const message = await runLineForUser(deps, client, body.user.id, line)
      await respond({ response_type: 'ephemeral', replace_original: false, ...message })
    })
  }
}
