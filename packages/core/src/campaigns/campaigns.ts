// Campaigns: a description, dates, a status from a configurable list, a salesperson and linked segments; the
// targets are the contacts logged for it (and, until a segment is logged, the contacts of that segment). Responses are interactions with the campaign link and the response
// flag. Statistics are aggregate SQL over any number of campaigns.
import { campaigns as campaignQueries, numberSeries, segments as segmentQueries, setup as setupQueries, type CampaignRow, type CampaignTotals, type Executor } from '@crm/db'
import type { Actor, CoreDeps } from '../deps.ts'
import { DomainError, invalidField } from '../errors.ts'
import { parseDate } from '../dates.ts'
import { toMajor } from '../money.ts'
import { cleanText } from '../text/normalize.ts'
import { resolveSalesperson } from '../salespeople/salespeople.ts'
import { logInteraction } from '../interactions/interactions.ts'
import { requireSegment } from '../segments/segments.ts'

export interface Campaign {
  no: string
  description: string
  status: string
  startingDate: string | null
  endingDate: string | null
  salespersonCode: string | null
  createdAt: string
}

export interface CampaignStatistics {
  campaignNo: string
  currency: string
  /** Contacts logged for the campaign, plus those of linked segments not logged yet. */
  targets: number
  /** Contacts of the linked segments, logged or not. */
  segmentContacts: number
  interactions: number
  /** Distinct targets who responded. */
  responses: number
  /** Distinct contacts who responded without being targeted (not part of the rate). */
  otherResponses: number
  /** Responding targets / targets in percent, one decimal (never above 100); null without targets. */
  responseRatePct: number | null
  cost: number
  costMinor: number
  durationMin: number
  opportunities: number
  estimatedValue: number
  calculatedValue: number
  wonValue: number
  /** The same values in minor units, for exact formatting. */
  estimatedValueMinor: number
  calculatedValueMinor: number
  wonValueMinor: number
}

function toCampaign(row: CampaignRow): Campaign {
  return { no: row.no, description: row.description, status: row.status_code, startingDate: row.starting_date, endingDate: row.ending_date, salespersonCode: row.salesperson_code, createdAt: row.created_at }
}

const key = (v: string) => v.trim().toUpperCase()

export async function requireCampaign(db: Executor, no: string): Promise<CampaignRow> {
  const row = await campaignQueries.find(db, key(no))
  if (!row) throw new DomainError('CAMPAIGN_NOT_FOUND', `There is no campaign ${key(no)}. See them with: campaign list`, { field: 'campaign' })
  return row
}

async function requireStatus(db: Executor, status: string): Promise<string> {
  const code = key(status)
  const statuses = await campaignQueries.listStatuses(db)
  if (!statuses.some((s) => s.code === code)) throw invalidField('status', `There is no campaign status ${code}. Statuses: ${statuses.map((s) => s.code).join(', ')}.`, 'campaign status CP0001 ACTIVE')
  return code
}

function dates(start: string | undefined, end: string | undefined, current: { start: string | null; end: string | null } = { start: null, end: null }) {
  const startingDate = start === undefined ? current.start : start === '' ? null : parseDate(start, 'start')
  const endingDate = end === undefined ? current.end : end === '' ? null : parseDate(end, 'end')
  if (startingDate && endingDate && endingDate < startingDate) throw invalidField('end', `The campaign ends (${endingDate}) before it starts (${startingDate}).`, '--start 2026-12-01 --end 2026-12-31')
  return { startingDate, endingDate }
}

export interface CreateCampaignInput {
  description: string
  status?: string
  start?: string
  end?: string
  salespersonCode?: string
}

/** Creates a campaign numbered from the CAMPAIGN series (status PLANNED unless given). */
export async function createCampaign(deps: CoreDeps, actor: Actor, input: CreateCampaignInput): Promise<Campaign> {
  const now = deps.clock().toISOString()
  return deps.database.db.transaction().execute(async (trx) => {
    const description = cleanText(input.description)
    if (!description) throw invalidField('description', 'Describe the campaign.', 'campaign new "Autumn offer 2026" --start 2026-10-01 --end 2026-11-30')
    if ([...description].length > 100) throw invalidField('description', `The description is ${[...description].length} characters long; at most 100 are allowed.`)
    const status = await requireStatus(trx, input.status ?? 'PLANNED')
    const { startingDate, endingDate } = dates(input.start, input.end)
    const salesperson = await resolveSalesperson(trx, actor, input.salespersonCode)
    const no = await numberSeries.takeNext(trx, 'CAMPAIGN', now)
    await campaignQueries.insert(trx, { no, description, status_code: status, starting_date: startingDate, ending_date: endingDate, salesperson_code: salesperson, created_at: now, modified_at: now })
    return toCampaign((await campaignQueries.find(trx, no))!)
  })
}

/** Changes a campaign's status, and optionally its dates. */
export async function setCampaignStatus(deps: CoreDeps, _actor: Actor, input: { no: string; status: string; start?: string; end?: string }): Promise<Campaign> {
  const now = deps.clock().toISOString()
  return deps.database.db.transaction().execute(async (trx) => {
    const row = await requireCampaign(trx, input.no)
    const status = await requireStatus(trx, input.status)
    const { startingDate, endingDate } = dates(input.start, input.end, { start: row.starting_date, end: row.ending_date })
    await campaignQueries.update(trx, row.no, { status_code: status, starting_date: startingDate, ending_date: endingDate, modified_at: now })
    return toCampaign((await campaignQueries.find(trx, row.no))!)
  })
}

/** Links a segment to a campaign (its contacts become targets; logging it links the entries). */
export async function linkSegmentToCampaign(deps: CoreDeps, _actor: Actor, input: { campaignNo: string; segmentNo: string }) {
  return deps.database.db.transaction().execute(async (trx) => {
    const campaign = await requireCampaign(trx, input.campaignNo)
    const segment = await requireSegment(trx, input.segmentNo)
    if (segment.campaign_no && segment.campaign_no !== campaign.no) {
      throw new DomainError('SEGMENT_IN_OTHER_CAMPAIGN', `Segment ${segment.no} belongs to campaign ${segment.campaign_no}; a segment serves one campaign.`, { field: 'segment' })
    }
    if (segment.logged_at && !segment.log_canceled_at && segment.campaign_no !== campaign.no) {
      throw new DomainError('SEGMENT_LOGGED', `Segment ${segment.no} is already logged without a campaign; link a follow-up segment instead.`, { field: 'segment' })
    }
    await segmentQueries.update(trx, segment.no, { campaign_no: campaign.no })
    return { campaign: toCampaign(campaign), segments: await campaignQueries.linkedSegments(trx, campaign.no) }
  })
}

/** Records a contact's response: an interaction with the campaign link and the response flag. */
export async function respondToCampaign(deps: CoreDeps, actor: Actor, input: { campaignNo: string; contactNo: string; templateCode?: string; subject?: string; date?: string; note?: string }) {
  const campaign = await requireCampaign(deps.database.db, input.campaignNo)
  const result = await logInteraction(deps, actor, {
    contactNo: input.contactNo,
    templateCode: input.templateCode ?? (await setupQueries.get(deps.database.db)).template_response,
    subject: cleanText(input.subject) || `Response to ${campaign.no} ${campaign.description}`.slice(0, 100),
    campaignNo: campaign.no,
    campaignResponse: true,
    ...(input.date ? { date: input.date } : {}),
    ...(input.note ? { note: input.note } : {}),
  })
  return { campaign: toCampaign(campaign), interaction: result.interaction }
}

function statistics(no: string, t: CampaignTotals, currency: string): CampaignStatistics {
  return {
    campaignNo: no,
    currency,
    targets: t.targets,
    segmentContacts: t.segmentContacts,
    interactions: t.interactions,
    responses: t.respondents,
    otherResponses: t.otherRespondents,
    responseRatePct: t.targets ? Math.round((t.respondents / t.targets) * 1000) / 10 : null,
    cost: toMajor(t.costMinor, currency),
    costMinor: t.costMinor,
    durationMin: t.durationMin,
    opportunities: t.opportunities,
    estimatedValue: toMajor(t.estimatedMinor, currency),
    calculatedValue: toMajor(t.calculatedMinor, currency),
    wonValue: toMajor(t.wonMinor, currency),
    estimatedValueMinor: t.estimatedMinor,
    calculatedValueMinor: t.calculatedMinor,
    wonValueMinor: t.wonMinor,
  }
}

/** Statistics of one campaign (SQL aggregates). */
export async function getCampaignStatistics(deps: CoreDeps, no: string): Promise<CampaignStatistics> {
  const db = deps.database.db
  const campaign = await requireCampaign(db, no)
  const currency = (await setupQueries.get(db)).currency_code
  return statistics(campaign.no, (await campaignQueries.totals(db, [campaign.no])).get(campaign.no)!, currency)
}

/** A campaign with its segments, statistics and interactions by template. */
export async function getCampaignDetails(deps: CoreDeps, no: string) {
  const db = deps.database.db
  const campaign = await requireCampaign(db, no)
  return {
    campaign: toCampaign(campaign),
    segments: await campaignQueries.linkedSegments(db, campaign.no),
    statistics: await getCampaignStatistics(deps, campaign.no),
    byTemplate: await campaignQueries.interactionsByTemplate(db, campaign.no),
  }
}

/** Campaigns (optionally of one status) with their statistics, in five queries whatever their number. */
export async function listCampaigns(deps: CoreDeps, filter: { status?: string } = {}) {
  const db = deps.database.db
  const status = filter.status ? await requireStatus(db, filter.status) : undefined
  const rows = await campaignQueries.list(db, status ? { status } : {})
  const currency = (await setupQueries.get(db)).currency_code
  const totals = await campaignQueries.totals(db, rows.map((r) => r.no))
  return rows.map((r) => ({ ...toCampaign(r), statistics: statistics(r.no, totals.get(r.no)!, currency) }))
}

/** The configurable list of campaign statuses. */
export async function listCampaignStatuses(deps: CoreDeps) {
  return (await campaignQueries.listStatuses(deps.database.db)).map((s) => ({ code: s.code, description: s.description, sortOrder: s.sort_order, active: s.active === 1 }))
}

/** Adds or changes a campaign status. */
export async function saveCampaignStatus(deps: CoreDeps, _actor: Actor, input: { code: string; description: string; sortOrder?: number; active?: boolean }) {
  const code = key(input.code)
  if (!/^[A-Z0-9][A-Z0-9_-]{0,19}$/.test(code)) throw invalidField('code', `"${input.code}" is not a status code: up to 20 letters, digits, - and _.`, 'setup campaign-status PAUSED "Paused"')
  const description = cleanText(input.description)
  if (!description) throw invalidField('description', 'Describe the status.', 'setup campaign-status PAUSED "Paused"')
  await campaignQueries.upsertStatus(deps.database.db, { code, description, sort_order: input.sortOrder ?? 99, active: input.active ? 1 : 0 })
  return listCampaignStatuses(deps)
}
