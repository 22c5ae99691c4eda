import { CLASSIFICATIONS, type ClassificationKind } from '@crm/db'
import { invalidField } from '../errors.ts'
import { addSalesperson, editSalesperson, listSalespeople, type Salesperson } from '../salespeople/salespeople.ts'
import { SETTINGS, changeNumberSeries, changeSetting, getSetup, listCodes, listNumberSeries, removeCode, saveCode, type CrmSetup } from '../setup/setup.ts'
import type { CommandSpec, ParsedInput } from './spec.ts'
import { messageView, type ResultView } from './views.ts'

const KINDS = Object.keys(CLASSIFICATIONS) as ClassificationKind[]

function setupView(setup: CrmSetup, title = 'Setup'): ResultView {
  const onOff = (b: boolean) => (b ? 'on' : 'off')
  return {
    kind: 'record',
    title,
    fields: [
      ['default-country', setup.defaultCountryCode],
      ['default-language', setup.defaultLanguageCode],
      ['default-salesperson', setup.defaultSalespersonCode],
      ['duplicate-search', onOff(setup.duplicateSearch)],
      ['duplicate-threshold', setup.duplicateThreshold],
      ['duplicate-fields', setup.duplicateFields.join(', ')],
      ['inherit-address', onOff(setup.inheritAddress)],
      ['inherit-phone', onOff(setup.inheritPhone)],
      ['inherit-salesperson', onOff(setup.inheritSalesperson)],
      ['inherit-country', onOff(setup.inheritCountry)],
      ['inherit-language', onOff(setup.inheritLanguage)],
      ['customer-relation', setup.customerRelationCode],
      ['vendor-relation', setup.vendorRelationCode],
      ['currency', setup.currency],
      ['default-sales-cycle', setup.defaultSalesCycleCode],
      ['template-email-in', setup.templates.emailIn],
      ['template-email-out', setup.templates.emailOut],
      ['template-response', setup.templates.response],
      ['template-log', setup.templates.log],
    ],
    data: setup,
  }
}

function kindArg(input: ParsedInput): ClassificationKind {
  return input.args.kind as ClassificationKind
}

function salespersonTable(list: Salesperson[]): ResultView {
  return {
    kind: 'table',
    title: 'Salespeople',
    columns: [
      { key: 'code', label: 'Code' },
      { key: 'name', label: 'Name' },
      { key: 'email', label: 'Email' },
      { key: 'slackUserId', label: 'Slack' },
    ],
    rows: list.map((s) => ({ code: s.code, name: s.name, email: s.email, slackUserId: s.slackUserId })),
    data: list,
  }
}

function salespersonInput(input: ParsedInput) {
  const o = input.options
  return {
    code: input.args.code!,
    ...(o.email !== undefined ? { email: o.email as string } : {}),
    ...(o.phone !== undefined ? { phone: o.phone as string } : {}),
    ...(o.title !== undefined ? { jobTitle: o.title as string } : {}),
    ...(o.slack !== undefined ? { slackUserId: o.slack as string } : {}),
  }
}

const SALESPERSON_OPTIONS = [
  { name: 'email', type: 'string', description: 'email address (used to match mail and Slack users)' },
  { name: 'phone', type: 'string', description: 'phone number' },
  { name: 'title', type: 'string', description: 'job title' },
  { name: 'slack', type: 'string', description: 'Slack user id, e.g. U024BE7LH' },
] as const

/** Setup and salesperson commands of the grammar. */
export const setupCommands: CommandSpec[] = [
  {
    path: ['setup', 'show'],
    summary: 'Show the relationship-management setup',
    args: [],
    options: [],
    examples: ['setup show'],
    access: 'read',
    run: async (ctx) => setupView(await getSetup(ctx.deps)),
  },
  {
    path: ['setup', 'set'],
    summary: 'Change a setting',
    args: [
      { name: 'setting', description: `one of ${Object.keys(SETTINGS).join(', ')}`, required: true },
      { name: 'value', description: 'the new value ("" clears an optional setting)', rest: true },
    ],
    options: [],
    examples: ['setup set default-country IS', 'setup set duplicate-threshold 70', 'setup set inherit-phone off'],
    notes: Object.entries(SETTINGS).map(([k, v]) => `${k}: ${v.help}`),
    access: 'admin',
    run: async (ctx, input) => setupView(await changeSetting(ctx.deps, ctx.actor, input.args.setting!, input.args.value ?? ''), `Setup (${input.args.setting} changed)`),
  },
  {
    path: ['setup', 'series'],
    summary: 'List number series, or change one (prefix, width, next number)',
    args: [{ name: 'code', description: 'series code, e.g. CONTACT' }],
    options: [
      { name: 'prefix', type: 'string', description: 'letters before the number, e.g. CT' },
      { name: 'width', type: 'int', description: 'digits, zero-padded, e.g. 6' },
      { name: 'next', type: 'int', description: 'the next number to give' },
    ],
    examples: ['setup series', 'setup series CONTACT --prefix KT --next 1'],
    access: 'read',
    async run(ctx, input) {
      const o = input.options
      if (input.args.code) {
        if (!ctx.actor.isAdmin) throw invalidField('series', 'Only admins can change number series.')
        const s = await changeNumberSeries(ctx.deps, ctx.actor, input.args.code, {
          ...(o.prefix !== undefined ? { prefix: o.prefix as string } : {}),
          ...(o.width !== undefined ? { width: o.width as number } : {}),
          ...(o.next !== undefined ? { nextNo: o.next as number } : {}),
        })
        return messageView(`Number series ${s.code}: next number ${s.nextNumber}.`, s)
      }
      const list = await listNumberSeries(ctx.deps)
      return {
        kind: 'table',
        title: 'Number series',
        columns: [
          { key: 'code', label: 'Series' },
          { key: 'description', label: 'For' },
          { key: 'nextNumber', label: 'Next number' },
        ],
        rows: list.map((s) => ({ code: s.code, description: s.description, nextNumber: s.nextNumber })),
        data: list,
      }
    },
  },
  {
    path: ['setup', 'codes'],
    summary: 'List the codes of a classification',
    args: [{ name: 'kind', description: 'which classification', required: true, choices: KINDS }],
    options: [],
    examples: ['setup codes business-relation', 'setup codes industry-group'],
    access: 'read',
    async run(ctx, input) {
      const codes = await listCodes(ctx.deps, kindArg(input))
      return {
        kind: 'table',
        title: `Codes: ${kindArg(input)}`,
        columns: [
          { key: 'code', label: 'Code' },
          { key: 'description', label: 'Description' },
        ],
        rows: codes,
        data: codes,
      }
    },
  },
  {
    path: ['setup', 'code', 'add'],
    summary: 'Add a classification code or change its description',
    args: [
      { name: 'kind', description: 'which classification', required: true, choices: KINDS },
      { name: 'code', description: 'the code, e.g. FISHING', required: true },
      { name: 'description', description: 'what it means', required: true, rest: true },
    ],
    options: [],
    examples: ['setup code add industry-group AQUA "Aquaculture"', 'setup code add business-relation DIST Distributor'],
    access: 'admin',
    async run(ctx, input) {
      await saveCode(ctx.deps, ctx.actor, kindArg(input), input.args.code!, input.args.description!)
      return messageView(`Saved ${kindArg(input)} ${input.args.code!.toUpperCase()}.`, { kind: kindArg(input), code: input.args.code!.toUpperCase() })
    },
  },
  {
    path: ['setup', 'code', 'remove'],
    summary: 'Remove an unused classification code',
    args: [
      { name: 'kind', description: 'which classification', required: true, choices: KINDS },
      { name: 'code', description: 'the code', required: true },
    ],
    options: [],
    examples: ['setup code remove mailing-group XMAS'],
    access: 'admin',
    async run(ctx, input) {
      await removeCode(ctx.deps, ctx.actor, kindArg(input), input.args.code!)
      return messageView(`Removed ${kindArg(input)} ${input.args.code!.toUpperCase()}.`, { kind: kindArg(input), code: input.args.code!.toUpperCase() })
    },
  },
  {
    path: ['salesperson', 'add'],
    summary: 'Add a salesperson',
    args: [
      { name: 'code', description: 'short code, e.g. JD', required: true },
      { name: 'name', description: 'full name', required: true, rest: true },
    ],
    options: [...SALESPERSON_OPTIONS],
    examples: ['salesperson add JD "Jane Doe" --email jane@example.com --slack U024BE7LH'],
    access: 'admin',
    async run(ctx, input) {
      const s = await addSalesperson(ctx.deps, ctx.actor, { ...salespersonInput(input), name: input.args.name! })
      return messageView(`Added salesperson ${s.code} ${s.name}.`, s)
    },
  },
  {
    path: ['salesperson', 'edit'],
    summary: 'Change a salesperson',
    args: [{ name: 'code', description: 'salesperson code', required: true }],
    options: [{ name: 'name', type: 'string', description: 'full name' }, ...SALESPERSON_OPTIONS],
    examples: ['salesperson edit JD --slack U024BE7LH'],
    access: 'admin',
    async run(ctx, input) {
      const s = await editSalesperson(ctx.deps, ctx.actor, { ...salespersonInput(input), ...(input.options.name !== undefined ? { name: input.options.name as string } : {}) })
      return messageView(`Updated salesperson ${s.code} ${s.name}.`, s)
    },
  },
  {
    path: ['salesperson', 'list'],
    summary: 'List salespeople',
    args: [],
    options: [],
    examples: ['salesperson list'],
    access: 'read',
    run: async (ctx) => salespersonTable(await listSalespeople(ctx.deps)),
  },
]
