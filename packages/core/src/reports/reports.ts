import { reports, salespeople, setup as setupQueries, type Channel } from '@crm/db'
import type { CoreDeps } from '../deps.ts'
import { CHANNELS } from '../interactions/interactions.ts'

/** A half-open period of calendar days [from, to) as YYYY-MM-DD. */
export interface ReportPeriod {
  from: string
  to: string
}

export interface MoneyTotals {
  count: number
  estimatedMinor: number
  calculatedMinor: number
}

export interface StageRow extends MoneyTotals {
  cycleCode: string
  stage: number | null
  stageDescription: string | null
}

export interface MonthRow extends MoneyTotals {
  /** YYYY-MM, or null for opportunities without an estimated close date. */
  month: string | null
}

export interface SalespersonPipelineRow extends MoneyTotals {
  salespersonCode: string | null
}

export interface WonLost {
  won: { count: number; estimatedMinor: number }
  lost: { count: number; estimatedMinor: number }
  /** Won / (won + lost) in percent, one decimal; null when nothing closed. */
  winRatePct: number | null
}

export interface WeekRow {
  /** ISO week, e.g. 2026-W47. */
  week: string
  byChannel: Record<Channel, number>
  total: number
}

export interface StaleOpportunity {
  no: string
  description: string
  contactNo: string
  contactName: string | null
  salespersonCode: string | null
  cycleCode: string
  stage: number | null
  estimatedMinor: number
  calculatedMinor: number
  lastStageChangeAt: string
  daysSinceChange: number
}

export interface SalespersonActivityRow {
  /** null collects what has no salesperson. */
  code: string | null
  name: string | null
  interactions: number
  durationMin: number
  opportunitiesCreated: number
  won: number
  lost: number
  wonMinor: number
  openCount: number
  openCalculatedMinor: number
}

export interface MonthActivity {
  interactions: number
  opportunitiesCreated: number
  won: number
}

export interface SalespersonMonthsRow {
  /** null collects what has no salesperson. */
  code: string | null
  name: string | null
  /** One entry per month of ActivityByMonth.months, in the same order. */
  months: MonthActivity[]
  total: MonthActivity
}

export interface ActivityByMonth {
  /** The calendar months shown, oldest first (YYYY-MM); the last is the current month up to today. */
  months: string[]
  rows: SalespersonMonthsRow[]
}

export interface ReportData {
  generatedAt: string
  currency: string
  period: ReportPeriod
  staleDays: number
  contacts: { total: number; companies: number; persons: number }
  pipeline: MoneyTotals
  pipelineByStage: StageRow[]
  forecastByMonth: MonthRow[]
  pipelineBySalesperson: SalespersonPipelineRow[]
  wonLost: WonLost
  interactionsByWeek: WeekRow[]
  interactionsByChannel: Record<Channel, number>
  staleOpportunities: StaleOpportunity[]
  salespersonActivity: SalespersonActivityRow[]
  activityByMonth: ActivityByMonth
}

export interface ReportOptions {
  /** Length of the activity period ending today (default 90 days). */
  periodDays?: number
  /** An open opportunity is stale after this many days without a stage change (default 30). */
  staleDays?: number
  /** At most this many stale opportunities are listed (default 200). */
  staleLimit?: number
  /** Calendar months of the per-month salesperson activity, the current one included (default 12). */
  activityMonths?: number
}

const DAY = 86_400_000

/** The ISO-8601 week (Monday start, week 1 holds the first Thursday) of a YYYY-MM-DD day, e.g. "2026-W47". */
export function isoWeekOf(day: string): string {
  const d = new Date(`${day.slice(0, 10)}T00:00:00Z`)
  const weekday = (d.getUTCDay() + 6) % 7
  const thursday = new Date(d.getTime() + (3 - weekday) * DAY)
  const year = thursday.getUTCFullYear()
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / (7 * DAY))
  return `${year}-W${String(week).padStart(2, '0')}`
}

/** The period of `days` calendar days that ends with (and includes) the day of `now`. */
export function periodEndingAt(now: Date, days: number): ReportPeriod {
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY
  return { from: new Date(end - days * DAY).toISOString().slice(0, 10), to: new Date(end).toISOString().slice(0, 10) }
}

function emptyChannels(): Record<Channel, number> {
  return Object.fromEntries(CHANNELS.map((c) => [c, 0])) as Record<Channel, number>
}

function addTotals(into: MoneyTotals, from: MoneyTotals): void {
  into.count += from.count
  into.estimatedMinor += from.estimatedMinor
  into.calculatedMinor += from.calculatedMinor
}

/** Open pipeline by stage, close month and salesperson, from one grouped query; totals are sums of the cells. */
export async function getPipelineReport(deps: CoreDeps) {
  const cells = await reports.listPipelineCells(deps.database.db)
  const total: MoneyTotals = { count: 0, estimatedMinor: 0, calculatedMinor: 0 }
  const byStage = new Map<string, StageRow>()
  const byMonth = new Map<string | null, MonthRow>()
  const bySalesperson = new Map<string | null, SalespersonPipelineRow>()
  for (const c of cells) {
    const t = { count: c.count, estimatedMinor: c.estimated_minor, calculatedMinor: c.calculated_minor }
    addTotals(total, t)
    const stageKey = `${c.cycle_code}\u0000${c.stage ?? ''}`
    if (!byStage.has(stageKey)) byStage.set(stageKey, { cycleCode: c.cycle_code, stage: c.stage, stageDescription: c.stage_description, count: 0, estimatedMinor: 0, calculatedMinor: 0 })
    addTotals(byStage.get(stageKey)!, t)
    if (!byMonth.has(c.close_month)) byMonth.set(c.close_month, { month: c.close_month, count: 0, estimatedMinor: 0, calculatedMinor: 0 })
    addTotals(byMonth.get(c.close_month)!, t)
    if (!bySalesperson.has(c.salesperson_code)) bySalesperson.set(c.salesperson_code, { salespersonCode: c.salesperson_code, count: 0, estimatedMinor: 0, calculatedMinor: 0 })
    addTotals(bySalesperson.get(c.salesperson_code)!, t)
  }
  const nullsLast = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1)
  return {
    total,
    byStage: [...byStage.values()].sort((a, b) => nullsLast(a.cycleCode, b.cycleCode) || (a.stage ?? -1) - (b.stage ?? -1)),
    byMonth: [...byMonth.values()].sort((a, b) => nullsLast(a.month, b.month)),
    bySalesperson: [...bySalesperson.values()].sort((a, b) => nullsLast(a.salespersonCode, b.salespersonCode)),
  }
}

/** Opportunities won and lost with a close date in the period, with the win rate by count. */
export async function getWonLost(deps: CoreDeps, period: ReportPeriod): Promise<WonLost> {
  const cells = await reports.listClosedCells(deps.database.db, period.from, period.to)
  const out: WonLost = { won: { count: 0, estimatedMinor: 0 }, lost: { count: 0, estimatedMinor: 0 }, winRatePct: null }
  for (const c of cells) {
    out[c.status].count += c.count
    out[c.status].estimatedMinor += c.estimated_minor
  }
  const closed = out.won.count + out.lost.count
  out.winRatePct = closed ? Math.round((out.won.count / closed) * 1000) / 10 : null
  return out
}

/** Live interactions of the period per ISO week and channel; weeks without interactions are listed as zero. */
export async function getInteractionsByWeek(deps: CoreDeps, period: ReportPeriod): Promise<WeekRow[]> {
  const cells = await reports.listInteractionDayCells(deps.database.db, period.from, period.to)
  const weeks = new Map<string, WeekRow>()
  for (let t = Date.parse(`${period.from}T00:00:00Z`); t < Date.parse(`${period.to}T00:00:00Z`); t += DAY) {
    const week = isoWeekOf(new Date(t).toISOString())
    if (!weeks.has(week)) weeks.set(week, { week, byChannel: emptyChannels(), total: 0 })
  }
  for (const c of cells) {
    const row = weeks.get(isoWeekOf(c.day))
    if (!row) continue
    const channel = (CHANNELS as readonly string[]).includes(c.channel) ? (c.channel as Channel) : 'other'
    row.byChannel[channel] += c.count
    row.total += c.count
  }
  return [...weeks.values()]
}

/** Open opportunities without a stage change in `staleDays` days before `now`, longest-waiting first. */
export async function getStaleOpportunities(deps: CoreDeps, now: Date, staleDays: number, limit = 200): Promise<StaleOpportunity[]> {
  const before = new Date(now.getTime() - staleDays * DAY).toISOString()
  const rows = await reports.listStaleOpportunities(deps.database.db, before, limit)
  return rows.map((r) => ({
    no: r.no,
    description: r.description,
    contactNo: r.contact_no,
    contactName: r.contact_name,
    salespersonCode: r.salesperson_code,
    cycleCode: r.cycle_code,
    stage: r.stage,
    estimatedMinor: Number(r.estimated_value_minor),
    calculatedMinor: Number(r.calculated_value_minor),
    lastStageChangeAt: r.last_stage_change_at,
    daysSinceChange: Math.floor((now.getTime() - Date.parse(r.last_stage_change_at)) / DAY),
  }))
}

/**
 * Per salesperson (every salesperson, plus a row for work without one when there is any): interactions and
 * their duration, opportunities created, won and lost in the period, and the open pipeline now.
 */
export async function getSalespersonActivity(deps: CoreDeps, period: ReportPeriod, openBySalesperson: SalespersonPipelineRow[]): Promise<SalespersonActivityRow[]> {
  const db = deps.database.db
  const people = await salespeople.list(db)
  const rows = new Map<string | null, SalespersonActivityRow>()
  const row = (code: string | null) => {
    if (!rows.has(code)) rows.set(code, { code, name: null, interactions: 0, durationMin: 0, opportunitiesCreated: 0, won: 0, lost: 0, wonMinor: 0, openCount: 0, openCalculatedMinor: 0 })
    return rows.get(code)!
  }
  for (const p of people) row(p.code).name = p.name
  for (const c of await reports.listInteractionDayCells(db, period.from, period.to)) {
    const r = row(c.salesperson_code)
    r.interactions += c.count
    r.durationMin += c.duration_min
  }
  for (const c of await reports.listCreatedCells(db, period.from, period.to)) row(c.salesperson_code).opportunitiesCreated += c.count
  for (const c of await reports.listClosedCells(db, period.from, period.to)) {
    const r = row(c.salesperson_code)
    r[c.status] += c.count
    if (c.status === 'won') r.wonMinor += c.estimated_minor
  }
  for (const o of openBySalesperson) {
    const r = row(o.salespersonCode)
    r.openCount += o.count
    r.openCalculatedMinor += o.calculatedMinor
  }
  return [...rows.values()].sort((a, b) => (a.code === b.code ? 0 : a.code === null ? 1 : b.code === null ? -1 : a.code < b.code ? -1 : 1))
}

/** The `count` calendar months (YYYY-MM) that end with the month of `now`, oldest first. */
export function monthsEndingAt(now: Date, count: number): string[] {
  const months: string[] = []
  for (let i = count - 1; i >= 0; i--) months.push(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1)).toISOString().slice(0, 7))
  return months
}

/**
 * Per salesperson (every salesperson, plus a row for work without one when there is any) and calendar month:
 * live interactions, opportunities created and opportunities won, from one grouped query over the months up to
 * the end of `to` (the current month counts up to today).
 */
export async function getActivityByMonth(deps: CoreDeps, now: Date, monthCount: number, to: string): Promise<ActivityByMonth> {
  const db = deps.database.db
  const months = monthsEndingAt(now, monthCount)
  const index = new Map(months.map((m, i) => [m, i]))
  const zero = (): MonthActivity => ({ interactions: 0, opportunitiesCreated: 0, won: 0 })
  const rows = new Map<string | null, SalespersonMonthsRow>()
  const row = (code: string | null) => {
    if (!rows.has(code)) rows.set(code, { code, name: null, months: months.map(zero), total: zero() })
    return rows.get(code)!
  }
  for (const p of await salespeople.list(db)) row(p.code).name = p.name
  for (const c of await reports.listActivityMonthCells(db, `${months[0]}-01`, to)) {
    const i = index.get(c.month)
    if (i === undefined) continue
    const r = row(c.salesperson_code)
    for (const into of [r.months[i]!, r.total]) {
      into.interactions += c.interactions
      into.opportunitiesCreated += c.created
      into.won += c.won
    }
  }
  const sorted = [...rows.values()].sort((a, b) => (a.code === b.code ? 0 : a.code === null ? 1 : b.code === null ? -1 : a.code < b.code ? -1 : 1))
  return { months, rows: sorted }
}

/** Live contacts by type. */
export async function getContactCounts(deps: CoreDeps): Promise<{ total: number; companies: number; persons: number }> {
  const rows = await reports.countContactsByType(deps.database.db)
  const of = (type: string) => rows.find((r) => r.type === type)?.count ?? 0
  return { total: of('company') + of('person'), companies: of('company'), persons: of('person') }
}

/** Everything the reports site shows, read at one moment; plain data, safe to hand to any renderer. */
export async function loadReportData(deps: CoreDeps, options: ReportOptions = {}): Promise<ReportData> {
  const now = deps.clock()
  const periodDays = options.periodDays ?? 90
  const staleDays = options.staleDays ?? 30
  const period = periodEndingAt(now, periodDays)
  const setup = await setupQueries.get(deps.database.db)
  const pipeline = await getPipelineReport(deps)
  const interactionsByWeek = await getInteractionsByWeek(deps, period)
  const interactionsByChannel = emptyChannels()
  for (const w of interactionsByWeek) for (const c of CHANNELS) interactionsByChannel[c] += w.byChannel[c]
  return {
    generatedAt: now.toISOString(),
    currency: setup.currency_code,
    period,
    staleDays,
    contacts: await getContactCounts(deps),
    pipeline: pipeline.total,
    pipelineByStage: pipeline.byStage,
    forecastByMonth: pipeline.byMonth,
    pipelineBySalesperson: pipeline.bySalesperson,
    wonLost: await getWonLost(deps, period),
    interactionsByWeek,
    interactionsByChannel,
    staleOpportunities: await getStaleOpportunities(deps, now, staleDays, options.staleLimit),
    salespersonActivity: await getSalespersonActivity(deps, period, pipeline.bySalesperson),
    activityByMonth: await getActivityByMonth(deps, now, options.activityMonths ?? 12, period.to),
  }
}
