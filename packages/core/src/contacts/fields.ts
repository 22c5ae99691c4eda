import { salespeople, setup as setupQueries, type Executor } from '@crm/db'
import { invalidField } from '../errors.ts'
import { parseMoney } from '../money.ts'
import { cleanText, isEmail, isPhone, isWebsite } from '../text/normalize.ts'
import type { ContactFields } from './contact.ts'

const MAX_LENGTH: Partial<Record<keyof ContactFields, number>> = {
  name: 100,
  firstName: 30,
  middleName: 30,
  surname: 30,
  initials: 30,
  jobTitle: 50,
  salutationCode: 10,
  address: 100,
  address2: 50,
  postCode: 20,
  city: 30,
  county: 30,
  phone: 30,
  mobile: 30,
  email: 80,
  email2: 80,
  website: 255,
  territoryCode: 10,
}

/** Field labels as users type them (the CLI option names). */
export const FIELD_LABELS: Record<keyof ContactFields, string> = {
  name: 'name',
  firstName: 'first-name',
  middleName: 'middle-name',
  surname: 'surname',
  initials: 'initials',
  jobTitle: 'job-title',
  salutationCode: 'salutation',
  address: 'address',
  address2: 'address2',
  postCode: 'post-code',
  city: 'city',
  county: 'county',
  countryCode: 'country',
  phone: 'phone',
  mobile: 'mobile',
  email: 'email',
  email2: 'email2',
  website: 'website',
  languageCode: 'language',
  salespersonCode: 'salesperson',
  territoryCode: 'territory',
  privacyBlocked: 'privacy-blocked',
  excludeFromSegments: 'exclude-from-segments',
  employees: 'employees',
  annualRevenue: 'annual-revenue',
}

/**
 * Cleans and validates user-given contact fields: trims, collapses spaces, upper-cases codes, checks formats
 * and lengths, and that a salesperson exists. Returns the cleaned fields; `null` means "clear the field".
 */
export async function validateContactFields(db: Executor, input: ContactFields): Promise<ContactFields> {
  const out: ContactFields = {}
  for (const [key, raw] of Object.entries(input) as Array<[keyof ContactFields, unknown]>) {
    if (raw === undefined) continue
    if (key === 'privacyBlocked' || key === 'excludeFromSegments') {
      out[key] = Boolean(raw)
      continue
    }
    if (key === 'employees' || key === 'annualRevenue') {
      out[key] = await validateCompanySize(db, key, raw as string | number | null)
      continue
    }
    let value = cleanText(raw as string | null)
    const label = FIELD_LABELS[key]
    const max = MAX_LENGTH[key]
    if (value !== null && max !== undefined && [...value].length > max) {
      throw invalidField(label, `The ${label} is ${[...value].length} characters long; at most ${max} are allowed.`)
    }
    if (value !== null) {
      switch (key) {
        case 'email':
        case 'email2':
          if (!isEmail(value)) throw invalidField(label, `"${value}" is not an email address.`, `--${label} anna@example.com`)
          break
        case 'phone':
        case 'mobile':
          if (!isPhone(value)) throw invalidField(label, `"${value}" is not a phone number (digits, spaces, + - ( ) allowed).`, `--${label} "+354 555 1234"`)
          break
        case 'website':
          if (!isWebsite(value)) throw invalidField(label, `"${value}" is not a website address.`, '--website example.com')
          break
        case 'countryCode':
          value = value.toUpperCase()
          if (!/^[A-Z]{2}$/.test(value)) throw invalidField(label, `"${value}" is not a two-letter ISO country code.`, '--country IS')
          break
        case 'languageCode':
          value = parseLanguageCode(value, label, '--language is')
          break
        case 'salespersonCode': {
          value = value.toUpperCase()
          if (!(await salespeople.find(db, value))) {
            throw invalidField(label, `There is no salesperson ${value}. See the list with "salesperson list".`, '--salesperson JD')
          }
          break
        }
        case 'territoryCode':
        case 'salutationCode':
          value = value.toUpperCase()
          if (!/^[\p{L}\p{N}_-]+$/u.test(value)) throw invalidField(label, `"${value}" is not a code (letters, digits, - and _).`, `--${label} NORTH`)
          break
      }
    }
    if (key === 'name' && value === null && input.name !== undefined) {
      throw invalidField('name', 'The name cannot be empty.', '--name "Hekla Útgerð ehf"')
    }
    out[key] = value as never
  }
  return out
}

/** Employees as a whole number, annual revenue in minor units of the setup currency; "" or null clears. */
async function validateCompanySize(db: Executor, key: 'employees' | 'annualRevenue', raw: string | number | null): Promise<number | null> {
  const text = typeof raw === 'number' ? String(raw) : cleanText(raw)
  if (text === null) return null
  if (key === 'employees') {
    const digits = text.replace(/[\s\u00a0\u202f,.']/g, '')
    if (!/^\d+$/.test(digits) || Number(digits) > 10_000_000 || (/[,.]/.test(text) && !/^\d{1,3}([,.\s]\d{3})+$/.test(text))) {
      throw invalidField('employees', `"${text}" is not a number of employees (a whole number from 0).`, '--employees 50')
    }
    return Number(digits)
  }
  const currency = (await setupQueries.get(db)).currency_code
  const minor = parseMoney(text, currency, 'annual-revenue')
  if (minor < 0) throw invalidField('annual-revenue', 'The annual revenue cannot be negative.', '--annual-revenue 1500000')
  return minor
}

const languageNames = new Intl.DisplayNames(['en'], { type: 'language', fallback: 'none' })

/**
 * A language code as contacts store it (lower case, e.g. is, pt-br), or an INVALID_FIELD error naming the field:
 * the one check for every language code a user types (contacts, segment variants and lines).
 */
export function parseLanguageCode(raw: string, field: string, example: string): string {
  const value = raw.trim().toLowerCase()
  if (!isLanguageCode(value)) throw invalidField(field, `"${value}" is not a language code. Use an ISO 639 code such as is, en, ru, de or pt-br.`, example)
  return value
}

/** True for a well-formed language tag whose language ICU knows (is, en, pt-BR), false for "xx" or "english". */
export function isLanguageCode(value: string): boolean {
  if (!/^[a-z]{2,3}(-[a-z0-9]{2,8})*$/i.test(value)) return false
  try {
    const [canonical] = Intl.getCanonicalLocales(value)
    const language = canonical?.split('-')[0]
    return !!language && languageNames.of(language) !== undefined
  } catch {
    return false
  }
}

/** Initials of a person's name parts, e.g. "Þóra Guðmundsdóttir" -> "ÞG". */
export function initialsOf(parts: Array<string | null | undefined>): string | null {
  const letters = parts
    .filter((p): p is string => !!p)
    .flatMap((p) => p.split(/[\s-]+/))
    .map((w) => [...w][0]?.toLocaleUpperCase() ?? '')
    .join('')
  return letters || null
}

/** Splits a person's full name into first, middle and surname (first word, middle words, last word). */
export function splitPersonName(name: string): { firstName: string | null; middleName: string | null; surname: string | null } {
  const words = name.split(' ').filter(Boolean)
  if (words.length === 0) return { firstName: null, middleName: null, surname: null }
  if (words.length === 1) return { firstName: words[0]!, middleName: null, surname: null }
  return { firstName: words[0]!, middleName: words.slice(1, -1).join(' ') || null, surname: words.at(-1)! }
}

/** A person's full name from its parts. */
export function joinPersonName(parts: { firstName?: string | null; middleName?: string | null; surname?: string | null }): string {
  return [parts.firstName, parts.middleName, parts.surname].filter(Boolean).join(' ')
}
