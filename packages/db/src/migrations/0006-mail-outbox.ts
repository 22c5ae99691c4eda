import { sql, type Kysely } from 'kysely'
import type { MigrationContext } from './index.ts'

// Frozen in time: this file never imports application code and never changes once released.

/**
 * The outbox becomes a delivery queue: acknowledgments to forwarders join the segment mail (so a row may have
 * no interaction or contact), each row counts its attempts, waits for its next try, and is claimed by one
 * sender with a lease. mail_acks records which ingested message was acknowledged, so none is acknowledged twice.
 */
export async function up(db: Kysely<any>, ctx: MigrationContext): Promise<void> {
  if (ctx.dialect === 'postgres') {
    await sql`alter table email_outbox alter column interaction_no drop not null`.execute(db)
    await sql`alter table email_outbox alter column contact_no drop not null`.execute(db)
    for (const [name, type, fn] of COLUMNS) await db.schema.alterTable('email_outbox').addColumn(name, type, fn ?? ((c) => c)).execute()
  } else {
    // SQLite cannot drop NOT NULL: the table is rebuilt with the same ids.
    await db.schema
      .createTable('email_outbox_next')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('interaction_no', 'text')
      .addColumn('contact_no', 'text')
      .addColumn('to_address', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('body', 'text')
      .addColumn('segment_no', 'text')
      .addColumn('campaign_no', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('sent_at', 'text')
      .addColumn('error', 'text')
      .$call((t) => COLUMNS.reduce((acc, [name, type, fn]) => acc.addColumn(name, type, fn ?? ((c) => c)), t))
      .execute()
    const old = ['id', 'interaction_no', 'contact_no', 'to_address', 'subject', 'body', 'segment_no', 'campaign_no', 'status', 'created_at', 'sent_at', 'error']
    await sql`insert into email_outbox_next (${sql.join(old.map((c) => sql.ref(c)))}) select ${sql.join(old.map((c) => sql.ref(c)))} from email_outbox`.execute(db)
    await db.schema.dropTable('email_outbox').execute()
    await db.schema.alterTable('email_outbox_next').renameTo('email_outbox').execute()
    await db.schema.createIndex('email_outbox_status').on('email_outbox').columns(['status', 'id']).execute()
  }
  await db.schema.createIndex('email_outbox_last_attempt').on('email_outbox').column('last_attempt_at').execute()
  await db.schema
    .createTable('mail_acks')
    .addColumn('message_ref', 'text', (c) => c.primaryKey())
    .addColumn('outbox_id', 'integer')
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
}

type ColumnBuilder = (c: any) => any
const COLUMNS: Array<[string, 'text' | 'integer', ColumnBuilder | undefined]> = [
  // 'segment' (queued by logging a segment) or 'ack' (to the team member who forwarded a message).
  ['kind', 'text', (c) => c.notNull().defaultTo('segment')],
  ['in_reply_to', 'text', undefined],
  ['attempts', 'integer', (c) => c.notNull().defaultTo(0)],
  ['next_attempt_at', 'text', undefined],
  ['last_attempt_at', 'text', undefined],
  ['claimed_by', 'text', undefined],
  ['lease_until', 'text', undefined],
]
