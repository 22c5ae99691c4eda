import type { Kysely } from 'kysely'
import type { MigrationContext } from './index.ts'

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  const autoId = ctx.dialect === 'postgres' ? (c: any) => c.primaryKey().generatedByDefaultAsIdentity() : (c: any) => c.primaryKey().autoIncrement()

  // One row per outside participant of a logged-for message that matched no contact: it waits here until
  // someone assigns it to a contact, creates the contact, or dismisses it. The message's facts are kept so the
  // entry can be logged later exactly as the ingester would have; (external_ref, address) makes re-ingesting
  // the same message a no-op.
  await db.schema
    .createTable('mail_review_items')
    .addColumn('id', 'integer', autoId)
    .addColumn('external_ref', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('template_code', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('salesperson_code', 'text')
    .addColumn('logged_by', 'text')
    .addColumn('note', 'text')
    .addColumn('attachments', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('waiting'))
    .addColumn('contact_no', 'text')
    .addColumn('interaction_no', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addColumn('resolved_by', 'text')
    .execute()
  await db.schema.createIndex('mail_review_items_ref').unique().on('mail_review_items').columns(['external_ref', 'address']).execute()
  await db.schema.createIndex('mail_review_items_status').on('mail_review_items').columns(['status', 'id']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('mail_review_items').execute()
}
