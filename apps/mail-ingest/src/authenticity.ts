import type { ParsedMessage } from './parse-message.ts'
import { headerValues } from './parse-message.ts'

/** The verdict on a message's Authentication-Results, as core's logEmail takes it. */
export interface Authenticity {
  passed: boolean
  reason: string
}

function aligned(domain: string | undefined, fromDomain: string): boolean {
  if (!domain) return false
  const d = domain.toLowerCase().replace(/^.*@/, '')
  return d === fromDomain || fromDomain.endsWith(`.${d}`) || d.endsWith(`.${fromDomain}`)
}

/**
 * Trusts only the topmost Authentication-Results header written by one of our own receiving servers
 * (authserv-id): it passes on dmarc=pass, or dkim=pass / spf=pass for the From domain. Headers from any other
 * authserv-id are ignored, since a sender can write them.
 */
export function checkAuthenticity(message: ParsedMessage, authservIds: string[]): Authenticity {
  const trusted = new Set(authservIds.map((s) => s.toLowerCase()))
  const fromDomain = message.facts.from?.address.toLowerCase().replace(/^.*@/, '') ?? ''
  const header = headerValues(message, 'authentication-results').find((v) => trusted.has(v.split(';')[0]!.trim().split(/\s+/)[0]!.toLowerCase()))
  if (!header) return { passed: false, reason: `no Authentication-Results header from ${authservIds.join(', ') || '(no authserv-id configured)'}` }
  const results = header.split(';').slice(1).map((r) => r.replace(/\([^)]*\)/g, ' ').trim())
  const found: string[] = []
  for (const r of results) {
    const m = /^(dkim|spf|dmarc)\s*=\s*(\w+)/i.exec(r)
    if (!m) continue
    const method = m[1]!.toLowerCase()
    const verdict = m[2]!.toLowerCase()
    found.push(`${method}=${verdict}`)
    if (verdict !== 'pass') continue
    if (method === 'dmarc') return { passed: true, reason: 'dmarc=pass' }
    if (method === 'dkim' && aligned(/header\.(?:d|i)=([^\s;]+)/i.exec(r)?.[1], fromDomain)) return { passed: true, reason: 'dkim=pass' }
    if (method === 'spf' && aligned(/smtp\.(?:mailfrom|helo)=([^\s;]+)/i.exec(r)?.[1], fromDomain)) return { passed: true, reason: 'spf=pass' }
  }
  return { passed: false, reason: found.length ? `${found.join(', ')} (no pass for ${fromDomain})` : 'no dkim, spf or dmarc result' }
}
