import type { Kysely } from 'kysely'
import type { Database } from '../schema.ts'

/** The database or an open transaction: every query function takes one as its first argument. */
export type Executor = Kysely<Database>

/** The smallest string greater than every string that starts with `prefix` (for index range scans). */
export function prefixUpperBound(prefix: string): string {
  const chars = Array.from(prefix)
  const last = chars.pop()
  if (last === undefined) return '\u{10FFFF}'
  return chars.join('') + String.fromCodePoint(last.codePointAt(0)! + 1)
}
