import type { App, BlockButtonAction } from '@slack/bolt'
import { logInteractionModal, newOpportunityModal } from '../blocks/modal-views.ts'
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
  const modals: Array<[string, (no: string) => Record<string, unknown>]> = [
    [ACTION_IDS.logInteraction, (no) => logInteractionModal(no)],
    [ACTION_IDS.newOpportunity, (no) => newOpportunityModal(no)],
  ]
  for (const [actionId, build] of modals) {
    app.action<BlockButtonAction>(actionId, async ({ ack, action, body, client }) => {
      await ack()
      await client.views.open({ trigger_id: body.trigger_id, view: build(action.value ?? '') as never })
    })
  }
  // Until the edit modal exists, Edit shows the command that does the same.
  app.action<BlockButtonAction>(ACTION_IDS.editContact, async ({ ack, body, client, respond }) => {
    await ack()
    const message = await runLineForUser(deps, client, body.user.id, 'help contact edit')
    await respond({ response_type: 'ephemeral', replace_original: false, ...message })
  })
}
