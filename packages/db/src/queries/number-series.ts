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
