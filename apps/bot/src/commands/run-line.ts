import { randomBytes } from 'node:crypto'
import { coreCommands, DomainError, isDomainError, listInteractions, listOpportunities, mailReviewCommands, runCommand, tokenize, type CommandSpec, type CoreDeps, type ResultView } from '@crm/core'
import type { webApi } from '@slack/bolt'
import { resolveActor } from '../actor.ts'
import { mailReviewListMessage, type MailReviewListItem } from '../blocks/mail-review-blocks.ts'
import { errorMessage, resultMessage, type ContactActivity, type SlackMessage } from '../blocks/result-blocks.ts'
import type { BotDeps } from '../deps.ts'
import { messages } from '../messages.ts'
import { meCommands } from './me-commands.ts'

/** The grammar the bot speaks: core's commands, the email review list, and the Slack-only `me` commands. */
export const botCommands: readonly CommandSpec[] = [...coreCommands, ...mailReviewCommands, ...meCommands]

/** Mail commands of the shell only: they read files on the server, or run and inspect its mail jobs. */
const CLI_ONLY = ['mail ingest', 'mail outbox', 'mail send-outbox']

/** The first two words of a line, lower case: enough to tell which command it names. */
const commandOf = (words: string[]) => words.slice(0, 2).join(' ').toLowerCase()

/** The words of a command line; a line that cannot be split is left to the grammar to explain. */
function wordsOf(line: string | string[]): string[] {
  if (Array.isArray(line)) return line
  try {
    return tokenize(line)
  } catch {
    return []
  }
}

/** The Slack message of a result: Block Kit of its own for the review list, else the common rendering. */
async function messageFor(core: CoreDeps, view: ResultView, words: string[]): Promise<SlackMessage> {
  if (commandOf(words) === 'mail unmatched' && view.kind === 'table') return mailReviewListMessage((view.data as { items: MailReviewListItem[] }).items)
  return resultMessage(view, await activityFor(core, view))
}

/** The card's latest interactions and open opportunities, read through core. */
async function activityFor(core: CoreDeps, view: ResultView): Promise<ContactActivity | undefined> {
  if (view.kind !== 'contact' || view.details.contact.erasedAt) return undefined
  const no = view.details.contact.no
  const [history, open] = await Promise.all([listInteractions(core, no, { limit: 5 }), listOpportunities(core, { contactNo: no, status: 'open', limit: 10 })])
  return { interactions: history.interactions, openOpportunities: open.opportunities }
}

/** How one command went: its result view and message, or the message (and field) to show instead. */
export type RunOutcome =
  | { ok: true; view: ResultView; message: SlackMessage }
  | { ok: false; message: SlackMessage; errorText: string; field?: string | undefined; /** an unexpected error, not a refusal */ failed: boolean }

/**
 * Runs one command line for a Slack user. This is the bot's one error translator: a DomainError becomes its
 * user message (and the field it names), anything else a reference that is also in the log.
 */
export async function runForUser(deps: BotDeps, client: webApi.WebClient, userId: string, line: string | string[]): Promise<RunOutcome> {
  try {
    const words = wordsOf(line)
    const command = commandOf(words)
    if (CLI_ONLY.includes(command)) throw new DomainError('CLI_ONLY', messages.mail.cliOnly(command), { field: 'command' })
    const { actor, autoLinked } = await resolveActor(deps, client, userId)
    const view = await runCommand({ deps: deps.core, actor, source: 'slack' }, line, botCommands, messages.groups)
    const message = await messageFor(deps.core, view, words)
    if (autoLinked) message.blocks.unshift({ type: 'context', elements: [{ type: 'mrkdwn', text: messages.autoLinked(autoLinked.code, autoLinked.name) }] })
    return { ok: true, view, message }
  } catch (error) {
    if (isDomainError(error)) {
      deps.log.info({ event: 'command_refused', user: userId, code: error.code })
      const text = error.code === 'NOT_LINKED' ? messages.notLinked : error.userMessage
      return { ok: false, message: errorMessage(text), errorText: text, field: error.field, failed: false }
    }
    const ref = randomBytes(4).toString('hex')
    deps.log.error({ event: 'command_failed', user: userId, ref, err: error }, 'unexpected error')
    return { ok: false, message: errorMessage(messages.unexpected(ref)), errorText: messages.unexpected(ref), failed: true }
  }
}

/** Runs one command line for a Slack user and returns the message to show, whatever the outcome. */
export async function runLineForUser(deps: BotDeps, client: webApi.WebClient, userId: string, line: string | string[]): Promise<SlackMessage> {
  return (await runForUser(deps, client, userId, line)).message
}
