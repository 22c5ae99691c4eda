import type { Kysely } from 'kysely'
import type { MigrationContext } from './index.ts'

// Frozen in time: this file never imports application code and never changes once released.

/**
 * The interaction templates the system uses by itself (BC: Interaction Template Setup): emails received and sent
 * that the ingester logs, campaign responses recorded without a template, and what "Log interaction" offers first.
 * The defaults are the templates every database has had so far, so nothing changes until a team sets its own.
 */
export async function up(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  for (const [column, template] of [
    ['template_email_in', 'EMAIL-IN'],
    ['template_email_out', 'EMAIL-OUT'],
    ['template_response', 'EMAIL-IN'],
    ['template_log', 'CALL-OUT'],
  ] as const) {
    await db.schema.alterTable('setup').addColumn(column, 'text', (c) => c.notNull().defaultTo(template)).execute()
  }
}

export async function down(db: Kysely<any>, _ctx: MigrationContext): Promise<void> {
  for (const column of ['template_email_in', 'template_email_out', 'template_response', 'template_log']) {
    await db.schema.alterTable('setup').dropColumn(column).execute()
  }
}
