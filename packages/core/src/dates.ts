import { invalidField } from './errors.ts'

/** Parses "2026-11-20", "2026-11-20 14:30", "2026-11-20T14:30:00Z" into an ISO-8601 UTC timestamp. */
export function parseDateTime(text: string, field: string): string {
  const t = text.trim()
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(t)
  if (!m) throw invalidField(field, `"${text}" is not a date. Use YYYY-MM-DD or YYYY-MM-DD HH:MM.`, `--${field} 2026-11-20`)
  const [, y, mo, d, h = '00', mi = '00', s = '00', zone = 'Z'] = m
  const iso = `${y}-${mo}-${d}T${h}:${mi}:${s}${zone === 'Z' ? 'Z' : zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`
  const date = new Date(iso)
  if (Number.isNaN(date.getTime()) || date.getUTCDate() !== Number(d) && zone === 'Z') {
    throw invalidField(field, `"${text}" is not a valid calendar date.`, `--${field} 2026-11-20`)
  }
  return date.toISOString()
}

/** Parses a calendar date "YYYY-MM-DD" and returns it unchanged (validated). */
export function parseDate(text: string, field: string): string {
  const t = text.trim()
  if (!/^\d{4}-\d{2}-\d{2}$/.test(t)) throw invalidField(field, `"${text}" is not a date (YYYY-MM-DD).`, `--${field} 2026-12-31`)
  const date = new Date(`${t}T00:00:00Z`)
  if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== t) throw invalidField(field, `"${text}" is not a valid calendar date.`, `--${field} 2026-12-31`)
  return t
}

/** Whole days between two ISO timestamps (b - a), never negative. */
export function daysBetween(a: string, b: string): number {
  return Math.max(0, Math.floor((Date.parse(b) - Date.parse(a)) / 86_400_000))
}
