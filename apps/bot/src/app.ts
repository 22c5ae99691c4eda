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
import { newRef, reportUnexpected } from './unexpected.ts'

/** Bolt's error handler with the request body (`extendedErrorHandler`): the last overload of `app.error`. */
type ExtendedErrorHandler = Parameters<App['error']>[0]

/** The Slack user a request came from: interactivity payloads, slash commands and events name it differently. */
function userOf(body: unknown): string | undefined {
  const b = (body ?? {}) as { user?: { id?: string } | string; user_id?: string; event?: { user?: string | { id?: string } } }
  const candidates = [b.user, b.user_id, b.event?.user]
  for (const c of candidates) {
    const id = typeof c === 'string' ? c : c?.id
    if (id) return id
  }
  return undefined
}

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
    extendedErrorHandler: true,
  })
  // The last stop of an error no listener handled: logged with a ref and the user told by DM, then passed on
  // so the receiver answers Slack as before (a retry where one is due).
  const onError: ExtendedErrorHandler = async ({ error, body }) => {
    const user = userOf(body)
    const kind = (body as { type?: string }).type
    // Not told for a picker's suggestions: those come at every keystroke.
    if (user && kind !== 'block_suggestion') await reportUnexpected(deps, { user, client: app.client }, 'unhandled_error', error.original ?? error, { kind })
    else deps.log.error({ event: 'unhandled_error', user, kind, ref: newRef(), err: error.original ?? error }, 'unexpected error')
    throw error
  }
  app.error(onError)
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
