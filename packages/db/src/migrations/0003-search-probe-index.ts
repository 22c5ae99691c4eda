import { sql, type Kysely } from 'kysely'
import type { MigrationContext } from './index.ts'

// Frozen in time: this file never imports application code and never changes once released.

/**
 * Search at 100k+ contacts without visiting contact rows: each token carries its contact's folded name, so a
 * broad query ("info", "ehf") pages in name order straight from the (token, name_folded, contact_no) index;
 * the (contact_no, token) index answers "does this contact have a token starting with P" for the other words
 * of a query; (no, name) gives the names a narrow query sorts in the team's collation.
 */
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('contact_search_tokens').addColumn('name_folded', 'text', (c) => c.notNull().defaultTo('')).execute()
  await sql`update contact_search_tokens set name_folded = coalesce((select c.name_folded from contacts c where c.no = contact_search_tokens.contact_no), '')`.execute(db)
  await db.schema.createIndex('contact_search_tokens_sorted').on('contact_search_tokens').columns(['token', 'name_folded', 'contact_no']).execute()
  await db.schema.createIndex('contact_search_tokens_contact_token').on('contact_search_tokens').columns(['contact_no', 'token']).execute()
  await db.schema.dropIndex('contact_search_tokens_contact').execute()
  await db.schema.createIndex('contacts_no_name').on('contacts').columns(['no', 'name']).execute()
}

export async function down(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.dropIndex('contacts_no_name').execute()
  await db.schema.createIndex('contact_search_tokens_contact').on('contact_search_tokens').column('contact_no').execute()
  await db.schema.dropIndex('contact_search_tokens_contact_token').execute()
  await db.schema.dropIndex('contact_search_tokens_sorted').execute()
  await db.schema.alterTable('contact_search_tokens').dropColumn('name_folded').execute()
}
