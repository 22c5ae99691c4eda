import { hasForwardPrefix, isDomainError, logEmail, type CoreDeps, type EmailFacts, type EmailLoggingPolicy, type LogEmailInput, type LogEmailResult } from '@crm/core'
import { checkAuthenticity } from './authenticity.ts'
import { ignoreReason } from './ignore-rules.ts'
import { readInlineForward } from './inline-forward.ts'
import { MalformedMessageError, parseMessage, type ParsedMessage } from './parse-message.ts'

/** Settings of the ingester (from the app's configuration). */
export interface IngestSettings extends EmailLoggingPolicy {
  /** authserv-ids of our own receiving servers whose Authentication-Results are trusted. */
  authservIds: string[]
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
}

const FORWARD_MARKER = /forwarded message|begin forwarded|пересылаемое сообщение|переадресованное сообщение|пересланное сообщение|áframsend|áframsent|weitergeleitete nachricht/iu

async function originalOf(message: ParsedMessage): Promise<LogEmailInput['forwarded']> {
  // A forward as attachment: the attached message is the original (its own forwards are followed inline).
  const attached = message.attachedMessages[0]
  if (attached) {
    try {
      const inner = await parseMessage(attached)
      const nested = readInlineForward(inner.text, inner.facts.subject)
      const original = nested ? factsOfForward(nested) : inner.facts
      return { original, form: 'attachment', note: message.text.trim() || null }
    } catch (error) {
      if (!(error instanceof MalformedMessageError)) throw error
    }
  }
  // A reply quotes its original under the same header block a forward shows (Outlook): only a forward prefix in
  // the subject or a forward marker in the text makes it a forward.
  const looksForwarded = hasForwardPrefix(message.facts.subject) || FORWARD_MARKER.test(message.text)
  const inline = looksForwarded ? readInlineForward(message.text, message.facts.subject) : undefined
  if (inline) return { original: factsOfForward(inline), form: 'inline', note: inline.note }
  return undefined
}

function factsOfForward(f: NonNullable<ReturnType<typeof readInlineForward>>): EmailFacts {
  return { from: f.from, to: f.to, cc: f.cc, subject: f.subject ?? '', date: f.date, messageId: null, text: f.body, attachments: [] }
}

/**
 * Ingests one raw message: parse, ignore auto-replies/bounces/list mail, find the original of a forward, check
 * authenticity, then let core log it. Expected problems become an outcome with a reason; bugs propagate.
 */
export async function ingestMessage(deps: CoreDeps, settings: IngestSettings, raw: Uint8Array, receivedAt?: string): Promise<IngestOutcome> {
  const empty = { kind: null, direction: null, contacts: [], interactions: [], externalRef: null, subject: null }
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
  const forwarded = await originalOf(message)
  if (forwarded) forwarded.original.attachments = forwarded.form === 'attachment' ? forwarded.original.attachments : message.facts.attachments
  try {
    const result = await logEmail(deps, settings, {
      received: message.facts,
      forwarded,
      authenticity: checkAuthenticity(message, settings.authservIds),
      receivedAt: receivedAt ?? message.facts.date ?? deps.clock().toISOString(),
    })
    return { ...result, subject: (forwarded?.original.subject ?? subject) || null }
  } catch (error) {
    if (isDomainError(error)) return { ...empty, subject, outcome: 'invalid', reason: error.userMessage }
    throw error
  }
}
