import { changeLog, contacts, setup as setupQueries, type ContactRow, type DuplicateKeys, type Executor } from '@crm/db'
import type { Actor, CoreDeps } from '../deps.ts'
import { DomainError } from '../errors.ts'
import { FREE_MAIL_DOMAINS, emailDomain, nameSimilarity } from '../text/normalize.ts'
import { toContact, type Contact } from './contact.ts'

/** A possible duplicate with its score (0-100) and the reasons that make it up. */
export interface DuplicateCandidate {
  contact: Contact
  score: number
  reasons: string[]
}

// Weights of the compared fields; a sum of 100 or more is a certain duplicate. Names count most; an email, a
// company's phone or anyone's mobile in common is strong evidence on its own. Persons often share their company's
// switchboard number (they inherit it), so a shared office phone between persons only adds to other evidence, as
// a shared web domain only counts between companies (colleagues share it).
const WEIGHT = { name: 60, email: 60, phone: 60, sharedPhone: 40, domain: 40 }

/** Phones compare by their last seven digits, so a local number matches the same number with a country code. */
const PHONE_TAIL = 7

function samePhone(a: string, b: string): boolean {
  return a.endsWith(b.slice(-PHONE_TAIL)) && b.endsWith(a.slice(-PHONE_TAIL))
}

/** The fields a duplicate search can compare (setup: duplicate-fields). */
export const DUPLICATE_FIELDS = ['name', 'email', 'phone', 'website'] as const
export type DuplicateField = (typeof DUPLICATE_FIELDS)[number]

/** The compared fields as stored in the setup ("name,email"), unknown words left out. */
export function duplicateFieldsOf(stored: string | null | undefined): DuplicateField[] {
  const words = (stored ?? DUPLICATE_FIELDS.join(',')).split(',').map((w) => w.trim())
  return DUPLICATE_FIELDS.filter((f) => words.includes(f))
}

/**
 * Scores how likely two contacts of the same type are the same party (0-100) and says why, comparing only the
 * given fields (website also covers a company's email domain).
 */
export function scoreDuplicate(a: ContactRow, b: ContactRow, fields: readonly DuplicateField[] = DUPLICATE_FIELDS): { score: number; reasons: string[] } {
  const reasons: string[] = []
  let score = 0
  const similarity = fields.includes('name') ? nameSimilarity(a.dup_name_key, b.dup_name_key) : 0
  if (similarity >= 0.6) {
    score += WEIGHT.name * similarity
    reasons.push(similarity === 1 ? 'same name' : `similar name (${Math.round(similarity * 100)}%)`)
  }
  const emailsA = [a.email_norm, a.email2_norm].filter(Boolean)
  const emailsB = new Set([b.email_norm, b.email2_norm].filter(Boolean))
  if (fields.includes('email') && emailsA.some((e) => emailsB.has(e))) {
    score += WEIGHT.email
    reasons.push('same email')
  }
  if (fields.includes('phone')) {
    const phones = (row: ContactRow) =>
      [
        { digits: row.phone_digits, mobile: false },
        { digits: row.mobile_digits, mobile: true },
      ].filter((p): p is { digits: string; mobile: boolean } => !!p.digits && p.digits.length >= PHONE_TAIL)
    const pairs = phones(a).flatMap((p) => phones(b).filter((q) => samePhone(p.digits, q.digits)).map((q) => p.mobile || q.mobile))
    if (pairs.includes(true)) {
      score += WEIGHT.phone
      reasons.push('same mobile')
    } else if (pairs.length > 0) {
      score += a.type === 'company' ? WEIGHT.phone : WEIGHT.sharedPhone
      reasons.push('same phone')
    }
  }
  if (!fields.includes('website')) {
    // Web and email domains are not compared.
  } else if (a.type === 'company' && a.website_domain && a.website_domain === b.website_domain) {
    score += WEIGHT.domain
    reasons.push('same website domain')
  } else if (a.type === 'company') {
    const domainA = a.website_domain ?? companyEmailDomain(a)
    const domainB = b.website_domain ?? companyEmailDomain(b)
    if (domainA && domainA === domainB) {
      score += WEIGHT.domain / 2
      reasons.push('same email domain')
    }
  }
  return { score: Math.min(100, Math.round(score)), reasons }
}

function companyEmailDomain(row: ContactRow): string | null {
  const domain = emailDomain(row.email_norm)
  return domain && !FREE_MAIL_DOMAINS.has(domain) ? domain : null
}

/** The keys that find a contact's duplicate candidates: name key and its first word, emails, phones and their last digits, web domain. */
export function duplicateKeysOf(row: ContactRow): DuplicateKeys & { phoneTails: string[] } {
  return {
    type: row.type,
    nameKey: row.dup_name_key,
    nameKeyFirstWord: row.dup_name_key.split(' ')[0] ?? '',
    emails: [row.email_norm, row.email2_norm].filter((e): e is string => !!e),
    phones: [row.phone_digits, row.mobile_digits].filter((p): p is string => !!p),
    phoneTails: [row.phone_digits, row.mobile_digits].filter((p): p is string => !!p && p.length >= PHONE_TAIL).map((p) => p.slice(-PHONE_TAIL)),
    websiteDomain: row.website_domain,
  }
}

/** Possible duplicates of a stored contact at or above the threshold, best first, minus pairs marked "not duplicates". */
export async function findDuplicatesOf(db: Executor, row: ContactRow, threshold: number, fields: readonly DuplicateField[] = DUPLICATE_FIELDS): Promise<DuplicateCandidate[]> {
  const candidates = await contacts.listDuplicateCandidates(db, { ...duplicateKeysOf(row), excludeNo: row.no })
  const excluded = new Set(await contacts.listDuplicateExclusions(db, row.no))
  return candidates
    .filter((c) => !excluded.has(c.no))
    .map((c) => ({ row: c, ...scoreDuplicate(row, c, fields) }))
    .filter((c) => c.score >= threshold)
    .sort((x, y) => y.score - x.score || x.row.no.localeCompare(y.row.no))
    .map((c) => ({ contact: toContact(c.row), score: c.score, reasons: c.reasons }))
}

/** On-demand duplicate search for one contact (threshold from setup unless given). */
export async function findContactDuplicates(deps: CoreDeps, no: string, threshold?: number): Promise<{ contact: Contact; duplicates: DuplicateCandidate[]; threshold: number }> {
  const db = deps.database.db
  const row = await contacts.find(db, no.trim().toUpperCase())
  if (!row || row.erased_at) throw new DomainError('CONTACT_NOT_FOUND', `There is no contact ${no.trim().toUpperCase()}. Find the number with: contact find <name>`, { field: 'contact' })
  const setup = await setupQueries.get(db)
  const limit = threshold ?? setup.dup_threshold
  return { contact: toContact(row), duplicates: await findDuplicatesOf(db, row, limit, duplicateFieldsOf(setup.dup_fields)), threshold: limit }
}

/** Marks two contacts as "not duplicates" so the check stops suggesting the pair. */
export async function markNotDuplicates(deps: CoreDeps, actor: Actor, a: string, b: string): Promise<void> {
  const now = deps.clock().toISOString()
  await deps.database.db.transaction().execute(async (trx) => {
    const x = await contacts.find(trx, a.trim().toUpperCase())
    const y = await contacts.find(trx, b.trim().toUpperCase())
    if (!x) throw new DomainError('CONTACT_NOT_FOUND', `There is no contact ${a.trim().toUpperCase()}.`, { field: 'contact' })
    if (!y) throw new DomainError('CONTACT_NOT_FOUND', `There is no contact ${b.trim().toUpperCase()}.`, { field: 'other' })
    if (x.no === y.no) throw new DomainError('SAME_CONTACT', 'Give two different contacts.')
    await contacts.insertDuplicateExclusion(trx, x.no, y.no, now)
    await changeLog.insert(trx, { at: now, actor: actor.id, entity: 'contact', entityNo: x.no, action: 'not-duplicate', details: { other: y.no } })
  })
}
