import type { Kysely } from 'kysely'
import type { MigrationContext } from './index.ts'

// Frozen in time: this file never imports application code and never changes once released.

/**
 * A segment line may override the segment's interaction template when the segment is logged (DOMAIN.md: "each
 * line may override the template"); removed lines keep it so undo puts it back.
 */
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('segment_lines').addColumn('template_code', 'text').execute()
  await db.schema.alterTable('segment_removed_lines').addColumn('template_code', 'text').execute()
}

export async function down(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('segment_removed_lines').dropColumn('template_code').execute()
  await db.schema.alterTable('segment_lines').dropColumn('template_code').execute()
}
