import type { ChangeLogRow } from '../schema.ts'
import type { Executor } from './executor.ts'

export interface ChangeLogEntry {
  at: string
  actor: string | null
  entity: string
  entityNo: string
  action: string
  details?: unknown
}

/** Appends a trace of a significant change (merge, erase, reopen, setup change). */
export async function insert(db: Executor, entry: ChangeLogEntry): Promise<void> {
  await db
    .insertInto('change_log')
    .values({
      at: entry.at,
      actor: entry.actor,
      entity: entry.entity,
      entity_no: entry.entityNo,
      action: entry.action,
      details: entry.details === undefined ? null : JSON.stringify(entry.details),
    })
    .execute()
}

/** The trace of one record, oldest first. */
export async function listFor(db: Executor, entity: string, entityNo: string): Promise<ChangeLogRow[]> {
  return db
    .selectFrom('change_log')
    .selectAll()
    .where('entity', '=', entity)
    .where('entity_no', '=', entityNo)
    .orderBy('id')
    .execute()
}

/** Replaces the details of a record's trace (used when personal data is erased). */
export async function redactFor(db: Executor, entity: string, entityNo: string, details: unknown): Promise<void> {
  await db
    .updateTable('change_log')
    .set({ details: JSON.stringify(details) })
    .where('entity', '=', entity)
    .where('entity_no', '=', entityNo)
    .execute()
}
