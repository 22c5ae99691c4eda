import type { CampaignRow, CampaignStatusRow, CampaignTable } from '../schema.ts'
import type { Insertable } from 'kysely'
import type { Executor } from './executor.ts'
import { eligible } from './segments.ts'

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
  /** Distinct contacts targeted: logged for the campaign (live entries), or in a linked segment not logged yet. */
  targets: number
  /** Contacts of the linked segments, logged or not. */
  segmentContacts: number
  interactions: number
  /** Distinct targets with a live response. */
  respondents: number
  /** Distinct contacts with a live response who were never targeted (they heard of it elsewhere). */
  otherRespondents: number
  costMinor: number
  durationMin: number
  opportunities: number
  estimatedMinor: number
  calculatedMinor: number
  wonMinor: number
}

/**
 * A campaign's statistics in four aggregate queries (targets and respondents, interactions, segment contacts,
 * opportunities) for any list of campaigns. Targets are the contacts logged for the campaign (its live entries
 * marked as targets: segment logs and target templates) plus the contacts of linked segments not logged yet (those a
 * log would take: not erased, privacy blocked or excluded from segments), so canceling an entry or a segment's log takes
 * them out again; respondents are counted among the targets, so the response rate cannot pass 100 %.
 */
export async function totals(db: Executor, campaignNos: string[]): Promise<Map<string, CampaignTotals>> {
  const out = new Map<string, CampaignTotals>()
  if (campaignNos.length === 0) return out
  const blank = (): CampaignTotals => ({ targets: 0, segmentContacts: 0, interactions: 0, respondents: 0, otherRespondents: 0, costMinor: 0, durationMin: 0, opportunities: 0, estimatedMinor: 0, calculatedMinor: 0, wonMinor: 0 })
  for (const no of campaignNos) out.set(no, blank())
  // One row per (campaign, contact) fact: a planned line (target), a live entry (target unless a response).
  // A planned line counts only while its contact could still be logged (segments.logLines skips the others).
  const facts = db
    .selectFrom('segment_lines as l')
    .innerJoin('segments as s', 's.no', 'l.segment_no')
    .innerJoin('contacts as c', 'c.no', 'l.contact_no')
    .select((eb) => ['s.campaign_no', 'l.contact_no', eb.val(1).as('target'), eb.val(0).as('response')])
    .where('s.campaign_no', 'in', campaignNos)
    .where((eb) => eb.or([eb('s.logged_at', 'is', null), eb('s.log_canceled_at', 'is not', null)]))
    .where((eb) => eligible(eb))
    .unionAll(
      db
        .selectFrom('interaction_log_entries')
        .select(['campaign_no', 'contact_no', 'campaign_target as target', 'campaign_response as response'])
        .where('campaign_no', 'in', campaignNos)
        .where('canceled', '=', 0),
    )
  const perContact = db
    .selectFrom(facts.as('f'))
    .select((eb) => ['f.campaign_no', 'f.contact_no', eb.fn.max('f.target').as('target'), eb.fn.max('f.response').as('response')])
    .groupBy(['f.campaign_no', 'f.contact_no'])
  const people = await db
    .selectFrom(perContact.as('p'))
    .select((eb) => [
      'p.campaign_no',
      eb.fn.sum<number>(eb.case().when('p.target', '=', 1).then(1).else(0).end()).as('targets'),
      eb.fn.sum<number>(eb.case().when(eb.and([eb('p.target', '=', 1), eb('p.response', '=', 1)])).then(1).else(0).end()).as('respondents'),
      eb.fn.sum<number>(eb.case().when(eb.and([eb('p.target', '=', 0), eb('p.response', '=', 1)])).then(1).else(0).end()).as('others'),
    ])
    .groupBy('p.campaign_no')
    .execute()
  for (const r of people) Object.assign(out.get(r.campaign_no!)!, { targets: Number(r.targets ?? 0), respondents: Number(r.respondents ?? 0), otherRespondents: Number(r.others ?? 0) })
  const lines = await db
    .selectFrom('segment_lines as l')
    .innerJoin('segments as s', 's.no', 'l.segment_no')
    .select(['s.campaign_no', (eb) => eb.fn.count<number>('l.contact_no').distinct().as('n')])
    .where('s.campaign_no', 'in', campaignNos)
    .groupBy('s.campaign_no')
    .execute()
  for (const r of lines) out.get(r.campaign_no!)!.segmentContacts = Number(r.n)
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
