import type { Kysely } from 'kysely'
import type { MigrationContext } from './index.ts'

// Frozen in time: this file never imports application code and never changes once released.

/**
 * Company size on the contact: number of employees and annual revenue (integer minor units of the setup
 * currency), both optional, for segment criteria such as employees>=50 or annual-revenue<1000000.
 */
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('contacts').addColumn('employees', 'integer').execute()
  await db.schema.alterTable('contacts').addColumn('annual_revenue_minor', 'bigint').execute()
}

export async function down(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  await db.schema.alterTable('contacts').dropColumn('annual_revenue_minor').execute()
  await db.schema.alterTable('contacts').dropColumn('employees').execute()
}
