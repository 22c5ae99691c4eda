import type { Executor } from './executor.ts'

/** Facts about one contact derived from its interactions, opportunities and segment lines. */
export interface ContactFactsRow {
  interactions: { count: number; cost_minor: number; duration_min: number; last_at: string | null }
  openOpportunities: { count: number; estimated_minor: number; calculated_minor: number }
  segments: Array<{ no: string; description: string; campaign_no: string | null }>
  campaigns: Array<{ no: string; description: string; status_code: string }>
}

/**
 * The derived facts a contact card shows, in five small indexed queries whatever the table sizes: live
 * interactions (count, cost, duration, last date), open opportunities (count and values), the segments it is a
 * line of and the campaigns it is part of (through a segment or a live entry). A company's interactions and
 * opportunities include its persons', as its history does. Lists stop at `listLimit`.
 */
export async function factsFor(db: Executor, contactNo: string, includeCompanyPersons: boolean, listLimit = 20): Promise<ContactFactsRow> {
  const interactions = await db
    .selectFrom('interaction_log_entries')
    .where((eb) => (includeCompanyPersons ? eb.or([eb('contact_no', '=', contactNo), eb('contact_company_no', '=', contactNo)]) : eb('contact_no', '=', contactNo)))
    .where('canceled', '=', 0)
    .select((eb) => [
      eb.fn.countAll<number>().as('count'),
      eb.fn.coalesce(eb.fn.sum<number>('cost_minor'), eb.lit(0)).as('cost_minor'),
      eb.fn.coalesce(eb.fn.sum<number>('duration_min'), eb.lit(0)).as('duration_min'),
      eb.fn.max('occurred_at').as('last_at'),
    ])
    .executeTakeFirstOrThrow()
  const opps = await db
    .selectFrom('opportunities')
    .where((eb) => (includeCompanyPersons ? eb.or([eb('contact_no', '=', contactNo), eb('contact_company_no', '=', contactNo)]) : eb('contact_no', '=', contactNo)))
    // The status is tested in the sums, not the WHERE, so the planner reaches the rows by the contact's indexes
    // and never by the status index (which holds every open opportunity of the team).
    .select((eb) => {
      const open = (value: 'estimated_value_minor' | 'calculated_value_minor' | 1) =>
        eb.fn.coalesce(eb.fn.sum<number>(eb.case().when('status', 'in', ['not_started', 'in_progress']).then(value === 1 ? eb.lit(1) : eb.ref(value)).else(eb.lit(0)).end()), eb.lit(0))
      return [open(1).as('count'), open('estimated_value_minor').as('estimated_minor'), open('calculated_value_minor').as('calculated_minor')]
    })
    .executeTakeFirstOrThrow()
  const segments = await db
    .selectFrom('segments as s')
    .select(['s.no', 's.description', 's.campaign_no'])
    .where('s.no', 'in', db.selectFrom('segment_lines').select('segment_no').where('contact_no', '=', contactNo))
    .orderBy('s.no', 'desc')
    .limit(listLimit)
    .execute()
  const campaigns = await db
    .selectFrom('campaigns as c')
    .select(['c.no', 'c.description', 'c.status_code'])
    .where((eb) =>
      eb.or([
        eb('c.no', 'in', db.selectFrom('segment_lines as l').innerJoin('segments as s', 's.no', 'l.segment_no').select('s.campaign_no').where('l.contact_no', '=', contactNo).where('s.campaign_no', 'is not', null)),
        eb('c.no', 'in', db.selectFrom('interaction_log_entries').select('campaign_no').where('contact_no', '=', contactNo).where('canceled', '=', 0).where('campaign_no', 'is not', null)),
      ]),
    )
    .orderBy('c.no', 'desc')
    .limit(listLimit)
    .execute()
  return {
    interactions: { count: Number(interactions.count), cost_minor: Number(interactions.cost_minor), duration_min: Number(interactions.duration_min), last_at: (interactions.last_at as string | null) ?? null },
    openOpportunities: { count: Number(opps.count), estimated_minor: Number(opps.estimated_minor), calculated_minor: Number(opps.calculated_minor) },
    segments,
    campaigns,
  }
}
