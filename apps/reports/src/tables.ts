import { CHANNELS, formatMoney, type ReportData } from '@crm/core'
import { messages as m } from './messages.ts'

/** A cell: text, a number, nothing, or text linking to another page of the site. */
export type Cell = string | number | null | { text: string; href: string }

/** One report table: shown as HTML and written as CSV from the same rows, so both always agree. */
export interface ReportTable {
  /** File name of the CSV (without .csv) and the HTML id. */
  id: string
  title: string
  empty: string
  columns: Array<{ label: string; numeric?: boolean }>
  /** Display rows (formatted) and raw rows (for CSV: integers and codes, no thousands separators). */
  rows: Cell[][]
  raw: Array<Array<string | number | null>>
}

export const money = (minor: number, currency: string) => formatMoney(minor, currency)
export const major = (minor: number, currency: string) => formatMoney(minor, currency).replace(/,/g, '')

export function table(id: string, title: string, empty: string, columns: ReportTable['columns'], rows: Cell[][], raw: ReportTable['raw']): ReportTable {
  return { id, title, empty, columns, rows, raw }
}

/** Every table of the site, built from the report data by pure functions. */
export function buildTables(r: ReportData) {
  const c = r.currency
  const cur = (label: string) => `${label} (${c})`
  const stageLabel = (s: { stage: number | null; stageDescription: string | null }) => (s.stage === null ? m.notStarted : `${s.stage} ${s.stageDescription ?? ''}`.trim())
  const person = (code: string | null) => code ?? m.noSalesperson
  const moneyColumns = [{ label: m.columns.count, numeric: true }, { label: cur(m.columns.estimated), numeric: true }, { label: cur(m.columns.calculated), numeric: true }]

  const pipelineByStage = table(
    'pipeline-by-stage', m.tables.pipelineByStage.title, m.tables.pipelineByStage.empty,
    [{ label: m.columns.cycle }, { label: m.columns.stage }, ...moneyColumns],
    r.pipelineByStage.map((s) => [s.cycleCode, stageLabel(s), s.count, money(s.estimatedMinor, c), money(s.calculatedMinor, c)]),
    r.pipelineByStage.map((s) => [s.cycleCode, s.stage === null ? '' : `${s.stage} ${s.stageDescription ?? ''}`.trim(), s.count, major(s.estimatedMinor, c), major(s.calculatedMinor, c)]),
  )
  const forecastByMonth = table(
    'forecast-by-month', m.tables.forecastByMonth.title, m.tables.forecastByMonth.empty,
    [{ label: m.columns.month }, ...moneyColumns],
    r.forecastByMonth.map((x) => [x.month ?? m.noCloseDate, x.count, money(x.estimatedMinor, c), money(x.calculatedMinor, c)]),
    r.forecastByMonth.map((x) => [x.month ?? '', x.count, major(x.estimatedMinor, c), major(x.calculatedMinor, c)]),
  )
  const pipelineBySalesperson = table(
    'pipeline-by-salesperson', m.tables.pipelineBySalesperson.title, m.tables.pipelineBySalesperson.empty,
    [{ label: m.columns.salesperson }, ...moneyColumns],
    r.pipelineBySalesperson.map((x) => [person(x.salespersonCode), x.count, money(x.estimatedMinor, c), money(x.calculatedMinor, c)]),
    r.pipelineBySalesperson.map((x) => [x.salespersonCode ?? '', x.count, major(x.estimatedMinor, c), major(x.calculatedMinor, c)]),
  )
  const closed = r.wonLost.won.count + r.wonLost.lost.count
  const outcomes = (['won', 'lost'] as const).map((o) => ({ o, ...r.wonLost[o] }))
  const wonLost = table(
    'won-lost', m.tables.wonLost.title, m.tables.wonLost.empty,
    [{ label: m.columns.outcome }, { label: m.columns.count, numeric: true }, { label: cur(m.columns.estimated), numeric: true }],
    closed ? outcomes.map((x) => [m.outcomes[x.o], x.count, money(x.estimatedMinor, c)]) : [],
    closed ? outcomes.map((x) => [x.o, x.count, major(x.estimatedMinor, c)]) : [],
  )
  const anyInteraction = r.interactionsByWeek.some((w) => w.total > 0)
  const interactionsByWeek = table(
    'interactions-by-week', m.tables.interactionsByWeek.title, m.tables.interactionsByWeek.empty,
    [{ label: m.columns.week }, ...CHANNELS.map((ch) => ({ label: m.channels[ch], numeric: true })), { label: m.columns.total, numeric: true }],
    anyInteraction ? r.interactionsByWeek.map((w) => [w.week, ...CHANNELS.map((ch) => w.byChannel[ch]), w.total]) : [],
    anyInteraction ? r.interactionsByWeek.map((w) => [w.week, ...CHANNELS.map((ch) => w.byChannel[ch]), w.total]) : [],
  )
  const staleOpportunities = table(
    'stale-opportunities', m.tables.staleOpportunities.title(r.staleDays), m.tables.staleOpportunities.empty,
    [{ label: m.columns.opportunity }, { label: m.columns.description }, { label: m.columns.contact }, { label: m.columns.salesperson }, { label: m.columns.stage }, { label: cur(m.columns.estimated), numeric: true }, { label: m.columns.lastChange }, { label: m.columns.days, numeric: true }],
    r.staleOpportunities.map((o) => [o.no, o.description, o.contactName ?? o.contactNo, person(o.salespersonCode), o.stage ?? m.notStarted, money(o.estimatedMinor, c), o.lastStageChangeAt.slice(0, 10), o.daysSinceChange]),
    r.staleOpportunities.map((o) => [o.no, o.description, o.contactName ?? o.contactNo, o.salespersonCode ?? '', o.stage, major(o.estimatedMinor, c), o.lastStageChangeAt, o.daysSinceChange]),
  )
  const salespersonActivity = table(
    'salesperson-activity', m.tables.salespersonActivity.title, m.tables.salespersonActivity.empty,
    [
      { label: m.columns.salesperson }, { label: m.columns.salespersonName }, { label: m.columns.interactions, numeric: true }, { label: m.columns.minutes, numeric: true },
      { label: m.columns.created, numeric: true }, { label: m.columns.wonCount, numeric: true }, { label: m.columns.lostCount, numeric: true }, { label: cur(m.columns.wonValue), numeric: true },
      { label: m.columns.openCount, numeric: true }, { label: cur(m.columns.openCalculated), numeric: true },
    ],
    r.salespersonActivity.map((s) => [person(s.code), s.name ?? m.none, s.interactions, s.durationMin, s.opportunitiesCreated, s.won, s.lost, money(s.wonMinor, c), s.openCount, money(s.openCalculatedMinor, c)]),
    r.salespersonActivity.map((s) => [s.code ?? '', s.name ?? '', s.interactions, s.durationMin, s.opportunitiesCreated, s.won, s.lost, major(s.wonMinor, c), s.openCount, major(s.openCalculatedMinor, c)]),
  )
  const measures = (['interactions', 'opportunitiesCreated', 'won'] as const)
  const byMonth = r.activityByMonth
  const activityByMonth = table(
    'activity-by-month', m.tables.activityByMonth.title(byMonth.months.length), m.tables.activityByMonth.empty,
    [{ label: m.columns.salesperson }, { label: m.columns.measure }, ...byMonth.months.map((month) => ({ label: month, numeric: true })), { label: m.columns.total, numeric: true }],
    byMonth.rows.flatMap((s) => measures.map((k) => [person(s.code), m.activityMeasures[k], ...s.months.map((x) => x[k]), s.total[k]])),
    byMonth.rows.flatMap((s) => measures.map((k) => [s.code ?? '', k, ...s.months.map((x) => x[k]), s.total[k]])),
  )
  return { pipelineByStage, forecastByMonth, pipelineBySalesperson, wonLost, interactionsByWeek, staleOpportunities, salespersonActivity, activityByMonth }
}

export type TableId = keyof ReturnType<typeof buildTables>
