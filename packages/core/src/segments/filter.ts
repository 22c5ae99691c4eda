// The segment filter language, shared by `crm segment ...` and `/crm segment ...`:
//   industry=FISHING country=IS,NO no-interaction:EMAIL-OUT:30d
// Terms are combined with AND (or OR with --any); `!` before a term negates it.
import { classifications, contacts, interactions, salespeople, segments as segmentQueries, setup as setupQueries, type ClassificationTable, type Executor, type SegmentCondition, type SegmentFieldColumn, type SegmentFilter, type SegmentMatchColumn, type SegmentPresenceColumn, type SegmentRangeColumn } from '@crm/db'
import { invalidField, isDomainError } from '../errors.ts'
import { isLanguageCode } from '../contacts/fields.ts'
import { foldText, normalizeEmail, phoneDigits, websiteDomain } from '../text/normalize.ts'
import { parseDate } from '../dates.ts'
import { parseMoney } from '../money.ts'

// Codes are compared as stored: country, salesperson, territory codes and numbers upper case; language codes lower
// case (is, pt-br), as contacts store them.
const FIELD_KEYS: Record<string, { column: SegmentFieldColumn; text?: 'city' | 'county' | 'post_code' | 'job_title'; upper?: boolean; lower?: boolean }> = {
  no: { column: 'no', upper: true },
  type: { column: 'type' },
  country: { column: 'country_code', upper: true },
  city: { column: 'city', text: 'city' },
  'post-code': { column: 'post_code', text: 'post_code' },
  county: { column: 'county', text: 'county' },
  salesperson: { column: 'salesperson_code', upper: true },
  language: { column: 'language_code', lower: true },
  territory: { column: 'territory_code', upper: true },
  company: { column: 'company_no', upper: true },
  'job-title': { column: 'job_title', text: 'job_title' },
}
const CLASSIFICATION_KEYS: Record<string, { table: ClassificationTable; kind: 'industry-group' | 'business-relation' | 'mailing-group' | 'job-responsibility'; viaCompany: boolean }> = {
  industry: { table: 'contact_industry_groups', kind: 'industry-group', viaCompany: true },
  relation: { table: 'contact_business_relations', kind: 'business-relation', viaCompany: true },
  mailing: { table: 'contact_mailing_groups', kind: 'mailing-group', viaCompany: false },
  job: { table: 'contact_job_responsibilities', kind: 'job-responsibility', viaCompany: false },
}
/** Text keys compared on a normalized column: = is one of the values, ~ contains the text. */
const MATCH_KEYS: Record<string, { columns: SegmentMatchColumn[]; normalize: (v: string) => string | null; what: string }> = {
  name: { columns: ['name_folded'], normalize: (v) => foldText(v) || null, what: 'a name' },
  email: { columns: ['email_norm', 'email2_norm'], normalize: (v) => normalizeEmail(v), what: 'an email address or part of one' },
  phone: { columns: ['phone_digits', 'mobile_digits'], normalize: (v) => v.replace(/\D/g, '') || null, what: 'phone digits' },
  mobile: { columns: ['mobile_digits'], normalize: (v) => v.replace(/\D/g, '') || null, what: 'phone digits' },
  website: { columns: ['website_domain'], normalize: (v) => websiteDomain(v), what: 'a website or domain' },
}
/** Keys compared by range (>=, <=, >, <, =): dates and company size. */
const RANGE_KEYS: Record<string, { column: SegmentRangeColumn; kind: 'date' | 'count' | 'money' }> = {
  created: { column: 'created_at', kind: 'date' },
  modified: { column: 'modified_at', kind: 'date' },
  employees: { column: 'employees', kind: 'count' },
  'annual-revenue': { column: 'annual_revenue_minor', kind: 'money' },
}
const PRESENCE: Record<string, SegmentPresenceColumn> = { email: 'email', phone: 'phone', mobile: 'mobile', website: 'website', company: 'company_no', salesperson: 'salesperson_code' }

/** What the filter language accepts, for help texts and error messages. */
export const FILTER_SYNTAX = [
  'field=VALUE[,VALUE...] for fields: ' + Object.keys(FIELD_KEYS).join(', '),
  'name=, email=, phone=, mobile=, website= (exact: case, accents, phone punctuation and www. ignored); name~TEXT, email~@hekla.is, phone~555, website~.is (contains)',
  'created>=2026-01-01, created<2026-11-01, created=2026-11-20, created=30d, modified=... (dates: >=, <=, >, <, = a day or a period)',
  'employees>=50, employees<10, annual-revenue<1000000, annual-revenue>=250000.00 (company size: >=, <=, >, <, =)',
  'industry=CODE, relation=CODE, mailing=CODE, job=CODE (a company\'s industry and relation count for its persons)',
  'has:email|phone|mobile|website|company|salesperson',
  'profile:QUESTION[=ANSWER]',
  'interaction:TEMPLATE[:PERIOD], no-interaction:TEMPLATE[:PERIOD] (TEMPLATE * = any; PERIOD 30d, 8w, 6m, 1y or 2026-01-01..2026-03-31)',
  'opportunity[:open|won|lost|any|STAGE], no-opportunity[:...] (STAGE = stage number of an open opportunity)',
  'campaign:CP0001 (in a segment of the campaign), responded:CP0001, segment:SG00001',
  '!TERM negates a term; terms are combined with AND, or with OR when --any is given',
]
const KEYS_TEXT = 'Known: ' + [...Object.keys(FIELD_KEYS), ...Object.keys(MATCH_KEYS).filter((k) => !(k in FIELD_KEYS)), ...Object.keys(RANGE_KEYS), ...Object.keys(CLASSIFICATION_KEYS), 'has:', 'profile:', 'interaction:', 'no-interaction:', 'opportunity', 'no-opportunity', 'campaign:', 'responded:', 'segment:'].join(', ')
const EXAMPLE = 'industry=FISHING country=IS no-interaction:EMAIL-OUT:30d'

const bad = (term: string, why: string, example = EXAMPLE) => invalidField('filter', `"${term}": ${why}`, example)

/** A day typed in a filter term; a bad one is refused naming the term, with `example` (a term of the same kind). */
function filterDay(value: string, term: string, example: string): string {
  try {
    return parseDate(value, 'filter')
  } catch (error) {
    if (!isDomainError(error)) throw error
    // parseDate's own example is a command-line option (--filter ...), which no filter term looks like.
    throw bad(term, error.userMessage.replace(/ Example: .*$/, ''), example)
  }
}

/** A period such as 30d, 8w, 6m, 1y or FROM..TO, as an inclusive-exclusive ISO range ending now. */
export function parsePeriod(text: string, now: Date, term: string): { from: string | null; to: string | null } {
  const rel = /^(\d{1,4})([dwmy])$/i.exec(text)
  if (rel) {
    const n = Number(rel[1])
    const d = new Date(now)
    const unit = rel[2]!.toLowerCase()
    if (unit === 'd') d.setUTCDate(d.getUTCDate() - n)
    else if (unit === 'w') d.setUTCDate(d.getUTCDate() - 7 * n)
    else if (unit === 'm') d.setUTCMonth(d.getUTCMonth() - n)
    else d.setUTCFullYear(d.getUTCFullYear() - n)
    return { from: d.toISOString(), to: null }
  }
  const range = /^(\d{4}-\d{2}-\d{2})?\.\.(\d{4}-\d{2}-\d{2})?$/.exec(text)
  if (range && (range[1] || range[2])) {
    // The same term with a good period, e.g. created=2026-01-01..2026-03-31 for created=2026-01-01..2026-02-30.
    const example = `${term.endsWith(text) ? term.slice(0, term.length - text.length) : 'created='}2026-01-01..2026-03-31`
    const from = range[1] ? `${filterDay(range[1], term, example)}T00:00:00.000Z` : null
    let to: string | null = null
    if (range[2]) {
      const end = new Date(`${filterDay(range[2], term, example)}T00:00:00.000Z`)
      end.setUTCDate(end.getUTCDate() + 1)
      to = end.toISOString()
    }
    if (from && to && from >= to) throw bad(term, `the period ${text} ends before it starts; write the earlier date first, e.g. 2026-01-01..2026-03-31.`)
    return { from, to }
  }
  throw bad(term, `"${text}" is not a period. Use 30d, 8w, 6m, 1y or 2026-01-01..2026-03-31.`)
}

async function requireCodes(db: Executor, kind: 'industry-group' | 'business-relation' | 'mailing-group' | 'job-responsibility', codes: string[], term: string): Promise<string[]> {
  const known = (await classifications.listCodes(db, kind)).map((c) => c.code)
  const unknown = codes.filter((c) => !known.includes(c))
  if (unknown.length) throw bad(term, `there is no ${kind.replace('-', ' ')} ${unknown.join(', ')}. Codes: ${known.join(', ') || '(none yet)'}.`)
  return codes
}

/** Up to 20 codes for a message, then how many more. */
function listed(codes: string[]): string {
  const sorted = [...codes].sort()
  return sorted.length > 20 ? `${sorted.slice(0, 20).join(', ')} and ${sorted.length - 20} more` : sorted.join(', ')
}

/**
 * Refuses field values that cannot name anything, as `industry=` refuses an unknown code: a salesperson or a
 * company that does not exist, a country or language code contacts could not store, a territory no contact has
 * (territories have no setup list: the codes in use on contacts are the known ones). An empty selection from a
 * typo would look like a real answer.
 */
async function checkFieldValues(db: Executor, key: string, values: string[], term: string): Promise<void> {
  const not = term.startsWith('!') ? '!' : ''
  switch (key) {
    case 'salesperson': {
      const known = (await salespeople.list(db)).map((s) => s.code)
      const unknown = values.filter((v) => !known.includes(v))
      if (unknown.length) {
        throw bad(term, `there is no salesperson ${unknown.join(', ')}. Salespeople: ${listed(known) || '(none yet; add one with: salesperson add JD "Jane Doe")'}.`, `${not}salesperson=${known[0] ?? 'JD'}`)
      }
      return
    }
    case 'country': {
      // As contacts store them (contact add --country): two-letter ISO codes.
      const wrong = values.filter((v) => !/^[A-Z]{2}$/.test(v))
      if (wrong.length) {
        const inUse = await segmentQueries.distinctValues(db, 'country_code')
        throw bad(term, `${wrong.join(', ')} ${wrong.length > 1 ? 'are not two-letter ISO country codes' : 'is not a two-letter ISO country code'}, as contacts store them. Countries of your contacts: ${listed(inUse) || '(none yet)'}.`, `${not}country=IS,NO`)
      }
      return
    }
    case 'language': {
      const wrong = values.filter((v) => !isLanguageCode(v))
      if (wrong.length) throw bad(term, `${wrong.join(', ')} ${wrong.length > 1 ? 'are not language codes' : 'is not a language code'}. Use ISO 639 codes such as is, en, ru, de or pt-br, as contacts store them.`, `${not}language=is,en`)
      return
    }
    case 'territory': {
      const inUse = await segmentQueries.distinctValues(db, 'territory_code')
      const unknown = values.filter((v) => !inUse.includes(v))
      if (unknown.length) {
        throw bad(term, `no contact has territory ${unknown.join(', ')}. Territories of your contacts: ${listed(inUse) || '(none yet; give a contact one with: contact edit CT000001 --territory NORTH)'}.`, `${not}territory=${[...inUse].sort()[0] ?? 'NORTH'}`)
      }
      return
    }
    case 'company': {
      const companies = (await contacts.listByNos(db, values)).filter((c) => c.type === 'company').map((c) => c.no)
      const unknown = values.filter((v) => !companies.includes(v))
      if (unknown.length) {
        throw bad(term, `there is no company ${unknown.join(', ')}; company= takes the contact number of a company and selects its persons. See the companies with: contact list --type company.`, `${not}company=CT000001`)
      }
      return
    }
  }
}

/**
 * The inclusive-exclusive bounds of a range term: a day (created=2026-11-20) or a period (created=30d,
 * created=2026-01-01..2026-03-31) for dates; whole numbers for employees; minor units for the revenue.
 */
async function rangeBounds(db: Executor, key: string, kind: 'date' | 'count' | 'money', op: string, value: string, now: Date, term: string): Promise<{ from: string | number | null; before: string | number | null }> {
  if (kind === 'date') {
    if (op === '=' || op === '!=') {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
        const period = parsePeriod(value, now, term)
        return { from: period.from, before: period.to }
      }
    }
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw bad(term, `"${value}" is not a date; write YYYY-MM-DD, e.g. created>=2026-01-01 (or a period with =: created=30d).`)
    const day = `${filterDay(value, term, `${term.startsWith('!') ? '!' : ''}${key}${op}2026-01-01`)}T00:00:00.000Z`
    const next = new Date(day)
    next.setUTCDate(next.getUTCDate() + 1)
    return bounds(op, day, next.toISOString())
  }
  let n: number
  if (kind === 'count') {
    if (!/^\d{1,9}$/.test(value)) throw bad(term, `"${value}" is not a number of employees; write a whole number, e.g. employees>=50.`)
    n = Number(value)
  } else {
    const currency = (await setupQueries.get(db)).currency_code
    try {
      n = parseMoney(value, currency, 'annual-revenue')
    } catch (error) {
      const why = ((error as { userMessage?: string }).userMessage ?? `"${value}" is not an amount.`).replace(/ Example: .*$/, '')
      throw bad(term, `${why} Write the revenue in ${currency}, e.g. annual-revenue<1000000.`)
    }
  }
  return bounds(op, n, n + 1)
}

/** The bounds of `op value` where `next` is the smallest value above `value` (the next day, the next unit). */
function bounds<T extends string | number>(op: string, value: T, next: T): { from: T | null; before: T | null } {
  switch (op) {
    case '>=':
      return { from: value, before: null }
    case '>':
      return { from: next, before: null }
    case '<':
      return { from: null, before: value }
    case '<=':
      return { from: null, before: next }
    default:
      return { from: value, before: next }
  }
}

/** Values of a text column as stored, matching what was typed case- and accent-insensitively. */
async function resolveText(db: Executor, column: 'city' | 'county' | 'post_code' | 'job_title', typed: string[]): Promise<string[]> {
  const wanted = new Set(typed.map((t) => foldText(t)))
  return (await segmentQueries.distinctValues(db, column)).filter((v) => wanted.has(foldText(v)))
}

/**
 * Parses filter terms into a filter the database evaluates in one statement. Unknown keys, codes, templates and
 * malformed periods are refused with a message naming the term and listing what is allowed.
 */
export async function parseSegmentFilter(db: Executor, terms: string[], options: { any?: boolean; now: Date }): Promise<SegmentFilter> {
  const conditions: SegmentCondition[] = []
  if (terms.length === 0) throw invalidField('filter', `Give at least one filter term. ${KEYS_TEXT}.`, EXAMPLE)
  for (const raw of terms) {
    let term = raw.trim()
    let negate = false
    if (term.startsWith('!')) {
      negate = true
      term = term.slice(1)
    }
    const eq = /^([a-z][a-z0-9-]*)(>=|<=|!=|=|>|<|~)(.*)$/i.exec(term)
    if (eq) {
      const key = eq[1]!.toLowerCase()
      const op = eq[2]!
      if (op === '!=') negate = !negate
      // A value may arrive still quoted (city="New York" passed in one shell word): the quotes are not part of it.
      const unquote = (v: string) => v.trim().replace(/^(["'“„«])(.*)(["'”“»])$/u, '$2').trim()
      // Own keys only: a user's "constructor=x" must not find Object's prototype.
      const own = <T>(table: Record<string, T>) => (Object.hasOwn(table, key) ? table[key] : undefined)
      const range = own(RANGE_KEYS)
      const match = own(MATCH_KEYS)
      // An amount may contain commas ("2,500,000.00"), so a comparison takes its value whole.
      const whole = op === '~' || range?.kind === 'money'
      const values = whole ? [unquote(eq[3]!)].filter(Boolean) : eq[3]!.split(',').map(unquote).filter(Boolean)
      if (values.length === 0) throw bad(raw, `give a value after "${op}".`)
      // "country==IS" or "employees=>50": a second operator is a typo, not part of the value.
      if (/^[=<>~!]/.test(eq[3]!.trim())) throw bad(raw, `one operator at a time: ${key}=VALUE, ${key}!=VALUE${range ? `, ${key}>=VALUE, ${key}<=VALUE, ${key}>VALUE, ${key}<VALUE` : match ? `, ${key}~TEXT` : ''}.`)
      if (range) {
        if (values.length > 1) throw bad(raw, `compare ${key} with one value, e.g. ${key}>=${range.kind === 'date' ? '2026-01-01' : '50'}.`)
        if (op === '~') throw bad(raw, `${key} is compared with =, !=, >=, <=, > or <, not ~.`)
        conditions.push({ kind: 'range', column: range.column, ...(await rangeBounds(db, key, range.kind, op, values[0]!, options.now, raw)), negate })
        continue
      }
      if (op !== '=' && op !== '!=' && op !== '~') {
        throw bad(raw, `${op} compares dates and numbers: it works with ${Object.keys(RANGE_KEYS).join(', ')}. For ${key} use = or !=${match ? ' or ~' : ''}.`)
      }
      if (match && (op === '~' || !Object.hasOwn(FIELD_KEYS, key))) {
        const normalized = values.map((v) => match.normalize(v))
        if (normalized.some((v) => !v)) throw bad(raw, `give ${match.what} after "${op}".`)
        if (key === 'name' && op === '~') conditions.push({ kind: 'name-contains', folded: normalized[0]!, negate })
        else conditions.push({ kind: 'match', columns: match.columns, values: normalized as string[], contains: op === '~', negate })
        continue
      }
      if (op === '~') throw bad(raw, `~ (contains) works with ${Object.keys(MATCH_KEYS).join(', ')}; for ${key} use =.`)
      const field = own(FIELD_KEYS)
      const cls = own(CLASSIFICATION_KEYS)
      if (field) {
        let resolved = field.upper ? values.map((v) => v.toUpperCase()) : field.lower ? values.map((v) => v.toLowerCase()) : values
        if (key === 'type') {
          resolved = values.map((v) => v.toLowerCase())
          const wrong = resolved.filter((v) => v !== 'company' && v !== 'person')
          if (wrong.length) throw bad(raw, 'type is company or person.')
        }
        if (field.text) resolved = await resolveText(db, field.text, values)
        await checkFieldValues(db, key, resolved, raw)
        conditions.push({ kind: 'field', column: field.column, values: resolved, negate })
      } else if (cls) {
        const codes = await requireCodes(db, cls.kind, values.map((v) => v.toUpperCase()), raw)
        conditions.push({ kind: 'classification', table: cls.table, codes, viaCompany: cls.viaCompany, negate })
      } else {
        throw bad(raw, `unknown field "${key}". ${KEYS_TEXT}.`)
      }
      continue
    }
    const parts = term.split(':')
    const head = parts[0]!.toLowerCase()
    const rest = parts.slice(1)
    if (head === 'has') {
      const column = PRESENCE[(rest[0] ?? '').toLowerCase()]
      if (!column || rest.length !== 1) throw bad(raw, `has: takes one of ${Object.keys(PRESENCE).join(', ')}.`)
      conditions.push({ kind: 'has', column, negate })
    } else if (head === 'profile') {
      const [question, answer] = rest.join(':').split('=')
      if (!question?.trim()) throw bad(raw, 'write profile:QUESTION or profile:QUESTION=ANSWER.')
      conditions.push({ kind: 'profile', question: question.trim(), answers: answer ? answer.split(',').map((a) => a.trim()).filter(Boolean) : [], negate })
    } else if (head === 'interaction' || head === 'no-interaction') {
      const template = (rest[0] ?? '').toUpperCase()
      if (!template) throw bad(raw, `write ${head}:TEMPLATE[:PERIOD], e.g. ${head}:EMAIL-OUT:30d (TEMPLATE * for any).`)
      if (rest.length > 2) throw bad(raw, `too many parts; write ${head}:TEMPLATE:PERIOD.`)
      let templates: string[] | null = null
      if (template !== '*') {
        templates = template.split(',')
        const known = (await interactions.listTemplates(db)).map((t) => t.code)
        const unknown = templates.filter((t) => !known.includes(t))
        if (unknown.length) throw bad(raw, `there is no interaction template ${unknown.join(', ')}. Templates: ${known.join(', ')}.`)
      }
      const period = rest[1] ? parsePeriod(rest[1], options.now, raw) : { from: null, to: null }
      conditions.push({ kind: 'interaction', templates, ...period, negate: head === 'no-interaction' ? !negate : negate })
    } else if (head === 'opportunity' || head === 'no-opportunity') {
      const what = (rest[0] ?? 'open').toLowerCase()
      let status: 'open' | 'won' | 'lost' | 'any' = 'open'
      let stage: number | null = null
      if (/^\d+$/.test(what)) {
        stage = Number(what)
        // A stage no sales cycle has is a typo, not an empty selection.
        const max = await db.selectFrom('sales_cycle_stages').select((eb) => eb.fn.max('stage').as('n')).executeTakeFirst()
        if (stage < 1 || stage > Number(max?.n ?? 0)) throw bad(raw, `no sales cycle has a stage ${stage}; stages go from 1 to ${Number(max?.n ?? 0)}. See them with: setup cycles.`)
      }
      else if (what === 'open' || what === 'won' || what === 'lost' || what === 'any') status = what
      else throw bad(raw, `write ${head}[:open|won|lost|any|STAGE], e.g. opportunity:2 for an open one at stage 2.`)
      conditions.push({ kind: 'opportunity', status, stage, negate: head === 'no-opportunity' ? !negate : negate })
    } else if (head === 'campaign' || head === 'responded') {
      const no = (rest[0] ?? '').trim().toUpperCase()
      if (!no || rest.length > 1) throw bad(raw, `write ${head}:CP0001.`)
      if (!(await db.selectFrom('campaigns').select('no').where('no', '=', no).executeTakeFirst())) throw bad(raw, `there is no campaign ${no}. See them with: campaign list.`)
      conditions.push({ kind: 'campaign', campaignNo: no, responded: head === 'responded', negate })
    } else if (head === 'segment') {
      const no = (rest[0] ?? '').trim().toUpperCase()
      if (!no || rest.length > 1) throw bad(raw, 'write segment:SG00001.')
      if (!(await segmentQueries.find(db, no))) throw bad(raw, `there is no segment ${no}. See them with: segment list.`)
      conditions.push({ kind: 'segment', segmentNo: no, negate })
    } else {
      throw bad(raw, `unknown filter "${parts[0]}". ${KEYS_TEXT}.`)
    }
  }
  return { match: options.any ? 'any' : 'all', conditions }
}
