import type { Kysely } from 'kysely'
import type { MigrationContext } from './index.ts'

// Frozen in time: this file never imports application code and never changes once released.

/**
 * Claims of incoming requests (Slack deliveries and their retries), so a request is run by exactly one process:
 * the first insert of a key wins, every other delivery of the same request loses on the primary key.
 */
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('slack_requests')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('claimed_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('slack_requests_claimed_at').on('slack_requests').column('claimed_at').execute()
}

export async function down(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.dropTable('slack_requests').execute()
}
