import type { ParsedMessage } from './parse-message.ts'
import { headerValues } from './parse-message.ts'

const OUT_OF_OFFICE = /^(auto(matic)?[ -]?reply|out of (the )?office|abwesenheitsnotiz|automatische antwort|автоответ|автоматический ответ|нет на месте|sjálfvirkt svar|fjarverandi)\b/iu

/** Why a message is not a conversation to log (auto-reply, bounce, list mail), or undefined when it is one. */
export function ignoreReason(message: ParsedMessage): string | undefined {
  const header = (key: string) => headerValues(message, key)[0]?.trim().toLowerCase()
  const autoSubmitted = header('auto-submitted')
  if (autoSubmitted && autoSubmitted !== 'no') return `auto-reply (Auto-Submitted: ${autoSubmitted})`
  // X-Auto-Response-Suppress is left out on purpose: Outlook sets it on ordinary mail too.
  for (const key of ['x-autoreply', 'x-autorespond']) {
    const v = header(key)
    if (v) return `auto-reply (${key}: ${v})`
  }
  if (message.contentType.startsWith('multipart/report')) return 'bounce or delivery report (multipart/report)'
  const from = message.facts.from?.address.toLowerCase() ?? ''
  if (/^(mailer-daemon|postmaster)@/.test(from)) return `bounce (from ${from})`
  const precedence = header('precedence')
  if (precedence && /^(bulk|list|junk|auto_reply)$/.test(precedence)) return `bulk mail (Precedence: ${precedence})`
  if (header('list-id') || header('list-unsubscribe')) return 'mailing-list mail (List-Id/List-Unsubscribe)'
  if (OUT_OF_OFFICE.test(message.facts.subject.trim())) return `out-of-office reply (subject "${message.facts.subject.trim()}")`
  return undefined
}
