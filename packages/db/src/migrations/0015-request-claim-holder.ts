import type { Kysely } from 'kysely'
import type { MigrationContext } from './index.ts'

// Frozen in time: this file never imports application code and never changes once released.

/**
 * Which process is running a claimed request: its instance id while it runs, null once it finished. A request whose
 * process died mid-way (its instance lease in session_leases ran out) may be claimed again by the next delivery.
 * Claims made before are finished requests.
 */
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('slack_requests').addColumn('holder', 'text').execute()
}

export async function down(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('slack_requests').dropColumn('holder').execute()
}
