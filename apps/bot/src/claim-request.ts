import { createHash, randomBytes } from 'node:crypto'
import { claimRequest, finishRequest, releaseRequest, startRequestInstance } from '@crm/core'
import type { AnyMiddlewareArgs, App } from '@slack/bolt'
import { errorMessage } from './blocks/result-blocks.ts'
import type { BotDeps } from './deps.ts'
import { messages } from './messages.ts'

const digest = (text: string) => createHash('sha256').update(text).digest('base64url').slice(0, 22)

/**
 * The identity of one Slack request, the same for every delivery of it (Slack's retries resend the same
 * body): team and user, plus the trigger id of a command, button or shortcut, the view id and submitted
 * values of a modal, or the event id. Undefined for what needs no claim (view_closed, options).
 */
export function requestKeyOf(body: Record<string, any>): string | undefined {
  if (typeof body.command === 'string') return `command:${body.team_id}:${body.user_id}:${body.trigger_id}:${digest(String(body.text ?? ''))}`
  const team = body.team?.id ?? body.team_id ?? body.user?.team_id ?? ''
  const user = body.user?.id ?? ''
  switch (body.type) {
    case 'view_submission':
      return `view:${team}:${user}:${body.view?.id}:${digest(JSON.stringify([body.view?.private_metadata ?? '', body.view?.state?.values ?? {}]))}`
    case 'block_actions':
      return `action:${team}:${user}:${body.trigger_id}:${digest(JSON.stringify((body.actions ?? []).map((a: any) => [a.action_id, a.action_ts, a.value])))}`
    case 'shortcut':
    case 'message_action':
      return `shortcut:${team}:${user}:${body.trigger_id}`
    case 'event_callback':
      return `event:${body.team_id ?? team}:${body.event_id}`
    default:
      return undefined
  }
}

/**
 * Global middleware: claims each request in the database before any listener runs, so a request is run
 * once however often Slack delivers it and whichever process gets it. Another delivery of a claimed request
 * is only acknowledged. A listener that ends without writing (refused, failed) calls `context.releaseClaim()`
 * so a corrected resubmission or a later retry can run; an exception releases it too. Claims are held by this
 * process's instance (a lease it renews) until the listeners finished: when the process dies mid-way, the next
 * delivery of the request (a retry, the user submitting the modal again) runs it once the lease ran out. Stopping
 * the app gives the lease back.
 */
export function register(app: App, deps: BotDeps): void {
  const instance = startRequestInstance(deps.core)
  instance.ready.catch((err: unknown) => deps.log.error({ event: 'instance_lease_failed', err }, 'unexpected error'))
  const stop = app.stop.bind(app)
  app.stop = async (...args: Parameters<App['stop']>) => {
    await instance.stop()
    return stop(...args)
  }
  app.use(async (args) => {
    const { body, context, next } = args
    const { ack, respond } = args as AnyMiddlewareArgs & { ack?: (response?: unknown) => Promise<void>; respond?: (message: unknown) => Promise<unknown> }
    const key = requestKeyOf(body as Record<string, any>)
    if (!key) return next()
    let claimed: boolean
    try {
      claimed = await claimRequest(deps.core, key, instance)
    } catch (error) {
      // The database cannot be reached: nothing can be run safely; say so with a reference, never the error.
      const ref = randomBytes(4).toString('hex')
      deps.log.error({ event: 'claim_failed', ref, err: error }, 'unexpected error')
      if (ack) await ack()
      if (respond) await respond({ response_type: 'ephemeral', replace_original: false, ...errorMessage(messages.unexpected(ref)) }).catch(() => undefined)
      return
    }
    if (!claimed) {
      deps.log.info({ event: 'request_already_claimed', kind: key.slice(0, key.indexOf(':')), retryNum: context.retryNum })
      if (ack) await ack()
      return
    }
    let released = false
    context.releaseClaim = async () => {
      if (released) return
      released = true
      await releaseRequest(deps.core, key)
    }
    try {
      await next()
    } catch (error) {
      await (context.releaseClaim as () => Promise<void>)()
      throw error
    }
    if (!released) await finishRequest(deps.core, key, instance).catch((err: unknown) => deps.log.warn({ event: 'finish_claim_failed', err }))
  })
}

/** Gives back this request's claim (see `register`); a no-op where the request was not claimed. */
export async function releaseClaim(context: Record<string, unknown>): Promise<void> {
  const release = context.releaseClaim as (() => Promise<void>) | undefined
  if (release) await release()
}
