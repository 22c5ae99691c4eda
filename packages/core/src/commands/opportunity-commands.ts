import { opportunities as opportunityQueries } from '@crm/db'
import { invalidField } from '../errors.ts'
import { currencyDigits, formatMoney } from '../money.ts'
import { STAGE_FLAG, parseStages, saveCloseCode, saveSalesCycle } from '../opportunities/cycles.ts'
import {
  closeOpportunity,
  createOpportunity,
  getForecast,
  getOpportunityDetails,
  listOpportunities,
  moveOpportunityStage,
  reopenOpportunity,
  toStage,
  updateOpportunity,
} from '../opportunities/opportunities.ts'
import type { CommandContext, CommandSpec, ParsedInput } from './spec.ts'
import { messageView, type ResultView } from './views.ts'

const str = (input: ParsedInput, name: string) => input.options[name] as string | undefined

function moneyMinor(minor: number, currency: string): string {
  return `${formatMoney(minor, currency)} ${currency}`
}

async function opportunityView(ctx: CommandContext, no: string, notice?: string): Promise<ResultView> {
  const d = await getOpportunityDetails(ctx.deps, no)
  const o = d.opportunity
  const stage = o.stage === null ? 'not started' : `${o.stage} ${o.stageDescription ?? ''} (of ${d.stages.length})`.trim()
  const activity = o.status === 'in_progress' ? d.stages.find((s) => s.stage === o.stage)?.activityCode : null
  return {
    kind: 'record',
    title: `${notice ? `${notice}\n` : ''}${o.no}  ${o.description}`,
    fields: [
      ['Contact', `${o.contactNo}${d.contactName ? ` ${d.contactName}` : ''}`],
      ['Salesperson', o.salespersonCode],
      ['Status', o.status.replace('_', ' ') + (o.closeCode ? ` (${o.closeCode})` : '')],
      ['Cycle / stage', `${o.cycleCode} / ${stage}`],
      // The interaction the stage calls for, as the command that logs it against this opportunity.
      ...(activity ? [['Stage activity', `${activity}: log ${o.contactNo} ${activity} "…" --opportunity ${o.no}`] as [string, string]] : []),
      ['Priority', o.priority],
      ['Estimated value', moneyMinor(o.estimatedValueMinor, o.currency)],
      ['Chance / completion', `${o.chancePct}% / ${o.completionPct}%`],
      ['Probability', `${o.probabilityPct}%`],
      ['Current value', moneyMinor(o.calculatedValueMinor, o.currency)],
      ['Close date', o.estimatedCloseDate],
      ['Campaign', o.campaignNo],
      ['Entries', d.entries.map((e) => `${e.at.slice(0, 10)} ${e.action}${e.stage !== null ? ` @${e.stage}` : ''}`).join(', ')],
    ],
    data: d,
  }
}

/** Opportunity commands: new, show, list, next, previous, stage, update, close, reopen, forecast; cycles and close codes. */
export const opportunityCommands: CommandSpec[] = [
  {
    path: ['opp', 'new'],
    summary: 'Create a sales opportunity for a contact (starts at the first stage unless --draft)',
    args: [
      { name: 'contact', description: 'contact number (person or company)', required: true },
      { name: 'description', description: 'what is being sold', required: true, rest: true },
    ],
    options: [
      { name: 'value', type: 'string', description: 'estimated value, e.g. 10000.00' },
      { name: 'close-date', type: 'string', description: 'estimated close date YYYY-MM-DD' },
      { name: 'cycle', type: 'string', description: 'sales cycle (default from setup)' },
      { name: 'salesperson', type: 'string', description: 'salesperson (default you, or the contact\'s)' },
      { name: 'priority', type: 'string', description: 'low, normal or high' },
      { name: 'campaign', type: 'string', description: 'campaign number' },
      { name: 'segment', type: 'string', description: 'segment number' },
      { name: 'draft', type: 'bool', description: 'leave it not started' },
    ],
    examples: ['opp new CT000002 "50 t of cod for 2027" --value 10000.00 --close-date 2027-03-31'],
    access: 'write',
    async run(ctx, input) {
      const o = await createOpportunity(ctx.deps, ctx.actor, {
        contactNo: input.args.contact!,
        description: input.args.description!,
        ...(str(input, 'value') !== undefined ? { estimatedValue: str(input, 'value')! } : {}),
        ...(str(input, 'close-date') !== undefined ? { estimatedCloseDate: str(input, 'close-date')! } : {}),
        ...(str(input, 'cycle') ? { cycleCode: str(input, 'cycle')! } : {}),
        ...(str(input, 'salesperson') ? { salespersonCode: str(input, 'salesperson')! } : {}),
        ...(str(input, 'priority') ? { priority: str(input, 'priority')! } : {}),
        ...(str(input, 'campaign') ? { campaignNo: str(input, 'campaign')! } : {}),
        ...(str(input, 'segment') ? { segmentNo: str(input, 'segment')! } : {}),
        ...(input.options.draft ? { draft: true } : {}),
      })
      return opportunityView(ctx, o.no, `Created ${o.no}.`)
    },
  },
  {
    path: ['opp', 'show'],
    summary: 'Show an opportunity with its stages and entries',
    args: [{ name: 'no', description: 'opportunity number', required: true }],
    options: [],
    examples: ['opp show OP000001'],
    access: 'read',
    run: (ctx, input) => opportunityView(ctx, input.args.no!),
  },
  {
    path: ['opp', 'list'],
    summary: 'List opportunities (open ones unless --status)',
    args: [],
    options: [
      { name: 'salesperson', type: 'string', description: 'salesperson code' },
      { name: 'stage', type: 'int', description: 'stage number' },
      { name: 'status', type: 'string', description: 'open (default), not-started, in-progress, won, lost, closed, all' },
      { name: 'from', type: 'string', description: 'close date from YYYY-MM-DD' },
      { name: 'to', type: 'string', description: 'close date to YYYY-MM-DD' },
      { name: 'contact', type: 'string', description: 'contact (a company includes its persons\')' },
      { name: 'limit', type: 'int', description: 'how many (default 50)' },
      { name: 'offset', type: 'int', description: 'skip this many' },
    ],
    examples: ['opp list --salesperson JD --from 2026-12-01 --to 2026-12-31', 'opp list --status won'],
    access: 'read',
    async run(ctx, input) {
      const r = await listOpportunities(ctx.deps, {
        ...(str(input, 'salesperson') ? { salespersonCode: str(input, 'salesperson')! } : {}),
        ...(input.options.stage !== undefined ? { stage: input.options.stage as number } : {}),
        ...(str(input, 'status') ? { status: str(input, 'status')! } : {}),
        ...(str(input, 'from') ? { closeFrom: str(input, 'from')! } : {}),
        ...(str(input, 'to') ? { closeTo: str(input, 'to')! } : {}),
        ...(str(input, 'contact') ? { contactNo: str(input, 'contact')! } : {}),
        ...(input.options.limit !== undefined ? { limit: input.options.limit as number } : {}),
        ...(input.options.offset !== undefined ? { offset: input.options.offset as number } : {}),
      })
      return {
        kind: 'table',
        title: 'Opportunities',
        columns: [
          { key: 'no', label: 'No.' },
          { key: 'description', label: 'Description' },
          { key: 'contact', label: 'Contact' },
          { key: 'salesperson', label: 'SP' },
          { key: 'stage', label: 'Stage' },
          { key: 'status', label: 'Status' },
          { key: 'estimated', label: 'Estimated', align: 'right' },
          { key: 'calculated', label: 'Current value', align: 'right' },
          { key: 'closeDate', label: 'Close date' },
        ],
        rows: r.opportunities.map((o) => ({
          no: o.no,
          description: o.description,
          contact: o.contactNo,
          salesperson: o.salespersonCode,
          stage: o.stage === null ? '' : `${o.stage} ${o.stageDescription ?? ''}`.trim(),
          status: o.status.replace('_', ' '),
          estimated: formatMoney(o.estimatedValueMinor, o.currency),
          calculated: formatMoney(o.calculatedValueMinor, o.currency),
          closeDate: o.estimatedCloseDate,
        })),
        ...(r.hasMore ? { footer: `More: add --offset ${r.offset + r.opportunities.length}` } : {}),
        data: r,
      }
    },
  },
  ...(['next', 'previous'] as const).map(
    (direction): CommandSpec => ({
      path: ['opp', direction],
      summary: direction === 'next' ? 'Move to the next stage (a not-started opportunity starts at the first)' : 'Move back to the previous stage',
      args: [{ name: 'no', description: 'opportunity number', required: true }],
      options: [
        { name: 'quote', type: 'string', description: 'quote reference (stages that require a quote)' },
        { name: 'note', type: 'string', description: 'a note on the entry' },
      ],
      examples: [`opp ${direction} OP000001`],
      access: 'write',
      async run(ctx, input) {
        const o = await moveOpportunityStage(ctx.deps, ctx.actor, { no: input.args.no!, to: direction, ...(str(input, 'quote') ? { quote: str(input, 'quote')! } : {}), ...(str(input, 'note') ? { note: str(input, 'note')! } : {}) })
        return opportunityView(ctx, o.no, `${o.no} is at stage ${o.stage} (${o.stageDescription}).`)
      },
    }),
  ),
  {
    path: ['opp', 'stage'],
    summary: 'Jump to a stage by number (skipping only stages that allow it)',
    args: [
      { name: 'no', description: 'opportunity number', required: true },
      { name: 'stage', description: 'stage number', required: true },
    ],
    options: [
      { name: 'quote', type: 'string', description: 'quote reference (stages that require a quote)' },
      { name: 'note', type: 'string', description: 'a note on the entry' },
    ],
    examples: ['opp stage OP000001 3 --quote Q-2026-001'],
    access: 'write',
    async run(ctx, input) {
      const stage = Number(input.args.stage)
      if (!Number.isInteger(stage) || stage < 1) throw invalidField('stage', `<stage> is a stage number (1, 2, ...), not "${input.args.stage}".`, 'opp stage OP000001 2')
      const o = await moveOpportunityStage(ctx.deps, ctx.actor, { no: input.args.no!, to: stage, ...(str(input, 'quote') ? { quote: str(input, 'quote')! } : {}), ...(str(input, 'note') ? { note: str(input, 'note')! } : {}) })
      return opportunityView(ctx, o.no, `${o.no} is at stage ${o.stage} (${o.stageDescription}).`)
    },
  },
  {
    path: ['opp', 'update'],
    summary: 'Change an open opportunity\'s value, close date, chance, completion, priority, description or salesperson',
    args: [{ name: 'no', description: 'opportunity number', required: true }],
    options: [
      { name: 'value', type: 'string', description: 'estimated value' },
      { name: 'close-date', type: 'string', description: 'estimated close date YYYY-MM-DD ("" clears)' },
      { name: 'chance', type: 'int', description: 'chance of success % (overrides the stage default)' },
      { name: 'completion', type: 'int', description: 'completion % (overrides the stage default)' },
      { name: 'priority', type: 'string', description: 'low, normal or high' },
      { name: 'description', type: 'string', description: 'description' },
      { name: 'salesperson', type: 'string', description: 'salesperson code' },
    ],
    examples: ['opp update OP000001 --value 12500 --close-date 2027-04-30'],
    access: 'write',
    async run(ctx, input) {
      const o = await updateOpportunity(ctx.deps, ctx.actor, {
        no: input.args.no!,
        ...(str(input, 'value') !== undefined ? { estimatedValue: str(input, 'value')! } : {}),
        ...(str(input, 'close-date') !== undefined ? { estimatedCloseDate: str(input, 'close-date')! } : {}),
        ...(input.options.chance !== undefined ? { chancePct: input.options.chance as number } : {}),
        ...(input.options.completion !== undefined ? { completionPct: input.options.completion as number } : {}),
        ...(str(input, 'priority') !== undefined ? { priority: str(input, 'priority')! } : {}),
        ...(str(input, 'description') !== undefined ? { description: str(input, 'description')! } : {}),
        ...(str(input, 'salesperson') !== undefined ? { salespersonCode: str(input, 'salesperson')! } : {}),
      })
      return opportunityView(ctx, o.no, `Updated ${o.no}.`)
    },
  },
  {
    path: ['opp', 'close'],
    summary: 'Close an opportunity as won or lost with a close code',
    args: [
      { name: 'no', description: 'opportunity number', required: true },
      { name: 'outcome', description: 'won or lost', required: true, choices: ['won', 'lost'] },
      { name: 'code', description: 'close code of that type, e.g. PRICE' },
    ],
    options: [{ name: 'note', type: 'string', description: 'why' }],
    examples: ['opp close OP000001 won WON-QUALITY', 'opp close OP000002 lost PRICE --note "Went with a cheaper supplier"'],
    access: 'write',
    async run(ctx, input) {
      const o = await closeOpportunity(ctx.deps, ctx.actor, {
        no: input.args.no!,
        outcome: input.args.outcome as 'won' | 'lost',
        ...(input.args.code ? { closeCode: input.args.code } : {}),
        ...(str(input, 'note') ? { note: str(input, 'note')! } : {}),
      })
      return opportunityView(ctx, o.no, `Closed ${o.no} as ${o.status} (${o.closeCode}).`)
    },
  },
  {
    path: ['opp', 'reopen'],
    summary: 'Reopen a closed opportunity (logged)',
    args: [{ name: 'no', description: 'opportunity number', required: true }],
    options: [{ name: 'note', type: 'string', description: 'why' }],
    examples: ['opp reopen OP000002 --note "They came back"'],
    access: 'write',
    async run(ctx, input) {
      const o = await reopenOpportunity(ctx.deps, ctx.actor, input.args.no!, str(input, 'note'))
      return opportunityView(ctx, o.no, `Reopened ${o.no} at stage ${o.stage}.`)
    },
  },
  {
    path: ['opp', 'forecast'],
    summary: 'Forecast of open opportunities by salesperson, close month and stage',
    args: [],
    options: [
      { name: 'salesperson', type: 'string', description: 'salesperson code' },
      { name: 'from', type: 'string', description: 'close date from YYYY-MM-DD' },
      { name: 'to', type: 'string', description: 'close date to YYYY-MM-DD' },
    ],
    examples: ['opp forecast', 'opp forecast --salesperson JD --from 2027-01-01 --to 2027-03-31'],
    access: 'read',
    async run(ctx, input) {
      const f = await getForecast(ctx.deps, {
        ...(str(input, 'salesperson') ? { salespersonCode: str(input, 'salesperson')! } : {}),
        ...(str(input, 'from') ? { closeFrom: str(input, 'from')! } : {}),
        ...(str(input, 'to') ? { closeTo: str(input, 'to')! } : {}),
      })
      const fmt = (v: number) => formatMoney(Math.round(v * 10 ** currencyDigits(f.currency)), f.currency)
      return {
        kind: 'table',
        title: `Forecast (${f.currency})`,
        columns: [
          { key: 'salesperson', label: 'Salesperson' },
          { key: 'period', label: 'Close month' },
          { key: 'cycle', label: 'Cycle' },
          { key: 'stage', label: 'Stage' },
          { key: 'count', label: 'Count', align: 'right' },
          { key: 'estimated', label: 'Estimated', align: 'right' },
          { key: 'calculated', label: 'Current value', align: 'right' },
        ],
        rows: f.lines.map((l) => ({ salesperson: l.salespersonCode ?? '(none)', period: l.period ?? '(no date)', cycle: l.cycleCode, stage: l.stage === null ? 'not started' : `${l.stage} ${l.stageDescription ?? ''}`.trim(), count: l.count, estimated: fmt(l.estimatedValue), calculated: fmt(l.calculatedValue) })),
        footer: `Total: ${f.total.count} opportunit${f.total.count === 1 ? 'y' : 'ies'}, estimated ${fmt(f.total.estimatedValue)}, current value ${fmt(f.total.calculatedValue)}`,
        data: f,
      }
    },
  },
  {
    path: ['setup', 'cycles'],
    summary: 'List sales cycles and their stages',
    args: [],
    options: [],
    examples: ['setup cycles'],
    access: 'read',
    async run(ctx) {
      const db = ctx.deps.database.db
      const cycles = await opportunityQueries.listCycles(db)
      const data = []
      const rows: Array<Record<string, string | number | boolean | null>> = []
      for (const c of cycles) {
        const stages = await opportunityQueries.listStages(db, c.code)
        data.push({ code: c.code, description: c.description, probabilityCalc: c.probability_calc, stages: stages.map(toStage) })
        for (const s of stages) rows.push({ cycle: c.code, calc: c.probability_calc, stage: s.stage, description: s.description, completion: `${s.completion_pct}%`, chance: `${s.chance_pct}%`, flags: [s.quote_required ? 'quote' : '', s.allow_skip ? 'skip' : '', s.activity_code ? `activity=${s.activity_code}` : ''].filter(Boolean).join(',') })
      }
      return {
        kind: 'table',
        title: 'Sales cycles',
        columns: [
          { key: 'cycle', label: 'Cycle' },
          { key: 'calc', label: 'Probability' },
          { key: 'stage', label: 'Stage', align: 'right' },
          { key: 'description', label: 'Description' },
          { key: 'completion', label: 'Completion', align: 'right' },
          { key: 'chance', label: 'Chance', align: 'right' },
          { key: 'flags', label: 'Flags' },
        ],
        rows,
        data,
      }
    },
  },
  {
    path: ['setup', 'cycle'],
    summary: 'Create or replace a sales cycle with its stages',
    args: [
      { name: 'code', description: 'cycle code', required: true },
      { name: 'description', description: 'what kind of sale', rest: true },
    ],
    options: [
      { name: 'stage', type: 'list', description: 'a stage as Description:completion/chance[:quote,skip,activity=TEMPLATE], in order' },
      { name: 'calc', type: 'string', description: 'probability: multiply (default), add, chance, completion' },
    ],
    examples: ['setup cycle SMALL "Small deals" --stage New:10/20 --stage Qualify:40/40:skip,activity=CALL-OUT --stage Propose:80/60:quote,activity=MEETING'],
    access: 'admin',
    async run(ctx, input) {
      // Stage specs may contain commas only as flag separators, which the list option would split: rejoin them.
      const raw = (input.options.stage as string[] | undefined) ?? []
      const specs: string[] = []
      for (const part of raw) {
        if (STAGE_FLAG.test(part) && specs.length) specs[specs.length - 1] += `,${part}`
        else specs.push(part)
      }
      const r = await saveSalesCycle(ctx.deps, ctx.actor, {
        code: input.args.code!,
        ...(input.args.description ? { description: input.args.description } : {}),
        ...(str(input, 'calc') ? { probabilityCalc: str(input, 'calc')! } : {}),
        stages: parseStages(specs),
      })
      return messageView(`Saved sales cycle ${r.code} with ${r.stages.length} stage(s).`, r)
    },
  },
  {
    path: ['setup', 'close-codes'],
    summary: 'List close opportunity codes',
    args: [],
    options: [],
    examples: ['setup close-codes'],
    access: 'read',
    async run(ctx) {
      const list = await opportunityQueries.listCloseCodes(ctx.deps.database.db)
      return { kind: 'table', title: 'Close opportunity codes', columns: [{ key: 'code', label: 'Code' }, { key: 'type', label: 'Type' }, { key: 'description', label: 'Description' }], rows: list, data: list }
    },
  },
  {
    path: ['setup', 'close-code'],
    summary: 'Add or change a close opportunity code',
    args: [
      { name: 'type', description: 'won or lost', required: true, choices: ['won', 'lost'] },
      { name: 'code', description: 'the code', required: true },
      { name: 'description', description: 'what it means', required: true, rest: true },
    ],
    options: [],
    examples: ['setup close-code lost TIMING "Bad timing"'],
    access: 'admin',
    async run(ctx, input) {
      const r = await saveCloseCode(ctx.deps, ctx.actor, { type: input.args.type!, code: input.args.code!, description: input.args.description! })
      return messageView(`Saved ${r.type} close code ${r.code}.`, r)
    },
  },
]
