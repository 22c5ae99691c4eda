import { changeLog, interactions, opportunities } from '@crm/db'
import type { Actor, CoreDeps } from '../deps.ts'
import { DomainError, invalidField } from '../errors.ts'
import { cleanText } from '../text/normalize.ts'

/** A sales cycle as pickers show it. */
export interface SalesCycleChoice {
  code: string
  description: string
  blocked: boolean
}

/** A close opportunity code: won codes close as won, lost codes as lost. */
export interface CloseCode {
  code: string
  type: 'won' | 'lost'
  description: string
}

/** The sales cycles by code; blocked ones are listed too (new opportunities cannot use them). */
export async function listSalesCycles(deps: CoreDeps): Promise<SalesCycleChoice[]> {
  return (await opportunities.listCycles(deps.database.db)).map((c) => ({ code: c.code, description: c.description, blocked: c.blocked === 1 }))
}

/** The close codes by code, optionally of one outcome. */
export async function listCloseCodes(deps: CoreDeps, type?: 'won' | 'lost'): Promise<CloseCode[]> {
  return (await opportunities.listCloseCodes(deps.database.db, type)).map((c) => ({ code: c.code, type: c.type, description: c.description }))
}

export const PROBABILITY_CALCULATIONS = ['multiply', 'add', 'chance', 'completion'] as const

export interface StageInput {
  description: string
  completionPct: number
  chancePct: number
  quoteRequired?: boolean
  allowSkip?: boolean
  activityCode?: string | null
}

/** A stage flag as the grammar writes it: quote, skip or activity=TEMPLATE. */
export const STAGE_FLAG = /^(quote|skip|activity=[\p{L}\p{N}_-]+)$/iu

/**
 * Parses stages written as `Description:completion/chance[:flags]`, e.g. `New:10/20`, `Propose:80/60:quote`,
 * `Qualify:40/40:skip,activity=CALL-OUT` (flags: quote, skip, activity=TEMPLATE: the interaction the stage calls
 * for), one per argument.
 */
export function parseStages(specs: string[]): StageInput[] {
  return specs.map((spec, i) => {
    const m = /^(.+?):(\d{1,3})\/(\d{1,3})(?::([^:]+))?$/iu.exec(spec.trim())
    if (!m) throw invalidField('stage', `Stage ${i + 1} "${spec}" is not Description:completion/chance[:quote,skip,activity=TEMPLATE].`, '--stage New:10/20 --stage Qualify:40/40:skip,activity=CALL-OUT')
    const flags = (m[4] ?? '').split(',').map((f) => f.trim()).filter(Boolean)
    const unknown = flags.filter((f) => !STAGE_FLAG.test(f))
    if (unknown.length) throw invalidField('stage', `Unknown stage flag ${unknown.join(', ')} in "${spec}"; flags are quote, skip and activity=TEMPLATE.`, '--stage Propose:80/60:quote,activity=MEETING')
    const lower = flags.map((f) => f.toLowerCase())
    const activities = flags.filter((f) => /^activity=/i.test(f)).map((f) => f.slice('activity='.length).toUpperCase())
    if (activities.length > 1) throw invalidField('stage', `Stage ${i + 1} "${spec}" has ${activities.length} activities; give one.`, '--stage Propose:80/60:quote,activity=MEETING')
    return {
      description: m[1]!.trim(),
      completionPct: Number(m[2]),
      chancePct: Number(m[3]),
      quoteRequired: lower.includes('quote'),
      allowSkip: lower.includes('skip'),
      activityCode: activities[0] ?? null,
    }
  })
}

/**
 * Creates or replaces a sales cycle with ordered stages (completion and chance 0-100, completion not falling).
 * Stages that open opportunities stand on cannot be removed.
 */
export async function saveSalesCycle(deps: CoreDeps, actor: Actor, input: { code: string; description?: string; probabilityCalc?: string; stages: StageInput[] }) {
  const code = input.code.trim().toUpperCase()
  if (!/^[\p{L}\p{N}_-]{1,20}$/u.test(code)) throw invalidField('code', `"${input.code}" is not a cycle code.`, 'setup cycle B2B --stage New:10/20')
  const calc = (input.probabilityCalc?.trim().toLowerCase() ?? 'multiply') as (typeof PROBABILITY_CALCULATIONS)[number]
  if (!PROBABILITY_CALCULATIONS.includes(calc)) throw invalidField('calc', `The probability calculation is one of ${PROBABILITY_CALCULATIONS.join(', ')}, not "${input.probabilityCalc}".`, '--calc multiply')
  if (input.stages.length === 0) throw invalidField('stage', 'A sales cycle needs at least one stage.', '--stage New:10/20 --stage Qualify:40/40')
  let previousCompletion = -1
  input.stages.forEach((s, i) => {
    for (const [label, v] of [['completion', s.completionPct], ['chance', s.chancePct]] as const) {
      if (!Number.isInteger(v) || v < 0 || v > 100) throw invalidField('stage', `Stage ${i + 1} (${s.description}): ${label} is 0-100, not ${v}.`)
    }
    if (s.completionPct < previousCompletion) throw invalidField('stage', `Stage ${i + 1} (${s.description}) completes less (${s.completionPct}%) than the stage before it (${previousCompletion}%).`)
    previousCompletion = s.completionPct
  })
  const now = deps.clock().toISOString()
  await deps.database.db.transaction().execute(async (trx) => {
    const current = await opportunities.findCycle(trx, code)
    const description = cleanText(input.description) ?? current?.description
    if (!description) throw invalidField('description', 'A new sales cycle needs a description.', `setup cycle ${code} "Enterprise deals" --stage New:10/20`)
    for (const [i, s] of input.stages.entries()) {
      const activity = s.activityCode?.trim().toUpperCase()
      if (activity && !(await interactions.findTemplate(trx, activity))) {
        const known = (await interactions.listTemplates(trx)).map((t) => t.code)
        throw invalidField('stage', `Stage ${i + 1} (${s.description}): its activity names the interaction template the stage calls for; there is no template ${activity}. Templates: ${known.join(', ')}.`, `--stage ${s.description}:${s.completionPct}/${s.chancePct}:activity=MEETING`)
      }
    }
    if (current) {
      for (const old of await opportunities.listStages(trx, code)) {
        if (old.stage > input.stages.length) {
          const open = await opportunities.countOpenAtStage(trx, code, old.stage)
          if (open) throw new DomainError('STAGE_IN_USE', `${open} open opportunit${open === 1 ? 'y is' : 'ies are'} at stage ${old.stage} (${old.description}) of ${code}; move or close them before removing it.`)
        }
      }
    }
    await opportunities.saveCycle(
      trx,
      { code, description, probability_calc: calc, blocked: 0, created_at: current?.created_at ?? now },
      input.stages.map((s, i) => ({
        cycle_code: code,
        stage: i + 1,
        description: s.description,
        completion_pct: s.completionPct,
        chance_pct: s.chancePct,
        activity_code: s.activityCode?.trim().toUpperCase() || null,
        quote_required: s.quoteRequired ? 1 : 0,
        allow_skip: s.allowSkip ? 1 : 0,
      })),
    )
    await changeLog.insert(trx, { at: now, actor: actor.id, entity: 'sales-cycle', entityNo: code, action: current ? 'update' : 'create', details: { stages: input.stages } })
  })
  return { code, stages: await opportunities.listStages(deps.database.db, code) }
}

/** Adds or changes a close opportunity code. */
export async function saveCloseCode(deps: CoreDeps, actor: Actor, input: { code: string; type: string; description: string }) {
  const code = input.code.trim().toUpperCase()
  if (!/^[\p{L}\p{N}_-]{1,20}$/u.test(code)) throw invalidField('code', `"${input.code}" is not a close code.`, 'setup close-code lost TIMING "Bad timing"')
  const type = input.type.trim().toLowerCase()
  if (type !== 'won' && type !== 'lost') throw invalidField('type', `The type is won or lost, not "${input.type}".`, 'setup close-code lost TIMING "Bad timing"')
  const description = cleanText(input.description)
  if (!description) throw invalidField('description', 'Give a description.', 'setup close-code lost TIMING "Bad timing"')
  const now = deps.clock().toISOString()
  await deps.database.db.transaction().execute(async (trx) => {
    await opportunities.upsertCloseCode(trx, { code, type, description })
    await changeLog.insert(trx, { at: now, actor: actor.id, entity: 'close-code', entityNo: code, action: 'save', details: { type, description } })
  })
  return { code, type, description }
}
