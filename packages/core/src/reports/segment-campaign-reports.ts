// Read models of the segment and campaign reports: every segment and campaign with what their pages show,
// read in a fixed number of grouped queries (never one per segment, campaign or line) and folded here.
import { campaigns as campaignQueries, reports, type OpportunityStatus, type SegmentStepRow } from '@crm/db'
import type { CoreDeps } from '../deps.ts'
import { isoWeekOf } from './reports.ts'
import type { SegmentAction, StepOptions } from '../segments/segments.ts'

export interface SegmentSummary {
  no: string
  description: string
  salespersonCode: string | null
  campaignNo: string | null
  createdAt: string
  /** When the segment was logged (null: never); a canceled log keeps its date and sets logCanceledAt. */
  loggedAt: string | null
  logCanceledAt: string | null
  followUpOf: string | null
  lines: number
  /** Live interactions logged for the segment and the date of the latest one. */
  interactions: number
  lastInteractionAt: string | null
}

export interface SegmentContactRow {
  no: string
  name: string
  type: string
  company: string | null
  /** Industry groups of the contact, or of its company for a person, comma-separated; null when none. */
  industry: string | null
  country: string | null
  salesperson: string | null
}

export interface CompositionRow {
  /** null: lines without a value (no country, no industry group, no business relation). */
  code: string | null
  description: string | null
  count: number
}

export interface SegmentStepReport {
  seq: number
  action: SegmentAction
  criteria: string
  options: StepOptions
  added: number
  removed: number
  at: string
  actor: string | null
  undone: boolean
}

export interface SegmentInteractionRow {
  templateCode: string
  canceled: boolean
  count: number
  costMinor: number
  durationMin: number
  firstAt: string
  lastAt: string
}

export interface SegmentReport extends SegmentSummary {
  /** The contacts in line order, cut into pages of `pageSize` (one empty page for an empty segment). */
  pages: SegmentContactRow[][]
  composition: { industry: CompositionRow[]; country: CompositionRow[]; relation: CompositionRow[] }
  steps: SegmentStepReport[]
  loggedInteractions: SegmentInteractionRow[]
}

export interface CampaignTotalsReport {
  /** Distinct contacts in the campaign's segments. */
  targets: number
  interactions: number
  /** Distinct contacts with a live response. */
  respondents: number
  /** Respondents / targets in percent, one decimal; null without targets. */
  responseRatePct: number | null
  costMinor: number
  durationMin: number
  opportunities: number
  estimatedMinor: number
  /** Calculated current value of the open opportunities. */
  calculatedMinor: number
  wonCount: number
  wonMinor: number
}

export interface CampaignTemplateRow {
  templateCode: string
  description: string | null
  count: number
  responses: number
  costMinor: number
  durationMin: number
}

export interface CampaignWeekRow {
  week: string
  responses: number
  newRespondents: number
  cumulativeRespondents: number
  /** Cumulative respondents / targets in percent, one decimal; null without targets. */
  responseRatePct: number | null
}

export interface CampaignOpportunity {
  no: string
  description: string
  contactNo: string
  contactName: string | null
  salespersonCode: string | null
  status: OpportunityStatus
  estimatedMinor: number
  /** Calculated current value while open; 0 once closed (as in the campaign statistics). */
  calculatedMinor: number
  /** The estimated value of a won opportunity; 0 otherwise. */
  wonMinor: number
  createdAt: string
}

export interface CampaignFunnel {
  targeted: number
  responded: number
  /** Distinct contacts with an opportunity linked to the campaign. */
  opportunity: number
  /** Distinct contacts with a won opportunity linked to the campaign. */
  won: number
}

export interface CampaignSummary {
  no: string
  description: string
  status: string
  statusDescription: string | null
  /** The status counts as running (campaign_statuses.active). */
  active: boolean
  startingDate: string | null
  endingDate: string | null
  salespersonCode: string | null
  createdAt: string
  totals: CampaignTotalsReport
}

export interface CampaignReport extends CampaignSummary {
  segments: SegmentSummary[]
  byTemplate: CampaignTemplateRow[]
  responsesByWeek: CampaignWeekRow[]
  opportunities: CampaignOpportunity[]
  funnel: CampaignFunnel
}

export interface SegmentCampaignData {
  pageSize: number
  segments: SegmentReport[]
  campaigns: CampaignReport[]
}

const pct = (part: number, whole: number) => (whole ? Math.round((part / whole) * 1000) / 10 : null)

function groupBy<T, K>(rows: readonly T[], key: (row: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>()
  for (const r of rows) {
    const k = key(r)
    const list = out.get(k)
    if (list) list.push(r)
    else out.set(k, [r])
  }
  return out
}

function toStep(row: SegmentStepRow): SegmentStepReport {
  return {
    seq: row.seq,
    action: row.action,
    criteria: row.criteria,
    options: row.options ? (JSON.parse(row.options) as StepOptions) : {},
    added: row.added,
    removed: row.removed,
    at: row.at,
    actor: row.actor,
    undone: row.undone_at !== null,
  }
}

/** Lines per code (a line with several codes counts in each), by code, with a last row (code null) for lines with none. */
function countBy(lines: readonly SegmentContactRow[], codes: (c: SegmentContactRow) => readonly string[], names: Map<string, string>): CompositionRow[] {
  const counts = new Map<string, number>()
  let none = 0
  for (const line of lines) {
    const list = codes(line)
    if (list.length === 0) none++
    for (const code of list) counts.set(code, (counts.get(code) ?? 0) + 1)
  }
  const rows: CompositionRow[] = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([code, count]) => ({ code, description: names.get(code) ?? null, count }))
  if (none) rows.push({ code: null, description: null, count: none })
  return rows
}

/**
 * Every segment (index facts, contacts in pages, composition, criteria history, logged interactions) and every
 * campaign (statistics, segments, interactions by template, responses over time, opportunities, funnel), read
 * in a fixed number of set-based queries. `pageSize` (default 500) cuts each segment's contacts into pages.
 */
export async function loadSegmentCampaignData(deps: CoreDeps, options: { pageSize?: number } = {}): Promise<SegmentCampaignData> {
  const db = deps.database.db
  const pageSize = Math.max(1, Math.floor(options.pageSize ?? 500))

  const index = await reports.listSegmentIndex(db)
  const summaries: SegmentSummary[] = index.map((r) => ({
    no: r.no,
    description: r.description,
    salespersonCode: r.salesperson_code,
    campaignNo: r.campaign_no,
    createdAt: r.created_at,
    loggedAt: r.logged_at,
    logCanceledAt: r.log_canceled_at,
    followUpOf: r.follow_up_of,
    lines: r.lines,
    interactions: r.interactions,
    lastInteractionAt: r.last_interaction_at,
  }))

  // Each contact is read once and shared by every segment it is in; lines are (segment, contact) in line order.
  // Composition is counted from the same facts the contact lists show, so the two always agree.
  const codesOf = async (kind: 'industry' | 'relation') => {
    const out = new Map<string, string[]>()
    for (const r of await reports.listSegmentContactCodes(db, kind)) {
      const list = out.get(r.contact_no)
      if (list) list.push(r.code)
      else out.set(r.contact_no, [r.code])
    }
    return out
  }
  const industryCodes = await codesOf('industry')
  const relationCodes = await codesOf('relation')
  const describe = async (kind: 'industry' | 'relation') => new Map((await reports.listCodeDescriptions(db, kind)).map((c) => [c.code, c.description]))
  const industryNames = await describe('industry')
  const relationNames = await describe('relation')
  const contactsByNo = new Map<string, SegmentContactRow>()
  for (const c of await reports.listSegmentContacts(db)) {
    contactsByNo.set(c.no, { no: c.no, name: c.name, type: c.type, company: c.company_name, industry: industryCodes.get(c.no)?.join(', ') ?? null, country: c.country_code, salesperson: c.salesperson_code })
  }
  const linesBySegment = new Map<string, SegmentContactRow[]>()
  for (const l of await reports.listAllSegmentLines(db)) {
    const contact = contactsByNo.get(l.contact_no)
    if (!contact) continue
    const list = linesBySegment.get(l.segment_no)
    if (list) list.push(contact)
    else linesBySegment.set(l.segment_no, [contact])
  }
  const steps = groupBy(await reports.listAllSegmentSteps(db), (s) => s.segment_no)
  const segmentInteractions = groupBy(await reports.listSegmentInteractionCells(db), (c) => c.segment_no)

  const segments: SegmentReport[] = summaries.map((s) => {
    const contacts = linesBySegment.get(s.no) ?? []
    const pages: SegmentContactRow[][] = []
    for (let i = 0; i < contacts.length; i += pageSize) pages.push(contacts.slice(i, i + pageSize))
    if (pages.length === 0) pages.push([])
    return {
      ...s,
      pages,
      composition: {
        industry: countBy(contacts, (c) => industryCodes.get(c.no) ?? [], industryNames),
        country: countBy(contacts, (c) => (c.country ? [c.country] : []), new Map()),
        relation: countBy(contacts, (c) => relationCodes.get(c.no) ?? [], relationNames),
      },
      steps: (steps.get(s.no) ?? []).map(toStep),
      loggedInteractions: (segmentInteractions.get(s.no) ?? []).map((c) => ({
        templateCode: c.template_code,
        canceled: c.canceled === 1,
        count: c.count,
        costMinor: c.cost_minor,
        durationMin: c.duration_min,
        firstAt: c.first_at,
        lastAt: c.last_at,
      })),
    }
  })

  const campaignRows = await reports.listCampaignIndex(db)
  const totals = await campaignQueries.totals(db, campaignRows.map((c) => c.no))
  const templates = groupBy(await reports.listCampaignTemplateCells(db), (c) => c.campaign_no)
  const responseDays = groupBy(await reports.listCampaignResponseDays(db), (c) => c.campaign_no)
  const opportunities = groupBy(await reports.listCampaignOpportunities(db), (o) => o.campaign_no)
  const segmentsByCampaign = groupBy(summaries.filter((s) => s.campaignNo !== null), (s) => s.campaignNo!)

  const campaigns: CampaignReport[] = campaignRows.map((c) => {
    const t = totals.get(c.no)!
    const opps: CampaignOpportunity[] = (opportunities.get(c.no) ?? []).map((o) => {
      const open = o.status === 'not_started' || o.status === 'in_progress'
      return {
        no: o.no,
        description: o.description,
        contactNo: o.contact_no,
        contactName: o.contact_name,
        salespersonCode: o.salesperson_code,
        status: o.status,
        estimatedMinor: o.estimated_value_minor,
        calculatedMinor: open ? o.calculated_value_minor : 0,
        wonMinor: o.status === 'won' ? o.estimated_value_minor : 0,
        createdAt: o.created_at,
      }
    })
    const weeks = new Map<string, CampaignWeekRow>()
    let cumulative = 0
    for (const d of responseDays.get(c.no) ?? []) {
      const week = isoWeekOf(d.day)
      if (!weeks.has(week)) weeks.set(week, { week, responses: 0, newRespondents: 0, cumulativeRespondents: 0, responseRatePct: null })
      const w = weeks.get(week)!
      w.responses += d.responses
      w.newRespondents += d.new_respondents
      cumulative += d.new_respondents
      w.cumulativeRespondents = cumulative
      w.responseRatePct = pct(cumulative, t.targets)
    }
    const totalsReport: CampaignTotalsReport = {
      targets: t.targets,
      interactions: t.interactions,
      respondents: t.respondents,
      responseRatePct: pct(t.respondents, t.targets),
      costMinor: t.costMinor,
      durationMin: t.durationMin,
      opportunities: t.opportunities,
      estimatedMinor: t.estimatedMinor,
      calculatedMinor: t.calculatedMinor,
      wonCount: opps.filter((o) => o.status === 'won').length,
      wonMinor: t.wonMinor,
    }
    return {
      no: c.no,
      description: c.description,
      status: c.status_code,
      statusDescription: c.status_description,
      active: c.status_active === 1,
      startingDate: c.starting_date,
      endingDate: c.ending_date,
      salespersonCode: c.salesperson_code,
      createdAt: c.created_at,
      totals: totalsReport,
      segments: segmentsByCampaign.get(c.no) ?? [],
      byTemplate: (templates.get(c.no) ?? []).map((x) => ({ templateCode: x.template_code, description: x.template_description, count: x.count, responses: x.responses, costMinor: x.cost_minor, durationMin: x.duration_min })),
      responsesByWeek: [...weeks.values()],
      opportunities: opps,
      funnel: {
        targeted: t.targets,
        responded: t.respondents,
        opportunity: new Set(opps.map((o) => o.contactNo)).size,
        won: new Set(opps.filter((o) => o.status === 'won').map((o) => o.contactNo)).size,
      },
    }
  })
  return { pageSize, segments, campaigns }
}
