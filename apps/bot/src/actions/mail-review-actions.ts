import type { App, BlockButtonAction } from '@slack/bolt'
import { resolveActor } from '../actor.ts'
import { readMailReviewItem } from '../blocks/mail-review-blocks.ts'
import { mailAssignModal, mailCreateContactModal } from '../blocks/modal-views.ts'
import { clip, errorMessage, escapeMrkdwn, type SlackMessage } from '../blocks/result-blocks.ts'
import { releaseClaim } from '../claim-request.ts'
import { runForUser } from '../commands/run-line.ts'
import type { BotDeps } from '../deps.ts'
import { ACTION_IDS } from '../ids.ts'
import { messages } from '../messages.ts'

/**
 * The buttons of the email review list (`/crm mail unmatched`) and App Home's "Show them". Assign and Create
 * contact open their modal only for a user who may change records; Dismiss runs at once (Slack asks to confirm
 * first) and replaces the list with the fresh one.
 */
export function register(app: App, deps: BotDeps): void {
  const modals: Array<[string, (item: ReturnType<typeof readMailReviewItem>) => Record<string, unknown>]> = [
    [ACTION_IDS.mailAssign, (item) => mailAssignModal(item)],
    [ACTION_IDS.mailCreateContact, (item) => mailCreateContactModal(item)],
  ]
  for (const [actionId, build] of modals) {
    app.action<BlockButtonAction>(actionId, async ({ ack, action, body, client, respond, context }) => {
      await ack()
      const { actor } = await resolveActor(deps, client, body.user.id)
      if (!actor.salespersonCode && !actor.isAdmin) {
        // The same refusal the command would give, before anything is typed into a modal.
        await releaseClaim(context)
        await respond({ response_type: 'ephemeral', replace_original: false, ...errorMessage(messages.notLinked) })
        return
      }
      await client.views.open({ trigger_id: body.trigger_id, view: build(readMailReviewItem(action.value)) as never })
    })
  }
  app.action<BlockButtonAction>(ACTION_IDS.mailDismiss, async ({ ack, action, body, client, respond, context }) => {
    await ack()
    const { id } = readMailReviewItem(action.value)
    const outcome = await runForUser(deps, client, body.user.id, ['mail', 'dismiss', String(id)])
    if (!outcome.ok) {
      if (outcome.failed) await releaseClaim(context)
      await respond({ response_type: 'ephemeral', replace_original: false, ...outcome.message })
      return
    }
    const list = await runForUser(deps, client, body.user.id, ['mail', 'unmatched'])
    const done = { type: 'context', elements: [{ type: 'mrkdwn', text: clip(`:white_check_mark: ${escapeMrkdwn(outcome.message.text)}`, 2900) }] }
    const message: SlackMessage = { text: outcome.message.text, blocks: [done, ...list.message.blocks] }
    await respond({ response_type: 'ephemeral', replace_original: true, ...message })
  })
  // App Home has no response_url: the list arrives as a direct message, where its buttons work the same.
  app.action<BlockButtonAction>(ACTION_IDS.mailShowList, async ({ ack, body, client }) => {
    await ack()
    const outcome = await runForUser(deps, client, body.user.id, ['mail', 'unmatched'])
    await client.chat.postMessage({ channel: body.user.id, ...outcome.message })
  })
}
