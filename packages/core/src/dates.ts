import { invalidField } from './errors.ts'

/** Years a date typed by a user may have: a year like 0201 or 9999 is a typo, not a date. */
const MIN_YEAR = 1900
const MAX_YEAR = 2199

/** Checks a typed year-month-day is a real calendar day in a plausible year; the message names the field. */
function checkCalendarDay(text: string, field: string, y: string, mo: string, d: string, example: string): void {
  const year = Number(y)
  const day = new Date(0)
  day.setUTCFullYear(year, Number(mo) - 1, Number(d)) // not Date.UTC, which reads years 0-99 as 1900-1999
  if (day.getUTCFullYear() !== year || day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d)) {
    throw invalidField(field, `"${text}" is not a valid calendar date.`, example)
  }
  if (year < MIN_YEAR || year > MAX_YEAR) throw invalidField(field, `"${text}" is not a plausible date: the year is ${y}; give a year from ${MIN_YEAR} to ${MAX_YEAR}.`, example)
}

/** Parses "2026-11-20", "2026-11-20 14:30", "2026-11-20T14:30:00Z" into an ISO-8601 UTC timestamp. */
export function parseDateTime(text: string, field: string): string {
  const t = text.trim()
  const example = `--${field} 2026-11-20`
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(t)
  if (!m) throw invalidField(field, `"${text}" is not a date. Use YYYY-MM-DD or YYYY-MM-DD HH:MM.`, example)
  const [, y, mo, d, h = '00', mi = '00', s = '00', zone = 'Z'] = m
  checkCalendarDay(text, field, y!, mo!, d!, example)
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) throw invalidField(field, `"${text}" is not a valid time of day.`, `--${field} "2026-11-20 14:30"`)
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${zone === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`
  const date = new Date(iso)
  if (Number.isNaN(date.getTime())) throw invalidField(field, `"${text}" is not a valid calendar date.`, example)
  return date.toISOString()
}

/** Parses a calendar date "YYYY-MM-DD" and returns it unchanged (validated, in a plausible year). */
export function parseDate(text: string, field: string): string {
  const t = text.trim()
  const example = `--${field} 2026-12-31`
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(t)
  if (!m) throw invalidField(field, `"${text}" is not a date (YYYY-MM-DD).`, example)
  checkCalendarDay(text, field, m[1]!, m[2]!, m[3]!, example)
  return t
}

/** Whole days between two ISO timestamps (b - a), never negative. */
export function daysBetween(a: string, b: string): number {
  return Math.max(0, Math.floor((Date.parse(b) - Date.parse(a)) / 86_400_000))
}
