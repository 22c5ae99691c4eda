import type { App, BlockButtonAction } from '@slack/bolt'
import { advanceOpportunityModal, editContactModal, newContactModal } from '../blocks/modal-views.ts'
import type { Block } from '../blocks/result-blocks.ts'
import { runForUser, runLineForUser } from '../commands/run-line.ts'
import type { BotDeps } from '../deps.ts'
import { ACTION_IDS } from '../ids.ts'
import { replyOnError } from '../unexpected.ts'
import { buildCloseOpportunityModal, buildLogInteractionModal, buildNewOpportunityModal } from './modal-openers.ts'

/** The buttons of contact cards, search results and App Home; each runs a command or opens a modal for one. */
export function register(app: App, deps: BotDeps): void {
  // Every button acks first; an unexpected error after that is logged with a ref and the user told (unexpected.ts).
  app.action<BlockButtonAction>(ACTION_IDS.showContact, async ({ ack, action, body, client, respond }) => {
    await ack()
    await replyOnError(deps, { user: body.user.id, client, respond, body }, 'action_failed', async () => {
      const message = await runLineForUser(deps, client, body.user.id, ['contact', 'show', action.value ?? ''])
      await respond({ response_type: 'ephemeral', replace_original: false, ...message })
    })
  })
  app.action<BlockButtonAction>(ACTION_IDS.showMore, async ({ ack, action, body, client, respond }) => {
    await ack()
    await replyOnError(deps, { user: body.user.id, client, respond, body }, 'action_failed', async () => {
      const { query, offset } = JSON.parse(action.value ?? '{}') as { query?: string; offset?: number }
      const message = await runLineForUser(deps, client, body.user.id, ['contact', 'find', '--offset', String(offset ?? 0), '--', query ?? ''])
      await respond({ response_type: 'ephemeral', replace_original: false, ...message })
    })
  })
  // A card's buttons carry the contact or opportunity number; App Home's quick actions carry none, so their
  // modals come with a contact picker.
  const modals: Array<[string, (no: string) => Block | Promise<Block>]> = [
    [ACTION_IDS.logInteraction, (no) => buildLogInteractionModal(deps.core, no)],
    [ACTION_IDS.newOpportunity, (no) => buildNewOpportunityModal(deps.core, no)],
    [ACTION_IDS.newContact, () => newContactModal()],
    [ACTION_IDS.advanceOpportunity, (no) => advanceOpportunityModal(no)],
    [ACTION_IDS.closeOpportunity, (no) => buildCloseOpportunityModal(deps.core, no)],
  ]
  for (const [actionId, build] of modals) {
    app.action<BlockButtonAction>(actionId, async ({ ack, action, body, client, respond }) => {
      await ack()
      await replyOnError(deps, { user: body.user.id, client, respond, body }, 'modal_open_failed', async () => {
        await client.views.open({ trigger_id: body.trigger_id, view: (await build(action.value ?? '')) as never })
      })
    })
  }
  // Edit reads the contact through the grammar first, so the modal starts from its current values.
  app.action<BlockButtonAction>(ACTION_IDS.editContact, async ({ ack, action, body, client, respond }) => {
    await ack()
    await replyOnError(deps, { user: body.user.id, client, respond, body }, 'modal_open_failed', async () => {
      const outcome = await runForUser(deps, client, body.user.id, ['contact', 'show', action.value ?? ''])
      if (!outcome.ok || outcome.view.kind !== 'contact') {
        await respond({ response_type: 'ephemeral', replace_original: false, ...outcome.message })
        return
      }
      await client.views.open({ trigger_id: body.trigger_id, view: editContactModal(outcome.view.details.contact) as never })
    })
  })
}
