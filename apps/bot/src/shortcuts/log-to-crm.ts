import type { AllMiddlewareArgs, App, MessageShortcut } from '@slack/bolt'
import { SUBJECT_MAX } from '../blocks/modal-views.ts'
import { buildLogInteractionModal } from '../actions/modal-openers.ts'
import type { BotDeps } from '../deps.ts'
import { CALLBACK_IDS } from '../ids.ts'
import { replyOnError } from '../unexpected.ts'

/**
 * Message shortcut "Log to CRM": opens the log-interaction modal with the message as the subject; its author
 * and permalink (and the full text, when longer than a subject) go into the interaction's note on save.
 */
/** private_metadata holds at most 3,000 characters; the rest of a very long message stays in Slack, behind the permalink. */
const METADATA_TEXT_MAX = 2500

export function register(app: App, deps: BotDeps): void {
  app.shortcut<MessageShortcut>(CALLBACK_IDS.logShortcut, async ({ ack, shortcut, client, respond, body }) => {
    await ack()
    deps.log.info({ event: 'shortcut', user: shortcut.user.id, callback: CALLBACK_IDS.logShortcut })
    await replyOnError(deps, { user: shortcut.user.id, client, respond, body }, 'modal_open_failed', () => openLogModal(deps, shortcut, client))
  })
}

async function openLogModal(deps: BotDeps, shortcut: MessageShortcut, client: AllMiddlewareArgs['client']): Promise<void> {
  const text = shortcut.message.text ?? ''
  const authorId = shortcut.message.user ?? shortcut.message.bot_id ?? 'unknown'
  // Both look-ups are optional: without them the note names the author's id and has no link.
  const [author, permalink] = await Promise.all([
    shortcut.message.user
      ? client.users.info({ user: shortcut.message.user }).then((r) => r.user?.real_name || r.user?.name || authorId, () => authorId)
      : Promise.resolve(authorId),
    client.chat.getPermalink({ channel: shortcut.channel.id, message_ts: shortcut.message.ts }).then((r) => r.permalink, () => undefined),
  ])
  const source = { author, permalink, fullText: text.length > SUBJECT_MAX ? text.slice(0, METADATA_TEXT_MAX) : undefined }
  await client.views.open({ trigger_id: shortcut.trigger_id, view: (await buildLogInteractionModal(deps.core, undefined, text, source)) as never })
}
