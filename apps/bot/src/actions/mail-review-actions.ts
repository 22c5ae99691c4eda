import type { App, BlockButtonAction, webApi } from '@slack/bolt'
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
      // The list's response_url goes with the modal, so saving it can refresh the list the button was in.
      const item = { ...readMailReviewItem(action.value), ...(body.response_url ? { responseUrl: body.response_url } : {}) }
      await client.views.open({ trigger_id: body.trigger_id, view: build(item) as never })
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
    await respond({ response_type: 'ephemeral', replace_original: true, ...(await refreshedReviewList(deps, client, body.user.id, outcome.message.text)) })
  })
  // App Home has no response_url: the list arrives as a direct message, where its buttons work the same.
  app.action<BlockButtonAction>(ACTION_IDS.mailShowList, async ({ ack, body, client }) => {
    await ack()
    const outcome = await runForUser(deps, client, body.user.id, ['mail', 'unmatched'])
    await client.chat.postMessage({ channel: body.user.id, ...outcome.message })
  })
}

/** The review list as it is now, under a line saying what was just done. */
export async function refreshedReviewList(deps: BotDeps, client: webApi.WebClient, userId: string, doneText: string): Promise<SlackMessage> {
  const list = await runForUser(deps, client, userId, ['mail', 'unmatched'])
  const done = { type: 'context', elements: [{ type: 'mrkdwn', text: clip(`:white_check_mark: ${escapeMrkdwn(doneText)}`, 2900) }] }
  return { text: doneText, blocks: [done, ...list.message.blocks] }
}

/**
 * Replaces the review list a modal was opened from (its response_url) with the fresh list under what was
 * just done; false when Slack refuses it (the URL expired after 30 minutes or 5 uses), so the caller says it otherwise.
 */
export async function replaceReviewList(deps: BotDeps, client: webApi.WebClient, userId: string, responseUrl: string, doneText: string): Promise<boolean> {
  try {
    const message = await refreshedReviewList(deps, client, userId, doneText)
    const res = await fetch(responseUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ response_type: 'ephemeral', replace_original: true, ...message }) })
    if (res.ok) return true
    deps.log.warn({ event: 'review_list_not_replaced', status: res.status })
  } catch (error) {
    deps.log.warn({ event: 'review_list_not_replaced', err: error })
  }
  return false
}
