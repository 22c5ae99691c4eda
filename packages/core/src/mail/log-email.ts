import { createHash } from 'node:crypto'
import { contacts, mailReview, salespeople, setup as setupQueries, type ContactRow, type Executor } from '@crm/db'
import type { CoreDeps } from '../deps.ts'
import { isDomainError } from '../errors.ts'
import { logInteraction } from '../interactions/interactions.ts'
import { cleanText, emailDomain, normalizeEmail, stripControlChars } from '../text/normalize.ts'

/** One address of a message header. */
export interface MailAddress {
  address: string
  name?: string | null
}

/** What the logging rules need to know about one message (the app reads it from MIME). */
export interface EmailFacts {
  from: MailAddress | null
  to: MailAddress[]
  cc: MailAddress[]
  subject: string
  /** ISO-8601 date the message was written, when known. */
  date: string | null
  messageId: string | null
  /** Plain text of the body; only used for the stable reference of a message without Message-ID. */
  text?: string | null
  attachments: Array<{ name: string; size: number; contentType?: string }>
}

/** The mail logging settings an app passes in (from its configuration). */
export interface EmailLoggingPolicy {
  /** Domains whose addresses are team members (besides salespeople's own addresses). */
  teamDomains: string[]
  /** Domains never matched to a company by domain alone (gmail.com, ...). */
  freeMailDomains: string[]
  /** Addresses of the logging mailbox itself: never participants. */
  ownAddresses: string[]
  inboundTemplate?: string
  outboundTemplate?: string
  /** Characters of the original's text kept with the entry (after the forwarder's note); 0 or absent: none. */
  excerptChars?: number
}

/** Free-mail domains: a person writing from one of these says nothing about their company. */
export const DEFAULT_FREE_MAIL_DOMAINS: readonly string[] = [
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'yahoo.com', 'ymail.com', 'aol.com',
  'icloud.com', 'me.com', 'mac.com', 'proton.me', 'protonmail.com', 'gmx.de', 'gmx.net', 'web.de', 't-online.de',
  'yandex.ru', 'ya.ru', 'mail.ru', 'bk.ru', 'inbox.ru', 'list.ru', 'rambler.ru', 'simnet.is', 'internet.is', 'visir.is',
]

export interface LogEmailInput {
  /** The message as it arrived in the logging mailbox. */
  received: EmailFacts
  /** The original message of a forward (inline or attached), innermost first-written one; absent for BCC and direct mail. */
  forwarded?: { original: EmailFacts; form: 'inline' | 'attachment'; note: string | null } | undefined
  /** The verdict of the trusted Authentication-Results header on the received message. */
  authenticity: { passed: boolean; reason: string }
  /** When the logging mailbox got the message (ISO-8601); the date when the original has none. */
  receivedAt: string
}

export type EmailKind = 'forward' | 'attachment' | 'bcc' | 'direct'
export type EmailOutcome = 'logged' | 'already-logged' | 'unmatched' | 'rejected'

export interface LogEmailResult {
  outcome: EmailOutcome
  kind: EmailKind
  direction: 'inbound' | 'outbound' | null
  /** Why a message was rejected or not matched; null when logged. */
  reason: string | null
  /** The team member on whose behalf it was logged (address), when known. */
  loggedBy: string | null
  contacts: string[]
  interactions: string[]
  externalRef: string | null
  /** Outside participants no contact matched: they wait in the review list (`mail unmatched`). */
  unmatched: string[]
}

/**
 * Forward prefixes, Outlook's localized ones among them: FW/Fwd, WG (German), TR (French), RV (Spanish), ENC
 * (Portuguese), VS (Norwegian, Danish), VB (Swedish), Doorst (Dutch), PD (Polish), VL (Finnish), I (Italian), PŘ
 * (Czech), Továbbítás (Hungarian), İLT (Turkish), ΠΡΘ (Greek), Пересл (Russian), Áfram (Icelandic), 转发/轉寄/転送.
 * The short new ones count only when a space follows the colon ("I: Offer"), so "I:x" or "PD:12" stay subjects.
 */
const FORWARD_PREFIX = /^\s*(?:(?:fwd?|fw|wg|tr|rv|enc|пересл|переслать|fwd?\s*\[\d+\]|áfram|áframsent|áframs|doorst|továbbítás)\s*:\s*|(?:vs|vb|vl|pd|i|př|[iİ]lt|πρθ)\s*:\s+|(?:转发|轉寄|転送)\s*[:：]\s*)+/iu

/** True when the subject starts with a forward prefix (Fwd:, FW:, WG:, VS:, VB:, Doorst:, PD:, VL:, I:, Пересл:, Áfram: ...). */
export function hasForwardPrefix(subject: string | null | undefined): boolean {
  return FORWARD_PREFIX.test(subject ?? '')
}

/** The subject without forward prefixes (Fwd:, FW:, WG:, VS:, Пересл:, Áfram: ...), as one line; "(no subject)" when empty. */
export function cleanEmailSubject(subject: string | null | undefined): string {
  let s = cleanText(subject) ?? ''
  let prev = ''
  while (s !== prev) {
    prev = s
    s = s.replace(FORWARD_PREFIX, '').trim()
  }
  if (!s) return '(no subject)'
  return [...s].length > 250 ? [...s].slice(0, 249).join('') + '…' : s
}

/** Message-IDs longer than this are stored as their hash: a database index entry has a size limit (PostgreSQL ~2.7 kB). */
export const MAX_EXTERNAL_REF_CHARS = 500

const sha256Ref = (text: string) => `sha256:${createHash('sha256').update(text).digest('hex').slice(0, 40)}`

/**
 * The reference that makes a message unique: its Message-ID (without control characters; hashed when longer than
 * MAX_EXTERNAL_REF_CHARS), else a hash of sender, date, subject and body. The same message always gets the same one.
 */
export function emailReference(facts: EmailFacts): string {
  const id = stripControlChars(facts.messageId ?? '').trim()
  if (id) {
    const ref = id.startsWith('<') ? id : `<${id}>`
    return ref.length > MAX_EXTERNAL_REF_CHARS ? sha256Ref(ref) : ref
  }
  const parts = [normalizeEmail(facts.from?.address) ?? '', facts.date ?? '', cleanEmailSubject(facts.subject), (facts.text ?? '').replace(/\s+/gu, ' ').trim()]
  return sha256Ref(parts.join('\n'))
}

/**
 * What an entry says besides its subject: the forwarder's note, then (only when configured) the start of the
 * original's text, whitespace collapsed; at most 2,000 characters in all.
 */
export function entryDescription(note: string | null, text: string | null, excerptChars: number): string | null {
  const parts: string[] = []
  const cleanNote = stripControlChars(note ?? '').trim()
  if (cleanNote) parts.push(cleanNote)
  const body = excerptChars > 0 ? cleanText(text) ?? '' : ''
  if (body) parts.push(`> ${[...body].length > excerptChars ? [...body].slice(0, excerptChars).join('') + '…' : body}`)
  const all = parts.join('\n\n')
  return all ? [...all].slice(0, 2000).join('') : null
}

/** An ISO timestamp to whole seconds in UTC, or null when it is not a date. */
function isoSeconds(value: string | null | undefined): string | null {
  const t = value ? Date.parse(value) : NaN
  return Number.isNaN(t) ? null : new Date(t).toISOString().slice(0, 19) + 'Z'
}

interface TeamCheck {
  isTeam(address: string): Promise<string | false>
}

function teamCheck(db: Executor, policy: EmailLoggingPolicy): TeamCheck {
  const domains = new Set(policy.teamDomains.map((d) => d.toLowerCase()))
  const own = new Set(policy.ownAddresses.map((a) => a.toLowerCase()))
  const cache = new Map<string, string | false>()
  return {
    /** The salesperson code (or "team") for a team address, else false. */
    async isTeam(address) {
      const norm = normalizeEmail(address)
      if (!norm) return false
      if (cache.has(norm)) return cache.get(norm)!
      const sp = await salespeople.findByEmail(db, norm)
      const verdict = sp ? sp.code : own.has(norm) || domains.has(emailDomain(norm) ?? '') ? 'team' : false
      cache.set(norm, verdict)
      return verdict
    },
  }
}

/** The longest address there can be (RFC 5321); anything longer in a header is damage, not a participant. */
const MAX_ADDRESS_CHARS = 254

function uniqueAddresses(list: Array<MailAddress | null | undefined>): string[] {
  const out: string[] = []
  for (const a of list) {
    const norm = normalizeEmail(a?.address)
    if (norm && norm.length <= MAX_ADDRESS_CHARS && !out.includes(norm)) out.push(norm)
  }
  return out
}

/**
 * Logs an email against the contacts it involves, as BC's email logging does: only a team member may log
 * (the forwarder, the BCC sender, or a team recipient of direct mail) and only an authenticated message; the
 * original of a forward counts, not the forward. Every external participant is matched by any email of a
 * contact, else by the domain of a company (never a free-mail domain); each matched contact gets one
 * EMAIL-IN or EMAIL-OUT entry, and the same message logged again is a no-op.
 */
export async function logEmail(deps: CoreDeps, policy: EmailLoggingPolicy, input: LogEmailInput): Promise<LogEmailResult> {
  const db = deps.database.db
  const team = teamCheck(db, policy)
  const original = input.forwarded?.original ?? input.received
  const sender = normalizeEmail(input.received.from?.address)
  let kind: EmailKind = input.forwarded ? (input.forwarded.form === 'inline' ? 'forward' : 'attachment') : 'direct'
  const result = (outcome: EmailOutcome, reason: string | null, extra: Partial<LogEmailResult> = {}): LogEmailResult => ({
    outcome, kind, direction: null, reason, loggedBy: null, contacts: [], interactions: [], externalRef: null, unmatched: [], ...extra,
  })

  if (!sender) return result('rejected', 'The message has no From address.')
  if (!input.authenticity.passed) return result('rejected', `The message is not authenticated: ${input.authenticity.reason}`)

  let loggedBy: string | null = null
  let salespersonCode: string | undefined
  const senderTeam = await team.isTeam(sender)
  if (input.forwarded) {
    if (!senderTeam) return result('rejected', `${sender} forwarded the message but is not a salesperson or in a team domain.`)
    loggedBy = sender
    if (senderTeam !== 'team') salespersonCode = senderTeam
  } else if (senderTeam) {
    kind = 'bcc'
    loggedBy = sender
    if (senderTeam !== 'team') salespersonCode = senderTeam
  } else {
    // Direct mail from outside: a team member must be among its recipients (the logging mailbox alone is not enough).
    const own = new Set(policy.ownAddresses.map((a) => a.toLowerCase()))
    for (const address of uniqueAddresses([...input.received.to, ...input.received.cc])) {
      if (own.has(address)) continue
      const verdict = await team.isTeam(address)
      if (verdict) {
        loggedBy = address
        if (verdict !== 'team') salespersonCode = verdict
        break
      }
    }
    if (!loggedBy) return result('rejected', `${sender} is not a team member and no team member is among the recipients.`)
  }

  const originalFrom = normalizeEmail(original.from?.address)
  const fromTeam = originalFrom ? await team.isTeam(originalFrom) : false
  const direction = fromTeam ? 'outbound' : 'inbound'
  // The original sender of an outbound message is the salesperson it is logged for.
  if (fromTeam && fromTeam !== 'team') salespersonCode = fromTeam
  const own = new Set(policy.ownAddresses.map((a) => a.toLowerCase()))
  const external: string[] = []
  for (const address of uniqueAddresses([original.from, ...original.to, ...original.cc])) {
    if (own.has(address) || (await team.isTeam(address))) continue
    external.push(address)
  }
  const externalRef = emailReference(original)
  const base = { direction, loggedBy, externalRef } as const
  if (external.length === 0) return result('unmatched', 'The message has no participant outside the team.', base)

  const free = new Set(policy.freeMailDomains.map((d) => d.toLowerCase()))
  const matched: ContactRow[] = []
  const unmatched: string[] = []
  // Privacy-blocked contacts found by address or domain: never logged, never queued for review, but named in the reason.
  const blocked: string[] = []
  const add = (rows: ContactRow[]) => {
    for (const row of rows) {
      if (row.privacy_blocked) {
        if (!blocked.includes(row.no)) blocked.push(row.no)
      } else if (!matched.some((m) => m.no === row.no)) matched.push(row)
    }
  }
  for (const address of external) {
    const byEmail = await contacts.listByEmail(db, address)
    if (byEmail.length) {
      add(byEmail)
      continue
    }
    const domain = emailDomain(address)
    const byDomain = domain && !free.has(domain) ? await contacts.listCompaniesByDomain(db, domain) : []
    add(byDomain)
    if (byDomain.length === 0) unmatched.push(address)
  }

  const templates = await setupQueries.get(db)
  const template = direction === 'inbound' ? (policy.inboundTemplate ?? templates.template_email_in) : (policy.outboundTemplate ?? templates.template_email_out)
  const subject = cleanEmailSubject(original.subject)
  const description = entryDescription(input.forwarded?.note ?? null, original.text ?? null, policy.excerptChars ?? 0)
  const occurredAt = isoSeconds(original.date) ?? isoSeconds(input.receivedAt) ?? deps.clock().toISOString().slice(0, 19) + 'Z'
  // Participants nobody matched wait for a person (`mail unmatched`) with what is needed to log them later;
  // the same message ingested again adds nothing there.
  if (unmatched.length) {
    const names = new Map([original.from, ...original.to, ...original.cc].map((a) => [normalizeEmail(a?.address) ?? '', cleanText(a?.name)]))
    await mailReview.insertMissing(db, unmatched.map((address) => ({
      external_ref: externalRef, address, name: names.get(address) ?? null, direction, template_code: template, subject, occurred_at: occurredAt,
      salesperson_code: salespersonCode ?? null, logged_by: loggedBy, note: description,
      attachments: original.attachments.length ? JSON.stringify(original.attachments) : null, status: 'waiting' as const, created_at: deps.clock().toISOString(),
    })))
  }
  if (matched.length === 0) {
    const reasons: string[] = []
    if (unmatched.length) reasons.push(`No contact has the address ${unmatched.join(', ')} (or a company its domain); waiting for review: mail unmatched`)
    if (blocked.length) reasons.push(`${blocked.length === 1 ? `Contact ${blocked[0]} is` : `Contacts ${blocked.join(', ')} are`} privacy blocked; not logged.`)
    return result('unmatched', reasons.join('. '), { ...base, unmatched })
  }
  const actor = { id: `mail:${loggedBy}`, salespersonCode, isAdmin: false }
  const interactionNos: string[] = []
  const contactNos: string[] = []
  let fresh = 0
  for (const contact of matched) {
    try {
      const logged = await logInteraction(deps, actor, {
        contactNo: contact.no,
        templateCode: template,
        subject,
        date: occurredAt,
        informationFlow: direction,
        initiatedBy: direction === 'outbound' ? 'us' : 'them',
        source: 'email',
        externalRef,
        attachments: original.attachments,
        ...(description ? { note: description } : {}),
        ...(salespersonCode ? { salespersonCode } : {}),
      })
      if (!logged.alreadyLogged) fresh++
      interactionNos.push(logged.interaction.no)
      contactNos.push(contact.no)
    } catch (error) {
      // A contact that cannot take new interactions (blocked meanwhile) is skipped; the others are still logged.
      if (!isDomainError(error)) throw error
      deps.logger.warn({ event: 'mail.contact_skipped', contactNo: contact.no, code: error.code })
    }
  }
  if (interactionNos.length === 0) return result('unmatched', 'No matched contact can take new interactions.', { ...base, unmatched })
  return result(fresh === 0 ? 'already-logged' : 'logged', null, { ...base, contacts: contactNos, interactions: interactionNos, unmatched })
}
