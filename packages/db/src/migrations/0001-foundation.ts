import { sql, type Kysely } from 'kysely'
import type { MigrationContext } from './index.ts'

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  const now = new Date().toISOString()
  // Tokens are compared by code point (prefix ranges), so PostgreSQL must not apply a locale collation.
  const tokenType = ctx.dialect === 'postgres' ? sql`text collate "C"` : sql`text`

  await db.schema
    .createTable('setup')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('default_country_code', 'text')
    .addColumn('default_language_code', 'text')
    .addColumn('default_salesperson_code', 'text')
    .addColumn('dup_search_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('dup_threshold', 'integer', (c) => c.notNull().defaultTo(60))
    .addColumn('inherit_address', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('inherit_phone', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('inherit_salesperson', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('inherit_country', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('inherit_language', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('customer_relation_code', 'text')
    .addColumn('vendor_relation_code', 'text')
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('number_series')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('next_no', 'integer', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('salespeople')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('email', 'text')
    .addColumn('email_norm', 'text')
    .addColumn('phone', 'text')
    .addColumn('job_title', 'text')
    .addColumn('slack_user_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('salespeople_slack_user_id').unique().on('salespeople').column('slack_user_id').execute()
  await db.schema.createIndex('salespeople_email_norm').on('salespeople').column('email_norm').execute()

  for (const table of ['business_relations', 'industry_groups', 'mailing_groups', 'job_responsibilities']) {
    await db.schema
      .createTable(table)
      .addColumn('code', 'text', (c) => c.primaryKey())
      .addColumn('description', 'text', (c) => c.notNull())
      .execute()
  }

  await db.schema
    .createTable('contacts')
    .addColumn('no', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_folded', tokenType, (c) => c.notNull())
    .addColumn('first_name', 'text')
    .addColumn('middle_name', 'text')
    .addColumn('surname', 'text')
    .addColumn('initials', 'text')
    .addColumn('job_title', 'text')
    .addColumn('salutation_code', 'text')
    .addColumn('company_no', 'text', (c) => c.references('contacts.no'))
    .addColumn('company_name', 'text')
    .addColumn('address', 'text')
    .addColumn('address2', 'text')
    .addColumn('post_code', 'text')
    .addColumn('city', 'text')
    .addColumn('county', 'text')
    .addColumn('country_code', 'text')
    .addColumn('inherit_company_address', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('phone', 'text')
    .addColumn('mobile', 'text')
    .addColumn('email', 'text')
    .addColumn('email2', 'text')
    .addColumn('website', 'text')
    .addColumn('language_code', 'text')
    .addColumn('salesperson_code', 'text', (c) => c.references('salespeople.code'))
    .addColumn('territory_code', 'text')
    .addColumn('privacy_blocked', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('exclude_from_segments', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('dup_name_key', tokenType, (c) => c.notNull())
    .addColumn('email_norm', 'text')
    .addColumn('email2_norm', 'text')
    .addColumn('phone_digits', 'text')
    .addColumn('mobile_digits', 'text')
    .addColumn('website_domain', 'text')
    .addColumn('erased_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('modified_at', 'text', (c) => c.notNull())
    .addCheckConstraint('contacts_type_check', sql`type in ('company', 'person')`)
    .execute()
  for (const column of [
    'company_no',
    'name_folded',
    'dup_name_key',
    'email_norm',
    'email2_norm',
    'phone_digits',
    'mobile_digits',
    'website_domain',
    'salesperson_code',
    'country_code',
  ]) {
    await db.schema.createIndex(`contacts_${column}`).on('contacts').column(column).execute()
  }

  for (const [link, target] of [
    ['contact_business_relations', 'business_relations'],
    ['contact_industry_groups', 'industry_groups'],
    ['contact_mailing_groups', 'mailing_groups'],
    ['contact_job_responsibilities', 'job_responsibilities'],
  ] as const) {
    await db.schema
      .createTable(link)
      .addColumn('contact_no', 'text', (c) => c.notNull().references('contacts.no').onDelete('cascade'))
      .addColumn('code', 'text', (c) => c.notNull().references(`${target}.code`))
      .addPrimaryKeyConstraint(`${link}_pk`, ['contact_no', 'code'])
      .execute()
    await db.schema.createIndex(`${link}_code`).on(link).columns(['code', 'contact_no']).execute()
  }

  await db.schema
    .createTable('contact_profile_answers')
    .addColumn('contact_no', 'text', (c) => c.notNull().references('contacts.no').onDelete('cascade'))
    .addColumn('question', 'text', (c) => c.notNull())
    .addColumn('answer', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_profile_answers_pk', ['contact_no', 'question'])
    .execute()
  await db.schema
    .createIndex('contact_profile_answers_question')
    .on('contact_profile_answers')
    .columns(['question', 'answer'])
    .execute()

  await db.schema
    .createTable('contact_search_tokens')
    .addColumn('token', tokenType, (c) => c.notNull())
    .addColumn('contact_no', 'text', (c) => c.notNull().references('contacts.no').onDelete('cascade'))
    .addPrimaryKeyConstraint('contact_search_tokens_pk', ['token', 'contact_no'])
    .execute()
  await db.schema.createIndex('contact_search_tokens_contact').on('contact_search_tokens').column('contact_no').execute()

  await db.schema
    .createTable('duplicate_exclusions')
    .addColumn('contact_no_a', 'text', (c) => c.notNull())
    .addColumn('contact_no_b', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('duplicate_exclusions_pk', ['contact_no_a', 'contact_no_b'])
    .execute()

  await db.schema
    .createTable('change_log')
    .addColumn('id', 'integer', (c) =>
      ctx.dialect === 'postgres' ? c.primaryKey().generatedByDefaultAsIdentity() : c.primaryKey().autoIncrement(),
    )
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('actor', 'text')
    .addColumn('entity', 'text', (c) => c.notNull())
    .addColumn('entity_no', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('details', 'text')
    .execute()
  await db.schema.createIndex('change_log_entity').on('change_log').columns(['entity', 'entity_no']).execute()

  await db.insertInto('setup').values({ id: 1, dup_threshold: 60, customer_relation_code: 'CUST', vendor_relation_code: 'VEND', modified_at: now }).execute()
  await db
    .insertInto('number_series')
    .values(
      [
        ['CONTACT', 'Contacts', 'CT', 6],
        ['SEGMENT', 'Segments', 'SG', 5],
        ['CAMPAIGN', 'Campaigns', 'CP', 4],
        ['OPPORTUNITY', 'Opportunities', 'OP', 6],
        ['INTERACTION', 'Interaction log entries', 'IL', 8],
        ['TASK', 'Tasks', 'TK', 6],
      ].map(([code, description, prefix, width]) => ({ code, description, prefix, width, next_no: 1, modified_at: now })),
    )
    .execute()
  const seed = async (table: string, rows: Array<[string, string]>) =>
    db.insertInto(table).values(rows.map(([code, description]) => ({ code, description }))).execute()
  await seed('business_relations', [
    ['CUST', 'Customer'],
    ['VEND', 'Vendor'],
    ['PROSPECT', 'Prospect'],
    ['PARTNER', 'Partner'],
    ['BANK', 'Bank'],
    ['LAWYER', 'Lawyer'],
    ['CONSULT', 'Consultant'],
    ['PRESS', 'Press'],
  ])
  await seed('industry_groups', [
    ['FISHING', 'Fishing and seafood'],
    ['RETAIL', 'Retail'],
    ['WHOLESALE', 'Wholesale'],
    ['MANUFACT', 'Manufacturing'],
    ['IT', 'Information technology'],
    ['TOURISM', 'Tourism and travel'],
    ['ENERGY', 'Energy'],
    ['FINANCE', 'Finance and insurance'],
    ['PUBLIC', 'Public sector'],
  ])
  await seed('mailing_groups', [
    ['NEWSLETTER', 'Newsletter'],
    ['XMAS', 'Season greetings'],
    ['EVENTS', 'Event invitations'],
  ])
  await seed('job_responsibilities', [
    ['MANAGEMENT', 'Management'],
    ['PURCHASE', 'Purchasing'],
    ['SALES', 'Sales'],
    ['FINANCE', 'Finance'],
    ['IT', 'IT'],
    ['MARKETING', 'Marketing'],
  ])
}
