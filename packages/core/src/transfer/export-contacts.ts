import { classifications, contacts, setup as setupQueries, type ContactListFilter, type ContactRow } from '@crm/db'
import { currencyDigits } from '../money.ts'
import type { CoreDeps } from '../deps.ts'
import { toContact, type Contact } from '../contacts/contact.ts'
import { formatCsvRecord } from './csv.ts'
import { CONTACT_CSV_COLUMNS, CSV_CLASSIFICATION_COLUMNS, CSV_FIELD_COLUMNS, type ContactCsvColumn, type TransferFormat } from './import-contacts.ts'
import { writeVcard } from './vcard.ts'

/** Which live contacts to export (all when empty). */
export type ExportContactsFilter = Omit<ContactListFilter, 'includeErased'>

export interface ExportContactsInput {
  format: TransferFormat
  filter?: ExportContactsFilter
  /** Called after each page with the number of contacts written so far. */
  onProgress?: (done: number) => void
}

const PAGE_SIZE = 1000

/** company_no is left out: numbers of one CRM mean nothing in another, so persons name their company. */
const EXPORT_COLUMNS = CONTACT_CSV_COLUMNS.filter((c) => c !== 'company_no')

const CLASSIFICATION_KINDS = {
  businessRelations: 'business-relation',
  industryGroups: 'industry-group',
  mailingGroups: 'mailing-group',
  jobResponsibilities: 'job-responsibility',
} as const

/** `digits`: decimal places of the setup currency, to write the revenue as a plain amount ("2500000.00"). */
function csvValues(c: Contact, codes: Record<string, string[]>, digits: number): string[] {
  // A person following its company's address is written without one, so an import makes it follow again.
  const inherited = c.inheritsCompanyAddress
  return EXPORT_COLUMNS.map((column: ContactCsvColumn) => {
    if (column === 'type') return c.type
    if (column === 'company') return c.type === 'person' ? (c.companyName ?? '') : ''
    // Written without thousands separators, so the import reads it back the one way it can be read.
    if (column === 'annual_revenue') return c.annualRevenueMinor === null ? '' : (c.annualRevenueMinor / 10 ** digits).toFixed(digits)
    if (column === 'employees') return c.employees === null ? '' : String(c.employees)
    if (column in CSV_CLASSIFICATION_COLUMNS) {
      return (codes[CLASSIFICATION_KINDS[CSV_CLASSIFICATION_COLUMNS[column as keyof typeof CSV_CLASSIFICATION_COLUMNS]]] ?? []).join('|')
    }
    const field = CSV_FIELD_COLUMNS[column as Exclude<keyof typeof CSV_FIELD_COLUMNS, 'employees' | 'annual_revenue'>]
    if (inherited && ['address', 'address2', 'postCode', 'city', 'county', 'countryCode'].includes(field)) return ''
    const value = c[field]
    if (typeof value === 'boolean') return value ? 'yes' : 'no'
    return value ?? ''
  })
}

function vcardOf(c: Contact): string {
  const person = c.type === 'person'
  return writeVcard({
    kind: person ? 'individual' : 'org',
    formattedName: c.name,
    ...(person ? { name: { family: c.surname ?? '', given: c.firstName ?? '', additional: c.middleName ?? '' } } : {}),
    organization: (person ? c.companyName : c.name) ?? '',
    title: (person ? c.jobTitle : null) ?? '',
    emails: [c.email, c.email2].filter((e): e is string => !!e),
    phones: [
      ...(c.phone ? [{ value: c.phone, types: ['work', 'voice'] }] : []),
      ...(c.mobile ? [{ value: c.mobile, types: ['cell'] }] : []),
    ],
    address: {
      extended: c.address2 ?? '',
      street: c.address ?? '',
      locality: c.city ?? '',
      region: c.county ?? '',
      postCode: c.postCode ?? '',
      country: c.countryCode ?? '',
      types: ['work'],
    },
    url: c.website ?? '',
    language: c.languageCode ?? '',
  })
}

/**
 * The export as text chunks, one page of contacts at a time: companies first, then persons, each by name, so
 * every person's company comes before it. Erased contacts are never exported.
 */
export async function* exportContactChunks(deps: CoreDeps, input: ExportContactsInput): AsyncGenerator<string> {
  const db = deps.database.db
  const filter = input.filter ?? {}
  if (input.format === 'csv') yield formatCsvRecord(EXPORT_COLUMNS) + '\r\n'
  const digits = currencyDigits((await setupQueries.get(db)).currency_code)
  let done = 0
  const types = filter.type ? [filter.type] : (['company', 'person'] as const)
  for (const type of types) {
    for (let offset = 0; ; offset += PAGE_SIZE) {
      const rows: ContactRow[] = await contacts.list(db, { ...filter, type, includeErased: false }, PAGE_SIZE, offset)
      const parts: string[] = []
      for (const row of rows) {
        const contact = toContact(row)
        if (input.format === 'csv') {
          // The db layer has no batch read of classification links yet: four indexed reads per contact.
          parts.push(formatCsvRecord(csvValues(contact, await classifications.listForContact(db, row.no), digits)) + '\r\n')
        } else parts.push(vcardOf(contact))
      }
      done += rows.length
      if (parts.length) yield parts.join('')
      input.onProgress?.(done)
      if (rows.length < PAGE_SIZE) break
    }
  }
}

/**
 * Exports live contacts as CSV (the columns `importContacts` reads, so an export imports back into an empty
 * CRM as the same contacts) or as vCard 4.0.
 */
export async function exportContacts(deps: CoreDeps, input: ExportContactsInput): Promise<string> {
  const chunks: string[] = []
  for await (const chunk of exportContactChunks(deps, input)) chunks.push(chunk)
  return chunks.join('')
}
