import { sql } from 'kysely'
import type { OpportunityStatus } from '../schema.ts'
import type { Executor } from './executor.ts'
import { classified, eligible } from './segments.ts'

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

export interface ActivityMonthCell {
  salesperson_code: string | null
  /** YYYY-MM (UTC). */
  month: string
  interactions: number
  created: number
  won: number
}

/**
 * Per salesperson and calendar month in [from, to): live interactions (by occurred_at), opportunities created
 * (by created_at) and won (by closed_at). One statement: three grouped selects joined by UNION ALL and summed,
 * the month taken as the text prefix of the ISO timestamp (the same expression on SQLite and PostgreSQL).
 */
export async function listActivityMonthCells(db: Executor, from: string, to: string): Promise<ActivityMonthCell[]> {
  const zero = sql<number>`0`
  const one = sql<number>`count(*)`
  const interactions = db
    .selectFrom('interaction_log_entries')
    .where('canceled', '=', 0)
    .where('occurred_at', '>=', from)
    .where('occurred_at', '<', to)
    .select(['salesperson_code', sql<string>`substr(occurred_at, 1, 7)`.as('month'), one.as('interactions'), zero.as('created'), zero.as('won')])
    .groupBy(['salesperson_code', sql`substr(occurred_at, 1, 7)`])
  const created = db
    .selectFrom('opportunities')
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .select(['salesperson_code', sql<string>`substr(created_at, 1, 7)`.as('month'), zero.as('interactions'), one.as('created'), zero.as('won')])
    .groupBy(['salesperson_code', sql`substr(created_at, 1, 7)`])
  const won = db
    .selectFrom('opportunities')
    .where('status', '=', 'won')
    .where('closed_at', '>=', from)
    .where('closed_at', '<', to)
    .select(['salesperson_code', sql<string>`substr(closed_at, 1, 7)`.as('month'), zero.as('interactions'), zero.as('created'), one.as('won')])
    .groupBy(['salesperson_code', sql`substr(closed_at, 1, 7)`])
  const rows = await db
    .selectFrom(interactions.unionAll(created).unionAll(won).as('u'))
    .select((eb) => [
      'u.salesperson_code',
      'u.month',
      eb.fn.sum<number>('u.interactions').as('interactions'),
      eb.fn.sum<number>('u.created').as('created'),
      eb.fn.sum<number>('u.won').as('won'),
    ])
    .groupBy(['u.salesperson_code', 'u.month'])
    .orderBy('u.salesperson_code')
    .orderBy('u.month')
    .execute()
  return rows.map((r) => ({ salesperson_code: r.salesperson_code, month: r.month, interactions: Number(r.interactions), created: Number(r.created), won: Number(r.won) }))
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

// ---- Segments and campaigns: every query reads all segments (or campaigns) at once, grouped in SQL, so the
// reports build runs a fixed number of statements whatever the number of segments, campaigns and lines.

export interface SegmentIndexRow {
  no: string
  description: string
  salesperson_code: string | null
  campaign_no: string | null
  created_at: string
  logged_at: string | null
  log_canceled_at: string | null
  follow_up_of: string | null
  lines: number
  interactions: number
  last_interaction_at: string | null
}

/** Every segment with its number of lines and its live logged interactions (count, latest), by number. */
export async function listSegmentIndex(db: Executor): Promise<SegmentIndexRow[]> {
  const lines = db.selectFrom('segment_lines').select((eb) => ['segment_no', eb.fn.countAll<number>().as('n')]).groupBy('segment_no').as('l')
  const logged = db
    .selectFrom('interaction_log_entries')
    .where('segment_no', 'is not', null)
    .where('canceled', '=', 0)
    .select((eb) => ['segment_no', eb.fn.countAll<number>().as('n'), eb.fn.max('occurred_at').as('last_at')])
    .groupBy('segment_no')
    .as('i')
  const rows = await db
    .selectFrom('segments as s')
    .leftJoin(lines, 'l.segment_no', 's.no')
    .leftJoin(logged, 'i.segment_no', 's.no')
    .select(['s.no', 's.description', 's.salesperson_code', 's.campaign_no', 's.created_at', 's.logged_at', 's.log_canceled_at', 's.follow_up_of', 'l.n as lines', 'i.n as interactions', 'i.last_at as last_interaction_at'])
    .orderBy('s.no')
    .execute()
  return rows.map((r) => ({ ...r, lines: Number(r.lines ?? 0), interactions: Number(r.interactions ?? 0), last_interaction_at: (r.last_interaction_at as string | null) ?? null }))
}

export interface SegmentLineRef {
  segment_no: string
  contact_no: string
}

/** Every segment line (segment, contact) in line order: the table's own order, so no sort is needed. */
export async function listAllSegmentLines(db: Executor): Promise<SegmentLineRef[]> {
  return db.selectFrom('segment_lines').select(['segment_no', 'contact_no']).orderBy('id').execute()
}

export interface SegmentContactFacts {
  no: string
  name: string
  type: string
  company_name: string | null
  country_code: string | null
  salesperson_code: string | null
}

/** The contacts that are in some segment, each once, with what a segment's contact list shows. */
export async function listSegmentContacts(db: Executor): Promise<SegmentContactFacts[]> {
  return db
    .selectFrom('contacts')
    .select(['no', 'name', 'type', 'company_name', 'country_code', 'salesperson_code'])
    .where('no', 'in', db.selectFrom('segment_lines').select('contact_no'))
    .execute()
}

export interface ContactCodeRow {
  contact_no: string
  code: string
}

/**
 * Industry groups or business relations (own or the company's) of every contact that is in some segment, by
 * contact and code.
 */
export async function listSegmentContactCodes(db: Executor, kind: 'industry' | 'relation'): Promise<ContactCodeRow[]> {
  return db
    .selectFrom(classified(db, kind === 'industry' ? 'contact_industry_groups' : 'contact_business_relations').as('x'))
    .select(['x.contact_no', 'x.code'])
    .where('x.contact_no', 'in', db.selectFrom('segment_lines').select('contact_no'))
    .orderBy('x.contact_no')
    .orderBy('x.code')
    .execute()
}

/** Code and description of every industry group or business relation. */
export async function listCodeDescriptions(db: Executor, kind: 'industry' | 'relation'): Promise<Array<{ code: string; description: string }>> {
  return db.selectFrom(kind === 'industry' ? 'industry_groups' : 'business_relations').select(['code', 'description']).orderBy('code').execute()
}

/** The recorded steps of every segment (undone ones included), by segment and sequence. */
export async function listAllSegmentSteps(db: Executor) {
  return db.selectFrom('segment_steps').selectAll().orderBy('segment_no').orderBy('seq').execute()
}

export interface SegmentInteractionCell {
  segment_no: string
  template_code: string
  canceled: number
  count: number
  cost_minor: number
  duration_min: number
  first_at: string
  last_at: string
}

/** Interactions logged for every segment, per template and canceled flag: count, cost, duration, first and last date. */
export async function listSegmentInteractionCells(db: Executor): Promise<SegmentInteractionCell[]> {
  const rows = await db
    .selectFrom('interaction_log_entries')
    .where('segment_no', 'is not', null)
    .select((eb) => [
      'segment_no',
      'template_code',
      'canceled',
      eb.fn.countAll<number>().as('count'),
      eb.fn.sum<number>('cost_minor').as('cost_minor'),
      eb.fn.sum<number>('duration_min').as('duration_min'),
      eb.fn.min('occurred_at').as('first_at'),
      eb.fn.max('occurred_at').as('last_at'),
    ])
    .groupBy(['segment_no', 'template_code', 'canceled'])
    .orderBy('segment_no')
    .orderBy('template_code')
    .orderBy('canceled')
    .execute()
  return rows.map((r) => ({
    segment_no: r.segment_no!,
    template_code: r.template_code,
    canceled: Number(r.canceled),
    count: Number(r.count),
    cost_minor: Number(r.cost_minor),
    duration_min: Number(r.duration_min),
    first_at: r.first_at as string,
    last_at: r.last_at as string,
  }))
}

export interface CampaignIndexRow {
  no: string
  description: string
  status_code: string
  status_description: string | null
  status_active: number | null
  starting_date: string | null
  ending_date: string | null
  salesperson_code: string | null
  created_at: string
}

/** Every campaign with its status description, by number. */
export async function listCampaignIndex(db: Executor): Promise<CampaignIndexRow[]> {
  const rows = await db
    .selectFrom('campaigns as c')
    .leftJoin('campaign_statuses as st', 'st.code', 'c.status_code')
    .select(['c.no', 'c.description', 'c.status_code', 'st.description as status_description', 'st.active as status_active', 'c.starting_date', 'c.ending_date', 'c.salesperson_code', 'c.created_at'])
    .orderBy('c.no')
    .execute()
  return rows.map((r) => ({ ...r, status_active: r.status_active === null ? null : Number(r.status_active) }))
}

export interface CampaignTemplateCell {
  campaign_no: string
  template_code: string
  template_description: string | null
  count: number
  responses: number
  cost_minor: number
  duration_min: number
}

/** Live interactions of every campaign per template: count, responses among them, cost and duration. */
export async function listCampaignTemplateCells(db: Executor): Promise<CampaignTemplateCell[]> {
  const rows = await db
    .selectFrom('interaction_log_entries as i')
    .leftJoin('interaction_templates as t', 't.code', 'i.template_code')
    .where('i.campaign_no', 'is not', null)
    .where('i.canceled', '=', 0)
    .select((eb) => [
      'i.campaign_no',
      'i.template_code',
      eb.fn.max('t.description').as('template_description'),
      eb.fn.countAll<number>().as('count'),
      eb.fn.sum<number>(eb.case().when('i.campaign_response', '=', 1).then(1).else(0).end()).as('responses'),
      eb.fn.sum<number>('i.cost_minor').as('cost_minor'),
      eb.fn.sum<number>('i.duration_min').as('duration_min'),
    ])
    .groupBy(['i.campaign_no', 'i.template_code'])
    .orderBy('i.campaign_no')
    .orderBy('i.template_code')
    .execute()
  return rows.map((r) => ({
    campaign_no: r.campaign_no!,
    template_code: r.template_code,
    template_description: (r.template_description as string | null) ?? null,
    count: Number(r.count),
    responses: Number(r.responses),
    cost_minor: Number(r.cost_minor),
    duration_min: Number(r.duration_min),
  }))
}

export interface CampaignResponseDayCell {
  campaign_no: string
  day: string
  /** Live response interactions that day. */
  responses: number
  /** Contacts whose first live response to the campaign was that day. */
  new_respondents: number
}

/** Responses of every campaign per UTC day, with the contacts responding for the first time that day. */
export async function listCampaignResponseDays(db: Executor): Promise<CampaignResponseDayCell[]> {
  const day = sql<string>`substr(occurred_at, 1, 10)`
  const responses = await db
    .selectFrom('interaction_log_entries')
    .where('campaign_no', 'is not', null)
    .where('canceled', '=', 0)
    .where('campaign_response', '=', 1)
    .select((eb) => ['campaign_no', day.as('day'), eb.fn.countAll<number>().as('n')])
    .groupBy(['campaign_no', day])
    .execute()
  // Respondents count among the targets only, as in the campaign statistics (campaigns.totals): the contacts of
  // linked segments not logged yet (or whose log was canceled) that a log would take, and the contacts of live target entries.
  const targets = db
    .selectFrom('segment_lines as l')
    .innerJoin('segments as s', 's.no', 'l.segment_no')
    .innerJoin('contacts as c', 'c.no', 'l.contact_no')
    .select(['s.campaign_no as campaign_no', 'l.contact_no as contact_no'])
    .where('s.campaign_no', 'is not', null)
    .where((eb) => eb.or([eb('s.logged_at', 'is', null), eb('s.log_canceled_at', 'is not', null)]))
    .where((eb) => eligible(eb))
    .union(
      db
        .selectFrom('interaction_log_entries')
        .select(['campaign_no', 'contact_no'])
        .where('campaign_no', 'is not', null)
        .where('canceled', '=', 0)
        .where('campaign_target', '=', 1),
    )
    .as('t')
  const firsts = db
    .selectFrom('interaction_log_entries as e')
    .innerJoin(targets, (j) => j.onRef('t.campaign_no', '=', 'e.campaign_no').onRef('t.contact_no', '=', 'e.contact_no'))
    .where('e.canceled', '=', 0)
    .where('e.campaign_response', '=', 1)
    .select((eb) => ['e.campaign_no', 'e.contact_no', eb.fn.min('e.occurred_at').as('first_at')])
    .groupBy(['e.campaign_no', 'e.contact_no'])
    .as('f')
  const firstDay = sql<string>`substr(f.first_at, 1, 10)`
  const news = await db
    .selectFrom(firsts)
    .select((eb) => ['f.campaign_no', firstDay.as('day'), eb.fn.countAll<number>().as('n')])
    .groupBy(['f.campaign_no', firstDay])
    .execute()
  const cells = new Map<string, CampaignResponseDayCell>()
  const cell = (campaignNo: string, d: string) => {
    const k = `${campaignNo}\u0000${d}`
    if (!cells.has(k)) cells.set(k, { campaign_no: campaignNo, day: d, responses: 0, new_respondents: 0 })
    return cells.get(k)!
  }
  for (const r of responses) cell(r.campaign_no!, r.day).responses = Number(r.n)
  for (const r of news) cell(r.campaign_no!, r.day).new_respondents = Number(r.n)
  return [...cells.values()].sort((a, b) => (a.campaign_no < b.campaign_no ? -1 : a.campaign_no > b.campaign_no ? 1 : a.day < b.day ? -1 : a.day > b.day ? 1 : 0))
}

export interface CampaignOpportunityRow {
  campaign_no: string
  no: string
  description: string
  contact_no: string
  contact_name: string | null
  salesperson_code: string | null
  status: OpportunityStatus
  estimated_value_minor: number
  calculated_value_minor: number
  created_at: string
  closed_at: string | null
}

/** Every opportunity linked to a campaign, by campaign and number. */
export async function listCampaignOpportunities(db: Executor): Promise<CampaignOpportunityRow[]> {
  const rows = await db
    .selectFrom('opportunities as o')
    .leftJoin('contacts as c', 'c.no', 'o.contact_no')
    .where('o.campaign_no', 'is not', null)
    .select(['o.campaign_no', 'o.no', 'o.description', 'o.contact_no', 'c.name as contact_name', 'o.salesperson_code', 'o.status', 'o.estimated_value_minor', 'o.calculated_value_minor', 'o.created_at', 'o.closed_at'])
    .orderBy('o.campaign_no')
    .orderBy('o.no')
    .execute()
  return rows.map((r) => ({ ...r, campaign_no: r.campaign_no!, estimated_value_minor: Number(r.estimated_value_minor), calculated_value_minor: Number(r.calculated_value_minor) }))
}
