import {
  changeLog,
  classifications,
  contacts,
  numberSeries,
  setup as setupQueries,
  type ClassificationKind,
  type ContactRow,
  type ContactUpdate,
  type Executor,
  type Flag,
  type SetupRow,
} from '@crm/db'
import type { Actor, CoreDeps } from '../deps.ts'
import { DomainError, invalidField } from '../errors.ts'
import { ADDRESS_FIELDS, FIELD_COLUMNS, toContact, type ClassificationChanges, type Contact, type ContactFields } from './contact.ts'
import { duplicateFieldsOf, findDuplicatesOf, type DuplicateCandidate } from './duplicates.ts'
import { initialsOf, joinPersonName, splitPersonName, validateContactFields } from './fields.ts'
import { derivedColumns, searchTokens } from './index-keys.ts'
import { foldText } from '../text/normalize.ts'

export interface CreateContactInput extends ContactFields, ClassificationChanges {
  type: 'company' | 'person'
  companyNo?: string | null
  profile?: Record<string, string>
}

export interface CreateContactResult {
  contact: Contact
  /** Possible duplicates at or above the setup threshold (empty when duplicate search is off). */
  duplicates: DuplicateCandidate[]
}

const CLASSIFICATION_FIELDS: Record<keyof ClassificationChanges, ClassificationKind> = {
  businessRelations: 'business-relation',
  industryGroups: 'industry-group',
  mailingGroups: 'mailing-group',
  jobResponsibilities: 'job-responsibility',
}

const CLASSIFICATION_LABELS: Record<ClassificationKind, string> = {
  'business-relation': 'business relation',
  'industry-group': 'industry group',
  'mailing-group': 'mailing group',
  'job-responsibility': 'job responsibility',
}

/** Looks up a contact or fails with a message that says how to find the right number. */
export async function requireContact(db: Executor, no: string, role = 'contact'): Promise<ContactRow> {
  const key = no.trim().toUpperCase()
  const row = await contacts.find(db, key)
  if (!row) throw new DomainError('CONTACT_NOT_FOUND', `There is no ${role} ${key}. Find the number with: contact find <name>`, { field: role })
  if (row.erased_at) throw new DomainError('CONTACT_ERASED', `${key} was erased on request and can no longer be used.`, { field: role })
  return row
}

/** The company a person is linked to; it must exist, be live and be of type company. */
async function requireCompany(db: Executor, no: string): Promise<ContactRow> {
  const company = await requireContact(db, no, 'company')
  if (company.type !== 'company') {
    throw new DomainError('NOT_A_COMPANY', `${company.no} (${company.name}) is a person; a person can only belong to a company.`, { field: 'company' })
  }
  return company
}

/**
 * Checks classification codes against the known codes of each kind and the contact type (industry groups for
 * companies, job responsibilities for persons); returns the upper-cased, de-duplicated codes per kind.
 */
export function checkClassifications(
  type: 'company' | 'person',
  changes: ClassificationChanges,
  known: Partial<Record<ClassificationKind, ReadonlySet<string>>>,
): Array<[ClassificationKind, string[]]> {
  const out: Array<[ClassificationKind, string[]]> = []
  for (const [field, kind] of Object.entries(CLASSIFICATION_FIELDS) as Array<[keyof ClassificationChanges, ClassificationKind]>) {
    const codes = [...new Set((changes[field] ?? []).map((c) => c.trim().toUpperCase()).filter(Boolean))]
    if (codes.length === 0) continue
    if (kind === 'industry-group' && type === 'person') {
      throw invalidField('industry', 'Industry groups belong to companies; set it on the person\'s company (persons match through it).')
    }
    if (kind === 'job-responsibility' && type === 'company') {
      throw invalidField('job', 'Job responsibilities belong to persons, not companies.')
    }
    const codesOfKind = known[kind] ?? new Set<string>()
    for (const code of codes) {
      if (!codesOfKind.has(code)) {
        throw invalidField(kind, `There is no ${CLASSIFICATION_LABELS[kind]} ${code}. Known: ${[...codesOfKind].sort().join(', ') || '(none yet)'}.`)
      }
    }
    out.push([kind, codes])
  }
  return out
}

/** The known codes of every classification kind, for checking many contacts at once. */
export async function loadClassificationCodes(db: Executor, kinds: readonly ClassificationKind[] = Object.values(CLASSIFICATION_FIELDS)): Promise<Partial<Record<ClassificationKind, ReadonlySet<string>>>> {
  const known: Partial<Record<ClassificationKind, ReadonlySet<string>>> = {}
  for (const kind of kinds) known[kind] = new Set((await classifications.listCodes(db, kind)).map((c) => c.code))
  return known
}

/** Checks every code exists and fits the contact type; returns upper-cased codes per kind. */
async function validateClassifications(db: Executor, type: 'company' | 'person', changes: ClassificationChanges): Promise<Array<[ClassificationKind, string[]]>> {
  const used = (Object.entries(CLASSIFICATION_FIELDS) as Array<[keyof ClassificationChanges, ClassificationKind]>)
    .filter(([field]) => (changes[field] ?? []).some((c) => c.trim()))
    .map(([, kind]) => kind)
  return checkClassifications(type, changes, used.length ? await loadClassificationCodes(db, used) : {})
}

/** Company size (employees, annual revenue) describes a company; a person is given it through its company. */
function refuseCompanySizeOnPerson(fields: ContactFields, companyNo: string | null | undefined): void {
  const company = companyNo ?? '<company>'
  if (fields.employees !== undefined && fields.employees !== null) {
    throw invalidField('employees', 'The number of employees belongs to companies, not persons; set it on the person\'s company.', `contact edit ${company} --employees ${fields.employees}`)
  }
  if (fields.annualRevenue !== undefined && fields.annualRevenue !== null) {
    throw invalidField('annual-revenue', 'The annual revenue belongs to companies, not persons; set it on the person\'s company.', `contact edit ${company} --annual-revenue 1000000`)
  }
}

function toColumns(fields: ContactFields): ContactUpdate {
  const patch: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(fields) as Array<[keyof ContactFields, unknown]>) {
    if (value === undefined) continue
    patch[FIELD_COLUMNS[key]] = typeof value === 'boolean' ? ((value ? 1 : 0) as Flag) : value
  }
  return patch as ContactUpdate
}

/** Rewrites the search tokens and derived columns of a contact after any change to it. */
export async function reindexContact(db: Executor, no: string): Promise<ContactRow> {
  const row = await contacts.get(db, no)
  const derived = derivedColumns(row)
  await contacts.update(db, no, derived)
  await contacts.replaceSearchTokens(db, no, searchTokens(row), derived.name_folded)
  return contacts.get(db, no)
}

/**
 * Completes the name of a new contact: a person's full name from its parts or the parts from the full name,
 * and its initials. Every contact needs a name.
 */
export function completeNewContactName(type: 'company' | 'person', fields: ContactFields): void {
  if (type === 'person') {
    if (!fields.name && (fields.firstName || fields.surname)) fields.name = joinPersonName(fields)
    if (fields.name && !fields.firstName && !fields.surname) Object.assign(fields, splitPersonName(fields.name))
    if (!fields.initials) fields.initials = initialsOf([fields.firstName, fields.middleName, fields.surname])
  }
  if (!fields.name) throw invalidField('name', 'A contact needs a name.', type === 'person' ? 'contact add person "Þóra Guðmundsdóttir"' : 'contact add company "Hekla Útgerð ehf"')
}

/**
 * The stored row of a new contact from validated fields: a person linked to a company inherits (per setup) the
 * company's address, phone, salesperson, country and language where not given; then the setup defaults apply.
 */
export function newContactRow(no: string, type: 'company' | 'person', validated: ContactFields, company: ContactRow | undefined, setup: SetupRow, now: string): ContactRow {
  const fields: ContactFields = { ...validated }
  const givesAddress = ADDRESS_FIELDS.some((f) => fields[f])
  let inheritAddress = false
  if (company) {
    if (setup.inherit_address && !givesAddress) {
      inheritAddress = true
      for (const f of ADDRESS_FIELDS) fields[f] = toContact(company)[f]
    }
    if (setup.inherit_phone && !fields.phone) fields.phone = company.phone
    if (setup.inherit_salesperson && !fields.salespersonCode) fields.salespersonCode = company.salesperson_code
    if (setup.inherit_country && !fields.countryCode) fields.countryCode = company.country_code
    if (setup.inherit_language && !fields.languageCode) fields.languageCode = company.language_code
  }
  fields.countryCode ??= setup.default_country_code
  fields.languageCode ??= setup.default_language_code
  fields.salespersonCode ??= setup.default_salesperson_code
  const base: ContactRow = {
    no,
    type,
    name: fields.name ?? '',
    name_folded: '',
    first_name: null,
    middle_name: null,
    surname: null,
    initials: null,
    job_title: null,
    salutation_code: null,
    company_no: company?.no ?? null,
    company_name: company?.name ?? null,
    address: null,
    address2: null,
    post_code: null,
    city: null,
    county: null,
    country_code: null,
    inherit_company_address: inheritAddress ? 1 : 0,
    phone: null,
    mobile: null,
    email: null,
    email2: null,
    website: null,
    language_code: null,
    salesperson_code: null,
    territory_code: null,
    privacy_blocked: 0,
    exclude_from_segments: 0,
    dup_name_key: '',
    email_norm: null,
    email2_norm: null,
    phone_digits: null,
    mobile_digits: null,
    website_domain: null,
    employees: null,
    annual_revenue_minor: null,
    erased_at: null,
    created_at: now,
    modified_at: now,
  }
  const row = { ...base, ...toColumns(fields) } as ContactRow
  return { ...row, ...derivedColumns(row) }
}

/**
 * Creates a company or person. A person linked to a company inherits (per setup) the company's address, phone,
 * salesperson and language where not given, and keeps following the company's address until one is set on it.
 * The number is taken from the CONTACT series in the same transaction. Possible duplicates are returned.
 */
export async function createContact(deps: CoreDeps, actor: Actor, input: CreateContactInput): Promise<CreateContactResult> {
  const now = deps.clock().toISOString()
  const result = await deps.database.db.transaction().execute((trx) => insertContact(trx, actor, input, now))
  deps.logger.info({ event: 'contact.created', no: result.contact.no, duplicates: result.duplicates.length })
  return result
}

/** Carries a dry run's result out of the transaction it rolls back. */
class DryRun extends Error {
  readonly result: CreateContactResult
  constructor(result: CreateContactResult) {
    super('dry run')
    this.result = result
  }
}

/**
 * Checks a new contact exactly as createContact would (same validation, same duplicate search) and stores
 * nothing: the insert is rolled back, so no number is used up.
 */
export async function checkNewContact(deps: CoreDeps, actor: Actor, input: CreateContactInput): Promise<CreateContactResult> {
  const now = deps.clock().toISOString()
  try {
    await deps.database.db.transaction().execute(async (trx) => {
      throw new DryRun(await insertContact(trx, actor, input, now))
    })
  } catch (error) {
    if (error instanceof DryRun) return error.result
    throw error
  }
  throw new Error('unreachable: the dry run always rolls back')
}

/** The insert of createContact inside a transaction the caller opened. */
export async function insertContact(trx: Executor, actor: Actor, input: CreateContactInput, now: string): Promise<CreateContactResult> {
  const fields = await validateContactFields(trx, pickFields(input))
  const type = input.type
  if (type === 'person') refuseCompanySizeOnPerson(fields, input.companyNo?.trim().toUpperCase())
  completeNewContactName(type, fields)
  const setup = await setupQueries.get(trx)
  let company: ContactRow | undefined
  if (input.companyNo) {
    if (type === 'company') throw invalidField('company', 'A company cannot belong to another company; only persons can.')
    company = await requireCompany(trx, input.companyNo)
  }
  const links = await validateClassifications(trx, type, input)
  const no = await numberSeries.takeNext(trx, 'CONTACT', now)
  const row = newContactRow(no, type, fields, company, setup, now)
  await contacts.insert(trx, row)
  await contacts.replaceSearchTokens(trx, no, searchTokens(row), foldText(row.name))
  for (const [kind, codes] of links) await classifications.link(trx, kind, no, codes)
  for (const [question, answer] of Object.entries(input.profile ?? {})) await contacts.setProfileAnswer(trx, no, question, answer)
  await changeLog.insert(trx, { at: now, actor: actor.id, entity: 'contact', entityNo: no, action: 'create' })
  const stored = await contacts.get(trx, no)
  const duplicates = setup.dup_search_enabled ? await findDuplicatesOf(trx, stored, setup.dup_threshold, duplicateFieldsOf(setup.dup_fields)) : []
  return { contact: toContact(stored), duplicates }
}

function pickFields(input: ContactFields): ContactFields {
  const out: ContactFields = {}
  for (const key of Object.keys(FIELD_COLUMNS) as Array<keyof ContactFields>) {
    if (input[key] !== undefined) (out as Record<string, unknown>)[key] = input[key]
  }
  return out
}

export interface UpdateContactInput extends ContactFields {
  no: string
  add?: ClassificationChanges
  remove?: ClassificationChanges
  profile?: Record<string, string | null>
  /** Re-link a person's address to its company's (copies it now and follows later changes). */
  addressFromCompany?: boolean
}

/**
 * Changes a contact. A company's new name is written to its persons' company name, and a company's new
 * address to the persons that inherit it; setting any address field on a person stops its inheritance.
 */
export async function updateContact(deps: CoreDeps, actor: Actor, input: UpdateContactInput): Promise<Contact> {
  const now = deps.clock().toISOString()
  return deps.database.db.transaction().execute(async (trx) => {
    const current = await requireContact(trx, input.no)
    const fields = await validateContactFields(trx, pickFields(input))
    if (current.type === 'person') refuseCompanySizeOnPerson(fields, current.company_no)
    const patch: ContactFields = { ...fields }
    if (current.type === 'person' && (fields.firstName !== undefined || fields.middleName !== undefined || fields.surname !== undefined) && fields.name === undefined) {
      const merged = { firstName: current.first_name, middleName: current.middle_name, surname: current.surname, ...fields }
      patch.name = joinPersonName(merged) || current.name
      patch.initials ??= initialsOf([merged.firstName, merged.middleName, merged.surname])
    }
    const columns: ContactUpdate = { ...toColumns(patch), modified_at: now }
    if (current.type === 'person') {
      if (ADDRESS_FIELDS.some((f) => fields[f] !== undefined)) columns.inherit_company_address = 0
      if (input.addressFromCompany) {
        if (!current.company_no) throw invalidField('address-from-company', `${current.no} is not linked to a company.`)
        const company = toContact(await contacts.get(trx, current.company_no))
        Object.assign(columns, toColumns(Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, company[f]])) as ContactFields))
        columns.inherit_company_address = 1
      }
    }
    const add = await validateClassifications(trx, current.type, input.add ?? {})
    const remove = await validateClassifications(trx, current.type, input.remove ?? {})
    const changed = Object.keys(columns).length > 1 || add.length > 0 || remove.length > 0 || Object.keys(input.profile ?? {}).length > 0
    if (!changed && !input.addressFromCompany) {
      throw new DomainError('NOTHING_TO_CHANGE', `Nothing to change on ${current.no}: give at least one field, e.g. --city Reykjavík.`)
    }
    await contacts.update(trx, current.no, columns)
    for (const [kind, codes] of add) await classifications.link(trx, kind, current.no, codes)
    for (const [kind, codes] of remove) await classifications.unlink(trx, kind, current.no, codes)
    for (const [question, answer] of Object.entries(input.profile ?? {})) await contacts.setProfileAnswer(trx, current.no, question, answer)
    const updated = await reindexContact(trx, current.no)
    if (current.type === 'company') {
      if (updated.name !== current.name) {
        await contacts.updatePersonsOf(trx, current.no, { company_name: updated.name, modified_at: now })
        await reindexPersonsOf(trx, current.no)
      }
      const addressPatch = Object.fromEntries(
        ADDRESS_FIELDS.map((f) => [FIELD_COLUMNS[f], updated[FIELD_COLUMNS[f]]]).filter(([col]) => updated[col as keyof ContactRow] !== current[col as keyof ContactRow]),
      )
      if (Object.keys(addressPatch).length) {
        await contacts.updatePersonsOf(trx, current.no, { ...addressPatch, modified_at: now }, true)
        await reindexPersonsOf(trx, current.no)
      }
    }
    await changeLog.insert(trx, { at: now, actor: actor.id, entity: 'contact', entityNo: current.no, action: 'update', details: { fields: Object.keys(patch) } })
    return toContact(updated)
  })
}

async function reindexPersonsOf(db: Executor, companyNo: string): Promise<void> {
  for (const person of await contacts.listPersonsOf(db, companyNo)) await reindexContact(db, person.no)
}

/**
 * Links a person to a company (or unlinks it with companyNo null). A person without an address of its own
 * takes the company's and follows it; per setup, an empty phone, salesperson, country and language take the
 * company's too, as when a person is added with --company.
 */
export async function linkContactToCompany(deps: CoreDeps, actor: Actor, personNo: string, companyNo: string | null): Promise<Contact> {
  const now = deps.clock().toISOString()
  return deps.database.db.transaction().execute(async (trx) => {
    const person = await requireContact(trx, personNo, 'person')
    if (person.type !== 'person') throw new DomainError('NOT_A_PERSON', `${person.no} (${person.name}) is a company; only persons can be linked to a company.`, { field: 'person' })
    const patch: ContactUpdate = { modified_at: now }
    if (companyNo === null) {
      if (!person.company_no) throw new DomainError('NOT_LINKED', `${person.no} is not linked to a company.`)
      Object.assign(patch, { company_no: null, company_name: null, inherit_company_address: 0 })
    } else {
      const company = await requireCompany(trx, companyNo)
      Object.assign(patch, { company_no: company.no, company_name: company.name })
      const hasAddress = ADDRESS_FIELDS.some((f) => toContact(person)[f])
      const setup = await setupQueries.get(trx)
      if (setup.inherit_address && (!hasAddress || person.inherit_company_address)) {
        Object.assign(patch, toColumns(Object.fromEntries(ADDRESS_FIELDS.map((f) => [f, toContact(company)[f]])) as ContactFields))
        patch.inherit_company_address = 1
      }
      // As for a person added with --company: empty fields take the company's, per setup; what the person has stays.
      if (setup.inherit_phone && !person.phone && company.phone) patch.phone = company.phone
      if (setup.inherit_salesperson && !person.salesperson_code && company.salesperson_code) patch.salesperson_code = company.salesperson_code
      if (setup.inherit_country && !person.country_code && company.country_code) patch.country_code = company.country_code
      if (setup.inherit_language && !person.language_code && company.language_code) patch.language_code = company.language_code
    }
    await contacts.update(trx, person.no, patch)
    const updated = await reindexContact(trx, person.no)
    await changeLog.insert(trx, { at: now, actor: actor.id, entity: 'contact', entityNo: person.no, action: companyNo ? 'link' : 'unlink', details: { companyNo } })
    return toContact(updated)
  })
}
