import { invalidField } from './errors.ts'

/** Digits after the decimal point for a currency (ISK and JPY have none, most have two). */
export function currencyDigits(currency: string): number {
  let digits = DIGITS.get(currency)
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
    } catch {
      digits = 2
    }
    DIGITS.set(currency, digits)
  }
  return digits
}

// Making an Intl.NumberFormat costs far more than using one; reports format hundreds of thousands of amounts.
const DIGITS = new Map<string, number>()
const FORMATS = new Map<number, Intl.NumberFormat>()

/** True for a three-letter ISO 4217 code that Intl knows. */
export function isCurrencyCode(code: string): boolean {
  if (!/^[A-Z]{3}$/.test(code)) return false
  try {
    new Intl.NumberFormat('en', { style: 'currency', currency: code })
    return true
  } catch {
    return false
  }
}

/**
 * Parses an amount as typed ("2.50", "10,000.00", "1 234,50", "1.234.567", "1500") into integer minor units of
 * the currency. With both "." and "," the last one is the decimal separator; one separator used several times
 * groups thousands. A single separator followed by exactly three digits ("1.234", "10,000") is read in opposite
 * ways by English and continental writers, so it is refused with the two unambiguous spellings, unless the
 * currency has no decimals (ISK: "1.234" can only be 1234) or three (KWD: it can only be 1.234).
 */
export function parseMoney(text: string, currency: string, field = 'value'): number {
  const raw = text.trim().replace(/[\s\u00a0\u202f']/g, '')
  const example = `--${field} 1234.50`
  if (!/^-?[\d.,]+$/.test(raw) || !/\d/.test(raw)) throw invalidField(field, `"${text}" is not an amount.`, example)
  const digits = currencyDigits(currency)
  const negative = raw.startsWith('-')
  const body = negative ? raw.slice(1) : raw
  const lastSep = Math.max(body.lastIndexOf('.'), body.lastIndexOf(','))
  let whole = body
  let fraction = ''
  if (lastSep >= 0) {
    const sep = body[lastSep]!
    const after = body.slice(lastSep + 1)
    const mixed = body.includes('.') && body.includes(',')
    const repeated = body.split(sep).length > 2
    const before = body.slice(0, lastSep)
    if (!mixed && !repeated && after.length === 3 && /^\d{1,3}$/.test(before) && digits > 0 && digits < 3) {
      throw invalidField(field, `"${text}" is ambiguous: it reads as ${before}${after} or as ${before}.${after}. Write it without a thousands separator (${before}${after}) or with the decimals spelled out (${before}${after}.${'0'.repeat(digits)}); ${currency} has ${digits} decimal places.`, `--${field} ${before}${after}.${'0'.repeat(digits)}`)
    }
    const isDecimal = mixed || (!repeated && !(after.length === 3 && digits === 0))
    if (isDecimal) {
      whole = body.slice(0, lastSep)
      fraction = after
    }
    // Thousands separators, where used, group exactly three digits after the first group: "1,234,567".
    const groups = whole.split(/[.,]/)
    if (groups.length > 1 && (!/^\d{1,3}$/.test(groups[0]!) || groups.slice(1).some((g) => !/^\d{3}$/.test(g)))) {
      throw invalidField(field, `"${text}" is not an amount: thousands separators group three digits (1,234,567.50).`, example)
    }
    if (mixed && /[.,]/.test(whole) && whole.replace(/\d/g, '')[0] === sep) {
      throw invalidField(field, `"${text}" is not an amount: it uses "${sep}" both to group and as the decimal point.`, example)
    }
    if (isDecimal && fraction === '') throw invalidField(field, `"${text}" is not an amount: digits must follow the decimal point.`, example)
  }
  whole = whole.replace(/[.,]/g, '')
  if (fraction.length > digits) throw invalidField(field, `${currency} has ${digits} decimal place(s); "${text}" has more.`, example)
  const minor = Number(whole || '0') * 10 ** digits + Number(fraction.padEnd(digits, '0') || '0')
  if (!Number.isSafeInteger(minor)) throw invalidField(field, `"${text}" is too large.`, example)
  return negative ? -minor : minor
}

/** Formats minor units for display, e.g. 1600000 EUR -> "16,000.00". */
export function formatMoney(minor: number, currency: string): string {
  const digits = currencyDigits(currency)
  let format = FORMATS.get(digits)
  if (!format) FORMATS.set(digits, (format = new Intl.NumberFormat('en', { minimumFractionDigits: digits, maximumFractionDigits: digits })))
  return format.format(minor / 10 ** digits)
}

/** Minor units as a decimal number in major units (for JSON: 250 -> 2.5). */
export function toMajor(minor: number, currency: string): number {
  return minor / 10 ** currencyDigits(currency)
}
