import type { Kysely } from 'kysely'
import type { MigrationContext } from './index.ts'

// Frozen in time: this file never imports application code and never changes once released.

/**
 * A segment's email content and its language variants (Business Central's segment interaction languages):
 * the segment gets a body next to its subject; each variant gives a subject and body for one language code; a
 * line may override the contact's language (removed lines keep it so undo puts it back); and an interaction
 * entry records the language of the variant it was logged with.
 */
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('segments').addColumn('body', 'text').execute()
  await db.schema
    .createTable('segment_languages')
    .addColumn('segment_no', 'text', (c) => c.notNull().references('segments.no'))
    .addColumn('language_code', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addPrimaryKeyConstraint('segment_languages_pk', ['segment_no', 'language_code'])
    .execute()
  await db.schema.alterTable('segment_lines').addColumn('language_code', 'text').execute()
  await db.schema.alterTable('segment_removed_lines').addColumn('language_code', 'text').execute()
  await db.schema.alterTable('interaction_log_entries').addColumn('language_code', 'text').execute()
}

export async function down(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('interaction_log_entries').dropColumn('language_code').execute()
  await db.schema.alterTable('segment_removed_lines').dropColumn('language_code').execute()
  await db.schema.alterTable('segment_lines').dropColumn('language_code').execute()
  await db.schema.dropTable('segment_languages').execute()
  await db.schema.alterTable('segments').dropColumn('body').execute()
}
