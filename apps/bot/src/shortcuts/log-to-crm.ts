import type { App, MessageShortcut } from '@slack/bolt'
import { logInteractionModal } from '../blocks/modal-views.ts'
import type { BotDeps } from '../deps.ts'
import { CALLBACK_IDS } from '../ids.ts'

/** Message shortcut "Log to CRM": opens the log-interaction modal with the message as the subject. */
export function register(app: App, deps: BotDeps): void {
  app.shortcut<MessageShortcut>(CALLBACK_IDS.logShortcut, async ({ ack, shortcut, client }) => {
    await ack()
    deps.log.info({ event: 'shortcut', user: shortcut.user.id, callback: CALLBACK_IDS.logShortcut })
    await client.views.open({ trigger_id: shortcut.trigger_id, view: logInteractionModal(undefined, shortcut.message.text ?? '') as never })
  })
}
