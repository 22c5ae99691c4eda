// Demo segments and campaigns, made through the real use cases (filter steps, logging, responses, linked
// opportunities) on the demo contacts, so `crm demo` shows every part of the campaign story. Deterministic per
// seed; dates are relative to `deps.clock`.
import type { Actor, CoreDeps } from '../deps.ts'
import { createCampaign, linkSegmentToCampaign, respondToCampaign, setCampaignStatus } from '../campaigns/campaigns.ts'
import { closeOpportunity, createOpportunity, moveOpportunityStage } from '../opportunities/opportunities.ts'
import { addToSegment, createSegment, listSegmentContacts, logSegment, refineSegment, removeFromSegment, saveSegmentCriteria } from '../segments/segments.ts'
import { mulberry32 } from './generate.ts'

export interface GenerateCampaignsInput {
  seed: number
  actor: Actor
}

export interface GenerateCampaignsResult {
  segments: string[]
  campaigns: string[]
  logged: number
  responses: number
  opportunities: number
  criteria: string[]
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10)
const daysFrom = (today: Date, days: number) => new Date(today.getTime() + days * 86_400_000)

/**
 * Three campaigns (done, active, planned) with their segments built by filter steps; the done and the active
 * one are logged, some targets respond and some responses become opportunities linked to the campaign; one
 * segment without a campaign and one saved set of criteria. Needs the demo contacts and activity first.
 */
export async function generateCampaigns(deps: CoreDeps, input: GenerateCampaignsInput): Promise<GenerateCampaignsResult> {
  const rng = mulberry32(input.seed ^ 0xca3a)
  const actor = input.actor
  const today = deps.clock()
  const result: GenerateCampaignsResult = { segments: [], campaigns: [], logged: 0, responses: 0, opportunities: 0, criteria: [] }

  // Done: a spring newsletter to the NEWSLETTER mailing group, logged months ago, with a few responses.
  const spring = await createCampaign(deps, actor, { description: 'Spring newsletter 2026', start: isoDate(daysFrom(today, -110)), end: isoDate(daysFrom(today, -80)), salespersonCode: 'SG' })
  const newsletter = await createSegment(deps, actor, { description: 'Newsletter readers with an email', campaignNo: spring.no, salespersonCode: 'SG' })
  await addToSegment(deps, actor, { no: newsletter.no, terms: ['mailing=NEWSLETTER'] })
  await refineSegment(deps, actor, { no: newsletter.no, terms: ['has:email'] })
  const springLog = await logSegment(deps, actor, { no: newsletter.no, templateCode: 'EMAIL-OUT', subject: 'Spring newsletter: new season, new prices', date: isoDate(daysFrom(today, -100)) })
  await setCampaignStatus(deps, actor, { no: spring.no, status: 'DONE' })

  // Active: the autumn offer to fishing companies and their people in Iceland and the UK, minus those mailed
  // in the last two weeks, logged ten days ago; responses, and opportunities from the best of them.
  const autumn = await createCampaign(deps, actor, { description: 'Autumn seafood offer 2026', start: isoDate(daysFrom(today, -14)), end: isoDate(daysFrom(today, 45)), salespersonCode: 'SG' })
  const fishing = await createSegment(deps, actor, { description: 'Fishing companies and their buyers, IS and GB', salespersonCode: 'SG' })
  await addToSegment(deps, actor, { no: fishing.no, terms: ['industry=FISHING', 'country=IS,GB', 'type=company'], expand: 'persons' })
  await removeFromSegment(deps, actor, { no: fishing.no, terms: ['interaction:EMAIL-OUT:14d'] })
  await refineSegment(deps, actor, { no: fishing.no, terms: ['has:email'] })
  await saveSegmentCriteria(deps, actor, { no: fishing.no, code: 'FISH-IS-GB', description: 'Fishing companies and buyers in Iceland and the UK with an email' })
  result.criteria.push('FISH-IS-GB')
  await linkSegmentToCampaign(deps, actor, { campaignNo: autumn.no, segmentNo: fishing.no })
  await setCampaignStatus(deps, actor, { no: autumn.no, status: 'ACTIVE' })
  const autumnLog = await logSegment(deps, actor, { no: fishing.no, templateCode: 'EMAIL-OUT', subject: 'Autumn offer: fresh cod and haddock', date: isoDate(daysFrom(today, -10)), followUp: true })

  const respond = async (campaignNo: string, segmentNo: string, share: number, daysAgo: number, subject: string) => {
    const targets = (await listSegmentContacts(deps, segmentNo, { limit: 1000 })).contacts
    // Þóra (CT000002) always answers the autumn offer: the tips show her.
    const chosen = targets.filter((c, i) => c.no === 'CT000002' || (i > 0 && rng() < share))
    for (const [i, c] of chosen.entries()) {
      await respondToCampaign(deps, actor, { campaignNo, contactNo: c.no, subject, date: isoDate(daysFrom(today, -daysAgo + (i % 3))) })
      result.responses++
    }
    return chosen
  }
  await respond(spring.no, newsletter.no, 0.2, 95, 'Re: Spring newsletter')
  const answered = await respond(autumn.no, fishing.no, 0.35, 8, 'Re: Autumn offer: fresh cod and haddock')
  for (const [i, c] of answered.slice(0, 4).entries()) {
    const opp = await createOpportunity(deps, actor, {
      contactNo: c.no,
      description: c.no === 'CT000002' ? 'Autumn cod, 20 tonnes' : 'Autumn offer order',
      estimatedValue: String((4 + Math.floor(rng() * 20)) * 1000),
      estimatedCloseDate: isoDate(daysFrom(today, 20 + i * 7)),
      campaignNo: autumn.no,
      segmentNo: fishing.no,
    })
    if (i === 3) await closeOpportunity(deps, actor, { no: opp.no, outcome: 'won', closeCode: 'WON-RELATION' })
    else if (i % 2 === 0) await moveOpportunityStage(deps, actor, { no: opp.no, to: 'next' })
    result.opportunities++
  }

  // Planned: a trade fair in Murmansk for Russian prospects; the segment is built but not logged yet.
  const fair = await createCampaign(deps, actor, { description: 'Murmansk seafood fair 2027', start: isoDate(daysFrom(today, 60)), end: isoDate(daysFrom(today, 63)), salespersonCode: 'EV' })
  const russia = await createSegment(deps, actor, { description: 'Russian prospects to invite', campaignNo: fair.no, salespersonCode: 'EV' })
  await addToSegment(deps, actor, { no: russia.no, terms: ['country=RU', 'relation=PROSPECT'] })
  await removeFromSegment(deps, actor, { no: russia.no, terms: ['opportunity:won'] })

  // No campaign: prospects without any opportunity yet, for the team to call.
  const quiet = await createSegment(deps, actor, { description: 'Prospects without an opportunity', salespersonCode: 'MB' })
  await addToSegment(deps, actor, { no: quiet.no, terms: ['relation=PROSPECT', 'no-opportunity:any'] })

  result.campaigns.push(spring.no, autumn.no, fair.no)
  result.segments.push(newsletter.no, fishing.no, ...(autumnLog.followUp ? [autumnLog.followUp.no] : []), russia.no, quiet.no)
  result.logged = springLog.logged + autumnLog.logged
  return result
}
