import type { Kysely } from 'kysely'
import type { MigrationContext } from './index.ts'

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  const autoId = ctx.dialect === 'postgres' ? (c: any) => c.primaryKey().generatedByDefaultAsIdentity() : (c: any) => c.primaryKey().autoIncrement()

  await db.schema
    .createTable('campaign_statuses')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('sort_order', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.insertInto('campaign_statuses').values([
    { code: 'PLANNED', description: 'Planned', sort_order: 1, active: 0 },
    { code: 'SCHEDULED', description: 'Scheduled', sort_order: 2, active: 0 },
    { code: 'ACTIVE', description: 'Active', sort_order: 3, active: 1 },
    { code: 'DONE', description: 'Done', sort_order: 4, active: 0 },
    { code: 'CANCELED', description: 'Canceled', sort_order: 5, active: 0 },
  ]).execute()

  await db.schema
    .createTable('campaigns')
    .addColumn('no', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('status_code', 'text', (c) => c.notNull().references('campaign_statuses.code'))
    .addColumn('starting_date', 'text')
    .addColumn('ending_date', 'text')
    .addColumn('salesperson_code', 'text', (c) => c.references('salespeople.code'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('segments')
    .addColumn('no', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('salesperson_code', 'text', (c) => c.references('salespeople.code'))
    .addColumn('campaign_no', 'text', (c) => c.references('campaigns.no'))
    .addColumn('template_code', 'text')
    .addColumn('subject', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('logged_at', 'text')
    .addColumn('log_canceled_at', 'text')
    .addColumn('follow_up_of', 'text')
    .execute()
  await db.schema.createIndex('segments_campaign').on('segments').column('campaign_no').execute()

  // A line remembers the step that added it, so undoing an "add" deletes exactly its lines; a contact may be
  // in a segment twice only when a step allowed existing contacts (as in Business Central).
  await db.schema
    .createTable('segment_lines')
    .addColumn('id', 'integer', autoId)
    .addColumn('segment_no', 'text', (c) => c.notNull().references('segments.no'))
    .addColumn('contact_no', 'text', (c) => c.notNull().references('contacts.no'))
    .addColumn('contact_company_no', 'text')
    .addColumn('step_id', 'integer')
    .addColumn('added_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('segment_lines_segment').on('segment_lines').columns(['segment_no', 'contact_no']).execute()
  await db.schema.createIndex('segment_lines_contact').on('segment_lines').column('contact_no').execute()
  await db.schema.createIndex('segment_lines_step').on('segment_lines').column('step_id').execute()

  // Every operation on a segment, in order. Lines a step removed are kept in segment_removed_lines, so undo is
  // two set-based statements (delete what it added, put back what it removed).
  await db.schema
    .createTable('segment_steps')
    .addColumn('id', 'integer', autoId)
    .addColumn('segment_no', 'text', (c) => c.notNull().references('segments.no'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('criteria', 'text', (c) => c.notNull())
    .addColumn('options', 'text')
    .addColumn('added', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('removed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('undone_at', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text')
    .execute()
  await db.schema.createIndex('segment_steps_segment').on('segment_steps').columns(['segment_no', 'seq']).execute()
  await db.schema
    .createTable('segment_removed_lines')
    .addColumn('step_id', 'integer', (c) => c.notNull().references('segment_steps.id'))
    .addColumn('line_id', 'integer', (c) => c.notNull())
    .addColumn('segment_no', 'text', (c) => c.notNull())
    .addColumn('contact_no', 'text', (c) => c.notNull())
    .addColumn('contact_company_no', 'text')
    .addColumn('added_by_step', 'integer')
    .addColumn('added_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('segment_removed_lines_pk', ['step_id', 'line_id'])
    .execute()

  await db.schema
    .createTable('saved_segment_criteria')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('steps', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('email_outbox')
    .addColumn('id', 'integer', autoId)
    .addColumn('interaction_no', 'text', (c) => c.notNull())
    .addColumn('contact_no', 'text', (c) => c.notNull())
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text')
    .addColumn('segment_no', 'text')
    .addColumn('campaign_no', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('error', 'text')
    .execute()
  await db.schema.createIndex('email_outbox_status').on('email_outbox').columns(['status', 'id']).execute()
}
