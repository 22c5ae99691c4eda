import type { ParsedMessage } from './parse-message.ts'
import { headerValues } from './parse-message.ts'

/** The verdict on a message's Authentication-Results, as core's logEmail takes it. */
export interface Authenticity {
  passed: boolean
  reason: string
}

/**
 * The `MAIL_AUTHSERV_IDS` entry that stands for Exchange Online, which writes its Authentication-Results
 * without an authserv-id and marks mail its own users sent with `X-MS-Exchange-Organization-AuthAs: Internal`.
 */
export const MICROSOFT_365 = 'microsoft365'

function aligned(domain: string | undefined, fromDomain: string): boolean {
  if (!domain) return false
  const d = domain.toLowerCase().replace(/^.*@/, '')
  return d === fromDomain || fromDomain.endsWith(`.${d}`) || d.endsWith(`.${fromDomain}`)
}

/** The first word of a header, when it is an authserv-id (RFC 8601) rather than a result such as `spf=pass`. */
function authservIdOf(header: string): string | undefined {
  const first = header.split(';')[0]!.replace(/\([^)]*\)/g, ' ').trim().split(/\s+/)[0] ?? ''
  return first && !first.includes('=') ? first.toLowerCase() : undefined
}

/** Reads the results of one trusted header: dmarc=pass, or dkim=pass / spf=pass for the From domain. */
function verdictOf(results: string[], fromDomain: string): Authenticity {
  const found: string[] = []
  for (const raw of results) {
    const r = raw.replace(/\([^)]*\)/g, ' ').trim()
    const m = /^(dkim|spf|dmarc)\s*=\s*(\w+)/i.exec(r)
    if (!m) continue
    const method = m[1]!.toLowerCase()
    const verdict = m[2]!.toLowerCase()
    found.push(`${method}=${verdict}`)
    if (verdict !== 'pass') continue
    if (method === 'dmarc') {
      // DMARC is about the From domain; a result naming another one is not about this message's sender.
      const about = /header\.from=([^\s;]+)/i.exec(r)?.[1]
      if (!about || aligned(about, fromDomain)) return { passed: true, reason: 'dmarc=pass' }
      continue
    }
    if (method === 'dkim' && aligned(/header\.(?:d|i)=([^\s;]+)/i.exec(r)?.[1], fromDomain)) return { passed: true, reason: 'dkim=pass' }
    if (method === 'spf' && aligned(/smtp\.(?:mailfrom|helo)=([^\s;]+)/i.exec(r)?.[1], fromDomain)) return { passed: true, reason: 'spf=pass' }
  }
  return { passed: false, reason: found.length ? `${found.join(', ')} (no pass for ${fromDomain})` : 'no dkim, spf or dmarc result' }
}

/**
 * Trusts only the topmost Authentication-Results header written by one of our own receiving servers
 * (authserv-id): it passes on dmarc=pass, or dkim=pass / spf=pass for the From domain. Headers from any other
 * authserv-id are ignored, since a sender can write them.
 *
 * With `microsoft365` among the ids (a logging mailbox in Exchange Online): a message Exchange marks as sent by
 * an authenticated user of the organisation (`X-MS-Exchange-Organization-AuthAs: Internal`; Exchange removes
 * X-MS-Exchange-Organization-* headers from mail that comes from outside) passes, and the topmost
 * Authentication-Results header is read even without an authserv-id, as Exchange writes it. Only the topmost:
 * one lower down may have come with the message.
 */
export function checkAuthenticity(message: ParsedMessage, authservIds: string[]): Authenticity {
  const ids = authservIds.map((s) => s.toLowerCase())
  const microsoft = ids.includes(MICROSOFT_365)
  const trusted = new Set(ids.filter((id) => id !== MICROSOFT_365))
  const fromDomain = message.facts.from?.address.toLowerCase().replace(/^.*@/, '') ?? ''
  const headers = headerValues(message, 'authentication-results')
  if (microsoft) {
    const authAs = headerValues(message, 'x-ms-exchange-organization-authas')
    if (authAs.length === 1 && authAs[0]!.trim().toLowerCase() === 'internal') {
      return { passed: true, reason: 'sent inside the Microsoft 365 organisation (X-MS-Exchange-Organization-AuthAs: Internal)' }
    }
    const topmost = headers[0]
    if (topmost !== undefined && authservIdOf(topmost) === undefined) return verdictOf(topmost.split(';'), fromDomain)
  }
  const header = headers.find((v) => {
    const id = authservIdOf(v)
    return id !== undefined && trusted.has(id)
  })
  if (!header) {
    const from = [...trusted, ...(microsoft ? ['Microsoft 365 (topmost header)'] : [])]
    return { passed: false, reason: `no Authentication-Results header from ${from.join(', ') || '(no authserv-id configured)'}` }
  }
  return verdictOf(header.split(';').slice(1), fromDomain)
}
