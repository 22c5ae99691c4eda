import type { Contact, ContactFields } from '../contacts/contact.ts'
import type { DuplicateCandidate } from '../contacts/duplicates.ts'
import { findContactDuplicates, markNotDuplicates } from '../contacts/duplicates.ts'
import { mergeContacts } from '../contacts/merge.ts'
import { eraseContact, exportContactData, previewErasure } from '../contacts/privacy.ts'
import { getContactDetails, getContactHistory, listContacts, searchContacts } from '../contacts/read.ts'
import { checkNewContact, createContact, linkContactToCompany, updateContact } from '../contacts/write.ts'
import { getSetup } from '../setup/setup.ts'
import { invalidField } from '../errors.ts'
import type { CommandContext, CommandSpec, OptionSpec, ParsedInput } from './spec.ts'
import { messageView, type ResultView } from './views.ts'

export const FIELD_OPTIONS: OptionSpec[] = [
  { name: 'first-name', type: 'string', description: 'first name (persons)' },
  { name: 'middle-name', type: 'string', description: 'middle name (persons)' },
  { name: 'surname', type: 'string', description: 'surname (persons)' },
  { name: 'initials', type: 'string', description: 'initials (persons)' },
  { name: 'job-title', type: 'string', description: 'job title (persons)' },
  { name: 'salutation', type: 'string', description: 'salutation code' },
  { name: 'address', type: 'string', description: 'street address' },
  { name: 'address2', type: 'string', description: 'second address line' },
  { name: 'post-code', type: 'string', description: 'post code' },
  { name: 'city', type: 'string', description: 'city' },
  { name: 'county', type: 'string', description: 'county or region' },
  { name: 'country', type: 'string', description: 'two-letter ISO country code, e.g. IS' },
  { name: 'phone', type: 'string', description: 'phone number' },
  { name: 'mobile', type: 'string', description: 'mobile phone number' },
  { name: 'email', type: 'string', description: 'primary email' },
  { name: 'email2', type: 'string', description: 'secondary email' },
  { name: 'website', type: 'string', description: 'website, e.g. example.com' },
  { name: 'language', type: 'string', description: 'language code, e.g. is, ru, en' },
  { name: 'salesperson', type: 'string', description: 'salesperson code' },
  { name: 'territory', type: 'string', description: 'territory code' },
  { name: 'privacy-blocked', type: 'bool', description: 'privacy blocked: not used in new interactions, segments or opportunities' },
  { name: 'exclude-from-segments', type: 'bool', description: 'never added to a segment' },
  { name: 'employees', type: 'string', description: 'number of employees (company size), e.g. 50' },
  { name: 'annual-revenue', type: 'string', description: 'annual revenue in the setup currency, e.g. 1500000' },
]

const OPTION_TO_FIELD: Record<string, keyof ContactFields> = {
  'first-name': 'firstName',
  'middle-name': 'middleName',
  surname: 'surname',
  initials: 'initials',
  'job-title': 'jobTitle',
  salutation: 'salutationCode',
  address: 'address',
  address2: 'address2',
  'post-code': 'postCode',
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
  'privacy-blocked': 'privacyBlocked',
  'exclude-from-segments': 'excludeFromSegments',
  employees: 'employees',
  'annual-revenue': 'annualRevenue',
  name: 'name',
}

const CLASSIFICATION_OPTIONS: OptionSpec[] = [
  { name: 'relation', type: 'list', description: 'business relation codes, e.g. CUST,PROSPECT' },
  { name: 'industry', type: 'list', description: 'industry group codes (companies)' },
  { name: 'mailing-group', type: 'list', description: 'mailing group codes' },
  { name: 'job', type: 'list', description: 'job responsibility codes (persons)' },
  { name: 'profile', type: 'list', description: 'profile answer as question=answer' },
]

export function fieldsFrom(input: ParsedInput): ContactFields {
  const fields: ContactFields = {}
  for (const [option, field] of Object.entries(OPTION_TO_FIELD)) {
    const value = input.options[option]
    if (value !== undefined) (fields as Record<string, unknown>)[field] = value
  }
  return fields
}

function classificationsFrom(input: ParsedInput, prefix = '') {
  const get = (name: string) => input.options[prefix + name] as string[] | undefined
  return { businessRelations: get('relation'), industryGroups: get('industry'), mailingGroups: get('mailing-group'), jobResponsibilities: get('job') }
}

function profileFrom(input: ParsedInput, allowClear: boolean): Record<string, string | null> | undefined {
  const items = input.options.profile as string[] | undefined
  if (!items) return undefined
  // No prototype: a question named "__proto__" is stored like any other.
  const out: Record<string, string | null> = Object.create(null)
  for (const item of items) {
    const eq = item.indexOf('=')
    const question = eq > 0 ? item.slice(0, eq).trim() : ''
    if (!question) throw invalidField('profile', `"${item}" is not question=answer.`, '--profile "budget=over 1M"')
    const answer = item.slice(eq + 1).trim()
    if (!answer && !allowClear) throw invalidField('profile', `The answer to "${question}" is empty.`, '--profile "budget=over 1M"')
    out[question] = answer || null
  }
  return out
}

function duplicateData(d: DuplicateCandidate) {
  return { no: d.contact.no, name: d.contact.name, score: d.score, reasons: d.reasons }
}

async function contactView(ctx: CommandContext, no: string, duplicates: DuplicateCandidate[] = [], notice?: string): Promise<ResultView> {
  const details = await getContactDetails(ctx.deps, no)
  return {
    kind: 'contact',
    title: `${details.contact.no} ${details.contact.name}`,
    details,
    duplicates,
    ...(notice ? { notice } : {}),
    data: { ...details, duplicates: duplicates.map(duplicateData) },
  }
}

function listView(title: string, result: { query: string; contacts: Contact[]; hasMore: boolean; offset: number }): ResultView {
  return { kind: 'contact-list', title, result, data: result }
}

const arg = (input: ParsedInput, name: string) => input.args[name] as string

/** The contact commands of the grammar. */
export const contactCommands: CommandSpec[] = [
  {
    path: ['contact', 'add'],
    summary: 'Create a company or a person (a person may belong to a company)',
    args: [
      { name: 'type', description: 'company or person', required: true, choices: ['company', 'person'] },
      { name: 'name', description: 'the full name', rest: true },
    ],
    options: [
      { name: 'company', type: 'string', description: 'number of the company a person belongs to' },
      ...FIELD_OPTIONS,
      ...CLASSIFICATION_OPTIONS,
      { name: 'check', type: 'bool', description: 'only check the input and look for possible duplicates; save nothing' },
    ],
    examples: [
      'contact add company "Hekla Útgerð ehf" --city Reykjavík --country IS --industry FISHING --website hekla.is',
      'contact add person "Þóra Guðmundsdóttir" --company CT000001 --email thora@hekla.is',
    ],
    notes: ['Possible duplicates are shown after saving; merge them with "contact merge".'],
    access: 'write',
    async run(ctx, input) {
      const draft = {
        type: arg(input, 'type') as 'company' | 'person',
        ...fieldsFrom(input),
        ...(input.args.name ? { name: input.args.name } : {}),
        companyNo: (input.options.company as string | undefined) ?? null,
        ...classificationsFrom(input),
        profile: profileFrom(input, false) as Record<string, string> | undefined ?? {},
      }
      if (input.options.check) {
        const checked = await checkNewContact(ctx.deps, ctx.actor, draft)
        const title = checked.duplicates.length ? `${checked.duplicates.length} possible duplicate(s) of the new contact ${checked.contact.name}; nothing was saved.` : `No possible duplicates of the new contact ${checked.contact.name}; nothing was saved.`
        return { kind: 'duplicates', title, contact: { ...checked.contact, no: '(new)' }, duplicates: checked.duplicates, threshold: (await getSetup(ctx.deps)).duplicateThreshold, data: { saved: false, duplicates: checked.duplicates.map(duplicateData) } }
      }
      const result = await createContact(ctx.deps, ctx.actor, draft)
      const notice = result.duplicates.length ? `Created ${result.contact.no}. Warning: ${result.duplicates.length} possible duplicate(s) found.` : `Created ${result.contact.no}.`
      return contactView(ctx, result.contact.no, result.duplicates, notice)
    },
  },
  {
    path: ['contact', 'show'],
    summary: 'Show a contact card',
    args: [{ name: 'no', description: 'contact number, e.g. CT000001', required: true }],
    options: [],
    examples: ['contact show CT000002'],
    access: 'read',
    run: (ctx, input) => contactView(ctx, arg(input, 'no')),
  },
  {
    path: ['contact', 'find'],
    summary: 'Search contacts by name, email, phone, company, city or number (any script, accents optional)',
    args: [{ name: 'query', description: 'words to look for', required: true, rest: true }],
    options: [
      { name: 'limit', type: 'int', description: 'how many to show (default 10, at most 500)' },
      { name: 'offset', type: 'int', description: 'skip this many (for the next page)' },
    ],
    examples: ['contact find þóra', 'contact find gudmunds', 'contact find ирина', 'contact find hekla.is'],
    access: 'read',
    async run(ctx, input) {
      const result = await searchContacts(ctx.deps, {
        query: arg(input, 'query'),
        ...(input.options.limit !== undefined ? { limit: input.options.limit as number } : {}),
        ...(input.options.offset !== undefined ? { offset: input.options.offset as number } : {}),
      })
      return listView(`Contacts matching "${result.query}"`, result)
    },
  },
  {
    path: ['contact', 'list'],
    summary: 'List contacts, optionally filtered',
    args: [],
    options: [
      { name: 'type', type: 'string', description: 'company or person' },
      { name: 'company', type: 'string', description: 'persons of this company' },
      { name: 'salesperson', type: 'string', description: 'salesperson code' },
      { name: 'country', type: 'string', description: 'country code' },
      { name: 'city', type: 'string', description: 'city, exactly as stored' },
      { name: 'limit', type: 'int', description: 'how many (default 50)' },
      { name: 'offset', type: 'int', description: 'skip this many' },
    ],
    examples: ['contact list --type company --country IS'],
    access: 'read',
    async run(ctx, input) {
      const type = input.options.type as string | undefined
      if (type && type !== 'company' && type !== 'person') throw invalidField('type', `--type is company or person, not "${type}".`)
      const up = (v: unknown) => (typeof v === 'string' ? v.toUpperCase() : undefined)
      const result = await listContacts(
        ctx.deps,
        {
          ...(type ? { type: type as 'company' | 'person' } : {}),
          ...(up(input.options.company) ? { companyNo: up(input.options.company)! } : {}),
          ...(up(input.options.salesperson) ? { salespersonCode: up(input.options.salesperson)! } : {}),
          ...(up(input.options.country) ? { countryCode: up(input.options.country)! } : {}),
          ...(typeof input.options.city === 'string' ? { city: input.options.city } : {}),
        },
        { ...(input.options.limit !== undefined ? { limit: input.options.limit as number } : {}), ...(input.options.offset !== undefined ? { offset: input.options.offset as number } : {}) },
      )
      return listView('Contacts', result)
    },
  },
  {
    path: ['contact', 'edit'],
    summary: 'Change fields and classifications of a contact ("" clears a field)',
    args: [{ name: 'no', description: 'contact number', required: true }],
    options: [
      { name: 'name', type: 'string', description: 'new name' },
      ...FIELD_OPTIONS,
      ...CLASSIFICATION_OPTIONS,
      { name: 'remove-relation', type: 'list', description: 'business relations to remove' },
      { name: 'remove-industry', type: 'list', description: 'industry groups to remove' },
      { name: 'remove-mailing-group', type: 'list', description: 'mailing groups to remove' },
      { name: 'remove-job', type: 'list', description: 'job responsibilities to remove' },
      { name: 'address-from-company', type: 'bool', description: 'take and follow the company address again (persons)' },
    ],
    examples: ['contact edit CT000002 --job-title "Sales manager" --relation PROSPECT', 'contact edit CT000001 --name "Hekla Útgerð hf"', 'contact edit CT000002 --phone ""'],
    access: 'write',
    async run(ctx, input) {
      const contact = await updateContact(ctx.deps, ctx.actor, {
        no: arg(input, 'no'),
        ...fieldsFrom(input),
        add: classificationsFrom(input),
        remove: classificationsFrom(input, 'remove-'),
        ...(profileFrom(input, true) ? { profile: profileFrom(input, true)! } : {}),
        ...(input.options['address-from-company'] ? { addressFromCompany: true } : {}),
      })
      return contactView(ctx, contact.no, [], `Updated ${contact.no}.`)
    },
  },
  {
    path: ['contact', 'link'],
    summary: 'Link a person to a company',
    args: [
      { name: 'person', description: 'person number', required: true },
      { name: 'company', description: 'company number', required: true },
    ],
    options: [],
    examples: ['contact link CT000002 CT000001'],
    access: 'write',
    async run(ctx, input) {
      const contact = await linkContactToCompany(ctx.deps, ctx.actor, arg(input, 'person'), arg(input, 'company'))
      return contactView(ctx, contact.no, [], `Linked ${contact.no} to ${contact.companyNo} ${contact.companyName}.`)
    },
  },
  {
    path: ['contact', 'unlink'],
    summary: 'Remove a person from its company',
    args: [{ name: 'person', description: 'person number', required: true }],
    options: [],
    examples: ['contact unlink CT000002'],
    access: 'write',
    async run(ctx, input) {
      const contact = await linkContactToCompany(ctx.deps, ctx.actor, arg(input, 'person'), null)
      return contactView(ctx, contact.no, [], `${contact.no} no longer belongs to a company.`)
    },
  },
  {
    path: ['contact', 'duplicates'],
    summary: 'Find possible duplicates of a contact',
    args: [{ name: 'no', description: 'contact number', required: true }],
    options: [{ name: 'threshold', type: 'int', description: 'minimum score 1-100 (default from setup)' }],
    examples: ['contact duplicates CT000003', 'contact duplicates CT000003 --threshold 40'],
    access: 'read',
    async run(ctx, input) {
      const threshold = input.options.threshold as number | undefined
      if (threshold !== undefined && (threshold < 1 || threshold > 100)) throw invalidField('threshold', `--threshold is 1 to 100, not ${threshold}.`)
      const r = await findContactDuplicates(ctx.deps, arg(input, 'no'), threshold)
      return {
        kind: 'duplicates',
        title: `Possible duplicates of ${r.contact.no}`,
        contact: r.contact,
        duplicates: r.duplicates,
        threshold: r.threshold,
        data: { contact: { no: r.contact.no, name: r.contact.name }, threshold: r.threshold, duplicates: r.duplicates.map(duplicateData) },
      }
    },
  },
  {
    path: ['contact', 'not-duplicates'],
    summary: 'Mark two contacts as not duplicates of each other',
    args: [
      { name: 'contact', description: 'contact number', required: true },
      { name: 'other', description: 'the other contact number', required: true },
    ],
    options: [],
    examples: ['contact not-duplicates CT000003 CT000007'],
    access: 'write',
    async run(ctx, input) {
      await markNotDuplicates(ctx.deps, ctx.actor, arg(input, 'contact'), arg(input, 'other'))
      const a = arg(input, 'contact').toUpperCase()
      const b = arg(input, 'other').toUpperCase()
      return messageView(`${a} and ${b} are marked as not duplicates.`, { contact: a, other: b })
    },
  },
  {
    path: ['contact', 'merge'],
    summary: 'Merge a contact into another: everything moves to the survivor, the first is removed',
    args: [
      { name: 'from', description: 'the contact to merge away', required: true },
      { name: 'into', description: 'the surviving contact', required: true },
    ],
    options: [],
    examples: ['contact merge CT000003 CT000001'],
    access: 'admin',
    async run(ctx, input) {
      const r = await mergeContacts(ctx.deps, ctx.actor, arg(input, 'from'), arg(input, 'into'))
      const view = await contactView(ctx, r.survivor.no, [], `Merged ${r.mergedNo} into ${r.survivor.no}${r.movedPersons ? `; ${r.movedPersons} person(s) moved` : ''}.`)
      return { ...view, data: { merged: r.mergedNo, survivor: r.survivor.no, movedPersons: r.movedPersons, contact: (view as { data: unknown }).data } }
    },
  },
  {
    path: ['contact', 'history'],
    summary: 'Show the change trace of a contact (edits, merges, erasure)',
    args: [{ name: 'no', description: 'contact number', required: true }],
    options: [],
    examples: ['contact history CT000001'],
    access: 'read',
    async run(ctx, input) {
      const rows = await getContactHistory(ctx.deps, arg(input, 'no'))
      return {
        kind: 'table',
        title: `History of ${arg(input, 'no').toUpperCase()}`,
        columns: [
          { key: 'at', label: 'When' },
          { key: 'actor', label: 'Who' },
          { key: 'action', label: 'What' },
        ],
        rows: rows.map((r) => ({ at: r.at.slice(0, 19).replace('T', ' '), actor: r.actor, action: r.action })),
        data: rows,
      }
    },
  },
  {
    path: ['contact', 'export'],
    summary: 'Export everything held about a contact as JSON (data-subject request)',
    args: [{ name: 'no', description: 'contact number', required: true }],
    options: [],
    examples: ['contact export CT000002'],
    notes: ['In the shell, "crm contact export CT000002 --json > thora.json" saves the export to a file.'],
    access: 'admin',
    async run(ctx, input) {
      const data = await exportContactData(ctx.deps, arg(input, 'no'))
      return { kind: 'document', title: `Data held about ${data.contact.contact.no}`, text: JSON.stringify(data, null, 2), data }
    },
  },
  {
    path: ['contact', 'erase'],
    summary: 'Erase a contact\'s personal data on request (asks for confirmation)',
    args: [{ name: 'no', description: 'contact number', required: true }],
    options: [{ name: 'confirm', type: 'string', description: 'repeat the contact number to confirm' }],
    examples: ['contact erase CT000002', 'contact erase CT000002 --confirm CT000002'],
    access: 'admin',
    async run(ctx, input) {
      const confirm = input.options.confirm as string | undefined
      if (confirm === undefined) {
        const details = await previewErasure(ctx.deps, arg(input, 'no'))
        const c = details.contact
        const text = [
          `Erasing ${c.no} ${c.name} removes for good: names, address, phones, emails, website, classifications, profile answers, the subjects and notes of its interactions and opportunities, the addresses of its emails (unsent ones are withdrawn) and the data in its change history.`,
          'Kept, without personal data: the number, type, country, salesperson and anonymous statistics.',
          `To go ahead: contact erase ${c.no} --confirm ${c.no}`,
        ].join('\n')
        return { kind: 'message', title: `Confirm erasure of ${c.no}`, text, data: { no: c.no, erased: false, confirmWith: `contact erase ${c.no} --confirm ${c.no}` } }
      }
      const r = await eraseContact(ctx.deps, ctx.actor, arg(input, 'no'), confirm)
      return messageView(`Erased the personal data of ${r.no}.`, { no: r.no, erased: true })
    },
  },
]
