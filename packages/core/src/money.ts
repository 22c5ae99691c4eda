import { invalidField } from './errors.ts'

/** Digits after the decimal point for a currency (ISK and JPY have none, most have two). */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  } catch {
    return 2
  }
}

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
 * Parses an amount as typed ("2.50", "10,000.00", "10 000,5", "1500") into integer minor units of the currency.
 * The last "." or "," followed by 1-2 (or the currency's) digits is the decimal separator; others group.
 */
export function parseMoney(text: string, currency: string, field = 'value'): number {
  const raw = text.trim().replace(/[\s\u00a0\u202f']/g, '')
  const example = `--${field} 10000.00`
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
    // "10,000.50" and "10.000,50": the last separator is the decimal one. "10,000" with a currency of two
    // decimals is a thousands group; "2.50" and "2,5" are decimals.
    const isDecimal = mixed || (!repeated && !(after.length === 3 && digits < 3))
    if (isDecimal) {
      whole = body.slice(0, lastSep)
      fraction = after
    }
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
  return new Intl.NumberFormat('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(minor / 10 ** digits)
}

/** Minor units as a decimal number in major units (for JSON: 250 -> 2.5). */
export function toMajor(minor: number, currency: string): number {
  return minor / 10 ** currencyDigits(currency)
}
