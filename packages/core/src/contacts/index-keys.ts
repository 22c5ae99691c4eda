import type { ContactRow } from '@crm/db'
import { duplicateNameKey, emailDomain, foldText, normalizeEmail, phoneDigits, websiteDomain, wordTokens } from '../text/normalize.ts'

type KeySource = Pick<
  ContactRow,
  'no' | 'name' | 'first_name' | 'middle_name' | 'surname' | 'company_name' | 'city' | 'email' | 'email2' | 'phone' | 'mobile' | 'website'
>

/** The derived, indexed columns of a contact: folded sort name and the duplicate-detection keys. */
export function derivedColumns(row: Pick<ContactRow, 'name' | 'email' | 'email2' | 'phone' | 'mobile' | 'website'>) {
  return {
    name_folded: foldText(row.name),
    dup_name_key: duplicateNameKey(row.name),
    email_norm: normalizeEmail(row.email),
    email2_norm: normalizeEmail(row.email2),
    phone_digits: phoneDigits(row.phone),
    mobile_digits: phoneDigits(row.mobile),
    website_domain: websiteDomain(row.website),
  }
}

/**
 * The search tokens of a contact: folded words of its names, company and city; its number; each email whole,
 * its local part and domain; phone digits with their suffixes of 7+ digits (so a local number finds an
 * international one); the website domain.
 */
export function searchTokens(row: KeySource): string[] {
  const tokens = new Set<string>()
  const addWords = (text: string | null) => {
    if (text) for (const t of wordTokens(foldText(text))) tokens.add(t)
  }
  addWords(row.name)
  addWords(row.first_name)
  addWords(row.middle_name)
  addWords(row.surname)
  addWords(row.company_name)
  addWords(row.city)
  tokens.add(row.no.toLowerCase())
  for (const email of [row.email, row.email2]) {
    const norm = normalizeEmail(email)
    if (!norm) continue
    tokens.add(foldText(norm))
    addWords(norm.split('@')[0] ?? null)
    const domain = emailDomain(norm)
    if (domain) tokens.add(domain)
  }
  for (const phone of [row.phone, row.mobile]) {
    const digits = phoneDigits(phone)
    if (!digits) continue
    for (let len = Math.min(7, digits.length); len <= digits.length; len++) tokens.add(digits.slice(digits.length - len))
  }
  const domain = websiteDomain(row.website)
  if (domain) tokens.add(domain)
  return [...tokens].filter((t) => t.length > 0 && t.length <= 200)
}

/**
 * The prefixes a search query is split into: folded words; an email or domain stays whole; phone digits join.
 * A leading "@" is dropped, so "@hekla.is" finds the contacts of that mail domain as "hekla.is" does.
 */
export function queryPrefixes(query: string): string[] {
  const folded = foldText(query.trim().replace(/^@+/, '').trim())
  if (!folded) return []
  if (folded.includes('@') && !/\s/.test(folded)) return [folded]
  if (/^\+?[\d\s().\-/]+$/.test(folded)) {
    const digits = folded.replace(/\D/g, '')
    if (digits.length >= 3) return [digits]
  }
  if (/^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$/u.test(folded)) return [folded]
  return [...new Set(wordTokens(folded))]
}
