// The tables of the segment and campaign pages, built from core's read models by pure functions; the HTML and
// the CSV of a table come from the same rows.
import type { CampaignReport, CompositionRow, SegmentCampaignData, SegmentContactRow, SegmentReport, SegmentSummary } from '@crm/core'
import { messages as m } from './messages.ts'
import { campaignHref, segmentHref, slug } from './links.ts'
import { major, money, table, type Cell, type ReportTable } from './tables.ts'

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : null)
const minute = (iso: string) => iso.replace('T', ' ').slice(0, 16)
const rate = (pct: number | null) => (pct === null ? m.none : `${pct} %`)
const num = (label: string) => ({ label, numeric: true })
const text = (label: string) => ({ label })
const segmentLink = (no: string): Cell => ({ text: no, href: segmentHref(no) })
const campaignLink = (no: string | null): Cell => (no ? { text: no, href: campaignHref(no) } : null)

function logged(s: SegmentSummary): string | null {
  if (!s.loggedAt) return null
  return s.logCanceledAt ? `${day(s.loggedAt)} (${m.segments.logCanceled(day(s.logCanceledAt)!)})` : day(s.loggedAt)
}

/** The segments index: size, salesperson, campaign, created, last logged, logged interactions. */
export function segmentIndexTable(segments: readonly SegmentSummary[], id = 'segments'): ReportTable {
  const cols = [text(m.columns.segment), text(m.columns.description), num(m.columns.size), text(m.columns.salesperson), text(m.columns.campaign), text(m.columns.created), text(m.columns.lastLogged), num(m.columns.interactions)]
  return table(
    id, m.tables.segmentIndex.title, m.tables.segmentIndex.empty, cols,
    segments.map((s) => [segmentLink(s.no), s.description, s.lines, s.salespersonCode, campaignLink(s.campaignNo), day(s.createdAt), logged(s) ?? m.segments.notLogged, s.interactions]),
    segments.map((s) => [s.no, s.description, s.lines, s.salespersonCode ?? '', s.campaignNo ?? '', s.createdAt, s.loggedAt ?? '', s.interactions]),
  )
}

const contactColumns = [text(m.columns.no), text(m.columns.name), text(m.columns.company), text(m.columns.industry), text(m.columns.country), text(m.columns.salesperson)]
const contactCells = (c: SegmentContactRow): Array<string | null> => [c.no, c.name, c.company, c.industry, c.country, c.salesperson]

/** One page of a segment's contacts; the CSV id is the segment's, and the CSV holds every page. */
export function segmentContactsTable(s: SegmentReport, page: number): ReportTable {
  const rows = s.pages[page - 1] ?? []
  return table(`segment-${slug(s.no)}-contacts`, m.tables.segmentContacts.title, m.tables.segmentContacts.empty, contactColumns, rows.map(contactCells), rows.map((c) => contactCells(c).map((v) => v ?? '')))
}

/** Every contact of the segment, for its CSV file. */
export function segmentAllContactsTable(s: SegmentReport): ReportTable {
  const rows = s.pages.flat()
  return table(`segment-${slug(s.no)}-contacts`, m.tables.segmentContacts.title, m.tables.segmentContacts.empty, contactColumns, [], rows.map((c) => contactCells(c).map((v) => v ?? '')))
}

function compositionTable(id: string, t: { title: string; empty: string }, label: string, rows: CompositionRow[], lines: number, described = true): ReportTable {
  const share = (n: number) => (lines ? `${Math.round((n / lines) * 1000) / 10} %` : m.none)
  const description = (r: CompositionRow) => (described ? [r.description] : [])
  return table(
    id, t.title, t.empty, [text(label), ...(described ? [text(m.columns.description)] : []), num(m.columns.size), num(m.columns.share)],
    rows.map((r) => [r.code ?? m.noValue, ...description(r), r.count, share(r.count)]),
    rows.map((r) => [r.code ?? '', ...description(r).map((d) => d ?? ''), r.count, lines ? Math.round((r.count / lines) * 1000) / 10 : '']),
  )
}

function stepOptions(o: SegmentReport['steps'][number]['options']): string {
  const parts: string[] = []
  if (o.any) parts.push(m.stepOptions.any)
  if (o.allowExisting) parts.push(m.stepOptions.allowExisting)
  if (o.expand === 'companies') parts.push(m.stepOptions.companies)
  if (o.expand === 'persons') parts.push(m.stepOptions.persons)
  return parts.join(', ')
}

/** Composition, criteria history and logged interactions of a segment. */
export function segmentTables(s: SegmentReport, currency: string) {
  const id = (part: string) => `segment-${slug(s.no)}-${part}`
  const cur = (label: string) => `${label} (${currency})`
  return {
    industry: compositionTable(id('industry'), m.tables.segmentIndustry, m.columns.industry, s.composition.industry, s.lines),
    country: compositionTable(id('country'), m.tables.segmentCountry, m.columns.country, s.composition.country, s.lines, false),
    relation: compositionTable(id('relation'), m.tables.segmentRelation, m.columns.relation, s.composition.relation, s.lines),
    steps: table(
      id('steps'), m.tables.segmentSteps.title, m.tables.segmentSteps.empty,
      [num(m.columns.seq), text(m.columns.action), text(m.columns.criteria), text(m.columns.options), num(m.columns.added), num(m.columns.removed), text(m.columns.at), text(m.columns.actor), text(m.columns.undone)],
      s.steps.map((x) => [x.seq, m.steps[x.action] ?? x.action, x.criteria, stepOptions(x.options), x.added, x.removed, minute(x.at), x.actor, x.undone ? m.yes : m.no]),
      s.steps.map((x) => [x.seq, x.action, x.criteria, stepOptions(x.options), x.added, x.removed, x.at, x.actor ?? '', x.undone ? 'yes' : '']),
    ),
    interactions: table(
      id('interactions'), m.tables.segmentInteractions.title, m.tables.segmentInteractions.empty,
      [text(m.columns.template), text(m.columns.canceled), num(m.columns.interactions), num(cur(m.columns.cost)), num(m.columns.duration), text(m.columns.first), text(m.columns.last)],
      s.loggedInteractions.map((x) => [x.templateCode, x.canceled ? m.yes : m.no, x.count, money(x.costMinor, currency), x.durationMin, day(x.firstAt), day(x.lastAt)]),
      s.loggedInteractions.map((x) => [x.templateCode, x.canceled ? 'yes' : '', x.count, major(x.costMinor, currency), x.durationMin, x.firstAt, x.lastAt]),
    ),
  }
}

/** The campaigns index (or the active ones on the overview): status, dates, targets, response rate, value. */
export function campaignIndexTable(campaigns: readonly CampaignReport[], currency: string, id = 'campaigns', t: { title: string; empty: string } = m.tables.campaignIndex): ReportTable {
  const cur = (label: string) => `${label} (${currency})`
  return table(
    id, t.title, t.empty,
    [text(m.columns.campaign), text(m.columns.description), text(m.columns.status), text(m.columns.start), text(m.columns.end), num(m.columns.targets), num(m.columns.respondents), num(m.columns.responseRate), num(m.columns.count), num(cur(m.columns.estimated)), num(cur(m.columns.wonValue))],
    campaigns.map((c) => [campaignLink(c.no), c.description, c.statusDescription ?? c.status, c.startingDate, c.endingDate, c.totals.targets, c.totals.respondents, rate(c.totals.responseRatePct), c.totals.opportunities, money(c.totals.estimatedMinor, currency), money(c.totals.wonMinor, currency)]),
    campaigns.map((c) => [c.no, c.description, c.status, c.startingDate ?? '', c.endingDate ?? '', c.totals.targets, c.totals.respondents, c.totals.responseRatePct ?? '', c.totals.opportunities, major(c.totals.estimatedMinor, currency), major(c.totals.wonMinor, currency)]),
  )
}

/** Days from start to end, both included; null without both dates. */
export function campaignDays(c: { startingDate: string | null; endingDate: string | null }): number | null {
  if (!c.startingDate || !c.endingDate) return null
  return Math.round((Date.parse(c.endingDate) - Date.parse(c.startingDate)) / 86_400_000) + 1
}

/** Every table of a campaign page. */
export function campaignTables(c: CampaignReport, currency: string) {
  const id = (part: string) => `campaign-${slug(c.no)}-${part}`
  const cur = (label: string) => `${label} (${currency})`
  const t = c.totals
  const days = campaignDays(c)
  const stats: Array<[string, string | number, string | number]> = [
    [m.columns.targets, t.targets, t.targets],
    [m.columns.interactions, t.interactions, t.interactions],
    [m.columns.respondents, t.respondents, t.respondents],
    [m.columns.responseRate, rate(t.responseRatePct), t.responseRatePct ?? ''],
    [cur(m.columns.cost), money(t.costMinor, currency), major(t.costMinor, currency)],
    [m.columns.duration, t.durationMin, t.durationMin],
    [m.columns.campaignDuration, days === null ? m.none : m.campaigns.days(days), days ?? ''],
    [m.columns.count, t.opportunities, t.opportunities],
    [cur(m.columns.estimated), money(t.estimatedMinor, currency), major(t.estimatedMinor, currency)],
    [cur(m.columns.calculated), money(t.calculatedMinor, currency), major(t.calculatedMinor, currency)],
    [m.columns.wonCount, t.wonCount, t.wonCount],
    [cur(m.columns.wonValue), money(t.wonMinor, currency), major(t.wonMinor, currency)],
  ]
  const funnel: Array<[string, number]> = [
    [m.funnel.targeted, c.funnel.targeted],
    [m.funnel.responded, c.funnel.responded],
    [m.funnel.opportunity, c.funnel.opportunity],
    [m.funnel.won, c.funnel.won],
  ]
  const ofTargets = (n: number) => (c.funnel.targeted ? `${Math.round((n / c.funnel.targeted) * 1000) / 10} %` : m.none)
  return {
    totals: table(id('statistics'), m.tables.campaignTotals.title, m.tables.campaignTotals.empty, [text(m.columns.measure), num(m.columns.value)], stats.map(([k, v]) => [k, v]), stats.map(([k, , raw]) => [k, raw])),
    funnel: table(
      id('funnel'), m.tables.campaignFunnel.title, m.tables.campaignFunnel.empty, [text(m.columns.step), num(m.columns.size), num(m.columns.share)],
      funnel.map(([k, n]) => [k, n, ofTargets(n)]),
      funnel.map(([k, n]) => [k, n, c.funnel.targeted ? Math.round((n / c.funnel.targeted) * 1000) / 10 : '']),
    ),
    segments: segmentIndexTable(c.segments, id('segments')),
    templates: table(
      id('templates'), m.tables.campaignTemplates.title, m.tables.campaignTemplates.empty,
      [text(m.columns.template), text(m.columns.description), num(m.columns.interactions), num(m.columns.responses), num(cur(m.columns.cost)), num(m.columns.duration)],
      c.byTemplate.map((x) => [x.templateCode, x.description, x.count, x.responses, money(x.costMinor, currency), x.durationMin]),
      c.byTemplate.map((x) => [x.templateCode, x.description ?? '', x.count, x.responses, major(x.costMinor, currency), x.durationMin]),
    ),
    responses: table(
      id('responses'), m.tables.campaignResponses.title, m.tables.campaignResponses.empty,
      [text(m.columns.week), num(m.columns.responses), num(m.columns.newRespondents), num(m.columns.cumulative), num(m.columns.responseRate)],
      c.responsesByWeek.map((w) => [w.week, w.responses, w.newRespondents, w.cumulativeRespondents, rate(w.responseRatePct)]),
      c.responsesByWeek.map((w) => [w.week, w.responses, w.newRespondents, w.cumulativeRespondents, w.responseRatePct ?? '']),
    ),
    opportunities: table(
      id('opportunities'), m.tables.campaignOpportunities.title, m.tables.campaignOpportunities.empty,
      [text(m.columns.opportunity), text(m.columns.description), text(m.columns.contact), text(m.columns.salesperson), text(m.columns.status), num(cur(m.columns.estimated)), num(cur(m.columns.calculated)), num(cur(m.columns.wonValue)), text(m.columns.created)],
      c.opportunities.map((o) => [o.no, o.description, o.contactName ?? o.contactNo, o.salespersonCode, m.statuses[o.status] ?? o.status, money(o.estimatedMinor, currency), money(o.calculatedMinor, currency), money(o.wonMinor, currency), day(o.createdAt)]),
      c.opportunities.map((o) => [o.no, o.description, o.contactName ?? o.contactNo, o.salespersonCode ?? '', o.status, major(o.estimatedMinor, currency), major(o.calculatedMinor, currency), major(o.wonMinor, currency), o.createdAt]),
    ),
  }
}

/**
 * Every CSV file of the segment and campaign pages, each made only when written (a segment's contacts can be
 * many), so the build never holds all of them at once.
 */
export function marketingCsvTables(data: SegmentCampaignData, currency: string): Array<{ id: string; make: () => ReportTable }> {
  const out: Array<{ id: string; make: () => ReportTable }> = []
  const add = (make: () => ReportTable, id: string) => out.push({ id, make })
  add(() => segmentIndexTable(data.segments), 'segments')
  add(() => campaignIndexTable(data.campaigns, currency), 'campaigns')
  add(() => campaignIndexTable(data.campaigns.filter((c) => c.active), currency, 'active-campaigns', m.tables.activeCampaigns), 'active-campaigns')
  for (const s of data.segments) {
    add(() => segmentAllContactsTable(s), `segment-${slug(s.no)}-contacts`)
    for (const part of ['industry', 'country', 'relation', 'steps', 'interactions'] as const) add(() => segmentTables(s, currency)[part], `segment-${slug(s.no)}-${part}`)
  }
  for (const c of data.campaigns) {
    const parts = { totals: 'statistics', funnel: 'funnel', segments: 'segments', templates: 'templates', responses: 'responses', opportunities: 'opportunities' } as const
    for (const [part, name] of Object.entries(parts) as Array<[keyof typeof parts, string]>) add(() => campaignTables(c, currency)[part], `campaign-${slug(c.no)}-${name}`)
  }
  return out
}
