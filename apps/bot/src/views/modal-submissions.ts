import type { App } from '@slack/bolt'
import type { DuplicateCandidate } from '@crm/core'
import { readMailReviewItem } from '../blocks/mail-review-blocks.ts'
import { CONTACT_MODAL_FIELDS, DUPLICATES_SEEN, MAIL_CONTACT_FIELDS, mailCreateContactModal, newContactModal, noteWithSource, readModalValues } from '../blocks/modal-views.ts'
import { errorMessage, section, type Block, type SlackMessage } from '../blocks/result-blocks.ts'
import { replaceReviewList } from '../actions/mail-review-actions.ts'
import { releaseClaim } from '../claim-request.ts'
import { runForUser } from '../commands/run-line.ts'
import type { BotDeps } from '../deps.ts'
import { CALLBACK_IDS } from '../ids.ts'
import { messages } from '../messages.ts'

/** `--name value` for the values that were filled in. */
function options(values: Record<string, string>, names: string[]): string[] {
  return names.flatMap((name) => (values[name] === undefined ? [] : [`--${name}`, values[name]!]))
}

/** `contact edit` options for the fields whose value differs from what the modal started with ("" clears). */
function changedFields(metadata: string, values: Record<string, string>): string[] {
  const { no, initial } = JSON.parse(metadata || '{}') as { no?: string; initial?: Record<string, string | null> }
  const changed = ['name', ...CONTACT_MODAL_FIELDS].flatMap((f) => ((values[f] ?? '') === (initial?.[f] ?? '') ? [] : [`--${f}`, values[f] ?? '']))
  return ['contact', 'edit', no ?? '', ...changed]
}

/** `mail create-contact` for a review item: the type, the name and the fields typed into its modal. */
function mailCreateContactWords(metadata: string, v: Record<string, string>): string[] {
  const { id } = readMailReviewItem(metadata)
  return ['mail', 'create-contact', String(id), '--type', v.type ?? 'person', ...options(v, ['name', 'company', ...MAIL_CONTACT_FIELDS])]
}

/**
 * Modals that look for possible duplicates before their first save: the command line of the check (none once
 * the user has seen the duplicates) and the same modal again with the duplicates listed above what was typed.
 */
const DUPLICATE_CHECKS: Record<string, { check: (metadata: string, v: Record<string, string>) => string[] | undefined; again: (metadata: string, v: Record<string, string>, duplicates: DuplicateCandidate[]) => Block }> = {
  [CALLBACK_IDS.newContact]: {
    check: (metadata, v) => (metadata === DUPLICATES_SEEN ? undefined : ['contact', 'add', v.type ?? '', '--check', ...options(v, ['company', ...CONTACT_MODAL_FIELDS]), '--', v.name ?? '']),
    again: (_, v, duplicates) => newContactModal(v, duplicates),
  },
  [CALLBACK_IDS.mailCreateContact]: {
    check: (metadata, v) => {
      const item = readMailReviewItem(metadata)
      if (item.duplicatesSeen) return undefined
      return ['contact', 'add', v.type ?? 'person', '--check', ...options({ ...v, ...(item.address ? { email: item.address } : {}) }, ['company', ...CONTACT_MODAL_FIELDS]), '--', v.name ?? '']
    },
    again: (metadata, v, duplicates) => mailCreateContactModal(readMailReviewItem(metadata), v, duplicates),
  },
}

/**
 * Slack waits 3 seconds for a modal's answer. The answer (field errors, an updated view, or closing) is sent
 * when the work ends, or, at `ms`, an empty one that closes the modal: `send` then returns false and the
 * caller tells the outcome another way. The work itself runs once either way.
 */
function boundedAck(ack: (response?: Record<string, unknown>) => Promise<void>, ms: number) {
  let sent = false
  const timer = setTimeout(() => {
    sent = true
    void ack().catch(() => undefined)
  }, ms)
  return {
    async send(response?: Record<string, unknown>): Promise<boolean> {
      clearTimeout(timer)
      if (sent) return false
      sent = true
      await ack(response)
      return true
    },
    stop: () => clearTimeout(timer),
  }
}

/** The modals of the email review list: saved, they refresh the list they were opened from. */
const REVIEW_LIST_MODALS = new Set<string>([CALLBACK_IDS.mailAssign, CALLBACK_IDS.mailCreateContact])

/**
 * Submissions of the bot's modals. Each becomes a command line of the core grammar (as words, so nothing
 * needs quoting); a refused change keeps the modal open with the message at the field it names.
 */
export function register(app: App, deps: BotDeps): void {
  const submissions: Array<[string, (contact: string, v: Record<string, string>) => string[], string]> = [
    [CALLBACK_IDS.logInteraction, (metadata, v) => {
      // From the shortcut the metadata is the message's source (JSON), from a card the contact number.
      const note = noteWithSource(v.note, metadata)
      const contact = metadata.startsWith('{') ? v.contact : metadata || v.contact
      return ['log', contact ?? '', v.template ?? '', ...options({ ...v, ...(note ? { note } : {}) }, ['date', 'duration', 'evaluation', 'note']), '--', v.subject ?? '']
    }, 'subject'],
    // From a card the metadata is the contact number; from App Home or `/crm opp new` the contact was picked.
    [CALLBACK_IDS.newOpportunity, (metadata, v) => ['opp', 'new', metadata || v.contact || '', ...options(v, ['cycle', 'value', 'close-date']), '--', v.description ?? ''], 'description'],
    [CALLBACK_IDS.newContact, (_, v) => ['contact', 'add', v.type ?? '', ...(v.check ? ['--check'] : []), ...options(v, ['company', ...CONTACT_MODAL_FIELDS]), '--', v.name ?? ''], 'name'],
    [CALLBACK_IDS.editContact, (metadata, v) => changedFields(metadata, v), 'name'],
    [CALLBACK_IDS.advanceOpportunity, (no, v) => ['opp', 'next', no, ...options(v, ['quote', 'note'])], 'note'],
    [CALLBACK_IDS.closeOpportunity, (no, v) => ['opp', 'close', no, v.outcome ?? '', ...(v.code ? [v.code] : []), ...options(v, ['note'])], 'code'],
    [CALLBACK_IDS.mailAssign, (metadata, v) => ['mail', 'assign', String(readMailReviewItem(metadata).id), v.contact ?? ''], 'contact'],
    [CALLBACK_IDS.mailCreateContact, mailCreateContactWords, 'name'],
  ]
  for (const [callbackId, toWords, fallbackBlock] of submissions) {
    app.view(callbackId, async ({ ack, view, body, client, context }) => {
      const answer = boundedAck(ack as (response?: Record<string, unknown>) => Promise<void>, deps.config.modalAckMs)
      try {
        const values = readModalValues(view.state as Parameters<typeof readModalValues>[0])
        const checkWords = DUPLICATE_CHECKS[callbackId]?.check(view.private_metadata, values)
        if (checkWords) {
          // First save: check for possible duplicates and show them before anything is stored.
          const checked = await runForUser(deps, client, body.user.id, checkWords)
          if (checked.ok && checked.view.kind === 'duplicates' && checked.view.duplicates.length) {
            await releaseClaim(context)
            if (!(await answer.send({ response_action: 'update', view: DUPLICATE_CHECKS[callbackId]!.again(view.private_metadata, values, checked.view.duplicates) as never }))) {
              const late: SlackMessage = { text: messages.modals.lateDuplicates, blocks: [section(messages.modals.lateDuplicates), ...checked.message.blocks] }
              await client.chat.postMessage({ channel: body.user.id, ...late })
            }
            return
          }
        }
        const outcome = await runForUser(deps, client, body.user.id, toWords(view.private_metadata, values))
        if (!outcome.ok) {
          // Refused: nothing was written, and the user may submit the same values again after fixing a cause elsewhere.
          await releaseClaim(context)
          const blockIds = view.blocks.map((b) => b.block_id)
          const block = outcome.field && blockIds.includes(outcome.field) ? outcome.field : fallbackBlock
          if (!(await answer.send({ response_action: 'errors', errors: { [block]: outcome.errorText.slice(0, 1500) } }))) {
            await client.chat.postMessage({ channel: body.user.id, ...errorMessage(messages.modals.lateRefused(outcome.errorText)) })
          }
          return
        }
        await answer.send()
        // From the review list: the list itself shows what was done (the item gone); elsewhere a direct message.
        const reviewList = REVIEW_LIST_MODALS.has(callbackId) ? readMailReviewItem(view.private_metadata).responseUrl : undefined
        if (reviewList && (await replaceReviewList(deps, client, body.user.id, reviewList, outcome.message.text))) return
        await client.chat.postMessage({ channel: body.user.id, ...outcome.message })
      } finally {
        answer.stop()
      }
    })
  }
}
