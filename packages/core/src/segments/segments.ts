// Segments: lists of contacts built by recorded steps (add, remove, refine, one contact in or out), undone step
// by step, saved as criteria and reapplied, and logged as one interaction per line. Every step is a handful of
// set-based statements in one transaction, whatever the size of the segment.
import { contacts, interactions, numberSeries, segments as segmentQueries, setup as setupQueries, type Executor, type SegmentRow, type SegmentStepRow, type UnloggableReason } from '@crm/db'
import type { Actor, CoreDeps } from '../deps.ts'
import { DomainError, invalidField } from '../errors.ts'
import { parseDateTime } from '../dates.ts'
import { cleanMultilineText, cleanText } from '../text/normalize.ts'
import { parseLanguageCode } from '../contacts/fields.ts'
import { resolveSalesperson } from '../salespeople/salespeople.ts'
import { parseSegmentFilter } from './filter.ts'
import { joinWords, tokenize } from '../commands/tokenize.ts'

export type SegmentAction = SegmentStepRow['action']
export type Expand = 'companies' | 'persons' | null

export interface Segment {
  no: string
  description: string
  salespersonCode: string | null
  campaignNo: string | null
  lines: number
  createdAt: string
  loggedAt: string | null
  logCanceledAt: string | null
  followUpOf: string | null
}

export interface SegmentStep {
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

/** A segment's email content: the default subject and body, and a variant per language code. */
export interface SegmentContent {
  subject: string | null
  body: string | null
  languages: SegmentLanguageVariant[]
}

export interface SegmentLanguageVariant {
  languageCode: string
  subject: string
  body: string | null
}

export interface StepOptions {
  any?: boolean
  allowExisting?: boolean
  expand?: Expand
}

function toSegment(row: SegmentRow, lines: number): Segment {
  return {
    no: row.no,
    description: row.description,
    salespersonCode: row.salesperson_code,
    campaignNo: row.campaign_no,
    lines,
    createdAt: row.created_at,
    loggedAt: row.logged_at,
    logCanceledAt: row.log_canceled_at,
    followUpOf: row.follow_up_of,
  }
}

function toStep(row: SegmentStepRow): SegmentStep {
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

const key = (v: string) => v.trim().toUpperCase()

export async function requireSegment(db: Executor, no: string): Promise<SegmentRow> {
  const row = await segmentQueries.find(db, key(no))
  if (!row) throw new DomainError('SEGMENT_NOT_FOUND', `There is no segment ${key(no)}. See them with: segment list`, { field: 'segment' })
  return row
}

function requireOpen(row: SegmentRow): void {
  if (row.logged_at && !row.log_canceled_at) {
    throw new DomainError('SEGMENT_LOGGED', `Segment ${row.no} has been logged, so its contacts are fixed. Make a follow-up: segment log ${row.no} ... --follow-up, or cancel the log first: segment cancel-log ${row.no}`, { field: 'segment' })
  }
}

async function describe(db: Executor, row: SegmentRow): Promise<Segment> {
  return toSegment(row, await segmentQueries.countLines(db, row.no))
}

export interface CreateSegmentInput {
  description: string
  salespersonCode?: string
  campaignNo?: string
}

/** Creates an empty segment numbered from the SEGMENT series. */
export async function createSegment(deps: CoreDeps, actor: Actor, input: CreateSegmentInput): Promise<Segment> {
  const now = deps.clock().toISOString()
  return deps.database.db.transaction().execute(async (trx) => {
    const description = cleanText(input.description)
    if (!description) throw invalidField('description', 'Describe the segment.', 'segment new "Fishing companies in Iceland"')
    if ([...description].length > 100) throw invalidField('description', `The description is ${[...description].length} characters long; at most 100 are allowed.`)
    const salesperson = await resolveSalesperson(trx, actor, input.salespersonCode)
    const campaignNo = input.campaignNo ? key(input.campaignNo) : null
    if (campaignNo && !(await trx.selectFrom('campaigns').select('no').where('no', '=', campaignNo).executeTakeFirst())) {
      throw invalidField('campaign', `There is no campaign ${campaignNo}.`, 'campaign list')
    }
    const no = await numberSeries.takeNext(trx, 'SEGMENT', now)
    await segmentQueries.insertSegment(trx, { no, description, salesperson_code: salesperson, campaign_no: campaignNo, template_code: null, subject: null, created_at: now, created_by: actor.id, follow_up_of: null })
    return describe(trx, (await segmentQueries.find(trx, no))!)
  })
}

export interface StepResult {
  segment: Segment
  step: SegmentStep
}

async function finishStep(trx: Executor, segmentNo: string, stepId: number, added: number, removed: number): Promise<StepResult> {
  await segmentQueries.setStepCounts(trx, stepId, added, removed)
  const steps = await segmentQueries.listSteps(trx, segmentNo)
  const step = steps.find((s) => s.id === stepId)!
  return { segment: await describe(trx, (await segmentQueries.find(trx, segmentNo))!), step: toStep(step) }
}

export interface FilterStepInput {
  no: string
  /** Filter terms, e.g. ["industry=FISHING", "country=IS"]. */
  terms: string[]
  any?: boolean
  /** add only: contacts already in the segment may get a second line. */
  allowExisting?: boolean
  /** add only: also the companies of added persons, or the persons of added companies. */
  expand?: Expand
}

async function runStep(deps: CoreDeps, actor: Actor, segmentNo: string, action: SegmentAction, criteria: string[], options: StepOptions, trx: Executor): Promise<StepResult> {
  const now = deps.clock()
  const at = now.toISOString()
  const segment = await requireSegment(trx, segmentNo)
  requireOpen(segment)
  if (action === 'add-contact' || action === 'remove-contact') {
    const contactNo = key(criteria[0] ?? '')
    const contact = contactNo ? await contacts.find(trx, contactNo) : undefined
    if (!contact || contact.erased_at) throw new DomainError('CONTACT_NOT_FOUND', `There is no contact ${contactNo || '(none given)'}. Find the number with: contact find <name>`, { field: 'contact' })
    if (action === 'add-contact') {
      if (contact.exclude_from_segments) throw new DomainError('EXCLUDED_FROM_SEGMENTS', `${contact.no} (${contact.name}) is marked "exclude from segments" and never enters a segment.`, { field: 'contact' })
      if (contact.privacy_blocked) throw new DomainError('PRIVACY_BLOCKED', `${contact.no} (${contact.name}) is privacy blocked and cannot be put in a segment.`, { field: 'contact' })
    }
    const step = await segmentQueries.insertStep(trx, { segment_no: segment.no, action, criteria: contact.no, options: JSON.stringify(options), at, actor: actor.id })
    if (action === 'add-contact') {
      const added = await segmentQueries.addMatching(trx, { segmentNo: segment.no, stepId: step.id, filter: null, contactNo: contact.no, allowExisting: options.allowExisting === true, expand: options.expand ?? null, now: at })
      if (added === 0) throw new DomainError('ALREADY_IN_SEGMENT', `${contact.no} is already in segment ${segment.no}; add it again with --allow-existing.`, { field: 'contact' })
      return finishStep(trx, segment.no, step.id, added, 0)
    }
    const removed = await segmentQueries.removeLines(trx, { segmentNo: segment.no, stepId: step.id, filter: null, keepMatching: false, contactNo: contact.no })
    if (removed === 0) throw new DomainError('NOT_IN_SEGMENT', `${contact.no} is not in segment ${segment.no}.`, { field: 'contact' })
    return finishStep(trx, segment.no, step.id, 0, removed)
  }
  const filter = await parseSegmentFilter(trx, criteria, { any: options.any === true, now })
  const step = await segmentQueries.insertStep(trx, { segment_no: segment.no, action, criteria: joinWords(criteria), options: JSON.stringify(options), at, actor: actor.id })
  if (action === 'add') {
    const added = await segmentQueries.addMatching(trx, { segmentNo: segment.no, stepId: step.id, filter, allowExisting: options.allowExisting === true, expand: options.expand ?? null, now: at })
    return finishStep(trx, segment.no, step.id, added, 0)
  }
  const removed = await segmentQueries.removeLines(trx, { segmentNo: segment.no, stepId: step.id, filter, keepMatching: action === 'refine' })
  return finishStep(trx, segment.no, step.id, 0, removed)
}

function stepOptions(input: FilterStepInput, action: SegmentAction): StepOptions {
  if (action !== 'add' && (input.allowExisting || input.expand)) {
    throw invalidField(input.allowExisting ? 'allow-existing' : 'expand', '--allow-existing and --expand apply to segment add only.')
  }
  return { ...(input.any ? { any: true } : {}), ...(input.allowExisting ? { allowExisting: true } : {}), ...(input.expand ? { expand: input.expand } : {}) }
}

/** Adds the contacts matching a filter. */
export async function addToSegment(deps: CoreDeps, actor: Actor, input: FilterStepInput): Promise<StepResult> {
  return deps.database.db.transaction().execute((trx) => runStep(deps, actor, input.no, 'add', input.terms, stepOptions(input, 'add'), trx))
}

/** Removes the contacts matching a filter. */
export async function removeFromSegment(deps: CoreDeps, actor: Actor, input: FilterStepInput): Promise<StepResult> {
  return deps.database.db.transaction().execute((trx) => runStep(deps, actor, input.no, 'remove', input.terms, stepOptions(input, 'remove'), trx))
}

/** Keeps only the contacts matching a filter. */
export async function refineSegment(deps: CoreDeps, actor: Actor, input: FilterStepInput): Promise<StepResult> {
  return deps.database.db.transaction().execute((trx) => runStep(deps, actor, input.no, 'refine', input.terms, stepOptions(input, 'refine'), trx))
}

/**
 * Puts one contact in by hand (never one excluded from segments or privacy blocked); with `expand`, also its
 * company (of a person) or its persons (of a company), as a filter step would.
 */
export async function addContactToSegment(deps: CoreDeps, actor: Actor, input: { no: string; contactNo: string; allowExisting?: boolean; expand?: Expand }): Promise<StepResult> {
  const options: StepOptions = { ...(input.allowExisting ? { allowExisting: true } : {}), ...(input.expand ? { expand: input.expand } : {}) }
  return deps.database.db.transaction().execute((trx) => runStep(deps, actor, input.no, 'add-contact', [input.contactNo], options, trx))
}

/** Takes one contact out by hand. */
export async function removeContactFromSegment(deps: CoreDeps, actor: Actor, input: { no: string; contactNo: string }): Promise<StepResult> {
  return deps.database.db.transaction().execute((trx) => runStep(deps, actor, input.no, 'remove-contact', [input.contactNo], {}, trx))
}

/** Undoes the last step that is not undone yet; again and again, back to the empty segment. */
export async function undoSegmentStep(deps: CoreDeps, _actor: Actor, no: string): Promise<StepResult> {
  const now = deps.clock().toISOString()
  return deps.database.db.transaction().execute(async (trx) => {
    const segment = await requireSegment(trx, no)
    requireOpen(segment)
    const steps = await segmentQueries.listSteps(trx, segment.no)
    const last = [...steps].reverse().find((s) => s.undone_at === null)
    if (!last) throw new DomainError('NOTHING_TO_UNDO', `Segment ${segment.no} has no step to undo.`, { field: 'segment' })
    await segmentQueries.undoStep(trx, last, now)
    const step = (await segmentQueries.listSteps(trx, segment.no)).find((s) => s.id === last.id)!
    return { segment: await describe(trx, segment), step: toStep(step) }
  })
}

/** Saves the segment's steps (undone ones left out) under a code, to reapply to today's data later. */
export async function saveSegmentCriteria(deps: CoreDeps, _actor: Actor, input: { no: string; code: string; description?: string }) {
  const now = deps.clock().toISOString()
  return deps.database.db.transaction().execute(async (trx) => {
    const segment = await requireSegment(trx, input.no)
    const code = key(input.code)
    if (!/^[A-Z0-9][A-Z0-9_-]{0,19}$/.test(code)) throw invalidField('code', `"${input.code}" is not a criteria code: up to 20 letters, digits, - and _.`, 'segment save-criteria SG00001 FISH-IS')
    const steps = (await segmentQueries.listSteps(trx, segment.no)).filter((s) => s.undone_at === null).map((s) => ({ action: s.action, criteria: s.criteria, options: s.options ? JSON.parse(s.options) : {} }))
    if (steps.length === 0) throw new DomainError('NO_STEPS', `Segment ${segment.no} has no steps to save.`, { field: 'segment' })
    const description = cleanText(input.description) || segment.description
    await segmentQueries.saveCriteria(trx, { code, description, steps: JSON.stringify(steps), created_at: now })
    return { code, description, steps }
  })
}

/** Applies saved criteria to a segment: every saved step again, in order, on today's data. */
export async function applySegmentCriteria(deps: CoreDeps, actor: Actor, input: { no: string; code: string }): Promise<{ segment: Segment; steps: SegmentStep[] }> {
  return deps.database.db.transaction().execute(async (trx) => {
    const saved = await segmentQueries.findCriteria(trx, key(input.code))
    if (!saved) {
      const known = (await segmentQueries.listCriteria(trx)).map((c) => c.code)
      throw invalidField('code', `There are no saved criteria ${key(input.code)}. Saved: ${known.join(', ') || '(none yet)'}.`, 'segment save-criteria SG00001 FISH-IS')
    }
    const steps = JSON.parse(saved.steps) as Array<{ action: SegmentAction; criteria: string; options: StepOptions }>
    const done: SegmentStep[] = []
    for (const s of steps) {
      const criteria = s.action === 'add-contact' || s.action === 'remove-contact' ? [s.criteria] : splitTerms(s.criteria)
      try {
        done.push((await runStep(deps, actor, input.no, s.action, criteria, s.options, trx)).step)
      } catch (error) {
        // A contact added by hand that has since left the segment rules is skipped, not fatal.
        if (error instanceof DomainError && ['ALREADY_IN_SEGMENT', 'NOT_IN_SEGMENT', 'EXCLUDED_FROM_SEGMENTS', 'PRIVACY_BLOCKED', 'CONTACT_NOT_FOUND'].includes(error.code)) continue
        throw error
      }
    }
    return { segment: await describe(trx, await requireSegment(trx, input.no)), steps: done }
  })
}

/** Splits stored criteria text back into terms, as the command line did (a quoted term keeps its spaces). */
function splitTerms(text: string): string[] {
  return tokenize(text)
}

export interface LogSegmentInput {
  no: string
  templateCode: string
  /** The default subject (kept as the segment's); without it the segment's subject, else its description. */
  subject?: string
  /** When the communication happened (default now). */
  date?: string
  /** Create a follow-up segment with the same contacts. */
  followUp?: boolean
}

/**
 * Logs one interaction per line with the template (and the segment's campaign), in one transaction and a few
 * set-based statements; an email template queues one message per line with an address. Each line gets the
 * subject (and its email the body) of the segment's variant for the line's language (the line's own, else its
 * contact's), else the default ones. Optionally creates a follow-up segment with the same contacts.
 */
export async function logSegment(deps: CoreDeps, actor: Actor, input: LogSegmentInput) {
  const now = deps.clock().toISOString()
  return deps.database.db.transaction().execute(async (trx) => {
    const segment = await requireSegment(trx, input.no)
    if (segment.logged_at && !segment.log_canceled_at) throw new DomainError('SEGMENT_LOGGED', `Segment ${segment.no} was already logged on ${segment.logged_at.slice(0, 10)}.`, { field: 'segment' })
    const template = await interactions.findTemplate(trx, key(input.templateCode))
    if (!template) {
      const known = (await interactions.listTemplates(trx)).map((t) => t.code)
      throw invalidField('template', `There is no interaction template ${key(input.templateCode)}. Templates: ${known.join(', ')}.`, `segment log ${segment.no} EMAIL-OUT "Autumn offer"`)
    }
    const subject = input.subject === undefined ? (segment.subject ?? segment.description) : checkSubject(input.subject, 'subject', `segment log ${segment.no} EMAIL-OUT "Autumn offer"`)
    if (!subject) throw invalidField('subject', 'Give the subject of what was sent or said.', `segment log ${segment.no} EMAIL-OUT "Autumn offer"`)
    // Contacts erased, privacy blocked or excluded from segments since they were added are skipped (and take no
    // number), and so are email lines of contacts without an address (no mail can be queued, so no "Email sent"
    // entry); the result says which, so nobody wonders why a contact got no entry.
    const lines = await segmentQueries.countLoggableLines(trx, segment.no, template.code)
    const unaddressed = (await segmentQueries.listUnaddressedContacts(trx, segment.no, template.code)).map((r): SkippedContact => ({ no: r.contact_no, reason: 'no-email-address', lines: r.lines }))
    const skipped = [...(await segmentQueries.listUnloggableContacts(trx, segment.no)).map((r): SkippedContact => ({ no: r.contact_no, reason: r.reason, lines: r.lines })), ...unaddressed].sort((a, b) => (a.no < b.no ? -1 : a.no > b.no ? 1 : 0))
    if (lines === 0) {
      const why = skipped.length ? ` (${skippedText(skipped)})` : ''
      throw new DomainError('SEGMENT_EMPTY', `Segment ${segment.no} has no contacts that can be logged${why}; add some first: segment add ${segment.no} country=IS`, { field: 'segment' })
    }
    const occurredAt = input.date ? parseDateTime(input.date, 'date') : now
    const currency = (await setupQueries.get(trx)).currency_code
    const numbering = await numberSeries.takeBlock(trx, 'INTERACTION', lines, now)
    const result = await segmentQueries.logLines(trx, {
      segmentNo: segment.no,
      numbering,
      template: { code: template.code },
      subject,
      body: segment.body,
      campaignNo: segment.campaign_no,
      salespersonCode: segment.salesperson_code,
      currency,
      occurredAt,
      now,
      actor: actor.id,
      queueEmail: template.channel === 'email' || (await segmentQueries.hasLineTemplateOfChannel(trx, segment.no, 'email')),
    })
    await segmentQueries.update(trx, segment.no, { logged_at: now, log_canceled_at: null, template_code: template.code, subject })
    let followUp: Segment | null = null
    if (input.followUp) {
      const no = await numberSeries.takeNext(trx, 'SEGMENT', now)
      await segmentQueries.insertSegment(trx, { no, description: `Follow-up of ${segment.no}: ${segment.description}`.slice(0, 100), salesperson_code: segment.salesperson_code, campaign_no: segment.campaign_no, template_code: null, subject: null, created_at: now, created_by: actor.id, follow_up_of: segment.no })
      await segmentQueries.copyLines(trx, segment.no, no, now)
      followUp = await describe(trx, (await segmentQueries.find(trx, no))!)
    }
    return {
      segment: await describe(trx, (await segmentQueries.find(trx, segment.no))!),
      logged: result.logged,
      queued: result.queued,
      templateCode: template.code,
      subject,
      followUp,
      skipped: skipped.reduce((n, c) => n + c.lines, 0),
      skippedContacts: skipped,
    }
  })
}

export interface SkippedContact {
  no: string
  reason: UnloggableReason
  /** The contact's lines in the segment (more than one only where it was added again with --allow-existing). */
  lines: number
}

const REASON_TEXT: Record<UnloggableReason, string> = { erased: 'erased', 'privacy-blocked': 'privacy blocked', 'excluded-from-segments': 'excluded from segments', 'no-email-address': 'no email address' }

/** The contacts a segment log skipped, for a message: "CT000004 (privacy blocked), CT000005 (excluded from segments)", at most 20. */
export function skippedText(contacts: SkippedContact[], withReason = true): string {
  const shown = contacts.slice(0, 20).map((c) => (withReason ? `${c.no} (${REASON_TEXT[c.reason]})` : c.no))
  return shown.join(', ') + (contacts.length > 20 ? ` and ${contacts.length - 20} more` : '')
}

/**
 * Makes a contact's lines in a segment log with another template than the segment's (an empty code goes back to
 * the segment's): e.g. a letter to the one contact without an email address. Only while the segment is open.
 */
export async function setSegmentLineTemplate(deps: CoreDeps, actor: Actor, input: { no: string; contactNo: string; templateCode: string }) {
  const r = await setSegmentLine(deps, actor, input)
  return { segment: r.segment, contactNo: r.contactNo, templateCode: r.templateCode ?? null, lines: r.lines }
}

export interface SetSegmentLineInput {
  no: string
  contactNo: string
  /** Template to log this contact with; "" goes back to the segment's. */
  templateCode?: string
  /** Language to log this contact in; "" goes back to the contact's language. */
  languageCode?: string
}

/**
 * Overrides how a contact's lines in a segment are logged: with another template than the segment's, and/or in
 * another language than the contact's (which picks the segment's variant for that language). Every value is
 * checked before anything changes; only while the segment is open.
 */
export async function setSegmentLine(deps: CoreDeps, _actor: Actor, input: SetSegmentLineInput) {
  return deps.database.db.transaction().execute(async (trx) => {
    const segment = await requireSegment(trx, input.no)
    requireOpen(segment)
    const contactNo = key(input.contactNo)
    if (input.templateCode === undefined && input.languageCode === undefined) {
      throw invalidField('template', 'Give the template (--template) or language (--language) this contact is logged with; "" goes back to the segment\'s template or the contact\'s language.', `segment line ${segment.no} ${contactNo} --language is`)
    }
    const code = input.templateCode === undefined ? undefined : key(input.templateCode)
    if (code && !(await interactions.findTemplate(trx, code))) {
      const known = (await interactions.listTemplates(trx)).map((t) => t.code)
      throw invalidField('template', `There is no interaction template ${code}. Templates: ${known.join(', ')}.`, `segment line ${segment.no} ${contactNo} --template LETTER`)
    }
    const language = input.languageCode === undefined || input.languageCode.trim() === '' ? input.languageCode?.trim() : parseLanguageCode(input.languageCode, 'language', `segment line ${segment.no} ${contactNo} --language is`)
    let lines = 0
    if (code !== undefined) lines = await segmentQueries.setLineTemplate(trx, segment.no, contactNo, code || null)
    if (language !== undefined) lines = await segmentQueries.setLineLanguage(trx, segment.no, contactNo, language || null)
    if (lines === 0) throw new DomainError('NOT_IN_SEGMENT', `${contactNo} is not in segment ${segment.no}. See its contacts with: segment contacts ${segment.no}`, { field: 'contact' })
    return {
      segment: await describe(trx, segment),
      contactNo,
      ...(code !== undefined ? { templateCode: code || null } : {}),
      ...(language !== undefined ? { languageCode: language || null } : {}),
      lines,
    }
  })
}

const SUBJECT_MAX = 250
const BODY_MAX = 20_000

/** A subject as typed, cleaned; at most 250 characters like an interaction's. Blank gives null. */
function checkSubject(raw: string, field: string, example: string): string | null {
  const subject = cleanText(raw)
  if (subject && [...subject].length > SUBJECT_MAX) throw invalidField(field, `The subject is ${[...subject].length} characters long; at most ${SUBJECT_MAX} are allowed.`, example)
  return subject
}

/** An email body as typed, its lines kept; at most 20,000 characters. Blank gives null. */
function checkBody(raw: string, field: string, example: string): string | null {
  const body = cleanMultilineText(raw)
  if (body && [...body].length > BODY_MAX) throw invalidField(field, `The body is ${[...body].length} characters long; at most ${BODY_MAX} are allowed.`, example)
  return body
}

async function contentOf(db: Executor, row: SegmentRow): Promise<SegmentContent> {
  const languages = await segmentQueries.listLanguages(db, row.no)
  return { subject: row.subject, body: row.body, languages: languages.map((v) => ({ languageCode: v.language_code, subject: v.subject, body: v.body })) }
}

/**
 * Sets a segment's default email content: the subject and body every line gets unless the segment has a
 * variant for the line's language ("" clears one; without a subject the log's, else the description, is used).
 * Only while the segment is open.
 */
export async function setSegmentContent(deps: CoreDeps, _actor: Actor, input: { no: string; subject?: string; body?: string }) {
  return deps.database.db.transaction().execute(async (trx) => {
    const segment = await requireSegment(trx, input.no)
    requireOpen(segment)
    const example = `segment content ${segment.no} --subject "Autumn offer" --body "Fresh cod and haddock this week."`
    if (input.subject === undefined && input.body === undefined) throw invalidField('subject', 'Give the --subject or --body of the segment\'s emails ("" clears one).', example)
    const patch: { subject?: string | null; body?: string | null } = {}
    if (input.subject !== undefined) patch.subject = checkSubject(input.subject, 'subject', example)
    if (input.body !== undefined) patch.body = checkBody(input.body, 'body', example)
    await segmentQueries.update(trx, segment.no, patch)
    const row = (await segmentQueries.find(trx, segment.no))!
    return { segment: await describe(trx, row), content: await contentOf(trx, row) }
  })
}

/**
 * Adds or changes a segment's variant for a language: lines in that language (their own, else their contact's)
 * get its subject and body. A new variant needs a subject; a body left out stays as it was (none: the subject is
 * sent as the text). Only while the segment is open.
 */
export async function saveSegmentLanguage(deps: CoreDeps, _actor: Actor, input: { no: string; languageCode: string; subject?: string; body?: string }) {
  return deps.database.db.transaction().execute(async (trx) => {
    const segment = await requireSegment(trx, input.no)
    requireOpen(segment)
    const example = `segment language ${segment.no} is --subject "Haustilboð" --body "Ferskur þorskur og ýsa í þessari viku."`
    const languageCode = parseLanguageCode(input.languageCode, 'language', example)
    if (input.subject === undefined && input.body === undefined) throw invalidField('subject', `Give the --subject and --body of the ${languageCode} emails, or remove the variant with --remove.`, example)
    const existing = (await segmentQueries.listLanguages(trx, segment.no)).find((v) => v.language_code === languageCode)
    const subject = input.subject === undefined ? (existing?.subject ?? null) : checkSubject(input.subject, 'subject', example)
    if (!subject) throw invalidField('subject', `A ${languageCode} variant needs a subject.`, example)
    const body = input.body === undefined ? (existing?.body ?? null) : checkBody(input.body, 'body', example)
    await segmentQueries.saveLanguage(trx, { segment_no: segment.no, language_code: languageCode, subject, body })
    return { segment: await describe(trx, segment), languageCode, created: !existing, content: await contentOf(trx, segment) }
  })
}

/** Removes a segment's variant for a language: its lines get the default content again. Only while open. */
export async function removeSegmentLanguage(deps: CoreDeps, _actor: Actor, input: { no: string; languageCode: string }) {
  return deps.database.db.transaction().execute(async (trx) => {
    const segment = await requireSegment(trx, input.no)
    requireOpen(segment)
    const languageCode = parseLanguageCode(input.languageCode, 'language', `segment language ${segment.no} is --remove`)
    if ((await segmentQueries.deleteLanguage(trx, segment.no, languageCode)) === 0) {
      const known = (await segmentQueries.listLanguages(trx, segment.no)).map((v) => v.language_code)
      throw new DomainError('NO_SUCH_VARIANT', `Segment ${segment.no} has no ${languageCode} variant. Variants: ${known.join(', ') || '(none)'}.`, { field: 'language' })
    }
    return { segment: await describe(trx, segment), languageCode, content: await contentOf(trx, segment) }
  })
}

/** Cancels a logged segment: its entries are canceled (never deleted), unsent emails withdrawn. */
export async function cancelSegmentLog(deps: CoreDeps, _actor: Actor, no: string) {
  const now = deps.clock().toISOString()
  return deps.database.db.transaction().execute(async (trx) => {
    const segment = await requireSegment(trx, no)
    if (!segment.logged_at || segment.log_canceled_at) throw new DomainError('SEGMENT_NOT_LOGGED', `Segment ${segment.no} is not logged, so there is nothing to cancel.`, { field: 'segment' })
    const canceled = await segmentQueries.cancelLoggedEntries(trx, segment.no, now)
    await segmentQueries.update(trx, segment.no, { log_canceled_at: now })
    return { segment: await describe(trx, (await segmentQueries.find(trx, segment.no))!), canceled }
  })
}

/** A segment with its steps, composition (also by the language its lines are logged in) and email content. */
export async function getSegmentDetails(deps: CoreDeps, no: string) {
  const db = deps.database.db
  const row = await requireSegment(db, no)
  return {
    segment: await describe(db, row),
    steps: (await segmentQueries.listSteps(db, row.no)).map(toStep),
    composition: { ...(await segmentQueries.composition(db, row.no)), language: await segmentQueries.countLinesByLanguage(db, row.no) },
    content: await contentOf(db, row),
  }
}

/** All segments with their sizes. */
export async function listSegments(deps: CoreDeps): Promise<Segment[]> {
  return (await segmentQueries.list(deps.database.db)).map((r) => toSegment(r, r.lines))
}

/** A page of a segment's contacts in line order. */
export async function listSegmentContacts(deps: CoreDeps, no: string, page: { limit?: number; offset?: number } = {}) {
  const db = deps.database.db
  const row = await requireSegment(db, no)
  const limit = Math.max(1, Math.min(page.limit ?? 50, 1000))
  const offset = Math.max(0, page.offset ?? 0)
  const lines = await segmentQueries.listLines(db, row.no, limit + 1, offset)
  return {
    segmentNo: row.no,
    total: await segmentQueries.countLines(db, row.no),
    contacts: lines.slice(0, limit).map((l) => ({ no: l.contact_no, name: l.name, type: l.type, companyName: l.company_name, city: l.city, countryCode: l.country_code, salespersonCode: l.salesperson_code, email: l.email, templateCode: l.template_code, languageCode: l.language_code, contactLanguageCode: l.contact_language_code })),
    hasMore: lines.length > limit,
    offset,
  }
}
