import { changeLog, classifications, contacts, numberSeries, setup as setupQueries, type ContactRow, type Executor } from '@crm/db'
import type { Actor, CoreDeps } from '../deps.ts'
import { DomainError } from '../errors.ts'
import type { ClassificationChanges, ContactFields } from '../contacts/contact.ts'
import { duplicateFieldsOf, duplicateKeysOf, findDuplicatesOf, scoreDuplicate, type DuplicateField } from '../contacts/duplicates.ts'
import { FIELD_LABELS, validateContactFields } from '../contacts/fields.ts'
import { searchTokens } from '../contacts/index-keys.ts'
import { checkClassifications, completeNewContactName, loadClassificationCodes, newContactRow } from '../contacts/write.ts'
import { cleanText, foldText, wordTokens } from '../text/normalize.ts'
import { CsvSyntaxError, readCsv } from './csv.ts'
import { readVcards, VcardSyntaxError, type VcardEntry } from './vcard.ts'

export type TransferFormat = 'csv' | 'vcf'

/**
 * The CSV columns of contact import and export, in export order. A header matches case-insensitively with
 * spaces, `_`, `-` and `.` ignored (first_name = firstName = "First name"); also accepted: country_code,
 * language_code, salesperson_code, territory_code, company_name (= company), business_relations (= relations).
 * Only `name` (or first_name/surname for persons) is needed; `type` defaults to person when a person-only
 * column (first_name, middle_name, surname, job_title, company, company_no, job_responsibilities) is filled.
 */
export const CONTACT_CSV_COLUMNS = [
  'type',
  'name',
  'first_name',
  'middle_name',
  'surname',
  'job_title',
  'company_no',
  'company',
  'address',
  'address2',
  'post_code',
  'city',
  'county',
  'country',
  'phone',
  'mobile',
  'email',
  'email2',
  'website',
  'language',
  'salesperson',
  'territory',
  'relations',
  'industry_groups',
  'mailing_groups',
  'job_responsibilities',
  'privacy_blocked',
  'exclude_from_segments',
  'employees',
  'annual_revenue',
] as const
export type ContactCsvColumn = (typeof CONTACT_CSV_COLUMNS)[number]

/** CSV column -> contact field. */
export const CSV_FIELD_COLUMNS = {
  name: 'name',
  first_name: 'firstName',
  middle_name: 'middleName',
  surname: 'surname',
  job_title: 'jobTitle',
  address: 'address',
  address2: 'address2',
  post_code: 'postCode',
  city: 'city',
  county: 'county',
  country: 'countryCode',
  phone: 'phone',
  mobile: 'mobile',
  email: 'email',
  email2: 'email2',
  website: 'website',
  language: 'languageCode',
  salesperson: 'salespersonCode',
  territory: 'territoryCode',
  privacy_blocked: 'privacyBlocked',
  exclude_from_segments: 'excludeFromSegments',
  employees: 'employees',
  annual_revenue: 'annualRevenue',
} as const satisfies Partial<Record<ContactCsvColumn, keyof ContactFields>>

/** CSV column -> classification (codes separated by `,` or `|`). */
export const CSV_CLASSIFICATION_COLUMNS = {
  relations: 'businessRelations',
  industry_groups: 'industryGroups',
  mailing_groups: 'mailingGroups',
  job_responsibilities: 'jobResponsibilities',
} as const satisfies Partial<Record<ContactCsvColumn, keyof ClassificationChanges>>

const HEADER_ALIASES: Record<string, ContactCsvColumn> = {
  countrycode: 'country',
  languagecode: 'language',
  salespersoncode: 'salesperson',
  territorycode: 'territory',
  companyname: 'company',
  businessrelations: 'relations',
}

const PERSON_ONLY_COLUMNS: readonly ContactCsvColumn[] = ['first_name', 'middle_name', 'surname', 'job_title', 'company', 'company_no', 'job_responsibilities']

const headerKey = (header: string) => header.normalize('NFC').toLowerCase().replace(/[\s_.-]+/g, '')
const HEADER_KEYS = new Map<string, ContactCsvColumn>([...CONTACT_CSV_COLUMNS.map((c) => [headerKey(c), c] as const), ...Object.entries(HEADER_ALIASES)])

/** One problem of an imported file: the line of the row (or of the vCard's BEGIN), the column or property, why. */
export interface ImportRowError {
  line: number
  field: string
  reason: string
}

export interface ImportContactsInput {
  format: TransferFormat
  content: string
  /** Called as rows are stored (done of total). */
  onProgress?: (done: number, total: number) => void
  /** Import rows that look like contacts already stored or on a line above (default: the file is refused). */
  allowDuplicates?: boolean
}

/** A row that looks like a stored contact or a row above it in the file (duplicate search of the setup). */
export interface ImportDuplicate {
  line: number
  name: string
  /** Stored contacts it looks like, best first. */
  contacts: Array<{ no: string; name: string; score: number; reasons: string[] }>
  /** Lines above in the file it looks like. */
  lines: number[]
}

export interface ImportContactsResult {
  created: number
  /** First and last number given, e.g. ["CT000010", "CT000109"] (the numbers in between are all this import's). */
  nos: [string, string]
  /** How many of the created contacts are companies (rows of type company and, in vCards, companies made from ORG). */
  companiesCreated: number
  /** With allowDuplicates: the lines imported although they look like other contacts (else absent). */
  possibleDuplicates?: ImportDuplicate[]
}

type Source = keyof ContactFields | keyof ClassificationChanges | 'type' | 'company' | 'row'

/** A contact as read from the file, before validation. */
interface Draft {
  line: number
  type: 'company' | 'person'
  fields: ContactFields
  classifications: ClassificationChanges
  companyNo?: string
  companyName?: string
  /** Where each value came from (CSV header or vCard property), for error messages. */
  sources: Partial<Record<Source, string>>
  /** vCard: a company named by ORG is created when none of that name exists. */
  createCompany?: boolean
}

/** A validated contact, ready to be numbered and stored. */
interface Planned {
  type: 'company' | 'person'
  fields: ContactFields
  links: ReturnType<typeof checkClassifications>
  company: { existing: ContactRow } | { index: number } | undefined
  /** The line of the row (a vCard ORG's company: its card's). */
  line: number
}

const MAX_LISTED_ERRORS = 20
const INSERT_CHUNK = 500

function invalidImport(errors: ImportRowError[]): DomainError {
  const sorted = [...errors].sort((a, b) => a.line - b.line)
  const lines = sorted.slice(0, MAX_LISTED_ERRORS).map((e) => `line ${e.line}, ${e.field}: ${e.reason}`)
  if (sorted.length > MAX_LISTED_ERRORS) lines.push(`... and ${sorted.length - MAX_LISTED_ERRORS} more.`)
  const head = `Nothing was imported: the file has ${sorted.length} problem${sorted.length === 1 ? '' : 's'}. Fix ${sorted.length === 1 ? 'it' : 'them'} and import the file again.`
  return new DomainError('IMPORT_INVALID', [head, ...lines].join('\n'), { details: { errors: sorted } })
}

function duplicateImport(duplicates: ImportDuplicate[]): DomainError {
  const what = (d: ImportDuplicate) =>
    [...d.contacts.map((c) => `${c.no} ${c.name} (${c.reasons.join(', ')})`), ...d.lines.map((l) => `line ${l}`)].join('; ')
  const lines = duplicates.slice(0, MAX_LISTED_ERRORS).map((d) => `line ${d.line}, ${d.name}: looks like ${what(d)}`)
  if (duplicates.length > MAX_LISTED_ERRORS) lines.push(`... and ${duplicates.length - MAX_LISTED_ERRORS} more.`)
  const n = duplicates.length
  const head =
    `Nothing was imported: ${n} line${n === 1 ? '' : 's'} look${n === 1 ? 's' : ''} like contacts already in the CRM or on a line above ` +
    `(was the file imported before?). Leave ${n === 1 ? 'it' : 'them'} out, or import anyway with --allow-duplicates.`
  return new DomainError('IMPORT_DUPLICATES', [head, ...lines].join('\n'), { details: { duplicates } })
}

/**
 * Rows that look like a stored contact (the duplicate search of contact add) or like a row of the same type above
 * them in the file, compared on the setup's fields at its threshold. Rows above are found through the keys the
 * stored search uses (name key and its first word, emails, phone tails, web domain), not by comparing every pair.
 */
async function findImportDuplicates(db: Executor, rows: ContactRow[], planned: Planned[], threshold: number, fields: readonly DuplicateField[]): Promise<ImportDuplicate[]> {
  const found: ImportDuplicate[] = []
  const byKey = new Map<string, number[]>()
  const keysOf = (row: ContactRow) => {
    const k = duplicateKeysOf(row)
    const keys = [`n:${k.nameKey}`, ...k.emails.map((e) => `e:${e}`), ...k.phoneTails.map((p) => `p:${p}`)]
    if (k.nameKeyFirstWord.length >= 3) keys.push(`w:${k.nameKeyFirstWord}`)
    if (k.websiteDomain) keys.push(`d:${k.websiteDomain}`)
    return keys.map((key) => `${k.type}|${key}`)
  }
  // Into an empty CRM (a first import, a move from another CRM) there is nothing stored to compare with.
  const anyStored = (await contacts.count(db)) > 0
  for (const [i, row] of rows.entries()) {
    const stored = anyStored ? await findDuplicatesOf(db, row, threshold, fields) : []
    const keys = keysOf(row)
    // At most the last 200 rows per key, as the stored search reads at most 200 candidates.
    const earlier = new Set(keys.flatMap((k) => (byKey.get(k) ?? []).slice(-200)))
    const above = [...earlier].filter((j) => scoreDuplicate(row, rows[j]!, fields).score >= threshold).sort((a, b) => a - b)
    if (stored.length || above.length) {
      found.push({
        line: planned[i]!.line,
        name: row.name,
        contacts: stored.map((d) => ({ no: d.contact.no, name: d.contact.name, score: d.score, reasons: d.reasons })),
        lines: [...new Set(above.map((j) => planned[j]!.line))],
      })
    }
    for (const k of keys) {
      const list = byKey.get(k)
      if (list) list.push(i)
      else byKey.set(k, [i])
    }
  }
  return found
}

/** The reason of a field error without its CLI example (`--email ...` means nothing in a file). */
const reasonOf = (error: DomainError) => error.userMessage.replace(/ Example: [\s\S]*$/, '')

const TRUE_WORDS = new Set(['yes', 'y', 'true', '1', 'x', 'on'])
const FALSE_WORDS = new Set(['no', 'n', 'false', '0', 'off'])

let countryNames: Map<string, string> | undefined

/** A two-letter country code from a code or a country's name in a few languages ("Iceland", "Ísland", "Исландия"). */
function countryCodeOf(text: string): string {
  const value = text.trim()
  if (/^[A-Za-z]{2}$/.test(value)) return value.toUpperCase()
  if (!countryNames) {
    countryNames = new Map([['usa', 'US'], ['uk', 'GB'], ['england', 'GB'], ['great britain', 'GB'], ['russia', 'RU']])
    const letters = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
    for (const locale of ['en', 'is', 'ru', 'de', 'fr', 'es', 'da', 'sv', 'nb', 'fi', 'pl', 'uk']) {
      const names = new Intl.DisplayNames([locale], { type: 'region', fallback: 'code' })
      for (const a of letters) {
        for (const b of letters) {
          const name = names.of(a + b)
          if (name && name !== a + b && !countryNames.has(foldText(name))) countryNames.set(foldText(name), a + b)
        }
      }
    }
  }
  return countryNames.get(foldText(value)) ?? value
}

function readCsvDrafts(content: string): { drafts: Draft[]; errors: ImportRowError[] } {
  let records
  try {
    records = readCsv(content)
  } catch (error) {
    if (error instanceof CsvSyntaxError) throw invalidImport([{ line: error.line, field: 'csv', reason: error.message }])
    throw error
  }
  const [header, ...rows] = records
  if (!header) throw new DomainError('IMPORT_EMPTY', 'The file is empty. A CSV import needs a header line, e.g. type,name,email')
  const accepted = CONTACT_CSV_COLUMNS.join(', ')
  const columns: ContactCsvColumn[] = []
  const seen = new Map<ContactCsvColumn, string>()
  for (const raw of header.fields) {
    const column = HEADER_KEYS.get(headerKey(raw))
    if (!column) {
      throw new DomainError('IMPORT_UNKNOWN_COLUMN', `Unknown column "${raw}" in the header (line ${header.line}). Accepted columns: ${accepted}.`, {
        field: raw,
        details: { column: raw, accepted: [...CONTACT_CSV_COLUMNS] },
      })
    }
    if (seen.has(column)) throw new DomainError('IMPORT_DUPLICATE_COLUMN', `The header has "${seen.get(column)}" and "${raw}"; both are the column ${column}. Keep one.`, { field: raw })
    seen.set(column, raw)
    columns.push(column)
  }
  if (!['name', 'first_name', 'surname'].some((c) => seen.has(c as ContactCsvColumn))) {
    throw new DomainError('IMPORT_NO_NAME_COLUMN', `The header has no name column; add name (or first_name and surname for persons). Accepted columns: ${accepted}.`)
  }
  if (rows.length === 0) throw new DomainError('IMPORT_EMPTY', 'The file has a header but no contacts.')
  const drafts: Draft[] = []
  const errors: ImportRowError[] = []
  for (const record of rows) {
    const extra = record.fields.slice(columns.length)
    if (extra.some((f) => f.trim() !== '')) {
      errors.push({ line: record.line, field: 'row', reason: `The row has ${record.fields.length} values but the header ${columns.length} columns (is a value with a delimiter not quoted?).` })
      continue
    }
    const cells = new Map<ContactCsvColumn, string>()
    columns.forEach((column, i) => {
      const value = record.fields[i]?.trim()
      if (value) cells.set(column, value)
    })
    const draft: Draft = { line: record.line, type: 'person', fields: {}, classifications: {}, sources: {} }
    const typeText = cells.get('type')?.toLowerCase()
    if (typeText === 'company' || typeText === 'person') draft.type = typeText
    else if (typeText) errors.push({ line: record.line, field: seen.get('type')!, reason: `"${cells.get('type')}" is not a type; use company or person.` })
    else draft.type = PERSON_ONLY_COLUMNS.some((c) => cells.has(c)) ? 'person' : 'company'
    draft.sources.type = seen.get('type') ?? 'type'
    for (const [column, value] of cells) {
      const source = seen.get(column)!
      if (column in CSV_FIELD_COLUMNS) {
        const field = CSV_FIELD_COLUMNS[column as keyof typeof CSV_FIELD_COLUMNS]
        draft.sources[field] = source
        if (field === 'privacyBlocked' || field === 'excludeFromSegments') {
          const word = value.toLowerCase()
          if (TRUE_WORDS.has(word)) draft.fields[field] = true
          else if (FALSE_WORDS.has(word)) draft.fields[field] = false
          else errors.push({ line: record.line, field: source, reason: `"${value}" is not yes or no.` })
        } else draft.fields[field] = field === 'countryCode' ? countryCodeOf(value) : value
      } else if (column in CSV_CLASSIFICATION_COLUMNS) {
        const kind = CSV_CLASSIFICATION_COLUMNS[column as keyof typeof CSV_CLASSIFICATION_COLUMNS]
        draft.sources[kind] = source
        draft.classifications[kind] = value.split(/[,|]/).map((c) => c.trim()).filter(Boolean)
      } else if (column === 'company_no') {
        draft.companyNo = value.toUpperCase()
        draft.sources.company = source
      } else if (column === 'company') {
        draft.companyName = value
        draft.sources.company = source
      }
    }
    if (draft.companyNo && draft.companyName) {
      errors.push({ line: record.line, field: seen.get('company_no')!, reason: 'Give the company number or the company name, not both.' })
    }
    drafts.push(draft)
  }
  return { drafts, errors }
}

const VCARD_SOURCES: Partial<Record<Source, string>> = {
  name: 'FN',
  firstName: 'N',
  middleName: 'N',
  surname: 'N',
  jobTitle: 'TITLE',
  email: 'EMAIL',
  email2: 'EMAIL',
  phone: 'TEL',
  mobile: 'TEL',
  address: 'ADR',
  address2: 'ADR',
  postCode: 'ADR',
  city: 'ADR',
  county: 'ADR',
  countryCode: 'ADR',
  website: 'URL',
  languageCode: 'LANG',
  company: 'ORG',
}

function draftFromVcard(card: VcardEntry): Draft {
  const isOrg = card.kind === 'org' || (card.kind === undefined && !card.name && !!card.organization && (!card.formattedName || card.formattedName === card.organization))
  const fields: ContactFields = {}
  const set = <K extends keyof ContactFields>(key: K, value: ContactFields[K] | '' | undefined) => {
    if (value) fields[key] = value
  }
  set('name', isOrg ? card.organization || card.formattedName : card.formattedName)
  if (!isOrg) {
    set('firstName', card.name?.given)
    set('middleName', card.name?.additional)
    set('surname', card.name?.family)
    set('jobTitle', card.title)
  }
  set('email', card.emails[0])
  set('email2', card.emails[1])
  const cells = card.phones.filter((p) => p.types.includes('cell'))
  const others = card.phones.filter((p) => !p.types.some((t) => t === 'cell' || t === 'fax' || t === 'pager'))
  set('mobile', cells[0]?.value)
  set('phone', others[0]?.value ?? cells[1]?.value)
  const adr = card.addresses[0]
  if (adr) {
    const [street, ...moreLines] = adr.street.split('\n').map((l) => l.trim()).filter(Boolean)
    set('address', street)
    set('address2', [adr.extended, ...moreLines].filter(Boolean).join(', '))
    set('postCode', adr.postCode)
    set('city', adr.locality)
    set('county', adr.region)
    set('countryCode', adr.country ? countryCodeOf(adr.country) : undefined)
  }
  set('website', card.urls[0])
  set('languageCode', card.languages[0])
  const draft: Draft = { line: card.line, type: isOrg ? 'company' : 'person', fields, classifications: {}, sources: VCARD_SOURCES }
  if (!isOrg && card.organization) {
    draft.companyName = card.organization
    draft.createCompany = true
  }
  return draft
}

function readVcardDrafts(content: string): Draft[] {
  try {
    const cards = readVcards(content)
    if (cards.length === 0) throw new DomainError('IMPORT_EMPTY', 'The file has no vCards (BEGIN:VCARD ... END:VCARD).')
    return cards.map(draftFromVcard)
  } catch (error) {
    if (error instanceof VcardSyntaxError) throw invalidImport([{ line: error.line, field: 'vcard', reason: error.message }])
    throw error
  }
}

const nameKey = (name: string) => cleanText(name)?.normalize('NFC') ?? ''

/**
 * Live companies by exact name (whitespace-collapsed, NFC), oldest first. A few names are looked up through
 * the search tokens; many at once read the companies page by page instead of one search per name.
 */
async function findCompaniesByName(db: Executor, names: Iterable<string>): Promise<Map<string, ContactRow[]>> {
  const wanted = new Set(names)
  const found = new Map<string, ContactRow[]>()
  const consider = (row: ContactRow) => {
    const key = nameKey(row.name)
    if (row.type !== 'company' || row.erased_at || !wanted.has(key)) return
    const list = found.get(key) ?? []
    if (!list.some((r) => r.no === row.no)) list.push(row)
    found.set(key, list)
  }
  const page = 1000
  if (wanted.size > 100) {
    for (let offset = 0; ; offset += page) {
      const rows = await contacts.list(db, { type: 'company' }, page, offset)
      rows.forEach(consider)
      if (rows.length < page) break
    }
  } else {
    for (const name of wanted) {
      const prefixes = [...new Set(wordTokens(foldText(name)))]
      if (prefixes.length === 0) continue
      for (let offset = 0; ; offset += page) {
        const rows = await contacts.searchByTokenPrefixes(db, prefixes, page, offset)
        rows.forEach(consider)
        if (rows.length < page) break
      }
    }
  }
  for (const list of found.values()) list.sort((a, b) => (a.no < b.no ? -1 : 1))
  return found
}

/** Validates every draft with the rules of createContact, collecting every problem instead of stopping at the first. */
async function planImport(db: Executor, format: TransferFormat, drafts: Draft[], errors: ImportRowError[]): Promise<Planned[]> {
  const known = await loadClassificationCodes(db)
  const companyNos = [...new Set(drafts.flatMap((d) => (d.companyNo ? [d.companyNo] : [])))]
  const byNo = new Map((await contacts.listByNos(db, companyNos)).map((r) => [r.no, r]))
  const byName = await findCompaniesByName(db, new Set(drafts.flatMap((d) => (d.companyName ? [nameKey(d.companyName)] : []))))
  const salespersonChecks = new Map<string, Promise<ContactFields>>()
  const planned: Planned[] = []
  const inFile = new Map<string, number>()

  const plan = async (draft: Draft): Promise<number> => {
    const fail = (source: Source, reason: string) => errors.push({ line: draft.line, field: draft.sources[source] ?? (source in FIELD_LABELS ? FIELD_LABELS[source as keyof ContactFields] : source), reason })
    const fields: ContactFields = {}
    for (const [key, value] of Object.entries(draft.fields) as Array<[keyof ContactFields, unknown]>) {
      try {
        let check: Promise<ContactFields>
        if (key === 'salespersonCode') {
          // A salesperson is looked up once per code, not once per row.
          const code = String(value)
          if (!salespersonChecks.has(code)) salespersonChecks.set(code, validateContactFields(db, { salespersonCode: code }))
          check = salespersonChecks.get(code)!
        } else check = validateContactFields(db, { [key]: value })
        Object.assign(fields, await check)
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        fail(key, reasonOf(error))
      }
    }
    try {
      completeNewContactName(draft.type, fields)
    } catch (error) {
      if (!(error instanceof DomainError)) throw error
      fail('name', reasonOf(error))
    }
    const links: Planned['links'] = []
    for (const field of Object.keys(draft.classifications) as Array<keyof ClassificationChanges>) {
      try {
        links.push(...checkClassifications(draft.type, { [field]: draft.classifications[field] }, known))
      } catch (error) {
        if (!(error instanceof DomainError)) throw error
        fail(field, reasonOf(error))
      }
    }
    let company: Planned['company']
    if (draft.type === 'company' && (draft.companyNo || draft.companyName)) {
      fail('company', 'A company cannot belong to another company; only persons can.')
    } else if (draft.companyNo) {
      const row = byNo.get(draft.companyNo)
      if (!row) fail('company', `There is no company ${draft.companyNo}.`)
      else if (row.erased_at) fail('company', `${row.no} was erased on request and can no longer be used.`)
      else if (row.type !== 'company') fail('company', `${row.no} (${row.name}) is a person; a person can only belong to a company.`)
      else company = { existing: row }
    } else if (draft.companyName) {
      const key = nameKey(draft.companyName)
      const earlier = inFile.get(key)
      const existing = byName.get(key) ?? []
      // A name links to the latest company of that exact name above it in the file, else to an existing one
      // (vCard ORG: the oldest if several, and a new company when there is none).
      if (earlier !== undefined) company = { index: earlier }
      else if (existing.length === 1 || (existing.length > 1 && format === 'vcf')) company = { existing: existing[0]! }
      else if (existing.length > 1) {
        fail('company', `${existing.length} companies are named "${key}" (${existing.map((r) => r.no).join(', ')}); give company_no instead.`)
      } else if (draft.createCompany) {
        const index = await plan({ line: draft.line, type: 'company', fields: { name: draft.companyName }, classifications: {}, sources: { ...draft.sources, name: draft.sources.company ?? 'company' } })
        company = { index }
      } else {
        fail('company', `There is no company named "${key}" in the CRM or on a line above in the file.`)
      }
    }
    planned.push({ type: draft.type, fields, links, company, line: draft.line })
    const index = planned.length - 1
    if (draft.type === 'company' && fields.name) inFile.set(nameKey(fields.name), index)
    return index
  }

  for (const draft of drafts) await plan(draft)
  return planned
}

/**
 * Imports contacts from a CSV or vCard text. Every row is checked first with the rules of createContact and
 * every problem is reported at once (IMPORT_INVALID, details.errors: line, field, reason) with nothing
 * stored; with duplicate search on, rows that look like stored contacts or rows above refuse the file too
 * (IMPORT_DUPLICATES, details.duplicates) unless allowDuplicates; otherwise all contacts are stored in one
 * transaction, numbered from the CONTACT series in file order.
 * CSV: a person's `company` names a company on a line above or one already in the CRM (company_no for an
 * exact number). vCard: a person's ORG links it to a company of that exact name from an earlier card, else to
 * an existing one (the oldest if several), else the company is created too.
 */
export async function importContacts(deps: CoreDeps, actor: Actor, input: ImportContactsInput): Promise<ImportContactsResult> {
  const now = deps.clock().toISOString()
  const parsed = input.format === 'csv' ? readCsvDrafts(input.content) : { drafts: readVcardDrafts(input.content), errors: [] }
  const result = await deps.database.db.transaction().execute(async (trx) => {
    const errors = [...parsed.errors]
    const planned = await planImport(trx, input.format, parsed.drafts, errors)
    if (errors.length) throw invalidImport(errors)
    const setup = await setupQueries.get(trx)
    // One number is taken the usual way (locking the series row), then the rest of the block is reserved at once.
    const firstNo = await numberSeries.takeNext(trx, 'CONTACT', now)
    const series = (await numberSeries.find(trx, 'CONTACT'))!
    const first = series.next_no - 1
    if (planned.length > 1) await numberSeries.update(trx, 'CONTACT', { next_no: first + planned.length }, now)
    const rows: ContactRow[] = []
    for (const [i, p] of planned.entries()) {
      const company = p.company === undefined ? undefined : 'existing' in p.company ? p.company.existing : rows[p.company.index]
      rows.push(newContactRow(i === 0 ? firstNo : numberSeries.formatSeriesNo(series.prefix, series.width, first + i), p.type, p.fields, company, setup, now))
    }
    // Importing the same file twice must not silently make copies: rows like stored contacts (or rows above) refuse
    // the file, unless asked to import them anyway.
    const duplicates = setup.dup_search_enabled ? await findImportDuplicates(trx, rows, planned, setup.dup_threshold, duplicateFieldsOf(setup.dup_fields)) : []
    if (duplicates.length && !input.allowDuplicates) throw duplicateImport(duplicates)
    input.onProgress?.(0, rows.length)
    for (let start = 0; start < rows.length; start += INSERT_CHUNK) {
      const chunk = rows.slice(start, start + INSERT_CHUNK)
      await contacts.insertMany(trx, chunk)
      await contacts.insertSearchTokens(trx, chunk.flatMap((row) => searchTokens(row).map((token) => ({ token, contact_no: row.no, name_folded: foldText(row.name) }))))
      for (const [offset, row] of chunk.entries()) {
        for (const [kind, codes] of planned[start + offset]!.links) await classifications.link(trx, kind, row.no, codes)
        await changeLog.insert(trx, { at: now, actor: actor.id, entity: 'contact', entityNo: row.no, action: 'create', details: { source: `import ${input.format}` } })
      }
      input.onProgress?.(start + chunk.length, rows.length)
    }
    return {
      created: rows.length,
      nos: [rows[0]!.no, rows.at(-1)!.no] as [string, string],
      companiesCreated: rows.filter((r) => r.type === 'company').length,
      ...(duplicates.length ? { possibleDuplicates: duplicates } : {}),
    }
  })
  deps.logger.info({ event: 'contacts.imported', format: input.format, created: result.created, companiesCreated: result.companiesCreated })
  return result
}
