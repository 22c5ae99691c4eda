import { changeLog, contacts, interactions, numberSeries, opportunities, segments as segmentQueries, setup as setupQueries, type Channel, type Executor, type InteractionLogEntryRow, type InteractionTemplateRow } from '@crm/db'
import type { Actor, CoreDeps } from '../deps.ts'
import { DomainError, invalidField } from '../errors.ts'
import { formatMoney, isCurrencyCode, parseMoney, toMajor } from '../money.ts'
import { cleanText } from '../text/normalize.ts'
import { parseDateTime } from '../dates.ts'
import { resolveSalesperson } from '../salespeople/salespeople.ts'

export const EVALUATIONS = ['very-positive', 'positive', 'neutral', 'negative', 'very-negative'] as const
export type Evaluation = (typeof EVALUATIONS)[number]
export const SOURCES = ['manual', 'slack', 'email', 'segment'] as const
export type InteractionSource = (typeof SOURCES)[number]
export const CHANNELS: readonly Channel[] = ['email', 'phone', 'meeting', 'letter', 'other']

/** An interaction log entry as the domain shows it. */
export interface Interaction {
  no: string
  contactNo: string
  contactCompanyNo: string | null
  templateCode: string
  groupCode: string
  channel: Channel
  occurredAt: string
  subject: string
  description: string | null
  salespersonCode: string | null
  cost: number
  costMinor: number
  currency: string
  durationMin: number
  attemptFailed: boolean
  initiatedBy: 'us' | 'them' | null
  informationFlow: 'inbound' | 'outbound' | null
  evaluation: Evaluation | null
  opportunityNo: string | null
  campaignNo: string | null
  segmentNo: string | null
  campaignResponse: boolean
  /** The entry makes its contact a target of the campaign (logged from a segment, or with a target template). */
  campaignTarget: boolean
  source: InteractionSource
  externalRef: string | null
  attachments: Array<{ name: string; size: number; contentType?: string }>
  canceled: boolean
  canceledAt: string | null
  createdAt: string
  createdBy: string | null
  /** The language of the segment variant it was logged with; null for the segment's default content or none. */
  languageCode: string | null
}

export function toInteraction(row: InteractionLogEntryRow): Interaction {
  return {
    no: row.no,
    contactNo: row.contact_no,
    contactCompanyNo: row.contact_company_no,
    templateCode: row.template_code,
    groupCode: row.group_code,
    channel: row.channel,
    occurredAt: row.occurred_at,
    subject: row.subject,
    description: row.description,
    salespersonCode: row.salesperson_code,
    cost: toMajor(Number(row.cost_minor), row.currency_code),
    costMinor: Number(row.cost_minor),
    currency: row.currency_code,
    durationMin: row.duration_min,
    attemptFailed: row.attempt_failed === 1,
    initiatedBy: row.initiated_by,
    informationFlow: row.information_flow,
    evaluation: row.evaluation as Evaluation | null,
    opportunityNo: row.opportunity_no,
    campaignNo: row.campaign_no,
    segmentNo: row.segment_no,
    campaignResponse: row.campaign_response === 1,
    campaignTarget: row.campaign_target === 1,
    source: row.source as InteractionSource,
    externalRef: row.external_ref,
    attachments: row.attachments ? (JSON.parse(row.attachments) as Interaction['attachments']) : [],
    canceled: row.canceled === 1,
    canceledAt: row.canceled_at,
    createdAt: row.created_at,
    createdBy: row.created_by,
    languageCode: row.language_code,
  }
}

export interface LogInteractionInput {
  contactNo: string
  templateCode: string
  subject: string
  /** ISO date or date-time as typed ("2026-11-20", "2026-11-20 14:30"); default now. */
  date?: string
  durationMin?: number
  /** Cost as typed ("2.50") in the setup currency; default the template's unit cost. */
  cost?: string
  informationFlow?: 'inbound' | 'outbound'
  initiatedBy?: 'us' | 'them'
  evaluation?: string
  attemptFailed?: boolean
  opportunityNo?: string
  campaignNo?: string
  segmentNo?: string
  campaignResponse?: boolean
  /** The contact becomes a target of the campaign (default: the template's campaign-target flag). */
  campaignTarget?: boolean
  note?: string
  salespersonCode?: string
  source?: InteractionSource
  externalRef?: string
  attachments?: Array<{ name: string; size: number; contentType?: string }>
}

export interface LogInteractionResult {
  interaction: Interaction
  /** True when an entry with the same external reference already existed for the contact (nothing new stored). */
  alreadyLogged: boolean
}

/** A template or a DomainError listing the known templates. */
export async function requireTemplate(db: Executor, code: string): Promise<InteractionTemplateRow> {
  const key = code.trim().toUpperCase()
  const template = await interactions.findTemplate(db, key)
  if (!template) {
    const known = (await interactions.listTemplates(db)).map((t) => t.code)
    throw invalidField('template', `There is no interaction template ${key}. Templates: ${known.join(', ')}.`, 'log CT000002 CALL-OUT "Follow-up call"')
  }
  return template
}

function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string }
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e?.message ?? '')
}

/**
 * Records one communication with a contact, numbered from the INTERACTION series. The contact's company is
 * stored with it so a company's history rolls up its persons. Cost and duration default to the template's.
 * Re-logging the same external reference (e.g. an email Message-ID) for the same contact is a no-op.
 */
export async function logInteraction(deps: CoreDeps, actor: Actor, input: LogInteractionInput): Promise<LogInteractionResult> {
  const now = deps.clock()
  const db = deps.database.db
  const externalRef = cleanText(input.externalRef)
  const contactNo = input.contactNo.trim().toUpperCase()
  if (externalRef) {
    const existing = await interactions.findByExternalRef(db, contactNo, externalRef)
    if (existing) return { interaction: toInteraction(existing), alreadyLogged: true }
  }
  try {
    return await db.transaction().execute(async (trx) => ({ interaction: await insertInteraction(trx, actor, input, now), alreadyLogged: false }))
  } catch (error) {
    // Two deliveries of the same message raced: the unique (contact, reference) index kept one; return it.
    if (externalRef && isUniqueViolation(error)) {
      const existing = await interactions.findByExternalRef(db, contactNo, externalRef)
      if (existing) return { interaction: toInteraction(existing), alreadyLogged: true }
    }
    throw error
  }
}

/**
 * The insert of logInteraction inside a transaction the caller opened (so another change can commit or roll
 * back with it); the caller checks the external reference first.
 */
export async function insertInteraction(trx: Executor, actor: Actor, input: LogInteractionInput, now: Date): Promise<Interaction> {
  const externalRef = cleanText(input.externalRef)
  const contactNo = input.contactNo.trim().toUpperCase()
  const contact = await contacts.find(trx, contactNo)
  if (!contact || contact.erased_at) throw new DomainError('CONTACT_NOT_FOUND', `There is no contact ${contactNo}. Find the number with: contact find <name>`, { field: 'contact' })
  if (contact.privacy_blocked) throw new DomainError('PRIVACY_BLOCKED', `${contact.no} (${contact.name}) is privacy blocked and cannot be used in new interactions.`, { field: 'contact' })
  const template = await requireTemplate(trx, input.templateCode)
  const setup = await setupQueries.get(trx)
  const subject = cleanText(input.subject)
  if (!subject) throw invalidField('subject', 'Give a subject for the interaction.', `log ${contact.no} ${template.code} "Follow-up call"`)
  if ([...subject].length > 250) throw invalidField('subject', `The subject is ${[...subject].length} characters long; at most 250 are allowed.`)
  const occurredAt = input.date ? parseDateTime(input.date, 'date') : now.toISOString()
  // What a user types records a communication that took place; a day of slack covers every time zone. (A mail's own
  // Date header is taken as it is: the message exists.)
  if ((input.source ?? 'manual') !== 'email' && input.date && Date.parse(occurredAt) > now.getTime() + 86_400_000) {
    throw invalidField('date', `${input.date.trim()} is in the future; an interaction records a communication that took place. Log it once it has happened.`, `--date ${now.toISOString().slice(0, 10)}`)
  }
  const duration = input.durationMin ?? template.unit_duration_min
  if (!Number.isInteger(duration) || duration < 0 || duration > 100000) throw invalidField('duration', `The duration is whole minutes from 0, not ${input.durationMin}.`, '--duration 15')
  const currency = setup.currency_code
  const costMinor = input.cost !== undefined ? parseMoney(input.cost, currency, 'cost') : Number(template.unit_cost_minor)
  if (costMinor < 0) throw invalidField('cost', 'The cost cannot be negative.', '--cost 2.50')
  let evaluation: Evaluation | null = null
  if (input.evaluation !== undefined) {
    const e = input.evaluation.trim().toLowerCase().replace(/[_\s]+/g, '-')
    if (!(EVALUATIONS as readonly string[]).includes(e)) throw invalidField('evaluation', `The evaluation is one of ${EVALUATIONS.join(', ')}, not "${input.evaluation}".`, '--evaluation positive')
    evaluation = e as Evaluation
  }
  let opportunityNo: string | null = null
  if (input.opportunityNo) {
    opportunityNo = input.opportunityNo.trim().toUpperCase()
    const opportunity = await opportunities.find(trx, opportunityNo)
    if (!opportunity) throw invalidField('opportunity', `There is no opportunity ${opportunityNo}.`, '--opportunity OP000001')
    // The entry and the opportunity concern one party: the same contact, or contacts of the same company.
    const companyOf = (no: string, companyNo: string | null) => companyNo ?? no
    const contactCompany = companyOf(contact.no, contact.type === 'person' ? contact.company_no : null)
    if (opportunity.contact_no !== contact.no && companyOf(opportunity.contact_no, opportunity.contact_company_no) !== contactCompany) {
      throw invalidField(
        'opportunity',
        `${opportunityNo} is ${opportunity.contact_no}'s opportunity; an interaction with ${contact.no} can only be linked to an opportunity of ${contact.no} or of its company.`,
        `log ${opportunity.contact_no} ${template.code} "${subject}" --opportunity ${opportunityNo}`,
      )
    }
  }
  const campaignNo = input.campaignNo ? input.campaignNo.trim().toUpperCase() : null
  if (campaignNo && !(await trx.selectFrom('campaigns').select('no').where('no', '=', campaignNo).executeTakeFirst())) {
    throw invalidField('campaign', `There is no campaign ${campaignNo}. See them with: campaign list`, '--campaign CP0001')
  }
  if (input.campaignResponse && !campaignNo) {
    throw invalidField('response', 'A response answers a campaign: give the campaign with --campaign, or record it with "campaign respond".', `log ${contact.no} ${template.code} "Wants a quote" --campaign CP0001 --response`)
  }
  if (input.campaignTarget && !campaignNo) {
    throw invalidField('target', 'A target belongs to a campaign: give the campaign with --campaign.', `log ${contact.no} ${template.code} "Price list sent" --campaign CP0001 --target`)
  }
  if (input.campaignTarget && input.campaignResponse) {
    throw invalidField('target', 'An entry is a campaign target or a response to it, not both: leave out --target or --response.', `log ${contact.no} ${template.code} "Wants a quote" --campaign CP0001 --response`)
  }
  const segmentNo = input.segmentNo ? input.segmentNo.trim().toUpperCase() : null
  if (segmentNo && !(await trx.selectFrom('segments').select('no').where('no', '=', segmentNo).executeTakeFirst())) {
    throw invalidField('segment', `There is no segment ${segmentNo}. See them with: segment list`, '--segment SG00001')
  }
  const salespersonCode = await resolveSalesperson(trx, actor, input.salespersonCode, contact.salesperson_code)
  if (!isCurrencyCode(currency)) throw new DomainError('BAD_SETUP', `The setup currency ${currency} is not a currency code.`)
  // A response template only makes a response where there is a campaign to answer.
  const response = campaignNo && (input.campaignResponse || template.campaign_response) ? 1 : 0
  const no = await numberSeries.takeNext(trx, 'INTERACTION', now.toISOString())
  await interactions.insert(trx, {
    no,
    contact_no: contact.no,
    contact_company_no: contact.type === 'person' ? contact.company_no : null,
    template_code: template.code,
    group_code: template.group_code,
    channel: template.channel,
    occurred_at: occurredAt,
    subject,
    description: cleanText(input.note),
    salesperson_code: salespersonCode ?? null,
    cost_minor: costMinor,
    currency_code: currency,
    duration_min: duration,
    attempt_failed: input.attemptFailed ? 1 : 0,
    initiated_by: input.initiatedBy ?? template.initiated_by,
    information_flow: input.informationFlow ?? template.information_flow,
    evaluation,
    opportunity_no: opportunityNo,
    campaign_no: campaignNo,
    segment_no: segmentNo,
    campaign_response: response,
    // A target template makes the contact a target where there is a campaign and the entry is no response.
    campaign_target: campaignNo && !response && (input.campaignTarget ?? template.campaign_target === 1) ? 1 : 0,
    source: input.source ?? 'manual',
    external_ref: externalRef,
    attachments: input.attachments?.length ? JSON.stringify(input.attachments) : null,
    canceled: 0,
    canceled_at: null,
    created_at: now.toISOString(),
    created_by: actor.id,
  })
  const row = await interactions.find(trx, no)
  return toInteraction(row!)
}

export interface InteractionHistory {
  contactNo: string
  rolledUp: boolean
  interactions: Interaction[]
  hasMore: boolean
  offset: number
}

/** A contact's interaction history, newest first; a company's includes its persons'. */
export async function listInteractions(deps: CoreDeps, contactNo: string, page: { limit?: number; offset?: number; includeCanceled?: boolean } = {}): Promise<InteractionHistory> {
  const db = deps.database.db
  const no = contactNo.trim().toUpperCase()
  const contact = await contacts.find(db, no)
  if (!contact) throw new DomainError('CONTACT_NOT_FOUND', `There is no contact ${no}.`, { field: 'contact' })
  const limit = Math.min(Math.max(page.limit ?? 20, 1), 500)
  const offset = Math.max(page.offset ?? 0, 0)
  const rolledUp = contact.type === 'company'
  const rows = await interactions.listForContact(db, no, { includeCompanyPersons: rolledUp, includeCanceled: page.includeCanceled ?? false }, limit + 1, offset)
  return { contactNo: no, rolledUp, interactions: rows.slice(0, limit).map(toInteraction), hasMore: rows.length > limit, offset }
}

/** A salesperson's most recent interactions (canceled ones left out), newest first; at most 100. */
export async function listRecentInteractions(deps: CoreDeps, salespersonCode: string, limit = 10): Promise<Interaction[]> {
  const rows = await interactions.listRecentForSalesperson(deps.database.db, salespersonCode.trim().toUpperCase(), Math.min(Math.max(limit, 1), 100))
  return rows.map(toInteraction)
}

export interface InteractionStatistics {
  contactNo: string
  currency: string
  count: number
  cost: number
  costMinor: number
  durationMin: number
  lastAt: string | null
  byTemplate: Array<{ templateCode: string; count: number; cost: number; costMinor: number; durationMin: number; lastAt: string | null }>
}

/** Counts, cost, duration and last date of a contact's live interactions (a company's include its persons'), in SQL. */
export async function getInteractionStatistics(deps: CoreDeps, contactNo: string): Promise<InteractionStatistics> {
  const db = deps.database.db
  const no = contactNo.trim().toUpperCase()
  const contact = await contacts.find(db, no)
  if (!contact) throw new DomainError('CONTACT_NOT_FOUND', `There is no contact ${no}.`, { field: 'contact' })
  const currency = (await setupQueries.get(db)).currency_code
  const stats = await interactions.statsForContact(db, no, contact.type === 'company')
  return {
    contactNo: no,
    currency,
    count: stats.totals.count,
    cost: toMajor(stats.totals.cost_minor, currency),
    costMinor: stats.totals.cost_minor,
    durationMin: stats.totals.duration_min,
    lastAt: stats.totals.last_at,
    byTemplate: stats.byTemplate.map((t) => ({ templateCode: t.template_code, count: t.count, cost: toMajor(t.cost_minor, currency), costMinor: t.cost_minor, durationMin: t.duration_min, lastAt: t.last_at })),
  }
}

/**
 * Cancels (or restores) an entry: it stays stored but stops counting. An entry of a segment log whose log was
 * canceled is not restored on its own (as in Business Central, where the logged segment must not be canceled):
 * the segment could then be logged again and its contact would have two entries for one mailing.
 */
export async function setInteractionCanceled(deps: CoreDeps, actor: Actor, no: string, canceled: boolean): Promise<Interaction> {
  const now = deps.clock().toISOString()
  const key = no.trim().toUpperCase()
  return deps.database.db.transaction().execute(async (trx) => {
    const row = await interactions.find(trx, key)
    if (!row) throw new DomainError('INTERACTION_NOT_FOUND', `There is no interaction ${key}. See a contact's with: interactions <contact>`, { field: 'no' })
    if ((row.canceled === 1) === canceled) throw new DomainError(canceled ? 'ALREADY_CANCELED' : 'NOT_CANCELED', `${key} is ${canceled ? 'already canceled' : 'not canceled'}.`)
    if (!canceled) await requireSegmentLogLive(trx, row)
    await interactions.setCanceled(trx, key, canceled, now)
    await changeLog.insert(trx, { at: now, actor: actor.id, entity: 'interaction', entityNo: key, action: canceled ? 'cancel' : 'restore' })
    return toInteraction((await interactions.find(trx, key))!)
  })
}

/**
 * Refuses to restore an entry of a segment log that was canceled: the segment's log is canceled now, or the entry
 * belongs to an earlier log of the segment (created before the segment's current log; the log and its entries
 * share one timestamp).
 */
async function requireSegmentLogLive(db: Executor, row: InteractionLogEntryRow): Promise<void> {
  if (row.source !== 'segment' || !row.segment_no) return
  const segment = await segmentQueries.find(db, row.segment_no)
  if (!segment?.logged_at) return
  if (segment.log_canceled_at) {
    throw new DomainError(
      'CANCELED_WITH_SEGMENT',
      `${row.no} was logged by segment ${segment.no}, whose log was canceled on ${segment.log_canceled_at.slice(0, 10)}; its entries stay canceled together. To log the segment's contacts again, log the segment: segment log ${segment.no} ${segment.template_code ?? row.template_code}`,
      { field: 'no' },
    )
  }
  if (row.created_at < segment.logged_at) {
    throw new DomainError(
      'CANCELED_WITH_SEGMENT',
      `${row.no} belongs to an earlier log of segment ${segment.no}, which was canceled; the segment was logged again on ${segment.logged_at.slice(0, 10)}, so restoring ${row.no} would log ${row.contact_no} twice. See the segment's current entries with: interactions ${row.contact_no}`,
      { field: 'no' },
    )
  }
}

/** Money of an interaction for display. */
export function interactionCostText(i: Interaction): string {
  return `${formatMoney(i.costMinor, i.currency)} ${i.currency}`
}
