import type { Updateable } from 'kysely'
import type { SetupRow, SetupTable } from '../schema.ts'
import type { Executor } from './executor.ts'

/** The single setup row (created by the first migration). */
export async function get(db: Executor): Promise<SetupRow> {
  return db.selectFrom('setup').selectAll().where('id', '=', 1).executeTakeFirstOrThrow()
}

/** Updates setup fields. */
export async function update(db: Executor, patch: Updateable<SetupTable>): Promise<void> {
  await db.updateTable('setup').set(patch).where('id', '=', 1).execute()
}
