import { sql, type Kysely } from 'kysely'
import type { MigrationContext } from './index.ts'

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  const now = new Date().toISOString()
  const autoId = ctx.dialect === 'postgres' ? (c: any) => c.primaryKey().generatedByDefaultAsIdentity() : (c: any) => c.primaryKey().autoIncrement()

  await db.schema.alterTable('setup').addColumn('currency_code', 'text', (c) => c.notNull().defaultTo('EUR')).execute()
  await db.schema.alterTable('setup').addColumn('default_sales_cycle_code', 'text').execute()

  await db.schema
    .createTable('interaction_groups')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('interaction_templates')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('group_code', 'text', (c) => c.notNull().references('interaction_groups.code'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('unit_cost_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('unit_duration_min', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('information_flow', 'text')
    .addColumn('initiated_by', 'text')
    .addColumn('ignore_contact_corr_type', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('campaign_target', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('campaign_response', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addCheckConstraint('interaction_templates_channel', sql`channel in ('email', 'phone', 'meeting', 'letter', 'other')`)
    .execute()

  await db.schema
    .createTable('interaction_log_entries')
    .addColumn('no', 'text', (c) => c.primaryKey())
    .addColumn('contact_no', 'text', (c) => c.notNull().references('contacts.no'))
    .addColumn('contact_company_no', 'text')
    .addColumn('template_code', 'text', (c) => c.notNull().references('interaction_templates.code'))
    .addColumn('group_code', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('salesperson_code', 'text', (c) => c.references('salespeople.code'))
    .addColumn('cost_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('currency_code', 'text', (c) => c.notNull())
    .addColumn('duration_min', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('attempt_failed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('initiated_by', 'text')
    .addColumn('information_flow', 'text')
    .addColumn('evaluation', 'text')
    .addColumn('opportunity_no', 'text')
    .addColumn('campaign_no', 'text')
    .addColumn('segment_no', 'text')
    .addColumn('campaign_response', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('external_ref', 'text')
    .addColumn('attachments', 'text')
    .addColumn('canceled', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('canceled_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .execute()
  await db.schema.createIndex('interactions_contact').on('interaction_log_entries').columns(['contact_no', 'occurred_at']).execute()
  await db.schema.createIndex('interactions_company').on('interaction_log_entries').columns(['contact_company_no', 'occurred_at']).execute()
  await db.schema.createIndex('interactions_external_ref').unique().on('interaction_log_entries').columns(['contact_no', 'external_ref']).execute()
  await db.schema.createIndex('interactions_opportunity').on('interaction_log_entries').column('opportunity_no').execute()
  await db.schema.createIndex('interactions_campaign').on('interaction_log_entries').column('campaign_no').execute()
  await db.schema.createIndex('interactions_segment').on('interaction_log_entries').column('segment_no').execute()
  await db.schema.createIndex('interactions_salesperson').on('interaction_log_entries').columns(['salesperson_code', 'occurred_at']).execute()
  await db.schema.createIndex('interactions_template').on('interaction_log_entries').columns(['template_code', 'occurred_at']).execute()

  await db.schema
    .createTable('sales_cycles')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('probability_calc', 'text', (c) => c.notNull())
    .addColumn('blocked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('sales_cycle_stages')
    .addColumn('cycle_code', 'text', (c) => c.notNull().references('sales_cycles.code'))
    .addColumn('stage', 'integer', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('completion_pct', 'integer', (c) => c.notNull())
    .addColumn('chance_pct', 'integer', (c) => c.notNull())
    .addColumn('activity_code', 'text')
    .addColumn('quote_required', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('allow_skip', 'integer', (c) => c.notNull().defaultTo(0))
    .addPrimaryKeyConstraint('sales_cycle_stages_pk', ['cycle_code', 'stage'])
    .execute()

  await db.schema
    .createTable('close_opportunity_codes')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('opportunities')
    .addColumn('no', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('contact_no', 'text', (c) => c.notNull().references('contacts.no'))
    .addColumn('contact_company_no', 'text')
    .addColumn('salesperson_code', 'text', (c) => c.references('salespeople.code'))
    .addColumn('cycle_code', 'text', (c) => c.notNull().references('sales_cycles.code'))
    .addColumn('current_stage', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('priority', 'text', (c) => c.notNull())
    .addColumn('currency_code', 'text', (c) => c.notNull())
    .addColumn('estimated_value_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('chance_pct', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('completion_pct', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('probability_pct', 'real', (c) => c.notNull().defaultTo(0))
    .addColumn('calculated_value_minor', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('estimated_close_date', 'text')
    .addColumn('close_code', 'text')
    .addColumn('closed_at', 'text')
    .addColumn('campaign_no', 'text')
    .addColumn('segment_no', 'text')
    .addColumn('last_stage_change_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('opportunities_contact').on('opportunities').column('contact_no').execute()
  await db.schema.createIndex('opportunities_company').on('opportunities').column('contact_company_no').execute()
  await db.schema.createIndex('opportunities_status_close').on('opportunities').columns(['status', 'estimated_close_date']).execute()
  await db.schema.createIndex('opportunities_salesperson').on('opportunities').columns(['salesperson_code', 'status']).execute()
  await db.schema.createIndex('opportunities_campaign').on('opportunities').column('campaign_no').execute()

  await db.schema
    .createTable('opportunity_entries')
    .addColumn('id', 'integer', autoId)
    .addColumn('opportunity_no', 'text', (c) => c.notNull().references('opportunities.no'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('stage', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text')
    .addColumn('estimated_value_minor', 'bigint', (c) => c.notNull())
    .addColumn('chance_pct', 'integer', (c) => c.notNull())
    .addColumn('completion_pct', 'integer', (c) => c.notNull())
    .addColumn('probability_pct', 'real', (c) => c.notNull())
    .addColumn('calculated_value_minor', 'bigint', (c) => c.notNull())
    .addColumn('estimated_close_date', 'text')
    .addColumn('close_code', 'text')
    .addColumn('days_open', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('note', 'text')
    .execute()
  await db.schema.createIndex('opportunity_entries_opportunity').on('opportunity_entries').columns(['opportunity_no', 'id']).execute()

  // Defaults a team can change or extend.
  await db.insertInto('interaction_groups').values([
    { code: 'EMAIL', description: 'Emails' },
    { code: 'PHONE', description: 'Phone calls' },
    { code: 'MEETING', description: 'Meetings' },
    { code: 'LETTER', description: 'Letters' },
    { code: 'OTHER', description: 'Other' },
  ]).execute()
  const template = (code: string, description: string, group: string, channel: string, cost: number, duration: number, flow: string | null, by: string | null) => ({
    code, description, group_code: group, channel, unit_cost_minor: cost, unit_duration_min: duration, information_flow: flow, initiated_by: by, created_at: now,
  })
  await db.insertInto('interaction_templates').values([
    template('EMAIL-IN', 'Email received', 'EMAIL', 'email', 0, 0, 'inbound', 'them'),
    template('EMAIL-OUT', 'Email sent', 'EMAIL', 'email', 0, 0, 'outbound', 'us'),
    template('CALL-IN', 'Incoming phone call', 'PHONE', 'phone', 0, 5, 'inbound', 'them'),
    template('CALL-OUT', 'Outgoing phone call', 'PHONE', 'phone', 250, 5, 'outbound', 'us'),
    template('MEETING', 'Meeting', 'MEETING', 'meeting', 0, 60, null, 'us'),
    template('LETTER', 'Letter sent', 'LETTER', 'letter', 100, 0, 'outbound', 'us'),
  ]).execute()
  await db.insertInto('sales_cycles').values({ code: 'STANDARD', description: 'Standard sales cycle', probability_calc: 'multiply', created_at: now }).execute()
  await db.insertInto('sales_cycle_stages').values([
    { cycle_code: 'STANDARD', stage: 1, description: 'New', completion_pct: 10, chance_pct: 20, quote_required: 0, allow_skip: 0 },
    { cycle_code: 'STANDARD', stage: 2, description: 'Qualify', completion_pct: 40, chance_pct: 40, quote_required: 0, allow_skip: 1 },
    { cycle_code: 'STANDARD', stage: 3, description: 'Propose', completion_pct: 80, chance_pct: 60, quote_required: 1, allow_skip: 0 },
    { cycle_code: 'STANDARD', stage: 4, description: 'Negotiate', completion_pct: 90, chance_pct: 80, quote_required: 0, allow_skip: 0 },
  ]).execute()
  await db.updateTable('setup').set({ default_sales_cycle_code: 'STANDARD' }).execute()
  await db.insertInto('close_opportunity_codes').values([
    { code: 'WON-QUALITY', type: 'won', description: 'Won on quality' },
    { code: 'WON-PRICE', type: 'won', description: 'Won on price' },
    { code: 'WON-RELATION', type: 'won', description: 'Won through the relationship' },
    { code: 'PRICE', type: 'lost', description: 'Lost on price' },
    { code: 'COMPETITOR', type: 'lost', description: 'Lost to a competitor' },
    { code: 'NO-BUDGET', type: 'lost', description: 'No budget' },
    { code: 'NO-RESPONSE', type: 'lost', description: 'No response' },
  ]).execute()
}
