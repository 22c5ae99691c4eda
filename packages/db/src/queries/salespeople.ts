import type { Insertable, Updateable } from 'kysely'
import { RecordNotFoundError } from '../errors.ts'
import type { SalespersonRow, SalespersonTable } from '../schema.ts'
import type { Executor } from './executor.ts'

/** A salesperson by code, or undefined. */
export async function find(db: Executor, code: string): Promise<SalespersonRow | undefined> {
  return db.selectFrom('salespeople').selectAll().where('code', '=', code).executeTakeFirst()
}

/** A salesperson by code; throws NOT_FOUND. */
export async function get(db: Executor, code: string): Promise<SalespersonRow> {
  const row = await find(db, code)
  if (!row) throw new RecordNotFoundError('Salesperson', code)
  return row
}

/** A salesperson by (normalized) email, or undefined. */
export async function findByEmail(db: Executor, emailNorm: string): Promise<SalespersonRow | undefined> {
  return db.selectFrom('salespeople').selectAll().where('email_norm', '=', emailNorm).executeTakeFirst()
}

/** A salesperson by Slack user id, or undefined. */
export async function findBySlackUser(db: Executor, slackUserId: string): Promise<SalespersonRow | undefined> {
  return db.selectFrom('salespeople').selectAll().where('slack_user_id', '=', slackUserId).executeTakeFirst()
}

/** All salespeople by code. */
export async function list(db: Executor): Promise<SalespersonRow[]> {
  return db.selectFrom('salespeople').selectAll().orderBy('code').execute()
}

/** Inserts a salesperson. */
export async function insert(db: Executor, row: Insertable<SalespersonTable>): Promise<void> {
  await db.insertInto('salespeople').values(row).execute()
}

/** Updates a salesperson. */
export async function update(db: Executor, code: string, patch: Updateable<SalespersonTable>): Promise<void> {
  await db.updateTable('salespeople').set(patch).where('code', '=', code).execute()
}
