import { changeLog, classifications, contactFacts, contacts, salespeople, setup as setupQueries, type ClassificationKind, type ContactListFilter } from '@crm/db'
import { toMajor } from '../money.ts'
import type { CoreDeps } from '../deps.ts'
import { DomainError, invalidField } from '../errors.ts'
import { toContact, type Contact } from './contact.ts'
import { queryPrefixes } from './index-keys.ts'

/** Everything a contact card shows. */
export interface ContactDetails {
  contact: Contact
  salespersonName: string | null
  classifications: Record<ClassificationKind, string[]>
  profile: Array<{ question: string; answer: string }>
  persons: Contact[]
  /** Derived facts: a company's include its persons' interactions and opportunities. */
  facts: ContactFacts
}

/** What a contact's history adds up to, computed by a few indexed queries when the card is shown. */
export interface ContactFacts {
  currency: string
  interactionCount: number
  interactionCostMinor: number
  interactionDurationMin: number
  lastInteractionAt: string | null
  openOpportunityCount: number
  openOpportunityValue: number
  openOpportunityValueMinor: number
  openOpportunityCalculatedValue: number
  openOpportunityCalculatedValueMinor: number
  segments: Array<{ no: string; description: string; campaignNo: string | null }>
  campaigns: Array<{ no: string; description: string; status: string }>
}

/** A contact with its classifications, profile and (for a company) its persons. */
export async function getContactDetails(deps: CoreDeps, no: string): Promise<ContactDetails> {
  const db = deps.database.db
  const key = no.trim().toUpperCase()
  const row = await contacts.find(db, key)
  if (!row) throw new DomainError('CONTACT_NOT_FOUND', `There is no contact ${key}. Find the number with: contact find <name>`, { field: 'contact' })
  const salesperson = row.salesperson_code ? await salespeople.find(db, row.salesperson_code) : undefined
  const setupRow = await setupQueries.get(db)
  const currency = setupRow.currency_code
  const currentLanguage = setupRow.default_language_code
  const f = await contactFacts.factsFor(db, row.no, row.type === 'company')
  const facts: ContactFacts = {
    currency,
    interactionCount: f.interactions.count,
    interactionCostMinor: f.interactions.cost_minor,
    interactionDurationMin: f.interactions.duration_min,
    lastInteractionAt: f.interactions.last_at,
    openOpportunityCount: f.openOpportunities.count,
    openOpportunityValue: toMajor(f.openOpportunities.estimated_minor, currency),
    openOpportunityValueMinor: f.openOpportunities.estimated_minor,
    openOpportunityCalculatedValue: toMajor(f.openOpportunities.calculated_minor, currency),
    openOpportunityCalculatedValueMinor: f.openOpportunities.calculated_minor,
    segments: f.segments.map((s) => ({ no: s.no, description: s.description, campaignNo: s.campaign_no })),
    campaigns: f.campaigns.map((c) => ({ no: c.no, description: c.description, status: c.status_code })),
  }
  return {
    contact: toContact(row),
    salespersonName: salesperson?.name ?? null,
    classifications: await classifications.listForContact(db, row.no),
    profile: await contacts.listProfileAnswers(db, row.no),
    persons: row.type === 'company' ? sortContactsByName((await contacts.listPersonsOf(db, row.no)).filter((p) => !p.erased_at).map(toContact), currentLanguage) : [],
    facts,
  }
}

/** Up to this many matches are sorted in the team language; broader queries page in folded-name order. */
const SORT_IN_MEMORY_MAX = 500
/** A word with more search tokens than this is not used to drive the lookup (the name-order walk is cheaper). */
const DRIVER_MAX = 5000

export interface SearchContactsInput {
  query: string
  limit?: number
  offset?: number
}

export interface SearchContactsResult {
  query: string
  contacts: Contact[]
  hasMore: boolean
  offset: number
}

/** A collator for the team's language, so names sort as its speakers expect (Þ after Z in Icelandic). */
export function contactCollator(language: string | null | undefined): Intl.Collator {
  try {
    return new Intl.Collator(language ?? 'en', { sensitivity: 'base', numeric: true })
  } catch {
    return new Intl.Collator('en', { sensitivity: 'base', numeric: true })
  }
}

/**
 * The language to sort a list of contacts in: their own language when they all have the same one (a list of
 * Russian contacts sorts in Russian order even in an Icelandic team), otherwise the team's language. One
 * collator per list keeps the order consistent across pages.
 */
export function sortLanguage(contacts: ReadonlyArray<{ languageCode?: string | null; language_code?: string | null }>, teamLanguage: string | null | undefined): string | null | undefined {
  const languages = new Set(contacts.map((c) => (c.languageCode ?? c.language_code ?? '').split('-')[0]!.toLowerCase()).filter(Boolean))
  return languages.size === 1 ? [...languages][0] : teamLanguage
}

/** Sorts contacts by name in the language they share, else the team's (see sortLanguage); ties by number. */
export function sortContactsByName<T extends { no: string; name: string; languageCode?: string | null; language_code?: string | null }>(contacts: T[], teamLanguage: string | null | undefined): T[] {
  const collator = contactCollator(sortLanguage(contacts, teamLanguage))
  return contacts.sort((a, b) => collator.compare(a.name, b.name) || (a.no < b.no ? -1 : a.no > b.no ? 1 : 0))
}

/**
 * Finds live contacts by name, email, phone, company, city or number: every word of the query must be the
 * start of a word of the contact, compared case- and accent-insensitively in any script. The page is ordered
 * by the team language's collation.
 */
export async function searchContacts(deps: CoreDeps, input: SearchContactsInput): Promise<SearchContactsResult> {
  const prefixes = queryPrefixes(input.query)
  if (prefixes.length === 0) {
    throw new DomainError('EMPTY_QUERY', 'Type something to search for: a name, email, phone, company or city. Example: contact find þóra', { field: 'query' })
  }
  const limit = Math.max(1, Math.min(input.limit ?? 10, 500))
  const offset = Math.max(0, input.offset ?? 0)
  const db = deps.database.db
  // The team language's order (Þ and Æ after Z in Icelandic) is not the folded-name order the database sorts
  // by, so matches are ordered here before the page is cut; otherwise pages would overlap or skip names. A very
  // broad query (more than SORT_IN_MEMORY_MAX matches) pages in the database's folded order instead, so one
  // keystroke cannot load a whole table.
  const language = (await setupQueries.get(db)).default_language_code
  // The most selective word drives the lookup. Up to SORT_IN_MEMORY_MAX matches are sorted here in the team's
  // collation; when there are more (or even the rarest word is very common), the page comes straight from the
  // token index, which holds each token's folded contact name, with a bounded top-N sort in the database.
  const ranked = await contacts.rankTokenPrefixes(db, prefixes, DRIVER_MAX + 1)
  const nos = ranked[0]!.count > DRIVER_MAX ? null : await contacts.listMatchingNos(db, ranked.map((r) => r.prefix), SORT_IN_MEMORY_MAX + 1)
  if (nos === null || nos.length > SORT_IN_MEMORY_MAX) {
    const rows = await contacts.searchByTokenPrefixes(db, ranked.map((r) => r.prefix), limit + 1, offset)
    // Pages come in the database's folded order here; only the page itself is put in the team's order.
    const page = rows.slice(0, limit).map(toContact)
    const collator = contactCollator(language)
    page.sort((a, b) => collator.compare(a.name, b.name) || (a.no < b.no ? -1 : a.no > b.no ? 1 : 0))
    return { query: input.query, contacts: page, hasMore: rows.length > limit, offset }
  }
  const matches = sortContactsByName(await contacts.listNamesByNos(db, nos), language)
  const pageNos = matches.slice(offset, offset + limit).map((m) => m.no)
  const rows = new Map((await contacts.listByNos(db, pageNos)).map((r) => [r.no, r]))
  const page = pageNos.flatMap((no) => (rows.has(no) ? [toContact(rows.get(no)!)] : []))
  return { query: input.query, contacts: page, hasMore: matches.length > offset + limit, offset }
}

/**
 * Live contacts matching a list filter, a page at a time. Up to SORT_IN_MEMORY_MAX of them are ordered by name in
 * their shared language (else the team's); a bigger list pages in the database's folded-name order.
 */
export async function listContacts(deps: CoreDeps, filter: ContactListFilter, page: { limit?: number; offset?: number } = {}): Promise<SearchContactsResult> {
  const db = deps.database.db
  const limit = Math.max(1, Math.min(page.limit ?? 50, 1000))
  const offset = Math.max(0, page.offset ?? 0)
  // A filter naming something that does not exist is a typo, not an empty list.
  if (filter.salespersonCode && !(await salespeople.find(db, filter.salespersonCode))) {
    const known = (await salespeople.list(db)).map((s) => s.code)
    throw invalidField('salesperson', `There is no salesperson ${filter.salespersonCode}. Salespeople: ${known.join(', ') || '(none yet)'}.`, '--salesperson JD')
  }
  if (filter.companyNo) {
    const company = await contacts.find(db, filter.companyNo)
    if (!company || company.erased_at) throw invalidField('company', `There is no company ${filter.companyNo}. Find the number with: contact find <name>.`, '--company CT000001')
    if (company.type !== 'company') throw invalidField('company', `${company.no} (${company.name}) is a person, not a company.`, '--company CT000001')
  }
  if (filter.countryCode && !/^[A-Z]{2}$/.test(filter.countryCode)) throw invalidField('country', `"${filter.countryCode}" is not a two-letter ISO country code.`, '--country IS')
  const all = await contacts.list(db, filter, SORT_IN_MEMORY_MAX + 1, 0)
  if (all.length <= SORT_IN_MEMORY_MAX) {
    const sorted = sortContactsByName(all.map(toContact), (await setupQueries.get(db)).default_language_code)
    return { query: '', contacts: sorted.slice(offset, offset + limit), hasMore: sorted.length > offset + limit, offset }
  }
  const rows = await contacts.list(db, filter, limit + 1, offset)
  return { query: '', contacts: rows.slice(0, limit).map(toContact), hasMore: rows.length > limit, offset }
}

/** The trace of changes to a contact (merges, erasure, edits), oldest first. */
export async function getContactHistory(deps: CoreDeps, no: string) {
  const rows = await changeLog.listFor(deps.database.db, 'contact', no.trim().toUpperCase())
  return rows.map((r) => ({ at: r.at, actor: r.actor, action: r.action, details: r.details ? (JSON.parse(r.details) as unknown) : null }))
}
