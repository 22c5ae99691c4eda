import type { CampaignRow, CampaignStatusRow, CampaignTable } from '../schema.ts'
import type { Insertable } from 'kysely'
import type { Executor } from './executor.ts'

export async function insert(db: Executor, row: Insertable<CampaignTable>): Promise<void> {
  await db.insertInto('campaigns').values(row).execute()
}

export async function find(db: Executor, no: string): Promise<CampaignRow | undefined> {
  return db.selectFrom('campaigns').selectAll().where('no', '=', no).executeTakeFirst()
}

export async function update(db: Executor, no: string, patch: Partial<Omit<CampaignRow, 'no'>>): Promise<void> {
  await db.updateTable('campaigns').set(patch).where('no', '=', no).execute()
}

export async function listStatuses(db: Executor): Promise<CampaignStatusRow[]> {
  return db.selectFrom('campaign_statuses').selectAll().orderBy('sort_order').orderBy('code').execute()
}

export async function upsertStatus(db: Executor, row: CampaignStatusRow): Promise<void> {
  await db.insertInto('campaign_statuses').values(row).onConflict((oc) => oc.column('code').doUpdateSet({ description: row.description, sort_order: row.sort_order, active: row.active })).execute()
}

export async function list(db: Executor, filter: { status?: string } = {}): Promise<CampaignRow[]> {
  return db
    .selectFrom('campaigns')
    .selectAll()
    .$if(filter.status !== undefined, (q) => q.where('status_code', '=', filter.status!))
    .orderBy('no')
    .execute()
}

/** Segments linked to a campaign with their sizes. */
export async function linkedSegments(db: Executor, campaignNo: string) {
  const rows = await db
    .selectFrom('segments as s')
    .leftJoin('segment_lines as l', 'l.segment_no', 's.no')
    .select(['s.no', 's.description', 's.logged_at', 's.log_canceled_at', (eb) => eb.fn.count<number>('l.id').as('lines')])
    .where('s.campaign_no', '=', campaignNo)
    .groupBy(['s.no', 's.description', 's.logged_at', 's.log_canceled_at'])
    .orderBy('s.no')
    .execute()
  return rows.map((r) => ({ ...r, lines: Number(r.lines) }))
}

export interface CampaignTotals {
  targets: number
  interactions: number
  respondents: number
  costMinor: number
  durationMin: number
  opportunities: number
  estimatedMinor: number
  calculatedMinor: number
  wonMinor: number
}

/**
 * A campaign's statistics in four aggregate queries (targets, interactions, responses, opportunities) for any
 * list of campaigns; targets are the distinct contacts of its segments, canceled interactions do not count.
 */
export async function totals(db: Executor, campaignNos: string[]): Promise<Map<string, CampaignTotals>> {
  const out = new Map<string, CampaignTotals>()
  if (campaignNos.length === 0) return out
  const blank = (): CampaignTotals => ({ targets: 0, interactions: 0, respondents: 0, costMinor: 0, durationMin: 0, opportunities: 0, estimatedMinor: 0, calculatedMinor: 0, wonMinor: 0 })
  for (const no of campaignNos) out.set(no, blank())
  const targets = await db
    .selectFrom('segment_lines as l')
    .innerJoin('segments as s', 's.no', 'l.segment_no')
    .select(['s.campaign_no', (eb) => eb.fn.count<number>('l.contact_no').distinct().as('n')])
    .where('s.campaign_no', 'in', campaignNos)
    .groupBy('s.campaign_no')
    .execute()
  for (const r of targets) out.get(r.campaign_no!)!.targets = Number(r.n)
  const entries = await db
    .selectFrom('interaction_log_entries')
    .select((eb) => [
      'campaign_no',
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>('cost_minor').as('cost'),
      eb.fn.sum<number>('duration_min').as('duration'),
    ])
    .where('campaign_no', 'in', campaignNos)
    .where('canceled', '=', 0)
    .groupBy('campaign_no')
    .execute()
  for (const r of entries) Object.assign(out.get(r.campaign_no!)!, { interactions: Number(r.n), costMinor: Number(r.cost ?? 0), durationMin: Number(r.duration ?? 0) })
  const responses = await db
    .selectFrom('interaction_log_entries')
    .select(['campaign_no', (eb) => eb.fn.count<number>('contact_no').distinct().as('n')])
    .where('campaign_no', 'in', campaignNos)
    .where('canceled', '=', 0)
    .where('campaign_response', '=', 1)
    .groupBy('campaign_no')
    .execute()
  for (const r of responses) out.get(r.campaign_no!)!.respondents = Number(r.n)
  const opps = await db
    .selectFrom('opportunities')
    .select((eb) => [
      'campaign_no',
      eb.fn.countAll<number>().as('n'),
      eb.fn.sum<number>('estimated_value_minor').as('est'),
      eb.fn.sum<number>(eb.case().when('status', 'in', ['not_started', 'in_progress']).then(eb.ref('calculated_value_minor')).else(0).end()).as('calc'),
      eb.fn.sum<number>(eb.case().when('status', '=', 'won').then(eb.ref('estimated_value_minor')).else(0).end()).as('won'),
    ])
    .where('campaign_no', 'in', campaignNos)
    .groupBy('campaign_no')
    .execute()
  for (const r of opps) Object.assign(out.get(r.campaign_no!)!, { opportunities: Number(r.n), estimatedMinor: Number(r.est ?? 0), calculatedMinor: Number(r.calc ?? 0), wonMinor: Number(r.won ?? 0) })
  return out
}

/** Interactions logged for a campaign by template (not canceled). */
export async function interactionsByTemplate(db: Executor, campaignNo: string) {
  const rows = await db
    .selectFrom('interaction_log_entries')
    .select((eb) => ['template_code', eb.fn.countAll<number>().as('n'), eb.fn.sum<number>(eb.case().when('campaign_response', '=', 1).then(1).else(0).end()).as('responses')])
    .where('campaign_no', '=', campaignNo)
    .where('canceled', '=', 0)
    .groupBy('template_code')
    .orderBy('template_code')
    .execute()
  return rows.map((r) => ({ templateCode: r.template_code, count: Number(r.n), responses: Number(r.responses ?? 0) }))
}
