import { changeLog, classifications, interactions, numberSeries, opportunities, salespeople, setup as setupQueries, type ClassificationKind, type SetupRow, type SetupTable } from '@crm/db'
import type { Actor, CoreDeps } from '../deps.ts'
import { DomainError, invalidField } from '../errors.ts'
import { isLanguageCode } from '../contacts/fields.ts'
import { DUPLICATE_FIELDS, duplicateFieldsOf, type DuplicateField } from '../contacts/duplicates.ts'
import { isCurrencyCode } from '../money.ts'

/** The team's relationship-management setup in domain terms. */
export interface CrmSetup {
  defaultCountryCode: string | null
  defaultLanguageCode: string | null
  defaultSalespersonCode: string | null
  duplicateSearch: boolean
  duplicateThreshold: number
  /** The fields the duplicate search compares: name, email, phone, website. */
  duplicateFields: DuplicateField[]
  inheritAddress: boolean
  inheritPhone: boolean
  inheritSalesperson: boolean
  inheritCountry: boolean
  inheritLanguage: boolean
  customerRelationCode: string | null
  vendorRelationCode: string | null
  currency: string
  defaultSalesCycleCode: string | null
  /** The interaction templates the system logs with by itself. */
  templates: {
    /** Emails received that the ingester logs. */
    emailIn: string
    /** Emails sent (BCC'd or forwarded outgoing mail) that the ingester logs. */
    emailOut: string
    /** Campaign responses recorded without a template. */
    response: string
    /** What "Log interaction" offers first in Slack. */
    log: string
  }
}

function toSetup(row: SetupRow): CrmSetup {
  return {
    defaultCountryCode: row.default_country_code,
    defaultLanguageCode: row.default_language_code,
    defaultSalespersonCode: row.default_salesperson_code,
    duplicateSearch: row.dup_search_enabled === 1,
    duplicateThreshold: row.dup_threshold,
    duplicateFields: duplicateFieldsOf(row.dup_fields),
    inheritAddress: row.inherit_address === 1,
    inheritPhone: row.inherit_phone === 1,
    inheritSalesperson: row.inherit_salesperson === 1,
    inheritCountry: row.inherit_country === 1,
    inheritLanguage: row.inherit_language === 1,
    customerRelationCode: row.customer_relation_code,
    vendorRelationCode: row.vendor_relation_code,
    currency: row.currency_code,
    defaultSalesCycleCode: row.default_sales_cycle_code,
    templates: { emailIn: row.template_email_in, emailOut: row.template_email_out, response: row.template_response, log: row.template_log },
  }
}

/** The current setup. */
export async function getSetup(deps: CoreDeps): Promise<CrmSetup> {
  return toSetup(await setupQueries.get(deps.database.db))
}

type SettingKind = 'country' | 'language' | 'salesperson' | 'bool' | 'percent' | 'relation' | 'currency' | 'cycle' | 'fields' | 'template'
/** The settings users can change, by the name they type, with the column and kind of value. */
export const SETTINGS: Record<string, { column: keyof SetupTable; kind: SettingKind; help: string }> = {
  'default-country': { column: 'default_country_code', kind: 'country', help: 'country given to new contacts (ISO code, e.g. IS)' },
  'default-language': { column: 'default_language_code', kind: 'language', help: 'language of new contacts and of sorting (e.g. is, ru, en)' },
  'default-salesperson': { column: 'default_salesperson_code', kind: 'salesperson', help: 'salesperson of new contacts' },
  'duplicate-search': { column: 'dup_search_enabled', kind: 'bool', help: 'look for duplicates when a contact is created (on/off)' },
  'duplicate-threshold': { column: 'dup_threshold', kind: 'percent', help: 'score (1-100) from which a contact counts as a possible duplicate' },
  'duplicate-fields': { column: 'dup_fields', kind: 'fields', help: 'the fields the duplicate search compares: name, email, phone, website (comma-separated)' },
  'inherit-address': { column: 'inherit_address', kind: 'bool', help: 'persons take their company\'s address (on/off)' },
  'inherit-phone': { column: 'inherit_phone', kind: 'bool', help: 'persons take their company\'s phone (on/off)' },
  'inherit-salesperson': { column: 'inherit_salesperson', kind: 'bool', help: 'persons take their company\'s salesperson (on/off)' },
  'inherit-country': { column: 'inherit_country', kind: 'bool', help: 'persons take their company\'s country (on/off)' },
  'inherit-language': { column: 'inherit_language', kind: 'bool', help: 'persons take their company\'s language (on/off)' },
  'customer-relation': { column: 'customer_relation_code', kind: 'relation', help: 'business relation of contacts that become customers' },
  'vendor-relation': { column: 'vendor_relation_code', kind: 'relation', help: 'business relation of contacts that become vendors' },
  currency: { column: 'currency_code', kind: 'currency', help: 'currency of new costs and values (ISO code, e.g. EUR, ISK)' },
  'default-sales-cycle': { column: 'default_sales_cycle_code', kind: 'cycle', help: 'sales cycle of new opportunities' },
  'template-email-in': { column: 'template_email_in', kind: 'template', help: 'interaction template of emails received that the mail ingester logs' },
  'template-email-out': { column: 'template_email_out', kind: 'template', help: 'interaction template of emails sent (BCC, forwarded outgoing mail) that the mail ingester logs' },
  'template-response': { column: 'template_response', kind: 'template', help: 'interaction template of campaign responses recorded without --template' },
  'template-log': { column: 'template_log', kind: 'template', help: 'interaction template "Log interaction" offers first in Slack' },
}

/** Changes one setting, validating its value; an empty value clears optional settings. */
export async function changeSetting(deps: CoreDeps, actor: Actor, name: string, rawValue: string): Promise<CrmSetup> {
  const key = name.trim().toLowerCase()
  // Own keys only: "constructor" or "__proto__" are not settings.
  const setting = Object.hasOwn(SETTINGS, key) ? SETTINGS[key] : undefined
  if (!setting) {
    throw invalidField('setting', `Unknown setting "${name}". Settings: ${Object.keys(SETTINGS).join(', ')}.`, 'setup set default-country IS')
  }
  const now = deps.clock().toISOString()
  return deps.database.db.transaction().execute(async (trx) => {
    const value = rawValue.trim()
    let stored: string | number | null = value === '' ? null : value
    switch (setting.kind) {
      case 'bool': {
        const v = value.toLowerCase()
        if (!['on', 'off', 'true', 'false', 'yes', 'no', '1', '0'].includes(v)) throw invalidField(key, `${key} is on or off, not "${value}".`, `setup set ${key} on`)
        stored = ['on', 'true', 'yes', '1'].includes(v) ? 1 : 0
        break
      }
      case 'fields': {
        const words = value.toLowerCase().split(/[\s,]+/).filter(Boolean)
        const unknown = words.filter((w) => !(DUPLICATE_FIELDS as readonly string[]).includes(w))
        if (unknown.length) throw invalidField(key, `${key} are some of ${DUPLICATE_FIELDS.join(', ')}; not ${unknown.map((w) => `"${w}"`).join(', ')}.`, `setup set ${key} name,email`)
        if (words.length === 0) throw invalidField(key, `Give at least one of ${DUPLICATE_FIELDS.join(', ')}; to stop the search on create: setup set duplicate-search off.`, `setup set ${key} name,email`)
        stored = DUPLICATE_FIELDS.filter((f) => words.includes(f)).join(',')
        break
      }
      case 'percent': {
        const n = Number(value)
        if (!Number.isInteger(n) || n < 1 || n > 100) throw invalidField(key, `${key} is a whole number from 1 to 100, not "${value}".`, `setup set ${key} 60`)
        stored = n
        break
      }
      case 'country':
        if (stored !== null) {
          stored = value.toUpperCase()
          if (!/^[A-Z]{2}$/.test(stored)) throw invalidField(key, `"${value}" is not a two-letter ISO country code.`, `setup set ${key} IS`)
        }
        break
      case 'language':
        if (stored !== null) {
          stored = value.toLowerCase()
          if (!isLanguageCode(stored)) throw invalidField(key, `"${value}" is not a language code. Use an ISO 639 code such as is, en or ru.`, `setup set ${key} is`)
        }
        break
      case 'salesperson':
        if (stored !== null) {
          stored = value.toUpperCase()
          if (!(await salespeople.find(trx, stored))) throw invalidField(key, `There is no salesperson ${stored}. See: salesperson list`)
        }
        break
      case 'currency':
        stored = value.toUpperCase()
        if (!isCurrencyCode(stored)) throw invalidField(key, `"${value}" is not an ISO currency code.`, `setup set ${key} EUR`)
        break
      case 'cycle':
        if (stored !== null) {
          stored = value.toUpperCase()
          if (!(await opportunities.findCycle(trx, stored))) throw invalidField(key, `There is no sales cycle ${stored}. See: setup cycles`)
        }
        break
      case 'template': {
        const code = value.toUpperCase()
        const known = (await interactions.listTemplates(trx)).map((t) => t.code)
        if (!code) throw invalidField(key, `${key} needs an interaction template. Templates: ${known.join(', ')}.`, `setup set ${key} ${known[0] ?? 'EMAIL-IN'}`)
        if (!known.includes(code)) throw invalidField(key, `There is no interaction template ${code}. Templates: ${known.join(', ')}.`, `setup set ${key} ${known[0] ?? 'EMAIL-IN'}`)
        stored = code
        break
      }
      case 'relation':
        if (stored !== null) {
          stored = value.toUpperCase()
          if (!(await classifications.findCode(trx, 'business-relation', stored))) throw invalidField(key, `There is no business relation ${stored}. See: setup codes business-relation`)
        }
        break
    }
    await setupQueries.update(trx, { [setting.column]: stored, modified_at: now } as Parameters<typeof setupQueries.update>[1])
    await changeLog.insert(trx, { at: now, actor: actor.id, entity: 'setup', entityNo: key, action: 'set', details: { value: stored } })
    return toSetup(await setupQueries.get(trx))
  })
}

/** A number series as users see it. */
export interface NumberSeries {
  code: string
  description: string
  prefix: string
  width: number
  nextNo: number
  nextNumber: string
}

/** Every number series with the next number it will give. */
export async function listNumberSeries(deps: CoreDeps): Promise<NumberSeries[]> {
  return (await numberSeries.list(deps.database.db)).map((s) => ({
    code: s.code,
    description: s.description,
    prefix: s.prefix,
    width: s.width,
    nextNo: s.next_no,
    nextNumber: numberSeries.formatSeriesNo(s.prefix, s.width, s.next_no),
  }))
}

/**
 * Changes a number series. The counter may only move forward while the prefix stays, so no number is given
 * twice; a wider width or a new prefix starts a visibly different range.
 */
export async function changeNumberSeries(
  deps: CoreDeps,
  actor: Actor,
  code: string,
  patch: { prefix?: string; width?: number; nextNo?: number },
): Promise<NumberSeries> {
  const key = code.trim().toUpperCase()
  const now = deps.clock().toISOString()
  await deps.database.db.transaction().execute(async (trx) => {
    const current = await numberSeries.find(trx, key)
    if (!current) {
      const known = (await numberSeries.list(trx)).map((s) => s.code).join(', ')
      throw invalidField('series', `There is no number series ${key}. Series: ${known}.`, 'setup series CONTACT --prefix KT')
    }
    if (patch.prefix === undefined && patch.width === undefined && patch.nextNo === undefined) {
      throw invalidField('series', 'Give --prefix, --width or --next.', `setup series ${key} --next 1000`)
    }
    const prefix = patch.prefix?.trim().toUpperCase() ?? current.prefix
    if (!/^[\p{L}\p{N}-]{0,10}$/u.test(prefix)) throw invalidField('prefix', `"${patch.prefix}" is not a prefix (up to 10 letters, digits or -).`, '--prefix CT')
    const width = patch.width ?? current.width
    if (!Number.isInteger(width) || width < 1 || width > 12) throw invalidField('width', `The width is the number of digits, 1 to 12, not ${patch.width}.`, '--width 6')
    const nextNo = patch.nextNo ?? current.next_no
    if (!Number.isInteger(nextNo) || nextNo < 1) throw invalidField('next', `The next number is a whole number from 1, not ${patch.nextNo}.`, '--next 1000')
    if (prefix === current.prefix && nextNo < current.next_no) {
      throw invalidField('next', `${key} has already given numbers up to ${numberSeries.formatSeriesNo(current.prefix, current.width, current.next_no - 1)}; the next number cannot go back to ${nextNo} with the same prefix.`)
    }
    if (String(nextNo).length > width) throw invalidField('width', `${nextNo} does not fit in ${width} digits.`)
    // Going back to a prefix used before must not hand out a number that already exists.
    const used = await numberSeries.highestIssued(trx, key, prefix, width)
    if (nextNo <= used) {
      throw invalidField('next', `${numberSeries.formatSeriesNo(prefix, width, used)} already exists; with prefix ${prefix} the next number must be at least ${used + 1}.`, `setup series ${key} --prefix ${prefix} --next ${used + 1}`)
    }
    await numberSeries.update(trx, key, { prefix, width, next_no: nextNo }, now)
    await changeLog.insert(trx, { at: now, actor: actor.id, entity: 'number-series', entityNo: key, action: 'set', details: { prefix, width, nextNo } })
  })
  const series = (await listNumberSeries(deps)).find((s) => s.code === key)
  if (!series) throw new DomainError('NOT_FOUND', `Number series ${key} vanished.`)
  return series
}

/** Codes of a classification. */
export async function listCodes(deps: CoreDeps, kind: ClassificationKind) {
  return classifications.listCodes(deps.database.db, kind)
}

/** Adds or renames a classification code. */
export async function saveCode(deps: CoreDeps, actor: Actor, kind: ClassificationKind, code: string, description: string): Promise<void> {
  const key = code.trim().toUpperCase()
  if (!/^[\p{L}\p{N}_-]{1,20}$/u.test(key)) throw invalidField('code', `"${code}" is not a code (1-20 letters, digits, - or _).`, 'setup code add industry-group FISHING "Fishing"')
  const text = description.trim()
  if (!text) throw invalidField('description', 'Give a description.', `setup code add ${kind} ${key} "Description"`)
  const now = deps.clock().toISOString()
  await deps.database.db.transaction().execute(async (trx) => {
    await classifications.upsertCode(trx, kind, key, text)
    await changeLog.insert(trx, { at: now, actor: actor.id, entity: kind, entityNo: key, action: 'save', details: { description: text } })
  })
}

/** Removes a classification code that no contact uses. */
export async function removeCode(deps: CoreDeps, actor: Actor, kind: ClassificationKind, code: string): Promise<void> {
  const key = code.trim().toUpperCase()
  const now = deps.clock().toISOString()
  await deps.database.db.transaction().execute(async (trx) => {
    if (!(await classifications.findCode(trx, kind, key))) throw invalidField('code', `There is no ${kind} ${key}.`)
    const used = await classifications.countLinks(trx, kind, key)
    if (used > 0) throw new DomainError('CODE_IN_USE', `${kind} ${key} is used by ${used} contact(s); remove it from them first.`)
    await classifications.deleteCode(trx, kind, key)
    await changeLog.insert(trx, { at: now, actor: actor.id, entity: kind, entityNo: key, action: 'remove' })
  })
}
