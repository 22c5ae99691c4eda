import {
  changeLog,
  contacts,
  numberSeries,
  opportunities,
  salespeople,
  setup as setupQueries,
  type Executor,
  type OpportunityEntryRow,
  type OpportunityRow,
  type OpportunityStatus,
  type SalesCycleRow,
  type SalesCycleStageRow,
} from '@crm/db'
import type { Actor, CoreDeps } from '../deps.ts'
import { daysBetween, parseDate } from '../dates.ts'
import { DomainError, invalidField } from '../errors.ts'
import { parseMoney, toMajor } from '../money.ts'
import { cleanText } from '../text/normalize.ts'
import { resolveSalesperson } from '../salespeople/salespeople.ts'

export const PRIORITIES = ['low', 'normal', 'high'] as const
export type Priority = (typeof PRIORITIES)[number]
export type ProbabilityCalculation = SalesCycleRow['probability_calc']

/** An opportunity as the domain shows it; money in major units and in minor units. */
export interface Opportunity {
  no: string
  description: string
  contactNo: string
  contactCompanyNo: string | null
  salespersonCode: string | null
  cycleCode: string
  stage: number | null
  stageDescription: string | null
  status: OpportunityStatus
  priority: Priority
  currency: string
  estimatedValue: number
  estimatedValueMinor: number
  chancePct: number
  completionPct: number
  probabilityPct: number
  calculatedValue: number
  calculatedValueMinor: number
  estimatedCloseDate: string | null
  closeCode: string | null
  closedAt: string | null
  campaignNo: string | null
  segmentNo: string | null
  lastStageChangeAt: string
  createdAt: string
}

export function toOpportunity(row: OpportunityRow, stageDescription: string | null = null): Opportunity {
  return {
    no: row.no,
    description: row.description,
    contactNo: row.contact_no,
    contactCompanyNo: row.contact_company_no,
    salespersonCode: row.salesperson_code,
    cycleCode: row.cycle_code,
    stage: row.current_stage,
    stageDescription,
    status: row.status,
    priority: row.priority,
    currency: row.currency_code,
    estimatedValue: toMajor(Number(row.estimated_value_minor), row.currency_code),
    estimatedValueMinor: Number(row.estimated_value_minor),
    chancePct: row.chance_pct,
    completionPct: row.completion_pct,
    probabilityPct: Number(row.probability_pct),
    calculatedValue: toMajor(Number(row.calculated_value_minor), row.currency_code),
    calculatedValueMinor: Number(row.calculated_value_minor),
    estimatedCloseDate: row.estimated_close_date,
    closeCode: row.close_code,
    closedAt: row.closed_at,
    campaignNo: row.campaign_no,
    segmentNo: row.segment_no,
    lastStageChangeAt: row.last_stage_change_at,
    createdAt: row.created_at,
  }
}

/** Probability % of a stage by the cycle's calculation (BC: multiply, add, chance only, completion only). */
export function probabilityOf(calc: ProbabilityCalculation, chancePct: number, completionPct: number): number {
  switch (calc) {
    case 'multiply':
      return (chancePct * completionPct) / 100
    case 'add':
      return (chancePct + completionPct) / 2
    case 'chance':
      return chancePct
    case 'completion':
      return completionPct
  }
}

/** Calculated current value = estimated value x probability %, rounded to whole minor units. */
export function calculatedValue(estimatedMinor: number, probabilityPct: number): number {
  return Math.round((estimatedMinor * probabilityPct) / 100)
}

async function requireOpportunity(db: Executor, no: string): Promise<OpportunityRow> {
  const key = no.trim().toUpperCase()
  const row = await opportunities.find(db, key)
  if (!row) throw new DomainError('OPPORTUNITY_NOT_FOUND', `There is no opportunity ${key}. See them with: opp list`, { field: 'opportunity' })
  return row
}

function requireOpen(row: OpportunityRow): void {
  if (row.status === 'won' || row.status === 'lost') {
    throw new DomainError('OPPORTUNITY_CLOSED', `${row.no} is closed as ${row.status}${row.close_code ? ` (${row.close_code})` : ''} and cannot change; reopen it first: opp reopen ${row.no}`)
  }
}

async function requireCycle(db: Executor, code: string): Promise<{ cycle: SalesCycleRow; stages: SalesCycleStageRow[] }> {
  const key = code.trim().toUpperCase()
  const cycle = await opportunities.findCycle(db, key)
  if (!cycle) {
    const known = (await opportunities.listCycles(db)).map((c) => c.code)
    throw invalidField('cycle', `There is no sales cycle ${key}. Cycles: ${known.join(', ')}.`, '--cycle STANDARD')
  }
  const stages = await opportunities.listStages(db, key)
  return { cycle, stages }
}

interface EntryChange {
  action: 'first' | 'next' | 'previous' | 'jump' | 'update' | 'won' | 'lost' | 'reopen' | 'create'
  stage: SalesCycleStageRow | null
  status: OpportunityStatus
  estimatedMinor: number
  chancePct?: number
  completionPct?: number
  closeDate: string | null
  closeCode?: string | null
  note?: string | null
}

/** Writes the opportunity's new state and its active entry (every change leaves one). */
async function applyChange(db: Executor, actor: Actor, row: OpportunityRow, cycle: SalesCycleRow, change: EntryChange, now: string): Promise<OpportunityRow> {
  const chance = change.chancePct ?? change.stage?.chance_pct ?? row.chance_pct
  const completion = change.completionPct ?? change.stage?.completion_pct ?? row.completion_pct
  let probability = change.stage ? probabilityOf(cycle.probability_calc, chance, completion) : Number(row.probability_pct)
  if (change.status === 'won') probability = 100
  if (change.status === 'lost') probability = 0
  const calculated = calculatedValue(change.estimatedMinor, probability)
  const stageNo = change.stage?.stage ?? row.current_stage
  const stageChanged = stageNo !== row.current_stage || change.status !== row.status
  await opportunities.update(db, row.no, {
    current_stage: stageNo,
    status: change.status,
    estimated_value_minor: change.estimatedMinor,
    chance_pct: chance,
    completion_pct: completion,
    probability_pct: probability,
    calculated_value_minor: calculated,
    estimated_close_date: change.closeDate,
    close_code: change.closeCode === undefined ? row.close_code : change.closeCode,
    closed_at: change.status === 'won' || change.status === 'lost' ? now : null,
    last_stage_change_at: stageChanged ? now : row.last_stage_change_at,
    modified_at: now,
  })
  await opportunities.insertActiveEntry(db, {
    opportunity_no: row.no,
    action: change.action,
    stage: stageNo,
    status: change.status,
    at: now,
    actor: actor.id,
    estimated_value_minor: change.estimatedMinor,
    chance_pct: chance,
    completion_pct: completion,
    probability_pct: probability,
    calculated_value_minor: calculated,
    estimated_close_date: change.closeDate,
    close_code: change.closeCode ?? null,
    days_open: daysBetween(row.created_at, now),
    active: 1,
    note: change.note ?? null,
  })
  return (await opportunities.find(db, row.no))!
}

export interface CreateOpportunityInput {
  description: string
  contactNo: string
  salespersonCode?: string
  cycleCode?: string
  estimatedValue?: string
  estimatedCloseDate?: string
  priority?: string
  campaignNo?: string
  segmentNo?: string
  /** Leave it "not started" instead of activating the first stage. */
  draft?: boolean
}

/**
 * Creates an opportunity numbered from the OPPORTUNITY series on a sales cycle (setup default unless given)
 * and, unless it is a draft, activates the cycle's first stage.
 */
export async function createOpportunity(deps: CoreDeps, actor: Actor, input: CreateOpportunityInput): Promise<Opportunity> {
  const now = deps.clock().toISOString()
  const row = await deps.database.db.transaction().execute(async (trx) => {
    const description = cleanText(input.description)
    if (!description) throw invalidField('description', 'Describe the opportunity.', 'opp new CT000002 "50 t of cod for 2027"')
    if ([...description].length > 100) throw invalidField('description', `The description is ${[...description].length} characters long; at most 100 are allowed.`)
    const contactNo = input.contactNo.trim().toUpperCase()
    const contact = await contacts.find(trx, contactNo)
    if (!contact || contact.erased_at) throw new DomainError('CONTACT_NOT_FOUND', `There is no contact ${contactNo}. Find the number with: contact find <name>`, { field: 'contact' })
    if (contact.privacy_blocked) throw new DomainError('PRIVACY_BLOCKED', `${contact.no} (${contact.name}) is privacy blocked and cannot be used in new opportunities.`, { field: 'contact' })
    const setup = await setupQueries.get(trx)
    const cycleCode = input.cycleCode ?? setup.default_sales_cycle_code
    if (!cycleCode) throw invalidField('cycle', 'Give a sales cycle; the setup has no default.', '--cycle STANDARD')
    const { cycle, stages } = await requireCycle(trx, cycleCode)
    if (cycle.blocked) throw invalidField('cycle', `Sales cycle ${cycle.code} is blocked.`)
    if (stages.length === 0) throw invalidField('cycle', `Sales cycle ${cycle.code} has no stages yet.`)
    const salesperson = await resolveSalesperson(trx, actor, input.salespersonCode, contact.salesperson_code)
    const estimated = input.estimatedValue !== undefined ? parseMoney(input.estimatedValue, setup.currency_code, 'value') : 0
    if (estimated < 0) throw invalidField('value', 'The estimated value cannot be negative.', '--value 10000')
    const closeDate = input.estimatedCloseDate ? parseDate(input.estimatedCloseDate, 'close-date') : null
    const priority = (input.priority?.trim().toLowerCase() ?? 'normal') as Priority
    if (!PRIORITIES.includes(priority)) throw invalidField('priority', `The priority is low, normal or high, not "${input.priority}".`, '--priority high')
    const code = (v: string | undefined) => (v === undefined ? null : v.trim().toUpperCase())
    const campaignNo = code(input.campaignNo)
    if (campaignNo && !(await trx.selectFrom('campaigns').select('no').where('no', '=', campaignNo).executeTakeFirst())) {
      throw invalidField('campaign', `There is no campaign ${campaignNo}. See them with: campaign list`, '--campaign CP0001')
    }
    const segmentNo = code(input.segmentNo)
    if (segmentNo && !(await trx.selectFrom('segments').select('no').where('no', '=', segmentNo).executeTakeFirst())) {
      throw invalidField('segment', `There is no segment ${segmentNo}. See them with: segment list`, '--segment SG00001')
    }
    const no = await numberSeries.takeNext(trx, 'OPPORTUNITY', now)
    await opportunities.insert(trx, {
      no,
      description,
      contact_no: contact.no,
      contact_company_no: contact.type === 'person' ? contact.company_no : null,
      salesperson_code: salesperson,
      cycle_code: cycle.code,
      current_stage: null,
      status: 'not_started',
      priority,
      currency_code: setup.currency_code,
      estimated_value_minor: estimated,
      chance_pct: 0,
      completion_pct: 0,
      probability_pct: 0,
      calculated_value_minor: 0,
      estimated_close_date: closeDate,
      close_code: null,
      closed_at: null,
      campaign_no: campaignNo,
      segment_no: segmentNo,
      last_stage_change_at: now,
      created_at: now,
      modified_at: now,
    })
    let row = (await opportunities.find(trx, no))!
    row = input.draft
      ? await applyChange(trx, actor, row, cycle, { action: 'create', stage: null, status: 'not_started', estimatedMinor: estimated, closeDate }, now)
      : await applyChange(trx, actor, row, cycle, { action: 'first', stage: stages[0]!, status: 'in_progress', estimatedMinor: estimated, closeDate }, now)
    return row
  })
  return describe(deps.database.db, row)
}

async function describe(db: Executor, row: OpportunityRow): Promise<Opportunity> {
  const stage = row.current_stage === null ? undefined : (await opportunities.listStages(db, row.cycle_code)).find((s) => s.stage === row.current_stage)
  return toOpportunity(row, stage?.description ?? null)
}

export interface MoveStageInput {
  no: string
  /** 'next', 'previous', or a stage number to jump to. */
  to: 'next' | 'previous' | number
  /** A quote reference, needed to enter a stage marked "quote required". */
  quote?: string
  note?: string
}

/**
 * Moves an open opportunity through its cycle: "next" (a not-started one activates the first stage),
 * "previous", or a jump to a stage number; jumping forward over a stage is only allowed where that stage
 * allows skipping. Entering a stage that requires a quote needs a quote reference.
 */
export async function moveOpportunityStage(deps: CoreDeps, actor: Actor, input: MoveStageInput): Promise<Opportunity> {
  const now = deps.clock().toISOString()
  const row = await deps.database.db.transaction().execute(async (trx) => {
    const opp = await requireOpportunity(trx, input.no)
    requireOpen(opp)
    const { cycle, stages } = await requireCycle(trx, opp.cycle_code)
    const index = opp.current_stage === null ? -1 : stages.findIndex((s) => s.stage === opp.current_stage)
    let target: SalesCycleStageRow | undefined
    let action: EntryChange['action']
    if (input.to === 'next') {
      target = stages[index + 1]
      action = index < 0 ? 'first' : 'next'
      if (!target) throw new DomainError('NO_NEXT_STAGE', `${opp.no} is at the last stage (${stages[index]?.description}); close it as won or lost: opp close ${opp.no} won <code>`)
    } else if (input.to === 'previous') {
      if (index <= 0) throw new DomainError('NO_PREVIOUS_STAGE', `${opp.no} is ${index < 0 ? 'not started' : 'at the first stage'}; there is no previous stage.`)
      target = stages[index - 1]
      action = 'previous'
    } else {
      const wanted = input.to
      target = stages.find((s) => s.stage === wanted)
      if (!target) throw invalidField('stage', `Sales cycle ${cycle.code} has no stage ${wanted}. Stages: ${stages.map((s) => `${s.stage} ${s.description}`).join(', ')}.`)
      if (target.stage === opp.current_stage) throw new DomainError('SAME_STAGE', `${opp.no} is already at stage ${target.stage} (${target.description}).`)
      const targetIndex = stages.indexOf(target)
      const skipped = stages.slice(index + 1, targetIndex).filter((s) => !s.allow_skip)
      if (skipped.length) {
        throw new DomainError('SKIP_NOT_ALLOWED', `Stage ${skipped.map((s) => `${s.stage} (${s.description})`).join(', ')} cannot be skipped; move with "opp next ${opp.no}" instead.`, { field: 'stage' })
      }
      action = index < 0 && targetIndex === 0 ? 'first' : 'jump'
    }
    if (target!.quote_required && !cleanText(input.quote) && stages.indexOf(target!) > index) {
      throw invalidField('quote', `Stage ${target!.stage} (${target!.description}) requires a quote; give its reference.`, `opp next ${opp.no} --quote Q-2026-001`)
    }
    const note = [cleanText(input.quote) ? `quote ${cleanText(input.quote)}` : null, cleanText(input.note)].filter(Boolean).join('; ') || null
    return applyChange(trx, actor, opp, cycle, { action, stage: target!, status: 'in_progress', estimatedMinor: Number(opp.estimated_value_minor), closeDate: opp.estimated_close_date, note }, now)
  })
  return describe(deps.database.db, row)
}

export interface UpdateOpportunityInput {
  no: string
  estimatedValue?: string
  estimatedCloseDate?: string
  chancePct?: number
  completionPct?: number
  priority?: string
  description?: string
  salespersonCode?: string
}

/** Changes values of an open opportunity; value changes write an "update" entry and recalculate the current value. */
export async function updateOpportunity(deps: CoreDeps, actor: Actor, input: UpdateOpportunityInput): Promise<Opportunity> {
  const now = deps.clock().toISOString()
  const row = await deps.database.db.transaction().execute(async (trx) => {
    const opp = await requireOpportunity(trx, input.no)
    requireOpen(opp)
    const { cycle, stages } = await requireCycle(trx, opp.cycle_code)
    const pct = (v: number | undefined, field: string) => {
      if (v !== undefined && (!Number.isInteger(v) || v < 0 || v > 100)) throw invalidField(field, `--${field} is a whole percent from 0 to 100, not ${v}.`, `--${field} 50`)
      return v
    }
    const chance = pct(input.chancePct, 'chance')
    const completion = pct(input.completionPct, 'completion')
    const patch: Record<string, unknown> = {}
    if (input.description !== undefined) {
      const d = cleanText(input.description)
      if (!d) throw invalidField('description', 'The description cannot be empty.')
      patch.description = d
    }
    if (input.priority !== undefined) {
      const p = input.priority.trim().toLowerCase()
      if (!(PRIORITIES as readonly string[]).includes(p)) throw invalidField('priority', `The priority is low, normal or high, not "${input.priority}".`)
      patch.priority = p
    }
    if (input.salespersonCode !== undefined) {
      const s = input.salespersonCode.trim().toUpperCase()
      if (!(await salespeople.find(trx, s))) throw invalidField('salesperson', `There is no salesperson ${s}.`)
      patch.salesperson_code = s
    }
    const currency = opp.currency_code
    const estimated = input.estimatedValue !== undefined ? parseMoney(input.estimatedValue, currency, 'value') : Number(opp.estimated_value_minor)
    if (estimated < 0) throw invalidField('value', 'The estimated value cannot be negative.', '--value 10000')
    const closeDate = input.estimatedCloseDate !== undefined ? (input.estimatedCloseDate.trim() ? parseDate(input.estimatedCloseDate, 'close-date') : null) : opp.estimated_close_date
    const valuesChanged = input.estimatedValue !== undefined || input.estimatedCloseDate !== undefined || chance !== undefined || completion !== undefined
    if (!valuesChanged && Object.keys(patch).length === 0) {
      throw invalidField('opportunity', `Nothing to change on ${opp.no}: give --value, --close-date, --chance, --completion, --priority, --description or --salesperson.`)
    }
    if (Object.keys(patch).length) await opportunities.update(trx, opp.no, { ...patch, modified_at: now })
    const current = (await opportunities.find(trx, opp.no))!
    if (!valuesChanged) return current
    if ((chance !== undefined || completion !== undefined) && current.current_stage === null) {
      throw invalidField('chance', `${opp.no} is not started; chance and completion come with a stage (opp next ${opp.no}).`)
    }
    const stage = stages.find((s) => s.stage === current.current_stage) ?? null
    return applyChange(trx, actor, current, cycle, {
      action: 'update',
      stage,
      status: current.status,
      estimatedMinor: estimated,
      ...(chance !== undefined ? { chancePct: chance } : { chancePct: current.chance_pct }),
      ...(completion !== undefined ? { completionPct: completion } : { completionPct: current.completion_pct }),
      closeDate,
    }, now)
  })
  return describe(deps.database.db, row)
}

/** Closes an open opportunity as won or lost; a close code of the matching type is required. */
export async function closeOpportunity(deps: CoreDeps, actor: Actor, input: { no: string; outcome: 'won' | 'lost'; closeCode?: string; note?: string }): Promise<Opportunity> {
  const now = deps.clock().toISOString()
  const row = await deps.database.db.transaction().execute(async (trx) => {
    const opp = await requireOpportunity(trx, input.no)
    requireOpen(opp)
    const codes = await opportunities.listCloseCodes(trx, input.outcome)
    const code = input.closeCode?.trim().toUpperCase()
    if (!code) throw invalidField('code', `Closing as ${input.outcome} needs a close code: ${codes.map((c) => c.code).join(', ')}.`, `opp close ${opp.no} ${input.outcome} ${codes[0]?.code ?? 'CODE'}`)
    const found = await opportunities.findCloseCode(trx, code)
    if (!found || found.type !== input.outcome) {
      throw invalidField('code', `${code} is not a ${input.outcome} close code. ${input.outcome === 'won' ? 'Won' : 'Lost'} codes: ${codes.map((c) => c.code).join(', ')}.`, `opp close ${opp.no} ${input.outcome} ${codes[0]?.code ?? 'CODE'}`)
    }
    const { cycle, stages } = await requireCycle(trx, opp.cycle_code)
    const stage = stages.find((s) => s.stage === opp.current_stage) ?? null
    return applyChange(trx, actor, opp, cycle, { action: input.outcome, stage, status: input.outcome, estimatedMinor: Number(opp.estimated_value_minor), chancePct: opp.chance_pct, completionPct: opp.completion_pct, closeDate: opp.estimated_close_date, closeCode: code, note: cleanText(input.note) }, now)
  })
  return describe(deps.database.db, row)
}

/** Reopens a closed opportunity at the stage it had, explicitly and with a logged entry. */
export async function reopenOpportunity(deps: CoreDeps, actor: Actor, no: string, note?: string): Promise<Opportunity> {
  const now = deps.clock().toISOString()
  const row = await deps.database.db.transaction().execute(async (trx) => {
    const opp = await requireOpportunity(trx, no)
    if (opp.status !== 'won' && opp.status !== 'lost') throw new DomainError('NOT_CLOSED', `${opp.no} is not closed; only won or lost opportunities can be reopened.`)
    const { cycle, stages } = await requireCycle(trx, opp.cycle_code)
    const stage = stages.find((s) => s.stage === opp.current_stage) ?? stages[0] ?? null
    const reopened = await applyChange(trx, actor, opp, cycle, { action: 'reopen', stage, status: 'in_progress', estimatedMinor: Number(opp.estimated_value_minor), closeDate: opp.estimated_close_date, closeCode: null, note: cleanText(note) }, now)
    await changeLog.insert(trx, { at: now, actor: actor.id, entity: 'opportunity', entityNo: opp.no, action: 'reopen', details: { was: opp.status, closeCode: opp.close_code } })
    return reopened
  })
  return describe(deps.database.db, row)
}

/** An opportunity with its cycle's stages and every entry. */
export async function getOpportunityDetails(deps: CoreDeps, no: string) {
  const db = deps.database.db
  const row = await requireOpportunity(db, no)
  const stages = await opportunities.listStages(db, row.cycle_code)
  const entries = await opportunities.listEntries(db, row.no)
  const contact = await contacts.find(db, row.contact_no)
  return {
    opportunity: toOpportunity(row, stages.find((s) => s.stage === row.current_stage)?.description ?? null),
    contactName: contact?.name ?? null,
    stages: stages.map(toStage),
    entries: entries.map((e) => toOpportunityEntry(e, row.currency_code)),
  }
}

/** A stage of a sales cycle as views and JSON show it. */
export function toStage(s: SalesCycleStageRow) {
  return { stage: s.stage, description: s.description, completionPct: s.completion_pct, chancePct: s.chance_pct, quoteRequired: s.quote_required === 1, allowSkip: s.allow_skip === 1, activityCode: s.activity_code }
}

/** One entry of an opportunity's history (a stage move, an update, the close) as the JSON output shows it. */
export function toOpportunityEntry(e: OpportunityEntryRow, currency: string) {
  return {
    action: e.action,
    stage: e.stage,
    status: e.status,
    at: e.at,
    actor: e.actor,
    estimatedValue: toMajor(Number(e.estimated_value_minor), currency),
    chancePct: e.chance_pct,
    completionPct: e.completion_pct,
    probabilityPct: Number(e.probability_pct),
    calculatedValue: toMajor(Number(e.calculated_value_minor), currency),
    estimatedCloseDate: e.estimated_close_date,
    closeCode: e.close_code,
    daysOpen: e.days_open,
    active: e.active === 1,
    note: e.note,
  }
}

export interface ListOpportunitiesInput {
  salespersonCode?: string
  stage?: number
  status?: string
  closeFrom?: string
  closeTo?: string
  contactNo?: string
  limit?: number
  offset?: number
}

const STATUS_WORDS: Record<string, OpportunityStatus[]> = {
  open: ['not_started', 'in_progress'],
  'not-started': ['not_started'],
  'in-progress': ['in_progress'],
  won: ['won'],
  lost: ['lost'],
  closed: ['won', 'lost'],
  all: [],
}

/** A close-date range as typed: each end a valid date, and the start not after the end. */
function closeRange(input: { closeFrom?: string; closeTo?: string }): { closeFrom?: string; closeTo?: string } {
  const closeFrom = input.closeFrom ? parseDate(input.closeFrom, 'from') : undefined
  const closeTo = input.closeTo ? parseDate(input.closeTo, 'to') : undefined
  if (closeFrom && closeTo && closeFrom > closeTo) throw invalidField('to', `The period ends (${closeTo}) before it starts (${closeFrom}).`, '--from 2026-12-01 --to 2026-12-31')
  return { ...(closeFrom ? { closeFrom } : {}), ...(closeTo ? { closeTo } : {}) }
}

/** A salesperson code given as a filter must exist, so a typo is not read as "nobody's". */
async function requireSalespersonFilter(db: Executor, code: string | undefined): Promise<string | undefined> {
  if (!code?.trim()) return undefined
  const key = code.trim().toUpperCase()
  if (!(await salespeople.find(db, key))) {
    const known = (await salespeople.list(db)).map((s) => s.code)
    throw invalidField('salesperson', `There is no salesperson ${key}. Salespeople: ${known.join(', ') || '(none yet)'}.`, '--salesperson JD')
  }
  return key
}

/** Opportunities filtered by salesperson, stage, status and close date range (open ones by default). */
export async function listOpportunities(deps: CoreDeps, input: ListOpportunitiesInput) {
  const db = deps.database.db
  const status = (input.status ?? 'open').trim().toLowerCase()
  const statuses = Object.hasOwn(STATUS_WORDS, status) ? STATUS_WORDS[status] : undefined
  if (!statuses) throw invalidField('status', `The status is one of ${Object.keys(STATUS_WORDS).join(', ')}, not "${input.status}".`, '--status won')
  if (input.limit !== undefined && input.limit < 1) throw invalidField('limit', `--limit is how many to show: 1 or more, not ${input.limit}.`, '--limit 20')
  if (input.stage !== undefined && (!Number.isInteger(input.stage) || input.stage < 1)) throw invalidField('stage', `--stage is a stage number (1, 2, ...), not ${input.stage}.`, '--stage 2')
  if (input.stage !== undefined) {
    const max = await db.selectFrom('sales_cycle_stages').select((eb) => eb.fn.max('stage').as('n')).executeTakeFirst()
    if (input.stage > Number(max?.n ?? 0)) throw invalidField('stage', `No sales cycle has a stage ${input.stage}; stages go from 1 to ${Number(max?.n ?? 0)}. See them with: setup cycles.`, '--stage 2')
  }
  const limit = Math.min(input.limit ?? 50, 1000)
  const offset = Math.max(input.offset ?? 0, 0)
  const salespersonCode = await requireSalespersonFilter(db, input.salespersonCode)
  let contactNo: string | undefined
  if (input.contactNo?.trim()) {
    contactNo = input.contactNo.trim().toUpperCase()
    if (!(await contacts.find(db, contactNo))) throw invalidField('contact', `There is no contact ${contactNo}. Find the number with: contact find <name>.`, '--contact CT000002')
  }
  const filter = {
    ...(salespersonCode ? { salespersonCode } : {}),
    ...(input.stage !== undefined ? { stage: input.stage } : {}),
    ...(statuses.length ? { statuses } : {}),
    ...closeRange(input),
    ...(contactNo ? { contactNo } : {}),
  }
  const rows = await opportunities.list(db, filter, limit + 1, offset)
  const page = rows.slice(0, limit)
  const describe = await stageDescriber(db, page.map((r) => r.cycle_code))
  return { opportunities: page.map((r) => toOpportunity(r, describe(r.cycle_code, r.current_stage))), hasMore: rows.length > limit, offset }
}

/** Names stages by their cycle's description (stage 2 is "Qualify" in one cycle, "Visit" in another), in one query. */
async function stageDescriber(db: Executor, cycleCodes: string[]): Promise<(cycleCode: string, stage: number | null) => string | null> {
  const described = await opportunities.stageDescriptions(db, [...new Set(cycleCodes)])
  const descriptionOf = new Map(described.map((s) => [`${s.cycle_code}\u0000${s.stage}`, s.description]))
  return (cycleCode, stage) => (stage === null ? null : (descriptionOf.get(`${cycleCode}\u0000${stage}`) ?? null))
}

/** Forecast of open opportunities per salesperson, close month and stage (of its cycle, with its description), computed in SQL. */
export async function getForecast(deps: CoreDeps, input: { salespersonCode?: string; closeFrom?: string; closeTo?: string } = {}) {
  const db = deps.database.db
  const currency = (await setupQueries.get(db)).currency_code
  const salespersonCode = await requireSalespersonFilter(db, input.salespersonCode)
  const rows = await opportunities.forecast(db, { ...(salespersonCode ? { salespersonCode } : {}), ...closeRange(input) })
  const describe = await stageDescriber(db, rows.map((r) => r.cycle_code))
  const lines = rows.map((r) => ({
    salespersonCode: r.salesperson_code,
    period: r.period,
    cycleCode: r.cycle_code,
    stage: r.stage,
    stageDescription: describe(r.cycle_code, r.stage),
    count: r.count,
    estimatedValue: toMajor(r.estimated_minor, currency),
    calculatedValue: toMajor(r.calculated_minor, currency),
  }))
  const total = rows.reduce((a, r) => ({ count: a.count + r.count, est: a.est + r.estimated_minor, calc: a.calc + r.calculated_minor }), { count: 0, est: 0, calc: 0 })
  return { currency, lines, total: { count: total.count, estimatedValue: toMajor(total.est, currency), calculatedValue: toMajor(total.calc, currency) } }
}
