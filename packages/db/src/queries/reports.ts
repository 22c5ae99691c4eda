import { sql } from 'kysely'
import type { OpportunityStatus } from '../schema.ts'
import type { Executor } from './executor.ts'

const OPEN: OpportunityStatus[] = ['not_started', 'in_progress']

export interface PipelineCell {
  cycle_code: string
  stage: number | null
  stage_description: string | null
  salesperson_code: string | null
  close_month: string | null
  count: number
  estimated_minor: number
  calculated_minor: number
}

/**
 * Open opportunities grouped in SQL by cycle, stage, salesperson and close month (a small cube the read models
 * fold further): count, estimated value and calculated current value.
 */
export async function listPipelineCells(db: Executor): Promise<PipelineCell[]> {
  const month = sql<string | null>`substr(o.estimated_close_date, 1, 7)`
  const rows = await db
    .selectFrom('opportunities as o')
    .leftJoin('sales_cycle_stages as s', (j) => j.onRef('s.cycle_code', '=', 'o.cycle_code').onRef('s.stage', '=', 'o.current_stage'))
    .where('o.status', 'in', OPEN)
    .select((eb) => [
      'o.cycle_code',
      'o.current_stage as stage',
      eb.fn.max('s.description').as('stage_description'),
      'o.salesperson_code',
      month.as('close_month'),
      eb.fn.countAll<number>().as('count'),
      eb.fn.sum<number>('o.estimated_value_minor').as('estimated_minor'),
      eb.fn.sum<number>('o.calculated_value_minor').as('calculated_minor'),
    ])
    .groupBy(['o.cycle_code', 'o.current_stage', 'o.salesperson_code', month])
    .orderBy('o.cycle_code')
    .orderBy('o.current_stage')
    .orderBy('o.salesperson_code')
    .orderBy(month)
    .execute()
  return rows.map((r) => ({
    ...r,
    stage_description: (r.stage_description as string | null) ?? null,
    count: Number(r.count),
    estimated_minor: Number(r.estimated_minor),
    calculated_minor: Number(r.calculated_minor),
  }))
}

export interface ClosedCell {
  salesperson_code: string | null
  status: 'won' | 'lost'
  count: number
  estimated_minor: number
}

/** Opportunities closed as won or lost with closed_at in [from, to), summed per salesperson and outcome. */
export async function listClosedCells(db: Executor, from: string, to: string): Promise<ClosedCell[]> {
  const rows = await db
    .selectFrom('opportunities')
    .where('status', 'in', ['won', 'lost'])
    .where('closed_at', '>=', from)
    .where('closed_at', '<', to)
    .select((eb) => ['salesperson_code', 'status', eb.fn.countAll<number>().as('count'), eb.fn.sum<number>('estimated_value_minor').as('estimated_minor')])
    .groupBy(['salesperson_code', 'status'])
    .orderBy('salesperson_code')
    .orderBy('status')
    .execute()
  return rows.map((r) => ({ salesperson_code: r.salesperson_code, status: r.status as 'won' | 'lost', count: Number(r.count), estimated_minor: Number(r.estimated_minor) }))
}

export interface CreatedCell {
  salesperson_code: string | null
  count: number
  estimated_minor: number
}

/** Opportunities created in [from, to), per salesperson. */
export async function listCreatedCells(db: Executor, from: string, to: string): Promise<CreatedCell[]> {
  const rows = await db
    .selectFrom('opportunities')
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .select((eb) => ['salesperson_code', eb.fn.countAll<number>().as('count'), eb.fn.sum<number>('estimated_value_minor').as('estimated_minor')])
    .groupBy('salesperson_code')
    .orderBy('salesperson_code')
    .execute()
  return rows.map((r) => ({ salesperson_code: r.salesperson_code, count: Number(r.count), estimated_minor: Number(r.estimated_minor) }))
}

export interface InteractionDayCell {
  day: string
  channel: string
  salesperson_code: string | null
  count: number
  cost_minor: number
  duration_min: number
}

/**
 * Live (not canceled) interactions with occurred_at in [from, to), grouped in SQL by UTC day, channel and
 * salesperson. Days rather than weeks keep the SQL portable; at most a few hundred rows reach the caller.
 */
export async function listInteractionDayCells(db: Executor, from: string, to: string): Promise<InteractionDayCell[]> {
  const day = sql<string>`substr(occurred_at, 1, 10)`
  const rows = await db
    .selectFrom('interaction_log_entries')
    .where('canceled', '=', 0)
    .where('occurred_at', '>=', from)
    .where('occurred_at', '<', to)
    .select((eb) => [
      day.as('day'),
      'channel',
      'salesperson_code',
      eb.fn.countAll<number>().as('count'),
      eb.fn.sum<number>('cost_minor').as('cost_minor'),
      eb.fn.sum<number>('duration_min').as('duration_min'),
    ])
    .groupBy([day, 'channel', 'salesperson_code'])
    .orderBy(day)
    .orderBy('channel')
    .orderBy('salesperson_code')
    .execute()
  return rows.map((r) => ({ ...r, count: Number(r.count), cost_minor: Number(r.cost_minor), duration_min: Number(r.duration_min) }))
}

export interface StaleOpportunityRow {
  no: string
  description: string
  contact_no: string
  contact_name: string | null
  salesperson_code: string | null
  cycle_code: string
  stage: number | null
  estimated_value_minor: number
  calculated_value_minor: number
  currency_code: string
  last_stage_change_at: string
}

/** Open opportunities whose stage last changed before `before`, oldest change first (at most `limit`). */
export async function listStaleOpportunities(db: Executor, before: string, limit: number): Promise<StaleOpportunityRow[]> {
  return db
    .selectFrom('opportunities as o')
    .leftJoin('contacts as c', 'c.no', 'o.contact_no')
    .where('o.status', 'in', OPEN)
    .where('o.last_stage_change_at', '<', before)
    .select([
      'o.no',
      'o.description',
      'o.contact_no',
      'c.name as contact_name',
      'o.salesperson_code',
      'o.cycle_code',
      'o.current_stage as stage',
      'o.estimated_value_minor',
      'o.calculated_value_minor',
      'o.currency_code',
      'o.last_stage_change_at',
    ])
    .orderBy('o.last_stage_change_at')
    .orderBy('o.no')
    .limit(limit)
    .execute()
}

export interface ContactCountRow {
  type: string
  count: number
}

/** Live (not erased) contacts counted per type. */
export async function countContactsByType(db: Executor): Promise<ContactCountRow[]> {
  const rows = await db
    .selectFrom('contacts')
    .where('erased_at', 'is', null)
    .select((eb) => ['type', eb.fn.countAll<number>().as('count')])
    .groupBy('type')
    .orderBy('type')
    .execute()
  return rows.map((r) => ({ type: r.type, count: Number(r.count) }))
}
