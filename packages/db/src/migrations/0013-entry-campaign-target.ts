import type { Kysely } from 'kysely'
import type { MigrationContext } from './index.ts'

// Frozen in time: this file never imports application code and never changes once released.

/**
 * Whether an interaction entry makes its contact a campaign target (DOMAIN.md: a template "counts as a campaign
 * target or a campaign response"), stored on the entry as it was when logged. Entries logged before counted every
 * campaign-linked entry that was not a response as a target; they keep that, so no statistic changes.
 */
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('interaction_log_entries').addColumn('campaign_target', 'integer', (c) => c.notNull().defaultTo(0)).execute()
  await db.updateTable('interaction_log_entries').set({ campaign_target: 1 }).where('campaign_no', 'is not', null).where('campaign_response', '=', 0).execute()
}

export async function down(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('interaction_log_entries').dropColumn('campaign_target').execute()
}
