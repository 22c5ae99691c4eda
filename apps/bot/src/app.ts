import { App, type Receiver } from '@slack/bolt'
import { register as registerClaimRequest } from './claim-request.ts'
import { register as registerContactActions } from './actions/contact-actions.ts'
import { register as registerMailReviewActions } from './actions/mail-review-actions.ts'
import { register as registerCrmCommand } from './commands/crm-command.ts'
import type { BotDeps } from './deps.ts'
import { register as registerAppHome } from './events/app-home.ts'
import { register as registerLogShortcut } from './shortcuts/log-to-crm.ts'
import { register as registerContactPicker } from './options/contact-picker.ts'
import { register as registerModalSubmissions } from './views/modal-submissions.ts'
import { boltLogger } from './logger.ts'

/**
 * Builds the Bolt app: Socket Mode with an app token, else HTTP on /slack/events verified by the signing secret.
 * A `receiver` replaces both (the benchmark wraps Bolt's HTTPReceiver to time requests inside the server).
 */
export function createBotApp(deps: BotDeps, receiver?: Receiver): App {
  const { config } = deps
  const app = new App({
    token: config.botToken,
    ...(receiver ? { receiver } : config.appToken ? { socketMode: true, appToken: config.appToken } : { signingSecret: config.signingSecret! }),
    ...(config.slackApiUrl ? { clientOptions: { slackApiUrl: config.slackApiUrl } } : {}),
    logger: boltLogger(deps.log),
  })
  registerClaimRequest(app, deps)
  registerCrmCommand(app, deps)
  registerContactActions(app, deps)
  registerMailReviewActions(app, deps)
  registerModalSubmissions(app, deps)
  registerContactPicker(app, deps)
  registerLogShortcut(app, deps)
  registerAppHome(app, deps)
  return app
}
