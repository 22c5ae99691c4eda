import { cleanText, emailReference, hasForwardPrefix, isDomainError, logEmail, queueMailAck, type CoreDeps, type EmailFacts, type EmailLoggingPolicy, type LogEmailInput, type LogEmailResult } from '@crm/core'
import { checkAuthenticity } from './authenticity.ts'
import { ignoreReason } from './ignore-rules.ts'
import { dateHeaderOffset, readInlineForward } from './inline-forward.ts'
import { messages } from './messages.ts'
import { headerValues, MalformedMessageError, parseMessage, type ParsedMessage } from './parse-message.ts'

/** Settings of the ingester (from the app's configuration). */
export interface IngestSettings extends EmailLoggingPolicy {
  /** authserv-ids of our own receiving servers whose Authentication-Results are trusted. */
  authservIds: string[]
  /** MAIL_ACK=on: queue an acknowledgment to the team member who forwarded or BCC'd the message. */
  ack?: boolean
}

/** What became of one message. */
export interface IngestOutcome {
  outcome: LogEmailResult['outcome'] | 'ignored' | 'invalid'
  kind: LogEmailResult['kind'] | null
  direction: LogEmailResult['direction']
  reason: string | null
  contacts: string[]
  interactions: string[]
  externalRef: string | null
  subject: string | null
  /** Outside participants no contact matched; they wait in the review list. */
  unmatched: string[]
}

const FORWARD_MARKER = /forwarded message|begin forwarded|пересылаемое сообщение|переадресованное сообщение|пересланное сообщение|áframsend|áframsent|weitergeleitete nachricht/iu

/**
 * True when the message went to the logging mailbox alone (no other To or Cc): then it is no BCC copy of a mail to
 * someone, so a header block in it is a forward's even without a prefix or marker (Outlook can be set to add none).
 */
function addressedOnlyToUs(message: ParsedMessage, ownAddresses: string[]): boolean {
  const own = new Set(ownAddresses.map((a) => a.toLowerCase()))
  const recipients = [...message.facts.to, ...message.facts.cc].map((a) => a.address.trim().toLowerCase())
  return recipients.length > 0 && recipients.every((a) => own.has(a))
}

async function originalOf(message: ParsedMessage, ownAddresses: string[]): Promise<LogEmailInput['forwarded']> {
  // A forward as attachment: the attached message is the original (its own forwards are followed inline).
  const attached = message.attachedMessages[0]
  if (attached) {
    try {
      const inner = await parseMessage(attached)
      const nested = readInlineForward(inner.text, inner.facts.subject, zoneOf(inner))
      const original = nested ? factsOfForward(nested) : inner.facts
      return { original, form: 'attachment', note: message.text.trim() || null }
    } catch (error) {
      if (!(error instanceof MalformedMessageError)) throw error
    }
  }
  // A reply quotes its original under the same header block a forward shows (Outlook): only a forward prefix in
  // the subject, a forward marker in the text, or the logging mailbox as its only recipient makes it a forward.
  const looksForwarded = hasForwardPrefix(message.facts.subject) || FORWARD_MARKER.test(message.text) || addressedOnlyToUs(message, ownAddresses)
  const inline = looksForwarded ? readInlineForward(message.text, message.facts.subject, zoneOf(message)) : undefined
  if (inline) return { original: factsOfForward(inline), form: 'inline', note: inline.note }
  return undefined
}

/** The forwarder's zone, from its message's Date header: forward header times without one were shown in it (UTC when unknown). */
function zoneOf(message: ParsedMessage): number {
  return dateHeaderOffset(headerValues(message, 'date')[0]) ?? 0
}

function factsOfForward(f: NonNullable<ReturnType<typeof readInlineForward>>): EmailFacts {
  return { from: f.from, to: f.to, cc: f.cc, subject: f.subject ?? '', date: f.date, messageId: null, text: f.body, attachments: [] }
}

/**
 * Ingests one raw message: parse, ignore auto-replies/bounces/list mail, find the original of a forward, check
 * authenticity, then let core log it. Expected problems become an outcome with a reason; bugs propagate.
 */
export async function ingestMessage(deps: CoreDeps, settings: IngestSettings, raw: Uint8Array, receivedAt?: string): Promise<IngestOutcome> {
  const empty = { kind: null, direction: null, contacts: [], interactions: [], externalRef: null, subject: null, unmatched: [] }
  let message: ParsedMessage
  try {
    message = await parseMessage(raw)
  } catch (error) {
    if (error instanceof MalformedMessageError) return { ...empty, outcome: 'invalid', reason: error.message }
    throw error
  }
  const subject = message.facts.subject || null
  const ignored = ignoreReason(message)
  if (ignored) return { ...empty, subject, outcome: 'ignored', reason: ignored }
  const forwarded = await originalOf(message, settings.ownAddresses)
  if (forwarded) forwarded.original.attachments = forwarded.form === 'attachment' ? forwarded.original.attachments : message.facts.attachments
  try {
    const result = await logEmail(deps, settings, {
      received: message.facts,
      forwarded,
      authenticity: checkAuthenticity(message, settings.authservIds),
      receivedAt: receivedAt ?? message.facts.date ?? deps.clock().toISOString(),
    })
    const outcome = { ...result, subject: cleanText(forwarded?.original.subject ?? subject) }
    if (settings.ack) await acknowledge(deps, message, outcome)
    return outcome
  } catch (error) {
    if (isDomainError(error)) return { ...empty, subject, outcome: 'invalid', reason: error.userMessage }
    throw error
  }
}

/**
 * Queues the acknowledgment to the team member who forwarded or BCC'd the message (never to an outsider, and not
 * for rejected or ignored mail). Keyed by the received message's own reference, so it goes once however often
 * the message is ingested.
 */
async function acknowledge(deps: CoreDeps, message: ParsedMessage, result: LogEmailResult & { subject: string | null }): Promise<void> {
  if (!result.loggedBy || result.kind === 'direct' || result.outcome === 'rejected') return
  const id = await queueMailAck(deps, {
    messageRef: emailReference(message.facts),
    to: result.loggedBy,
    inReplyTo: message.facts.messageId ? (message.facts.messageId.startsWith('<') ? message.facts.messageId : `<${message.facts.messageId}>`) : null,
    facts: { outcome: result.outcome, subject: result.subject, contactNos: result.contacts, interactions: result.interactions, unmatched: result.unmatched, reason: result.reason },
    render: messages.ack.render,
  })
  if (id !== undefined) deps.logger.info({ event: 'mail.ack_queued', outboxId: id, outcome: result.outcome })
}
