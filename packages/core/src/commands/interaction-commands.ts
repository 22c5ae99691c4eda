import { interactions as interactionQueries } from '@crm/db'
import { getInteractionStatistics, listInteractions, logInteraction, setInteractionCanceled, toInteraction, CHANNELS, type Interaction } from '../interactions/interactions.ts'
import { getSetup } from '../setup/setup.ts'
import { saveInteractionTemplate } from '../interactions/templates.ts'
import { formatMoney } from '../money.ts'
import { invalidField } from '../errors.ts'
import type { CommandSpec, ParsedInput } from './spec.ts'
import { messageView, type ResultView } from './views.ts'

function interactionRows(list: Interaction[]) {
  return list.map((i) => ({
    no: i.no,
    date: i.occurredAt.slice(0, 16).replace('T', ' '),
    contact: i.contactNo,
    template: i.templateCode,
    subject: i.subject,
    cost: formatMoney(i.costMinor, i.currency),
    duration: i.durationMin,
    status: i.canceled ? 'canceled' : '',
  }))
}

const INTERACTION_COLUMNS = [
  { key: 'no', label: 'No.' },
  { key: 'date', label: 'Date' },
  { key: 'contact', label: 'Contact' },
  { key: 'template', label: 'Template' },
  { key: 'subject', label: 'Subject' },
  { key: 'cost', label: 'Cost', align: 'right' as const },
  { key: 'duration', label: 'Min', align: 'right' as const },
  { key: 'status', label: '' },
]

function interactionView(i: Interaction, title: string): ResultView {
  return {
    kind: 'record',
    title,
    fields: [
      ['Number', i.no],
      ['Contact', i.contactNo + (i.contactCompanyNo ? ` (company ${i.contactCompanyNo})` : '')],
      ['Template', `${i.templateCode} (${i.channel})`],
      ['Date', i.occurredAt.slice(0, 16).replace('T', ' ')],
      ['Subject', i.subject],
      ['Note', i.description],
      ['Salesperson', i.salespersonCode],
      ['Cost', `${formatMoney(i.costMinor, i.currency)} ${i.currency}`],
      ['Duration (min)', i.durationMin],
      ['Direction', [i.informationFlow, i.initiatedBy ? `initiated by ${i.initiatedBy}` : null].filter(Boolean).join(', ') || null],
      ['Evaluation', i.evaluation],
      ['Opportunity', i.opportunityNo],
      ['Campaign', i.campaignNo ? `${i.campaignNo}${i.campaignResponse ? ' (response)' : i.campaignTarget ? ' (target)' : ''}` : null],
      ['Segment', i.segmentNo ? `${i.segmentNo}${i.languageCode ? ` (${i.languageCode} variant)` : ''}` : null],
      ['Status', i.canceled ? `canceled ${i.canceledAt?.slice(0, 10)}` : 'logged'],
    ],
    data: i,
  }
}

const str = (input: ParsedInput, name: string) => input.options[name] as string | undefined

/** Interaction commands: log, history, statistics, cancel/restore, templates. */
export const interactionCommands: CommandSpec[] = [
  {
    path: ['log'],
    summary: 'Log an interaction (call, email, meeting, letter) with a contact',
    args: [
      { name: 'contact', description: 'contact number', required: true },
      { name: 'template', description: 'interaction template, e.g. CALL-OUT', required: true },
      { name: 'subject', description: 'what it was about', required: true, rest: true },
    ],
    options: [
      { name: 'date', type: 'string', description: 'when: YYYY-MM-DD or "YYYY-MM-DD HH:MM" (default now)' },
      { name: 'duration', type: 'int', description: 'minutes (default from the template)' },
      { name: 'cost', type: 'string', description: 'cost, e.g. 2.50 (default from the template)' },
      { name: 'flow', type: 'string', description: 'inbound or outbound (default from the template)' },
      { name: 'initiated-by', type: 'string', description: 'us or them (default from the template)' },
      { name: 'evaluation', type: 'string', description: 'very-positive, positive, neutral, negative, very-negative' },
      { name: 'failed', type: 'bool', description: 'the attempt failed (no answer, bounced)' },
      { name: 'opportunity', type: 'string', description: 'opportunity number to link' },
      { name: 'campaign', type: 'string', description: 'campaign number to link' },
      { name: 'response', type: 'bool', description: 'this is the contact\'s response to the campaign' },
      { name: 'target', type: 'bool', description: 'the contact becomes a target of the campaign (default from the template)' },
      { name: 'segment', type: 'string', description: 'segment number to link' },
      { name: 'salesperson', type: 'string', description: 'salesperson (default you, or the contact\'s)' },
      { name: 'note', type: 'string', description: 'longer description' },
    ],
    examples: ['log CT000002 CALL-OUT "Follow-up on the cod offer" --duration 15', 'log CT000002 MEETING "Visit in Grindavík" --date "2026-11-20 14:00" --evaluation positive'],
    access: 'write',
    async run(ctx, input) {
      const flow = str(input, 'flow')?.toLowerCase()
      if (flow !== undefined && flow !== 'inbound' && flow !== 'outbound') throw invalidField('flow', `--flow is inbound or outbound, not "${flow}".`)
      const by = str(input, 'initiated-by')?.toLowerCase()
      if (by !== undefined && by !== 'us' && by !== 'them') throw invalidField('initiated-by', `--initiated-by is us or them, not "${by}".`)
      const r = await logInteraction(ctx.deps, ctx.actor, {
        contactNo: input.args.contact!,
        templateCode: input.args.template!,
        subject: input.args.subject!,
        source: ctx.source === 'slack' ? 'slack' : 'manual',
        ...(str(input, 'date') !== undefined ? { date: str(input, 'date')! } : {}),
        ...(input.options.duration !== undefined ? { durationMin: input.options.duration as number } : {}),
        ...(str(input, 'cost') !== undefined ? { cost: str(input, 'cost')! } : {}),
        ...(flow ? { informationFlow: flow as 'inbound' | 'outbound' } : {}),
        ...(by ? { initiatedBy: by as 'us' | 'them' } : {}),
        ...(str(input, 'evaluation') !== undefined ? { evaluation: str(input, 'evaluation')! } : {}),
        ...(input.options.failed ? { attemptFailed: true } : {}),
        ...(str(input, 'opportunity') ? { opportunityNo: str(input, 'opportunity')! } : {}),
        ...(str(input, 'campaign') ? { campaignNo: str(input, 'campaign')! } : {}),
        ...(input.options.response ? { campaignResponse: true } : {}),
        ...(input.options.target ? { campaignTarget: true } : {}),
        ...(str(input, 'segment') ? { segmentNo: str(input, 'segment')! } : {}),
        ...(str(input, 'salesperson') ? { salespersonCode: str(input, 'salesperson')! } : {}),
        ...(str(input, 'note') ? { note: str(input, 'note')! } : {}),
      })
      return interactionView(r.interaction, `Logged ${r.interaction.no} for ${r.interaction.contactNo}`)
    },
  },
  {
    path: ['interactions'],
    summary: 'A contact\'s interaction history, newest first (a company\'s includes its persons\')',
    args: [{ name: 'contact', description: 'contact number', required: true }],
    options: [
      { name: 'limit', type: 'int', description: 'how many (default 20)' },
      { name: 'offset', type: 'int', description: 'skip this many' },
      { name: 'canceled', type: 'bool', description: 'include canceled entries' },
      { name: 'stats', type: 'bool', description: 'show statistics instead: count, cost, duration, last date, by template' },
    ],
    examples: ['interactions CT000001', 'interactions CT000002 --stats'],
    access: 'read',
    async run(ctx, input) {
      if (input.options.stats) {
        const s = await getInteractionStatistics(ctx.deps, input.args.contact!)
        return {
          kind: 'table',
          title: `Interaction statistics of ${s.contactNo}: ${s.count} interaction(s), cost ${formatMoney(s.costMinor, s.currency)} ${s.currency}, ${s.durationMin} min${s.lastAt ? `, last ${s.lastAt.slice(0, 10)}` : ''}`,
          columns: [
            { key: 'templateCode', label: 'Template' },
            { key: 'count', label: 'Count', align: 'right' },
            { key: 'cost', label: 'Cost', align: 'right' },
            { key: 'durationMin', label: 'Min', align: 'right' },
            { key: 'lastAt', label: 'Last' },
          ],
          rows: s.byTemplate.map((t) => ({ templateCode: t.templateCode, count: t.count, cost: formatMoney(t.costMinor, s.currency), durationMin: t.durationMin, lastAt: t.lastAt?.slice(0, 10) ?? null })),
          data: s,
        }
      }
      const h = await listInteractions(ctx.deps, input.args.contact!, {
        ...(input.options.limit !== undefined ? { limit: input.options.limit as number } : {}),
        ...(input.options.offset !== undefined ? { offset: input.options.offset as number } : {}),
        includeCanceled: Boolean(input.options.canceled),
      })
      return {
        kind: 'table',
        title: `Interactions of ${h.contactNo}${h.rolledUp ? ' and its persons' : ''}`,
        columns: INTERACTION_COLUMNS,
        rows: interactionRows(h.interactions),
        ...(h.hasMore ? { footer: `More: add --offset ${h.offset + h.interactions.length}` } : {}),
        data: h,
      }
    },
  },
  {
    path: ['interaction', 'show'],
    summary: 'Show one interaction log entry',
    args: [{ name: 'no', description: 'interaction number, e.g. IL00000001', required: true }],
    options: [],
    examples: ['interaction show IL00000001'],
    access: 'read',
    async run(ctx, input) {
      const key = input.args.no!.trim().toUpperCase()
      const row = await interactionQueries.find(ctx.deps.database.db, key)
      if (!row) throw invalidField('no', `There is no interaction ${key}.`)
      return interactionView(toInteraction(row), `Interaction ${key}`)
    },
  },
  {
    path: ['interaction', 'cancel'],
    summary: 'Cancel an interaction (kept, but no longer counted)',
    args: [{ name: 'no', description: 'interaction number', required: true }],
    options: [],
    examples: ['interaction cancel IL00000001'],
    access: 'write',
    run: async (ctx, input) => {
      const i = await setInteractionCanceled(ctx.deps, ctx.actor, input.args.no!, true)
      return messageView(`Canceled ${i.no}. Restore it with: interaction restore ${i.no}`, i)
    },
  },
  {
    path: ['interaction', 'restore'],
    summary: 'Restore a canceled interaction',
    args: [{ name: 'no', description: 'interaction number', required: true }],
    options: [],
    examples: ['interaction restore IL00000001'],
    access: 'write',
    run: async (ctx, input) => {
      const i = await setInteractionCanceled(ctx.deps, ctx.actor, input.args.no!, false)
      return messageView(`Restored ${i.no}.`, i)
    },
  },
  {
    path: ['setup', 'templates'],
    summary: 'List interaction templates',
    args: [],
    options: [],
    examples: ['setup templates'],
    access: 'read',
    async run(ctx) {
      const currency = (await getSetup(ctx.deps)).currency
      const list = await interactionQueries.listTemplates(ctx.deps.database.db)
      return {
        kind: 'table',
        title: 'Interaction templates',
        columns: [
          { key: 'code', label: 'Code' },
          { key: 'description', label: 'Description' },
          { key: 'group', label: 'Group' },
          { key: 'channel', label: 'Channel' },
          { key: 'cost', label: 'Unit cost', align: 'right' },
          { key: 'duration', label: 'Min', align: 'right' },
          { key: 'flow', label: 'Flow' },
          { key: 'initiatedBy', label: 'By' },
        ],
        rows: list.map((t) => ({ code: t.code, description: t.description, group: t.group_code, channel: t.channel, cost: formatMoney(Number(t.unit_cost_minor), currency), duration: t.unit_duration_min, flow: t.information_flow, initiatedBy: t.initiated_by })),
        data: list.map((t) => ({ code: t.code, description: t.description, groupCode: t.group_code, channel: t.channel, unitCostMinor: Number(t.unit_cost_minor), unitDurationMin: t.unit_duration_min, informationFlow: t.information_flow, initiatedBy: t.initiated_by, campaignTarget: t.campaign_target === 1, campaignResponse: t.campaign_response === 1, ignoreContactCorrType: t.ignore_contact_corr_type === 1 })),
      }
    },
  },
  {
    path: ['setup', 'template'],
    summary: 'Add or change an interaction template',
    args: [
      { name: 'code', description: 'template code, e.g. DEMO', required: true },
      { name: 'description', description: 'what it records', rest: true },
    ],
    options: [
      { name: 'group', type: 'string', description: 'interaction group (created if new)' },
      { name: 'channel', type: 'string', description: CHANNELS.join(', ') },
      { name: 'cost', type: 'string', description: 'default unit cost, e.g. 2.50' },
      { name: 'duration', type: 'int', description: 'default minutes' },
      { name: 'flow', type: 'string', description: 'inbound, outbound or none' },
      { name: 'initiated-by', type: 'string', description: 'us, them or none' },
      { name: 'campaign-target', type: 'bool', description: 'counts as a campaign target' },
      { name: 'campaign-response', type: 'bool', description: 'counts as a campaign response' },
      { name: 'ignore-corr-type', type: 'bool', description: 'ignore the contact\'s correspondence type' },
    ],
    examples: ['setup template DEMO "Product demo" --group MEETING --channel meeting --duration 45', 'setup template CALL-OUT --cost 3.00'],
    access: 'admin',
    async run(ctx, input) {
      const t = await saveInteractionTemplate(ctx.deps, ctx.actor, {
        code: input.args.code!,
        ...(input.args.description ? { description: input.args.description } : {}),
        ...(str(input, 'group') ? { groupCode: str(input, 'group')! } : {}),
        ...(str(input, 'channel') ? { channel: str(input, 'channel')! } : {}),
        ...(str(input, 'cost') !== undefined ? { unitCost: str(input, 'cost')! } : {}),
        ...(input.options.duration !== undefined ? { unitDurationMin: input.options.duration as number } : {}),
        ...(str(input, 'flow') !== undefined ? { informationFlow: str(input, 'flow')! } : {}),
        ...(str(input, 'initiated-by') !== undefined ? { initiatedBy: str(input, 'initiated-by')! } : {}),
        ...(input.options['campaign-target'] !== undefined ? { campaignTarget: input.options['campaign-target'] as boolean } : {}),
        ...(input.options['campaign-response'] !== undefined ? { campaignResponse: input.options['campaign-response'] as boolean } : {}),
        ...(input.options['ignore-corr-type'] !== undefined ? { ignoreContactCorrType: input.options['ignore-corr-type'] as boolean } : {}),
      })
      return messageView(`Saved interaction template ${t.code}.`, t)
    },
  },
]
