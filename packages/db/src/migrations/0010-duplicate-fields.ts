import type { Kysely } from 'kysely'
import type { MigrationContext } from './index.ts'

// Frozen in time: this file never imports application code and never changes once released.

/** Which fields the duplicate search compares (DOMAIN.md setup: "the fields compared"); all four by default. */
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('setup').addColumn('dup_fields', 'text', (c) => c.notNull().defaultTo('name,email,phone,website')).execute()
}

export async function down(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('setup').dropColumn('dup_fields').execute()
}
