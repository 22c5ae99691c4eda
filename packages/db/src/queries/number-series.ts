import { sql } from 'kysely'
import type { NumberSeriesRow } from '../schema.ts'
import { RecordNotFoundError } from '../errors.ts'
import type { Executor } from './executor.ts'

/** Formats a number of a series, e.g. CT + 6 digits -> CT000042. */
export function formatSeriesNo(prefix: string, width: number, n: number): string {
  return prefix + String(n).padStart(width, '0')
}

/**
 * Takes the next number of a series inside the caller's transaction. The row is updated first, so concurrent
 * creators queue on its lock and a rolled-back transaction gives its number back: no duplicates, no gaps.
 */
export async function takeNext(db: Executor, code: string, now: string): Promise<string> {
  const row = await db
    .updateTable('number_series')
    .set((eb) => ({ next_no: eb('next_no', '+', 1), modified_at: now }))
    .where('code', '=', code)
    .returning(['prefix', 'width', 'next_no'])
    .executeTakeFirst()
  if (!row) throw new RecordNotFoundError('Number series', code)
  return formatSeriesNo(row.prefix, row.width, row.next_no - 1)
}

/**
 * Takes `count` consecutive numbers of a series in one statement (for set-based inserts): returns the first
 * counter with the series' prefix and width; the caller formats prefix + counter padded to width.
 */
export async function takeBlock(db: Executor, code: string, count: number, now: string): Promise<{ prefix: string; width: number; first: number }> {
  const row = await db
    .updateTable('number_series')
    .set((eb) => ({ next_no: eb('next_no', '+', count), modified_at: now }))
    .where('code', '=', code)
    .returning(['prefix', 'width', 'next_no'])
    .executeTakeFirst()
  if (!row) throw new RecordNotFoundError('Number series', code)
  return { prefix: row.prefix, width: row.width, first: row.next_no - count }
}

/** Every number series, by code. */
export async function list(db: Executor): Promise<NumberSeriesRow[]> {
  return db.selectFrom('number_series').selectAll().orderBy('code').execute()
}

/** One number series or undefined. */
export async function find(db: Executor, code: string): Promise<NumberSeriesRow | undefined> {
  return db.selectFrom('number_series').selectAll().where('code', '=', code).executeTakeFirst()
}

/** Changes prefix, width or next number of a series. */
export async function update(
  db: Executor,
  code: string,
  patch: Partial<Pick<NumberSeriesRow, 'prefix' | 'width' | 'next_no' | 'description'>>,
  now: string,
): Promise<void> {
  await db.updateTable('number_series').set({ ...patch, modified_at: now }).where('code', '=', code).execute()
}

/** The tables whose numbers come from a series, by series code (areas add theirs as their tables arrive). */
export const SERIES_TABLES: Record<string, 'contacts' | 'interaction_log_entries' | 'opportunities' | 'segments' | 'campaigns'> = {
  CONTACT: 'contacts',
  SEGMENT: 'segments',
  CAMPAIGN: 'campaigns',
  INTERACTION: 'interaction_log_entries',
  OPPORTUNITY: 'opportunities',
}

/** The highest counter already used in a series' table with this prefix and width, or 0. */
export async function highestIssued(db: Executor, code: string, prefix: string, width: number): Promise<number> {
  const table = SERIES_TABLES[code]
  if (!table) return 0
  const row = await db
    .selectFrom(table)
    .select((eb) => eb.fn.max('no').as('no'))
    .where('no', '>=', prefix + '0'.repeat(width))
    .where('no', '<=', prefix + '9'.repeat(width))
    .where(sql<boolean>`length(no) = ${prefix.length + width}`)
    .executeTakeFirst()
  const no = row?.no as string | null | undefined
  return no ? Number(no.slice(prefix.length)) || 0 : 0
}
