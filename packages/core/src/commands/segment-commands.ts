import { invalidField } from '../errors.ts'
import { formatMoney } from '../money.ts'
import {
  addContactToSegment,
  addToSegment,
  applySegmentCriteria,
  cancelSegmentLog,
  createSegment,
  getSegmentDetails,
  listSegmentContacts,
  listSegments,
  logSegment,
  refineSegment,
  removeContactFromSegment,
  removeFromSegment,
  removeSegmentLanguage,
  saveSegmentCriteria,
  saveSegmentLanguage,
  setSegmentContent,
  setSegmentLine,
  skippedText,
  undoSegmentStep,
  type Expand,
  type SegmentStep,
  type StepResult,
} from '../segments/segments.ts'
import { FILTER_SYNTAX } from '../segments/filter.ts'
import {
  createCampaign,
  getCampaignDetails,
  getCampaignStatistics,
  linkSegmentToCampaign,
  listCampaigns,
  listCampaignStatuses,
  respondToCampaign,
  saveCampaignStatus,
  setCampaignStatus,
  type CampaignStatistics,
} from '../campaigns/campaigns.ts'
import type { CommandContext, CommandSpec, ParsedInput } from './spec.ts'
import { joinWords } from './tokenize.ts'
import { messageView, type ResultView } from './views.ts'

const str = (input: ParsedInput, name: string) => input.options[name] as string | undefined
const terms = (input: ParsedInput) => input.words?.filter ?? (input.args.filter ? [input.args.filter] : [])

function stepText(s: SegmentStep): string {
  const opts = [s.options.any ? 'any' : '', s.options.allowExisting ? 'allow existing' : '', s.options.expand ? `+${s.options.expand}` : ''].filter(Boolean).join(', ')
  return `${s.seq}. ${s.action} ${s.criteria}${opts ? ` (${opts})` : ''}: +${s.added} -${s.removed}${s.undone ? ' [undone]' : ''}`
}

/** The start of an email body on one line, for a record field (the whole body is in --json). */
function preview(body: string | null): string | null {
  if (body === null) return null
  const flat = body.replace(/\s+/g, ' ').trim()
  return [...flat].length > 80 ? `${[...flat].slice(0, 79).join('')}…` : flat
}

async function segmentView(ctx: CommandContext, no: string, notice?: string): Promise<ResultView> {
  const d = await getSegmentDetails(ctx.deps, no)
  const s = d.segment
  const part = (rows: Array<{ code: string | null; count: number }>) => rows.map((r) => `${r.code ?? '-'} ${r.count}`).join(', ') || null
  const variants = d.content.languages.flatMap((v): Array<[string, string | null]> => [[`Subject (${v.languageCode})`, v.subject], [`Body (${v.languageCode})`, preview(v.body)]])
  return {
    kind: 'record',
    title: `${notice ? `${notice}\n` : ''}${s.no}  ${s.description}`,
    fields: [
      ['Contacts', s.lines],
      ['Salesperson', s.salespersonCode],
      ['Campaign', s.campaignNo],
      ['Created', s.createdAt.slice(0, 10)],
      ['Logged', s.loggedAt ? `${s.loggedAt.slice(0, 10)}${s.logCanceledAt ? ` (canceled ${s.logCanceledAt.slice(0, 10)})` : ''}` : null],
      ['Follow-up of', s.followUpOf],
      ['By industry', part(d.composition.industry)],
      ['By country', part(d.composition.country)],
      ['By relation', part(d.composition.relation)],
      ['By language', part(d.composition.language)],
      ['Subject', d.content.subject],
      ['Body', preview(d.content.body)],
      ...variants,
      ['Steps', d.steps.map(stepText).join('; ') || null],
    ],
    data: d,
  }
}

function stepView(r: StepResult, verb: string): Promise<ResultView> | ResultView {
  const text = `${verb} segment ${r.segment.no}: +${r.step.added} -${r.step.removed}, ${r.segment.lines} contact(s) now.`
  return messageView(text, r)
}

const EXPANDS = ['companies', 'persons']
const expandOf = (input: ParsedInput): Expand => {
  const v = str(input, 'expand')?.toLowerCase()
  if (v === undefined) return null
  if (!EXPANDS.includes(v)) throw invalidField('expand', `--expand is companies or persons, not "${v}".`, '--expand persons')
  return v as Expand
}

const FILTER_NOTES = ['Filter terms:', ...FILTER_SYNTAX.map((l) => `  ${l}`)]
const filterArg = { name: 'filter', description: 'filter terms, e.g. industry=FISHING country=IS', required: true, rest: true }

function statsRows(s: CampaignStatistics): Array<[string, string | number | null]> {
  return [
    ['Targets', s.targets],
    ['Segment contacts', s.segmentContacts],
    ['Interactions', s.interactions],
    ['Responses', s.otherResponses ? `${s.responses} (and ${s.otherResponses} from contacts not targeted)` : s.responses],
    ['Response rate', s.responseRatePct === null ? null : `${s.responseRatePct.toFixed(1)} %`],
    ['Cost', `${formatMoney(s.costMinor, s.currency)} ${s.currency}`],
    ['Duration (min)', s.durationMin],
    ['Opportunities', s.opportunities],
    ['Estimated value', `${formatMoney(s.estimatedValueMinor, s.currency)} ${s.currency}`],
    ['Current value (open)', `${formatMoney(s.calculatedValueMinor, s.currency)} ${s.currency}`],
    ['Won value', `${formatMoney(s.wonValueMinor, s.currency)} ${s.currency}`],
  ]
}

/** Segment commands: new, show, list, contacts, add, remove, refine, undo, save-criteria, apply-criteria, log. */
export const segmentCommands: CommandSpec[] = [
  {
    path: ['segment', 'new'],
    summary: 'Create an empty segment',
    args: [{ name: 'description', description: 'what the segment is for', required: true, rest: true }],
    options: [
      { name: 'salesperson', type: 'string', description: 'salesperson (default you)' },
      { name: 'campaign', type: 'string', description: 'campaign to link it to' },
    ],
    examples: ['segment new "Fishing companies in Iceland"', 'segment new "Autumn mailing" --campaign CP0001'],
    access: 'write',
    async run(ctx, input) {
      const s = await createSegment(ctx.deps, ctx.actor, { description: input.args.description!, ...(str(input, 'salesperson') ? { salespersonCode: str(input, 'salesperson')! } : {}), ...(str(input, 'campaign') ? { campaignNo: str(input, 'campaign')! } : {}) })
      return segmentView(ctx, s.no, `Created segment ${s.no}. Add contacts: segment add ${s.no} industry=FISHING country=IS`)
    },
  },
  {
    path: ['segment', 'show'],
    summary: 'A segment: size, composition and the steps that built it',
    args: [{ name: 'segment', description: 'segment number', required: true }],
    options: [],
    examples: ['segment show SG00001'],
    access: 'read',
    run: (ctx, input) => segmentView(ctx, input.args.segment!),
  },
  {
    path: ['segment', 'list'],
    summary: 'All segments with their sizes',
    args: [],
    options: [],
    examples: ['segment list'],
    access: 'read',
    async run(ctx) {
      const list = await listSegments(ctx.deps)
      return {
        kind: 'table',
        title: `${list.length} segment(s)`,
        columns: [
          { key: 'no', label: 'No.' },
          { key: 'description', label: 'Description' },
          { key: 'lines', label: 'Contacts', align: 'right' },
          { key: 'campaign', label: 'Campaign' },
          { key: 'created', label: 'Created' },
          { key: 'logged', label: 'Logged' },
        ],
        rows: list.map((s) => ({ no: s.no, description: s.description, lines: s.lines, campaign: s.campaignNo, created: s.createdAt.slice(0, 10), logged: s.loggedAt ? (s.logCanceledAt ? 'canceled' : s.loggedAt.slice(0, 10)) : '' })),
        data: { segments: list },
      }
    },
  },
  {
    path: ['segment', 'contacts'],
    summary: 'The contacts of a segment, paged',
    args: [{ name: 'segment', description: 'segment number', required: true }],
    options: [
      { name: 'limit', type: 'int', description: 'how many (default 50, at most 1000)' },
      { name: 'offset', type: 'int', description: 'skip this many' },
    ],
    examples: ['segment contacts SG00001', 'segment contacts SG00001 --offset 50'],
    access: 'read',
    async run(ctx, input) {
      const r = await listSegmentContacts(ctx.deps, input.args.segment!, { ...(input.options.limit !== undefined ? { limit: input.options.limit as number } : {}), ...(input.options.offset !== undefined ? { offset: input.options.offset as number } : {}) })
      return {
        kind: 'table',
        title: `${r.segmentNo}: ${r.total} contact(s)`,
        columns: [
          { key: 'no', label: 'No.' },
          { key: 'name', label: 'Name' },
          { key: 'companyName', label: 'Company' },
          { key: 'city', label: 'City' },
          { key: 'countryCode', label: 'Country' },
          { key: 'salespersonCode', label: 'Salesperson' },
          { key: 'templateCode', label: 'Template' },
          { key: 'languageCode', label: 'Language' },
        ],
        rows: r.contacts.map((c) => ({ no: c.no, name: c.name, companyName: c.companyName, city: c.city, countryCode: c.countryCode, salespersonCode: c.salespersonCode, templateCode: c.templateCode ?? '', languageCode: c.languageCode ?? '' })),
        ...(r.hasMore ? { footer: `More: segment contacts ${r.segmentNo} --offset ${r.offset + r.contacts.length}` } : {}),
        data: r,
      }
    },
  },
  {
    path: ['segment', 'add'],
    summary: 'Add the contacts matching a filter (or one contact with --contact)',
    args: [{ name: 'segment', description: 'segment number', required: true }, { ...filterArg, required: false }],
    options: [
      { name: 'contact', type: 'string', description: 'add this one contact instead of a filter' },
      { name: 'any', type: 'bool', description: 'a contact matching any term is enough (default: all terms)' },
      { name: 'allow-existing', type: 'bool', description: 'contacts already in the segment get another line' },
      { name: 'expand', type: 'string', description: 'also add companies (of added persons) or persons (of added companies); also with --contact' },
    ],
    examples: ['segment add SG00001 industry=FISHING country=IS', 'segment add SG00001 relation=CUST --expand persons', 'segment add SG00001 --contact CT000002', 'segment add SG00001 --contact CT000001 --expand persons'],
    notes: FILTER_NOTES,
    access: 'write',
    async run(ctx, input) {
      const contact = str(input, 'contact')
      if (contact) {
        if (terms(input).length) throw invalidField('filter', 'Give either --contact or filter terms, not both.', 'segment add SG00001 --contact CT000002')
        if (input.options.any !== undefined) throw invalidField('any', '--any combines filter terms; it does not apply to one contact given with --contact.', 'segment add SG00001 --contact CT000001 --expand persons')
        const expand = expandOf(input)
        return stepView(await addContactToSegment(ctx.deps, ctx.actor, { no: input.args.segment!, contactNo: contact, allowExisting: input.options['allow-existing'] === true, ...(expand ? { expand } : {}) }), 'Added to')
      }
      return stepView(await addToSegment(ctx.deps, ctx.actor, { no: input.args.segment!, terms: terms(input), any: input.options.any === true, allowExisting: input.options['allow-existing'] === true, expand: expandOf(input) }), 'Added to')
    },
  },
  {
    path: ['segment', 'remove'],
    summary: 'Remove the contacts matching a filter (or one contact with --contact)',
    args: [{ name: 'segment', description: 'segment number', required: true }, { ...filterArg, required: false }],
    options: [
      { name: 'contact', type: 'string', description: 'remove this one contact instead of a filter' },
      { name: 'any', type: 'bool', description: 'a contact matching any term is removed (default: all terms)' },
    ],
    examples: ['segment remove SG00001 interaction:EMAIL-OUT:30d', 'segment remove SG00001 --contact CT000002'],
    notes: FILTER_NOTES,
    access: 'write',
    async run(ctx, input) {
      const contact = str(input, 'contact')
      if (contact) {
        if (terms(input).length) throw invalidField('filter', 'Give either --contact or filter terms, not both.', 'segment remove SG00001 --contact CT000002')
        if (input.options.any !== undefined) throw invalidField('any', '--any combines filter terms; it does not apply to one contact given with --contact.', 'segment remove SG00001 --contact CT000002')
        return stepView(await removeContactFromSegment(ctx.deps, ctx.actor, { no: input.args.segment!, contactNo: contact }), 'Removed from')
      }
      return stepView(await removeFromSegment(ctx.deps, ctx.actor, { no: input.args.segment!, terms: terms(input), any: input.options.any === true }), 'Removed from')
    },
  },
  {
    path: ['segment', 'refine'],
    summary: 'Keep only the contacts matching a filter',
    args: [{ name: 'segment', description: 'segment number', required: true }, filterArg],
    options: [{ name: 'any', type: 'bool', description: 'matching any term is enough to stay (default: all terms)' }],
    examples: ['segment refine SG00001 relation=PROSPECT'],
    notes: FILTER_NOTES,
    access: 'write',
    async run(ctx, input) {
      return stepView(await refineSegment(ctx.deps, ctx.actor, { no: input.args.segment!, terms: terms(input), any: input.options.any === true }), 'Refined')
    },
  },
  {
    path: ['segment', 'undo'],
    summary: 'Undo the last step (again for the one before)',
    args: [{ name: 'segment', description: 'segment number', required: true }],
    options: [],
    examples: ['segment undo SG00001'],
    access: 'write',
    async run(ctx, input) {
      const r = await undoSegmentStep(ctx.deps, ctx.actor, input.args.segment!)
      return messageView(`Undid step ${r.step.seq} (${r.step.action} ${r.step.criteria}) of ${r.segment.no}: ${r.segment.lines} contact(s) now.`, r)
    },
  },
  {
    path: ['segment', 'save-criteria'],
    summary: 'Save the segment\'s steps under a code, to apply to another segment later',
    args: [{ name: 'segment', description: 'segment number', required: true }, { name: 'code', description: 'criteria code, e.g. FISH-IS', required: true }, { name: 'description', description: 'what they select', rest: true }],
    options: [],
    examples: ['segment save-criteria SG00001 FISH-IS "Icelandic fishing prospects not mailed lately"'],
    access: 'write',
    async run(ctx, input) {
      const r = await saveSegmentCriteria(ctx.deps, ctx.actor, { no: input.args.segment!, code: input.args.code!, ...(input.args.description ? { description: input.args.description } : {}) })
      return messageView(`Saved ${r.steps.length} step(s) as criteria ${r.code}. Apply them: segment apply-criteria <segment> ${r.code}`, r)
    },
  },
  {
    path: ['segment', 'apply-criteria'],
    summary: 'Apply saved criteria to a segment, on today\'s data',
    args: [{ name: 'segment', description: 'segment number', required: true }, { name: 'code', description: 'saved criteria code', required: true }],
    options: [],
    examples: ['segment apply-criteria SG00002 FISH-IS'],
    access: 'write',
    async run(ctx, input) {
      const r = await applySegmentCriteria(ctx.deps, ctx.actor, { no: input.args.segment!, code: input.args.code! })
      return segmentView(ctx, r.segment.no, `Applied ${r.steps.length} step(s) to ${r.segment.no}: ${r.segment.lines} contact(s).`)
    },
  },
  {
    path: ['segment', 'log'],
    summary: 'Log an interaction for every contact of the segment (emails are queued for sending)',
    args: [{ name: 'segment', description: 'segment number', required: true }, { name: 'template', description: 'interaction template, e.g. EMAIL-OUT', required: true }, { name: 'subject', description: 'default subject (default the segment\'s, else its description)', rest: true }],
    options: [
      { name: 'date', type: 'string', description: 'when: YYYY-MM-DD or "YYYY-MM-DD HH:MM" (default now)' },
      { name: 'follow-up', type: 'bool', description: 'also create a follow-up segment with the same contacts' },
    ],
    examples: ['segment log SG00001 EMAIL-OUT "Autumn offer" --follow-up', 'segment log SG00001 LETTER "Catalogue 2027"', 'segment log SG00001 EMAIL-OUT'],
    notes: ['Each line gets the subject (and its email the body) of the segment\'s variant for its language (segment language), else the default ones (segment content).'],
    access: 'write',
    async run(ctx, input) {
      const r = await logSegment(ctx.deps, ctx.actor, { no: input.args.segment!, templateCode: input.args.template!, ...(input.args.subject !== undefined ? { subject: input.args.subject } : {}), ...(str(input, 'date') ? { date: str(input, 'date')! } : {}), followUp: input.options['follow-up'] === true })
      const parts = [`Logged ${r.logged} ${r.templateCode} interaction(s) for segment ${r.segment.no}`]
      if (r.queued) parts.push(`${r.queued} email(s) queued for sending`)
      if (r.followUp) parts.push(`follow-up segment ${r.followUp.no} with ${r.followUp.lines} contact(s)`)
      const gone = r.skippedContacts.filter((c) => c.reason !== 'no-email-address')
      const unaddressed = r.skippedContacts.filter((c) => c.reason === 'no-email-address')
      const count = (contacts: typeof gone) => contacts.reduce((n, c) => n + c.lines, 0)
      if (gone.length) parts.push(`skipped ${count(gone)} line(s) whose contact may no longer be in a segment: ${skippedText(gone)}`)
      if (unaddressed.length) {
        const campaign = r.segment.campaignNo ? ` --campaign ${r.segment.campaignNo} --target` : ''
        parts.push(`skipped ${count(unaddressed)} email line(s) whose contact has no email address: ${skippedText(unaddressed, false)} (no entry, no mail); log them another way, e.g. log ${unaddressed[0]!.no} LETTER ${joinWords([r.subject])}${campaign}`)
      }
      return messageView(parts.join('; ') + '.', r)
    },
  },
  {
    path: ['segment', 'line'],
    summary: 'Log one contact of the segment with another template than the segment\'s, or in another language than the contact\'s',
    args: [{ name: 'segment', description: 'segment number', required: true }, { name: 'contact', description: 'contact number', required: true }],
    options: [
      { name: 'template', type: 'string', description: 'interaction template for this contact ("" for the segment\'s)' },
      { name: 'language', type: 'string', description: 'language of this contact\'s email, e.g. en ("" for the contact\'s)' },
    ],
    examples: ['segment line SG00001 CT000002 --template LETTER', 'segment line SG00001 CT000002 --language en', 'segment line SG00001 CT000002 --template "" --language ""'],
    access: 'write',
    async run(ctx, input) {
      const template = str(input, 'template')
      const language = str(input, 'language')
      const r = await setSegmentLine(ctx.deps, ctx.actor, { no: input.args.segment!, contactNo: input.args.contact!, ...(template !== undefined ? { templateCode: template } : {}), ...(language !== undefined ? { languageCode: language } : {}) })
      const parts: string[] = []
      if (r.templateCode !== undefined) parts.push(r.templateCode ? `with ${r.templateCode}` : 'with the segment\'s template')
      if (r.languageCode !== undefined) parts.push(r.languageCode ? `in ${r.languageCode}` : 'in the contact\'s language')
      return messageView(`${r.contactNo} is logged ${parts.join(' and ')} in segment ${r.segment.no}.`, r)
    },
  },
  {
    path: ['segment', 'content'],
    summary: 'The subject and body of the segment\'s emails (for lines whose language has no variant)',
    args: [{ name: 'segment', description: 'segment number', required: true }],
    options: [
      { name: 'subject', type: 'string', description: 'default subject ("" clears: the log\'s subject, else the description)' },
      { name: 'body', type: 'string', description: 'default body text, lines kept ("" clears: the subject is sent as the text)' },
    ],
    examples: ['segment content SG00001 --subject "Autumn offer" --body "Fresh cod and haddock this week."', 'segment content SG00001 --body ""'],
    access: 'write',
    async run(ctx, input) {
      const r = await setSegmentContent(ctx.deps, ctx.actor, { no: input.args.segment!, ...(str(input, 'subject') !== undefined ? { subject: str(input, 'subject')! } : {}), ...(str(input, 'body') !== undefined ? { body: str(input, 'body')! } : {}) })
      return segmentView(ctx, r.segment.no, `Set the email content of ${r.segment.no}.`)
    },
  },
  {
    path: ['segment', 'language'],
    summary: 'A language variant of the segment\'s emails: subject and body for lines in that language',
    args: [{ name: 'segment', description: 'segment number', required: true }, { name: 'language', description: 'language code, e.g. is, ru, pt-br', required: true }],
    options: [
      { name: 'subject', type: 'string', description: 'subject in that language (needed for a new variant)' },
      { name: 'body', type: 'string', description: 'body text in that language, lines kept ("" for none: the subject is sent as the text)' },
      { name: 'remove', type: 'bool', description: 'remove the variant: its lines get the default content' },
    ],
    examples: ['segment language SG00001 is --subject "Haustilboð" --body "Ferskur þorskur og ýsa í þessari viku."', 'segment language SG00001 ru --subject "Осеннее предложение"', 'segment language SG00001 ru --remove'],
    notes: ['A line is in its own language (segment line --language), else its contact\'s (contact edit --language).'],
    access: 'write',
    async run(ctx, input) {
      const no = input.args.segment!
      const languageCode = input.args.language!
      if (input.options.remove === true) {
        if (str(input, 'subject') !== undefined || str(input, 'body') !== undefined) throw invalidField('remove', '--remove takes no --subject or --body.', `segment language ${no.toUpperCase()} ${languageCode} --remove`)
        const r = await removeSegmentLanguage(ctx.deps, ctx.actor, { no, languageCode })
        return segmentView(ctx, r.segment.no, `Removed the ${r.languageCode} variant of ${r.segment.no}; its lines get the default content.`)
      }
      const r = await saveSegmentLanguage(ctx.deps, ctx.actor, { no, languageCode, ...(str(input, 'subject') !== undefined ? { subject: str(input, 'subject')! } : {}), ...(str(input, 'body') !== undefined ? { body: str(input, 'body')! } : {}) })
      return segmentView(ctx, r.segment.no, `${r.created ? 'Added' : 'Changed'} the ${r.languageCode} variant of ${r.segment.no}.`)
    },
  },
  {
    path: ['segment', 'cancel-log'],
    summary: 'Cancel a logged segment: its interactions are canceled (not deleted)',
    args: [{ name: 'segment', description: 'segment number', required: true }],
    options: [],
    examples: ['segment cancel-log SG00001'],
    access: 'write',
    async run(ctx, input) {
      const r = await cancelSegmentLog(ctx.deps, ctx.actor, input.args.segment!)
      return messageView(`Canceled the log of ${r.segment.no}: ${r.canceled} interaction(s) canceled.`, r)
    },
  },
]

async function campaignView(ctx: CommandContext, no: string, notice?: string): Promise<ResultView> {
  const d = await getCampaignDetails(ctx.deps, no)
  const c = d.campaign
  return {
    kind: 'record',
    title: `${notice ? `${notice}\n` : ''}${c.no}  ${c.description}`,
    fields: [
      ['Status', c.status],
      ['Dates', c.startingDate || c.endingDate ? `${c.startingDate ?? '…'} – ${c.endingDate ?? '…'}` : null],
      ['Salesperson', c.salespersonCode],
      ['Segments', d.segments.map((s) => `${s.no} ${s.description} (${s.lines})`).join(', ') || null],
      ...statsRows(d.statistics),
      ['By template', d.byTemplate.map((t) => `${t.templateCode} ${t.count}${t.responses ? ` (${t.responses} responses)` : ''}`).join(', ') || null],
    ],
    data: d,
  }
}

/** Campaign commands: new, show, list, status, link-segment, respond, stats; setup of statuses. */
export const campaignCommands: CommandSpec[] = [
  {
    path: ['campaign', 'new'],
    summary: 'Create a campaign',
    args: [{ name: 'description', description: 'what the campaign is', required: true, rest: true }],
    options: [
      { name: 'start', type: 'string', description: 'starting date YYYY-MM-DD' },
      { name: 'end', type: 'string', description: 'ending date YYYY-MM-DD' },
      { name: 'status', type: 'string', description: 'status (default PLANNED)' },
      { name: 'salesperson', type: 'string', description: 'salesperson (default you)' },
    ],
    examples: ['campaign new "Autumn offer 2026" --start 2026-10-01 --end 2026-11-30'],
    access: 'write',
    async run(ctx, input) {
      const c = await createCampaign(ctx.deps, ctx.actor, {
        description: input.args.description!,
        ...(str(input, 'start') !== undefined ? { start: str(input, 'start')! } : {}),
        ...(str(input, 'end') !== undefined ? { end: str(input, 'end')! } : {}),
        ...(str(input, 'status') ? { status: str(input, 'status')! } : {}),
        ...(str(input, 'salesperson') ? { salespersonCode: str(input, 'salesperson')! } : {}),
      })
      return campaignView(ctx, c.no, `Created campaign ${c.no}. Link a segment: campaign link-segment ${c.no} SG00001`)
    },
  },
  {
    path: ['campaign', 'show'],
    summary: 'A campaign with its segments and statistics',
    args: [{ name: 'campaign', description: 'campaign number', required: true }],
    options: [],
    examples: ['campaign show CP0001'],
    access: 'read',
    run: (ctx, input) => campaignView(ctx, input.args.campaign!),
  },
  {
    path: ['campaign', 'list'],
    summary: 'Campaigns with targets, response rate and value',
    args: [],
    options: [{ name: 'status', type: 'string', description: 'only campaigns of this status' }],
    examples: ['campaign list', 'campaign list --status ACTIVE'],
    access: 'read',
    async run(ctx, input) {
      const list = await listCampaigns(ctx.deps, str(input, 'status') ? { status: str(input, 'status')! } : {})
      return {
        kind: 'table',
        title: `${list.length} campaign(s)`,
        columns: [
          { key: 'no', label: 'No.' },
          { key: 'description', label: 'Description' },
          { key: 'status', label: 'Status' },
          { key: 'dates', label: 'Dates' },
          { key: 'targets', label: 'Targets', align: 'right' },
          { key: 'rate', label: 'Response', align: 'right' },
          { key: 'won', label: 'Won', align: 'right' },
        ],
        rows: list.map((c) => ({ no: c.no, description: c.description, status: c.status, dates: `${c.startingDate ?? ''}–${c.endingDate ?? ''}`, targets: c.statistics.targets, rate: c.statistics.responseRatePct === null ? '' : `${c.statistics.responseRatePct.toFixed(1)} %`, won: formatMoney(c.statistics.wonValueMinor, c.statistics.currency) })),
        data: { campaigns: list },
      }
    },
  },
  {
    path: ['campaign', 'status'],
    summary: 'Change a campaign\'s status (and dates)',
    args: [{ name: 'campaign', description: 'campaign number', required: true }, { name: 'status', description: 'new status, e.g. ACTIVE', required: true }],
    options: [
      { name: 'start', type: 'string', description: 'starting date YYYY-MM-DD ("" clears)' },
      { name: 'end', type: 'string', description: 'ending date YYYY-MM-DD ("" clears)' },
    ],
    examples: ['campaign status CP0001 ACTIVE', 'campaign status CP0001 DONE --end 2026-11-30'],
    access: 'write',
    async run(ctx, input) {
      const c = await setCampaignStatus(ctx.deps, ctx.actor, { no: input.args.campaign!, status: input.args.status!, ...(str(input, 'start') !== undefined ? { start: str(input, 'start')! } : {}), ...(str(input, 'end') !== undefined ? { end: str(input, 'end')! } : {}) })
      return messageView(`${c.no} is now ${c.status}.`, c)
    },
  },
  {
    path: ['campaign', 'link-segment'],
    summary: 'Link a segment to a campaign: its contacts become targets',
    args: [{ name: 'campaign', description: 'campaign number', required: true }, { name: 'segment', description: 'segment number', required: true }],
    options: [],
    examples: ['campaign link-segment CP0001 SG00001'],
    access: 'write',
    async run(ctx, input) {
      const r = await linkSegmentToCampaign(ctx.deps, ctx.actor, { campaignNo: input.args.campaign!, segmentNo: input.args.segment! })
      return messageView(`Linked ${input.args.segment!.toUpperCase()} to ${r.campaign.no}; segments: ${r.segments.map((s) => `${s.no} (${s.lines})`).join(', ')}.`, r)
    },
  },
  {
    path: ['campaign', 'respond'],
    summary: 'Record a contact\'s response to a campaign',
    args: [{ name: 'campaign', description: 'campaign number', required: true }, { name: 'contact', description: 'contact number', required: true }, { name: 'subject', description: 'what they said', rest: true }],
    options: [
      { name: 'template', type: 'string', description: 'interaction template (default EMAIL-IN)' },
      { name: 'date', type: 'string', description: 'when (default now)' },
      { name: 'note', type: 'string', description: 'longer description' },
    ],
    examples: ['campaign respond CP0001 CT000002 "Wants a quote"', 'campaign respond CP0001 CT000002 --template CALL-IN'],
    access: 'write',
    async run(ctx, input) {
      const r = await respondToCampaign(ctx.deps, ctx.actor, {
        campaignNo: input.args.campaign!,
        contactNo: input.args.contact!,
        ...(input.args.subject ? { subject: input.args.subject } : {}),
        ...(str(input, 'template') ? { templateCode: str(input, 'template')! } : {}),
        ...(str(input, 'date') ? { date: str(input, 'date')! } : {}),
        ...(str(input, 'note') ? { note: str(input, 'note')! } : {}),
      })
      return messageView(`Logged response ${r.interaction.no} of ${r.interaction.contactNo} to ${r.campaign.no}.`, r)
    },
  },
  {
    path: ['campaign', 'stats'],
    summary: 'Campaign statistics: targets, responses and rate, cost, duration, opportunities and value',
    args: [{ name: 'campaign', description: 'campaign number', required: true }],
    options: [],
    examples: ['campaign stats CP0001'],
    access: 'read',
    async run(ctx, input) {
      const s = await getCampaignStatistics(ctx.deps, input.args.campaign!)
      return { kind: 'record', title: `Statistics of ${s.campaignNo}`, fields: statsRows(s), data: s }
    },
  },
  {
    path: ['setup', 'campaign-statuses'],
    summary: 'The campaign statuses',
    args: [],
    options: [],
    examples: ['setup campaign-statuses'],
    access: 'read',
    async run(ctx) {
      const list = await listCampaignStatuses(ctx.deps)
      return { kind: 'table', title: 'Campaign statuses', columns: [{ key: 'code', label: 'Code' }, { key: 'description', label: 'Description' }, { key: 'active', label: 'Active' }], rows: list.map((s) => ({ code: s.code, description: s.description, active: s.active ? 'yes' : '' })), data: { statuses: list } }
    },
  },
  {
    path: ['setup', 'campaign-status'],
    summary: 'Add or change a campaign status',
    args: [{ name: 'code', description: 'status code', required: true }, { name: 'description', description: 'description', required: true, rest: true }],
    options: [
      { name: 'order', type: 'int', description: 'position in lists' },
      { name: 'active', type: 'bool', description: 'campaigns in this status are running' },
    ],
    examples: ['setup campaign-status PAUSED "Paused" --order 4'],
    access: 'admin',
    async run(ctx, input) {
      const list = await saveCampaignStatus(ctx.deps, ctx.actor, { code: input.args.code!, description: input.args.description!, ...(input.options.order !== undefined ? { sortOrder: input.options.order as number } : {}), active: input.options.active === true })
      return messageView(`Campaign statuses: ${list.map((s) => s.code).join(', ')}.`, { statuses: list })
    },
  },
]
