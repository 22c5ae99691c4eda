// Bulk data for benchmarks: interactions and opportunities inserted set-based (INSERT ... SELECT over the
// contacts), so a million rows load in seconds on both dialects. Contacts come from the demo generator.
import { sql, type CrmDatabase } from '@crm/db'

/** `SELECT 1 AS k UNION ALL SELECT 2 ...`: a tiny numbers table both dialects accept. */
function numbers(n: number) {
  const parts = Array.from({ length: n }, (_, i) => `select ${i + 1} as k`)
  return sql.raw(`(${parts.join(' union all ')})`)
}

/** Inserts `perContact` interaction entries for every contact (1M for 100k contacts at 10 each). */
export async function seedInteractions(database: CrmDatabase, perContact: number): Promise<number> {
  const db = database.db
  await db.transaction().execute(async (trx) => {
    await sql`
      insert into interaction_log_entries
        (no, contact_no, contact_company_no, template_code, group_code, channel, occurred_at, subject, salesperson_code,
         cost_minor, currency_code, duration_min, attempt_failed, information_flow, initiated_by, campaign_response,
         source, canceled, created_at, created_by)
      select 'BI' || c.no || '-' || n.k, c.no, c.company_no, t.code, t.group_code, t.channel,
             '2026-' || (case when n.k % 12 < 9 then '0' else '' end) || cast(n.k % 12 + 1 as text) || '-15T10:00:00.000Z',
             'Bench interaction ' || cast(n.k as text), c.salesperson_code, t.unit_cost_minor, 'EUR', t.unit_duration_min, 0,
             t.information_flow, t.initiated_by, 0, 'manual', 0, '2026-01-01T00:00:00.000Z', 'bench'
      from contacts c
      cross join ${numbers(perContact)} n
      join interaction_templates t on t.code = (case n.k % 3 when 0 then 'CALL-OUT' when 1 then 'EMAIL-IN' else 'MEETING' end)
    `.execute(trx)
  })
  const row = await db.selectFrom('interaction_log_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Inserts one open opportunity per contact on the STANDARD cycle, spread over its four stages and twelve close
 * months, with its activating entry, so the forecast has 100k rows to group at 100k contacts.
 */
export async function seedOpportunities(database: CrmDatabase): Promise<number> {
  const db = database.db
  await db.transaction().execute(async (trx) => {
    const stageOf = sql`(cast(substr(c.no, 3) as integer) % 4 + 1)`
    await sql`
      insert into opportunities
        (no, description, contact_no, contact_company_no, salesperson_code, cycle_code, current_stage, status, priority,
         currency_code, estimated_value_minor, chance_pct, completion_pct, probability_pct, calculated_value_minor,
         estimated_close_date, last_stage_change_at, created_at, modified_at)
      select 'BO' || c.no, 'Bench opportunity', c.no, c.company_no, c.salesperson_code, 'STANDARD', s.stage, 'in_progress', 'normal',
             'EUR', (cast(substr(c.no, 3) as bigint) % 50 + 1) * 100000, s.chance_pct, s.completion_pct,
             s.chance_pct * s.completion_pct / 100.0,
             (cast(substr(c.no, 3) as bigint) % 50 + 1) * 100000 * s.chance_pct * s.completion_pct / 10000,
             '2027-' || (case when cast(substr(c.no, 3) as integer) % 12 < 9 then '0' else '' end)
               || cast(cast(substr(c.no, 3) as integer) % 12 + 1 as text) || '-28',
             '2026-06-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z', '2026-06-01T00:00:00.000Z'
      from contacts c
      join sales_cycle_stages s on s.cycle_code = 'STANDARD' and s.stage = ${stageOf}
    `.execute(trx)
    await sql`
      insert into opportunity_entries
        (opportunity_no, action, stage, status, at, actor, estimated_value_minor, chance_pct, completion_pct, probability_pct,
         calculated_value_minor, estimated_close_date, days_open, active)
      select o.no, 'first', o.current_stage, o.status, o.created_at, 'bench', o.estimated_value_minor, o.chance_pct,
             o.completion_pct, o.probability_pct, o.calculated_value_minor, o.estimated_close_date, 0, 1
      from opportunities o where o.no like 'BO%'
    `.execute(trx)
  })
  const row = await db.selectFrom('opportunities').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()
  return Number(row.n)
}
