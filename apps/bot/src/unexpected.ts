import { randomBytes } from 'node:crypto'
import type { AllMiddlewareArgs, RespondFn } from '@slack/bolt'
import { errorMessage } from './blocks/result-blocks.ts'
import type { BotDeps } from './deps.ts'
import { messages } from './messages.ts'

/** A short reference that ties what the user sees to the bot's log line. */
export const newRef = (): string => randomBytes(4).toString('hex')

/** Who to tell about an unexpected error: ephemerally through the interaction's response_url, else by DM. */
export interface ErrorAudience {
  user: string
  client: AllMiddlewareArgs['client']
  /** Bolt's respond; only usable when the payload carried a response_url (not for App Home buttons). */
  respond?: RespondFn
  body?: unknown
}

const hasResponseUrl = (body: unknown) => typeof body === 'object' && body !== null && typeof (body as { response_url?: unknown }).response_url === 'string'

/**
 * Logs an unexpected error with a new ref and tells the user "something went wrong (ref X)": ephemerally when
 * the interaction has a response_url, else in a DM from the bot. The user never sees the error itself. Never
 * throws; returns the ref. `context` adds fields to the log line (e.g. the payload's kind).
 */
export async function reportUnexpected(deps: BotDeps, audience: ErrorAudience, event: string, error: unknown, context: Record<string, unknown> = {}): Promise<string> {
  const ref = newRef()
  deps.log.error({ event, user: audience.user, ...context, ref, err: error }, 'unexpected error')
  const message = errorMessage(messages.unexpected(ref))
  try {
    if (audience.respond && hasResponseUrl(audience.body)) await audience.respond({ response_type: 'ephemeral', replace_original: false, ...message })
    else await audience.client.chat.postMessage({ channel: audience.user, ...message })
  } catch (replyError) {
    deps.log.error({ event: 'error_reply_failed', user: audience.user, ref, err: replyError }, 'could not tell the user about an unexpected error')
  }
  return ref
}

/** Runs a listener's work after its ack; an unexpected error is logged and reported to the user (reportUnexpected). */
export async function replyOnError(deps: BotDeps, audience: ErrorAudience, event: string, work: () => Promise<void>): Promise<void> {
  try {
    await work()
  } catch (error) {
    await reportUnexpected(deps, audience, event, error)
  }
}
