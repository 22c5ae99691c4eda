import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely'
import type { Database, OpportunityStatus, SegmentLanguageRow, SegmentRow, SegmentStepRow } from '../schema.ts'
import type { Executor } from './executor.ts'

/** Contact columns a segment filter compares exactly (values already resolved to stored spellings). */
export type SegmentFieldColumn = 'no' | 'type' | 'country_code' | 'city' | 'post_code' | 'county' | 'salesperson_code' | 'language_code' | 'territory_code' | 'company_no' | 'job_title'
export type SegmentPresenceColumn = 'email' | 'phone' | 'mobile' | 'website' | 'company_no' | 'salesperson_code'
/** Normalized contact columns a text term compares (folded name, lower-cased emails, phone digits, web domain). */
export type SegmentMatchColumn = 'name_folded' | 'email_norm' | 'email2_norm' | 'phone_digits' | 'mobile_digits' | 'website_domain'
/** Contact columns compared by range: created and modified timestamps, company size. */
export type SegmentRangeColumn = 'created_at' | 'modified_at' | 'employees' | 'annual_revenue_minor'
export type ClassificationTable = 'contact_industry_groups' | 'contact_business_relations' | 'contact_mailing_groups' | 'contact_job_responsibilities'

/** One condition of a segment filter, as core's parser resolves it; `negate` turns it into "does not". */
export type SegmentCondition =
  | { kind: 'field'; column: SegmentFieldColumn; values: string[]; negate: boolean }
  | { kind: 'name-contains'; folded: string; negate: boolean }
  | { kind: 'match'; columns: SegmentMatchColumn[]; values: string[]; contains: boolean; negate: boolean }
  | { kind: 'range'; column: SegmentRangeColumn; from: string | number | null; before: string | number | null; negate: boolean }
  | { kind: 'has'; column: SegmentPresenceColumn; negate: boolean }
  | { kind: 'classification'; table: ClassificationTable; codes: string[]; viaCompany: boolean; negate: boolean }
  | { kind: 'profile'; question: string; answers: string[]; negate: boolean }
  | { kind: 'interaction'; templates: string[] | null; from: string | null; to: string | null; negate: boolean }
  | { kind: 'opportunity'; status: 'open' | 'won' | 'lost' | 'any'; stage: number | null; negate: boolean }
  | { kind: 'campaign'; campaignNo: string; responded: boolean; negate: boolean }
  | { kind: 'segment'; segmentNo: string; negate: boolean }

export interface SegmentFilter {
  match: 'all' | 'any'
  conditions: SegmentCondition[]
}

type CEb = ExpressionBuilder<Database & { c: Database['contacts'] }, 'c'>

/** `x` as a condition that is false (not null) where x is null, so negations and refines are two-valued. */
const truth = (x: Expression<SqlBool>) => sql<SqlBool>`(case when ${x} then 1 else 0 end) = 1`
const falsity = (x: Expression<SqlBool>) => sql<SqlBool>`(case when ${x} then 1 else 0 end) = 0`
const never = sql<SqlBool>`1 = 0`
/** `column LIKE '%text%'` with the wildcards in `text` taken literally, the same on both dialects. */
const contains = (column: string, text: string) => sql<SqlBool>`${sql.ref(column)} like ${`%${text.replace(/[%_\\]/g, (m) => `\\${m}`)}%`} escape '\\'`

function condition(eb: CEb, db: Executor, cond: SegmentCondition): Expression<SqlBool> {
  switch (cond.kind) {
    case 'field':
      return cond.values.length ? eb(`c.${cond.column}`, 'in', cond.values) : never
    case 'name-contains':
      return contains('c.name_folded', cond.folded)
    case 'match': {
      if (!cond.values.length) return never
      return eb.or(cond.columns.flatMap((column): Array<Expression<SqlBool>> => (cond.contains ? cond.values.map((v) => contains(`c.${column}`, v)) : [eb(`c.${column}`, 'in', cond.values)])))
    }
    case 'range': {
      const bounds: Array<Expression<SqlBool>> = [eb(`c.${cond.column}`, 'is not', null)]
      if (cond.from !== null) bounds.push(eb(`c.${cond.column}`, '>=', cond.from as never))
      if (cond.before !== null) bounds.push(eb(`c.${cond.column}`, '<', cond.before as never))
      return eb.and(bounds)
    }
    case 'has':
      return eb.and([eb(`c.${cond.column}`, 'is not', null), eb(`c.${cond.column}`, '!=', '')])
    case 'classification': {
      if (!cond.codes.length) return never
      const own = eb('c.no', 'in', db.selectFrom(cond.table).select('contact_no').where('code', 'in', cond.codes))
      if (!cond.viaCompany) return own
      // A company's industry group or business relation counts for its persons, as in Business Central.
      return eb.or([own, eb('c.company_no', 'in', db.selectFrom(cond.table).select('contact_no').where('code', 'in', cond.codes))])
    }
    case 'profile':
      return eb('c.no', 'in', db.selectFrom('contact_profile_answers').select('contact_no').where('question', '=', cond.question).$if(cond.answers.length > 0, (q) => q.where('answer', 'in', cond.answers)))
    case 'interaction': {
      const entries = (column: 'contact_no' | 'contact_company_no') =>
        db
          .selectFrom('interaction_log_entries')
          .select(column)
          .where('canceled', '=', 0)
          .$if(cond.templates !== null, (q) => q.where('template_code', 'in', cond.templates!))
          .$if(cond.from !== null, (q) => q.where('occurred_at', '>=', cond.from!))
          .$if(cond.to !== null, (q) => q.where('occurred_at', '<', cond.to!))
      // A company's history includes its persons' entries.
      return eb.or([eb('c.no', 'in', entries('contact_no')), eb('c.no', 'in', entries('contact_company_no').where('contact_company_no', 'is not', null))])
    }
    case 'opportunity': {
      const statuses: OpportunityStatus[] = cond.status === 'open' ? ['not_started', 'in_progress'] : cond.status === 'any' ? ['not_started', 'in_progress', 'won', 'lost'] : [cond.status]
      const opps = (column: 'contact_no' | 'contact_company_no') =>
        db
          .selectFrom('opportunities')
          .select(column)
          .where('status', 'in', statuses)
          .$if(cond.stage !== null, (q) => q.where('current_stage', '=', cond.stage!))
      return eb.or([eb('c.no', 'in', opps('contact_no')), eb('c.no', 'in', opps('contact_company_no').where('contact_company_no', 'is not', null))])
    }
    case 'campaign':
      return cond.responded
        ? eb('c.no', 'in', db.selectFrom('interaction_log_entries').select('contact_no').where('campaign_no', '=', cond.campaignNo).where('campaign_response', '=', 1).where('canceled', '=', 0))
        : eb('c.no', 'in', db.selectFrom('segment_lines as l').innerJoin('segments as s', 's.no', 'l.segment_no').select('l.contact_no').where('s.campaign_no', '=', cond.campaignNo))
    case 'segment':
      return eb('c.no', 'in', db.selectFrom('segment_lines').select('contact_no').where('segment_no', '=', cond.segmentNo))
  }
}

/**
 * The filter as one SQL condition on `contacts as c`. A condition that is null for a contact counts as not met:
 * WHERE drops null like false, AND and OR treat it as false once the whole is read as true or not (a refine
 * wraps the whole in `falsity`), so only a negated condition needs its own two-valued wrapper. Positive
 * conditions stay plain, so the planner can use the indexes on them (country, industry, ...).
 */
export function filterExpression(eb: CEb, db: Executor, filter: SegmentFilter): Expression<SqlBool> {
  const parts = filter.conditions.map((cond) => (cond.negate ? falsity(condition(eb, db, cond)) : condition(eb, db, cond)))
  if (parts.length === 0) return sql<SqlBool>`1 = 1`
  return filter.match === 'all' ? eb.and(parts) : eb.or(parts)
}

/**
 * Live contacts that may enter a segment, and that a segment log takes (or a campaign counts as a planned target):
 * not erased, not excluded from segments, not privacy blocked (DOMAIN.md: such contacts never enter a segment, so a
 * log does not reach one that became so after it was added either).
 */
export function eligible(eb: CEb): Expression<SqlBool> {
  return eb.and([eb('c.erased_at', 'is', null), eb('c.exclude_from_segments', '=', 0), eb('c.privacy_blocked', '=', 0)])
}

/** Distinct stored values of a text column: to resolve what a user typed case- and accent-insensitively, or list the codes in use. */
export async function distinctValues(db: Executor, column: 'city' | 'county' | 'post_code' | 'job_title' | 'country_code' | 'territory_code'): Promise<string[]> {
  const rows = await db.selectFrom('contacts').select(column).distinct().where(column, 'is not', null).execute()
  return rows.map((r) => r[column] as string)
}

/** Number of live eligible contacts matching a filter (a preview, and the count of a refine's survivors). */
export async function countMatching(db: Executor, filter: SegmentFilter): Promise<number> {
  const row = await db
    .selectFrom('contacts as c')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => eb.and([eligible(eb), filterExpression(eb, db, filter)]))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

export async function insertSegment(db: Executor, row: Omit<SegmentRow, 'logged_at' | 'log_canceled_at' | 'body'> & Partial<Pick<SegmentRow, 'logged_at' | 'log_canceled_at' | 'body'>>): Promise<void> {
  await db.insertInto('segments').values({ logged_at: null, log_canceled_at: null, body: null, ...row }).execute()
}

export async function find(db: Executor, no: string): Promise<SegmentRow | undefined> {
  return db.selectFrom('segments').selectAll().where('no', '=', no).executeTakeFirst()
}

export async function update(db: Executor, no: string, patch: Partial<Omit<SegmentRow, 'no'>>): Promise<void> {
  await db.updateTable('segments').set(patch).where('no', '=', no).execute()
}

export async function list(db: Executor): Promise<Array<SegmentRow & { lines: number }>> {
  const rows = await db
    .selectFrom('segments as s')
    .leftJoin('segment_lines as l', 'l.segment_no', 's.no')
    .selectAll('s')
    .select((eb) => eb.fn.count<number>('l.id').as('lines'))
    .groupBy(['s.no', 's.description', 's.salesperson_code', 's.campaign_no', 's.template_code', 's.subject', 's.body', 's.created_at', 's.created_by', 's.logged_at', 's.log_canceled_at', 's.follow_up_of'])
    .orderBy('s.no')
    .execute()
  return rows.map((r) => ({ ...r, lines: Number(r.lines) }))
}

/** Records a step and returns its id. */
export async function insertStep(db: Executor, step: Omit<SegmentStepRow, 'id' | 'added' | 'removed' | 'undone_at' | 'seq'>): Promise<{ id: number; seq: number }> {
  const last = await db.selectFrom('segment_steps').select((eb) => eb.fn.max('seq').as('seq')).where('segment_no', '=', step.segment_no).executeTakeFirst()
  const seq = Number(last?.seq ?? 0) + 1
  const row = await db.insertInto('segment_steps').values({ ...step, seq, added: 0, removed: 0, undone_at: null }).returning('id').executeTakeFirstOrThrow()
  return { id: Number(row.id), seq }
}

export async function setStepCounts(db: Executor, id: number, added: number, removed: number): Promise<void> {
  await db.updateTable('segment_steps').set({ added, removed }).where('id', '=', id).execute()
}

/** Steps of a segment in order (undone ones included, marked). */
export async function listSteps(db: Executor, segmentNo: string): Promise<SegmentStepRow[]> {
  return db.selectFrom('segment_steps').selectAll().where('segment_no', '=', segmentNo).orderBy('seq').execute()
}

async function countStepLines(db: Executor, stepId: number): Promise<number> {
  const row = await db.selectFrom('segment_lines').select((eb) => eb.fn.countAll<number>().as('n')).where('step_id', '=', stepId).executeTakeFirstOrThrow()
  return Number(row.n)
}

/**
 * Adds the eligible contacts matching the filter (one INSERT ... SELECT), then optionally the companies of the
 * added persons or the persons of the added companies (one more). Without `allowExisting` contacts already in
 * the segment are skipped. Returns how many lines were added.
 */
export async function addMatching(
  db: Executor,
  input: { segmentNo: string; stepId: number; filter: SegmentFilter | null; contactNo?: string; allowExisting: boolean; expand: 'companies' | 'persons' | null; now: string },
): Promise<number> {
  const notYetIn = (eb: CEb) => eb('c.no', 'not in', db.selectFrom('segment_lines').select('contact_no').where('segment_no', '=', input.segmentNo))
  // One INSERT ... SELECT of eligible contacts meeting `which` as lines of this step.
  const insertWhere = (which: (eb: CEb) => Expression<SqlBool>) =>
    db
      .insertInto('segment_lines')
      .columns(['segment_no', 'contact_no', 'contact_company_no', 'step_id', 'added_at'])
      .expression(
        db
          .selectFrom('contacts as c')
          .select((eb) => [eb.val(input.segmentNo).as('segment_no'), 'c.no', 'c.company_no', eb.val(input.stepId).as('step_id'), eb.val(input.now).as('added_at')])
          .where((eb) => eb.and([eligible(eb), which(eb), ...(input.allowExisting ? [] : [notYetIn(eb)])]))
          // Lines in contact number order within the step, whichever index the planner reads the contacts by.
          .orderBy('c.no'),
      )
      .execute()
  await insertWhere((eb) => (input.filter ? filterExpression(eb, db, input.filter) : eb('c.no', '=', input.contactNo!)))
  if (input.expand) {
    const ofStep = db.selectFrom('segment_lines').where('step_id', '=', input.stepId)
    await insertWhere((eb) =>
      eb.and([
        input.expand === 'companies'
          ? eb.and([eb('c.type', '=', 'company'), eb('c.no', 'in', ofStep.select('contact_company_no').where('contact_company_no', 'is not', null))])
          : eb.and([eb('c.type', '=', 'person'), eb('c.company_no', 'in', ofStep.select('contact_no'))]),
        eb('c.no', 'not in', ofStep.select('contact_no')),
      ]),
    )
  }
  return countStepLines(db, input.stepId)
}

/**
 * Removes lines: those whose contact matches the filter (remove), those that do not (refine), or one contact's.
 * The removed lines are kept with the step so undo can put them back. Returns how many were removed.
 */
export async function removeLines(db: Executor, input: { segmentNo: string; stepId: number; filter: SegmentFilter | null; keepMatching: boolean; contactNo?: string }): Promise<number> {
  const filter = input.filter
  await db
    .insertInto('segment_removed_lines')
    .columns(['step_id', 'line_id', 'segment_no', 'contact_no', 'contact_company_no', 'added_by_step', 'added_at', 'template_code', 'language_code'])
    .expression(
      db
        .selectFrom('segment_lines as l')
        .innerJoin('contacts as c', 'c.no', 'l.contact_no')
        .select((eb) => [eb.val(input.stepId).as('step_id'), 'l.id', 'l.segment_no', 'l.contact_no', 'l.contact_company_no', 'l.step_id', 'l.added_at', 'l.template_code', 'l.language_code'])
        .where('l.segment_no', '=', input.segmentNo)
        .where((eb) => {
          if (!filter) return eb('l.contact_no', '=', input.contactNo!)
          const matches = filterExpression(eb, db, filter)
          return input.keepMatching ? falsity(matches) : matches
        }),
    )
    .execute()
  const removed = db.selectFrom('segment_removed_lines').select('line_id').where('step_id', '=', input.stepId)
  await db.deleteFrom('segment_lines').where('id', 'in', removed).execute()
  const row = await db.selectFrom('segment_removed_lines').select((eb) => eb.fn.countAll<number>().as('n')).where('step_id', '=', input.stepId).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Reverts a step: deletes the lines it added and puts back the lines it removed; marks it undone. */
export async function undoStep(db: Executor, step: SegmentStepRow, now: string): Promise<void> {
  await db.deleteFrom('segment_lines').where('step_id', '=', step.id).execute()
  await db
    .insertInto('segment_lines')
    .columns(['id', 'segment_no', 'contact_no', 'contact_company_no', 'step_id', 'added_at', 'template_code', 'language_code'])
    .expression(db.selectFrom('segment_removed_lines').select(['line_id', 'segment_no', 'contact_no', 'contact_company_no', 'added_by_step', 'added_at', 'template_code', 'language_code']).where('step_id', '=', step.id))
    .execute()
  await db.deleteFrom('segment_removed_lines').where('step_id', '=', step.id).execute()
  await db.updateTable('segment_steps').set({ undone_at: now }).where('id', '=', step.id).execute()
}

export async function countLines(db: Executor, segmentNo: string): Promise<number> {
  const row = await db.selectFrom('segment_lines').select((eb) => eb.fn.countAll<number>().as('n')).where('segment_no', '=', segmentNo).executeTakeFirstOrThrow()
  return Number(row.n)
}

/** A page of a segment's lines with the contact's name, company, city, country and salesperson, by line order. */
export async function listLines(db: Executor, segmentNo: string, limit: number, offset: number) {
  return db
    .selectFrom('segment_lines as l')
    .innerJoin('contacts as c', 'c.no', 'l.contact_no')
    .select(['l.id', 'l.contact_no', 'c.name', 'c.type', 'c.company_name', 'c.city', 'c.country_code', 'c.salesperson_code', 'c.email', 'c.language_code as contact_language_code', 'l.added_at', 'l.template_code', 'l.language_code'])
    .where('l.segment_no', '=', segmentNo)
    .orderBy('l.id')
    .limit(limit)
    .offset(offset)
    .execute()
}

/**
 * Logs one interaction per line in three statements: numbers are taken as a block from the series, entries are
 * inserted from the lines (numbered by line order, each with its line's template or the segment's, and the subject
 * of the segment's variant for the line's language, else the default subject), and one outbox row per email entry
 * whose contact has an address, with that variant's subject and body (else the default ones). Returns the counts.
 */
export async function logLines(
  db: Executor,
  input: {
    segmentNo: string
    numbering: { prefix: string; width: number; first: number }
    /** The segment's template; a line with its own template is logged with that one. */
    template: { code: string }
    /** The default subject and body, for lines whose language has no variant in segment_languages. */
    subject: string
    body: string | null
    campaignNo: string | null
    salespersonCode: string | null
    currency: string
    occurredAt: string
    now: string
    actor: string
    /** Whether any line is logged with an email template (the outbox statement is skipped otherwise). */
    queueEmail: boolean
  },
): Promise<{ logged: number; queued: number }> {
  const { prefix, width, first } = input.numbering
  const zeros = '0'.repeat(width)
  const counter = sql<string>`cast(cast(${first - 1} + row_number() over (order by l.id) as integer) as text)`
  const padded = sql<string>`${prefix} || substr(${zeros} || ${counter}, length(${zeros} || ${counter}) - ${width - 1})`
  const inserted = await db
    .insertInto('interaction_log_entries')
    .columns([
      'no', 'contact_no', 'contact_company_no', 'template_code', 'group_code', 'channel', 'occurred_at', 'subject', 'salesperson_code', 'cost_minor',
      'currency_code', 'duration_min', 'attempt_failed', 'initiated_by', 'information_flow', 'campaign_no', 'segment_no', 'campaign_response', 'campaign_target', 'source',
      'canceled', 'created_at', 'created_by', 'language_code',
    ])
    .expression(
      db
        .selectFrom('segment_lines as l')
        .innerJoin('contacts as c', 'c.no', 'l.contact_no')
        // The line's own template where it has one, else the segment's.
        .innerJoin('interaction_templates as t', (join) => join.on((eb) => eb('t.code', '=', eb.fn.coalesce('l.template_code', eb.val(input.template.code)))))
        // The line's own language where it has one, else its contact's; its variant if the segment has one.
        .leftJoin('segment_languages as v', (join) =>
          join.on((eb) => eb.and([eb('v.segment_no', '=', input.segmentNo), eb('v.language_code', '=', eb.fn<string>('lower', [eb.fn.coalesce('l.language_code', 'c.language_code')]))])),
        )
        .select((eb) => [
          padded.as('no'),
          'l.contact_no',
          'c.company_no',
          't.code as template_code',
          't.group_code',
          't.channel',
          eb.val(input.occurredAt).as('occurred_at'),
          eb.fn.coalesce('v.subject', eb.val(input.subject)).as('subject'),
          eb.fn.coalesce(eb.val(input.salespersonCode), 'c.salesperson_code').as('salesperson_code'),
          't.unit_cost_minor as cost_minor',
          eb.val(input.currency).as('currency_code'),
          't.unit_duration_min as duration_min',
          eb.val(0).as('attempt_failed'),
          't.initiated_by',
          't.information_flow',
          eb.val(input.campaignNo).as('campaign_no'),
          eb.val(input.segmentNo).as('segment_no'),
          eb.val(0).as('campaign_response'),
          // A segment logged for a campaign makes its contacts the campaign's targets (DOMAIN.md).
          eb.val(input.campaignNo ? 1 : 0).as('campaign_target'),
          eb.val('segment').as('source'),
          eb.val(0).as('canceled'),
          eb.val(input.now).as('created_at'),
          eb.val(input.actor).as('created_by'),
          'v.language_code',
        ])
        .where('l.segment_no', '=', input.segmentNo)
        .where((eb) => eligible(eb))
        .where((eb) => addressed(eb)),
    )
    .executeTakeFirstOrThrow()
  // Counted from the statement itself: entries of an earlier, canceled log of the segment may share `now`.
  const logged = Number(inserted.numInsertedOrUpdatedRows ?? 0)
  let queued = 0
  if (input.queueEmail) {
    const outbox = await db
      .insertInto('email_outbox')
      .columns(['interaction_no', 'contact_no', 'to_address', 'subject', 'body', 'segment_no', 'campaign_no', 'status', 'created_at'])
      .expression(
        db
          .selectFrom('interaction_log_entries as i')
          .innerJoin('contacts as c', 'c.no', 'i.contact_no')
          // The entry records the variant it was logged with: its body, else (no variant) the default body.
          .leftJoin('segment_languages as v', (join) => join.onRef('v.segment_no', '=', 'i.segment_no').onRef('v.language_code', '=', 'i.language_code'))
          .select((eb) => [
            'i.no', 'i.contact_no', 'c.email', 'i.subject',
            eb.case().when('v.language_code', 'is', null).then(eb.val(input.body)).else(eb.ref('v.body')).end().as('body'),
            'i.segment_no', 'i.campaign_no', eb.val('queued').as('status'), eb.val(input.now).as('created_at'),
          ])
          .where('i.segment_no', '=', input.segmentNo)
          .where('i.created_at', '=', input.now)
          .where('i.canceled', '=', 0)
          .where('i.channel', '=', 'email')
          .where('c.email', 'is not', null)
          .where('c.email', '!=', ''),
      )
      .executeTakeFirstOrThrow()
    queued = Number(outbox.numInsertedOrUpdatedRows ?? 0)
  }
  return { logged, queued }
}

/** Cancels (never deletes) the entries a segment logged; queued emails not yet sent are withdrawn. */
export async function cancelLoggedEntries(db: Executor, segmentNo: string, now: string): Promise<number> {
  const result = await db.updateTable('interaction_log_entries').set({ canceled: 1, canceled_at: now }).where('segment_no', '=', segmentNo).where('source', '=', 'segment').where('canceled', '=', 0).executeTakeFirst()
  await db.updateTable('email_outbox').set({ status: 'failed', error: 'canceled with the segment' }).where('segment_no', '=', segmentNo).where('status', '=', 'queued').execute()
  return Number(result.numUpdatedRows)
}

/** Copies a segment's lines into another (a follow-up segment), one statement. */
export async function copyLines(db: Executor, fromNo: string, toNo: string, now: string): Promise<number> {
  await db
    .insertInto('segment_lines')
    .columns(['segment_no', 'contact_no', 'contact_company_no', 'step_id', 'added_at', 'template_code', 'language_code'])
    .expression(db.selectFrom('segment_lines').select((eb) => [eb.val(toNo).as('segment_no'), 'contact_no', 'contact_company_no', eb.val(null).as('step_id'), eb.val(now).as('added_at'), 'template_code', 'language_code']).where('segment_no', '=', fromNo).orderBy('id'))
    .execute()
  return countLines(db, toNo)
}

/**
 * (contact, code) pairs of a classification for every contact: its own codes and, for a person, its company's
 * (a company's industry group or business relation counts for its persons, as in segment criteria).
 */
export function classified(db: Executor, table: 'contact_industry_groups' | 'contact_business_relations') {
  const own = db.selectFrom(`${table} as k` as 'contact_industry_groups as k').select(['k.contact_no', 'k.code'])
  const viaCompany = db
    .selectFrom('contacts as p')
    .innerJoin(`${table} as k` as 'contact_industry_groups as k', 'k.contact_no', 'p.company_no')
    .select(['p.no as contact_no', 'k.code'])
  return own.union(viaCompany)
}

/**
 * How the segment is made up: lines per industry group, country and business relation. A person counts under its
 * company's industry groups and relations too, as in segment criteria and the segment reports (classified).
 */
export async function composition(db: Executor, segmentNo: string) {
  const byLink = (table: 'contact_industry_groups' | 'contact_business_relations') =>
    db
      .selectFrom('segment_lines as l')
      .innerJoin(classified(db, table).as('k'), 'k.contact_no', 'l.contact_no')
      .select(['k.code', (eb) => eb.fn.countAll<number>().as('n')])
      .where('l.segment_no', '=', segmentNo)
      .groupBy('k.code')
      .orderBy('k.code')
      .execute()
  const countries = await db
    .selectFrom('segment_lines as l')
    .innerJoin('contacts as c', 'c.no', 'l.contact_no')
    .select(['c.country_code as code', (eb) => eb.fn.countAll<number>().as('n')])
    .where('l.segment_no', '=', segmentNo)
    .groupBy('c.country_code')
    .orderBy('c.country_code')
    .execute()
  const fix = (rows: Array<{ code: string | null; n: number }>) => rows.map((r) => ({ code: r.code, count: Number(r.n) }))
  return { industry: fix(await byLink('contact_industry_groups')), relation: fix(await byLink('contact_business_relations')), country: fix(countries) }
}

export async function saveCriteria(db: Executor, row: { code: string; description: string; steps: string; created_at: string }): Promise<void> {
  await db.insertInto('saved_segment_criteria').values(row).onConflict((oc) => oc.column('code').doUpdateSet({ description: row.description, steps: row.steps, created_at: row.created_at })).execute()
}

export async function findCriteria(db: Executor, code: string) {
  return db.selectFrom('saved_segment_criteria').selectAll().where('code', '=', code).executeTakeFirst()
}

export async function listCriteria(db: Executor) {
  return db.selectFrom('saved_segment_criteria').selectAll().orderBy('code').execute()
}

/**
 * Moves a merged contact's segment lines (and the removed lines undo may put back, and its queued emails) to
 * the survivor, one statement each.
 */
export async function reassignContact(db: Executor, fromNo: string, intoNo: string, intoCompanyNo: string | null): Promise<void> {
  await db.updateTable('segment_lines').set({ contact_no: intoNo, contact_company_no: intoCompanyNo }).where('contact_no', '=', fromNo).execute()
  await db.updateTable('segment_removed_lines').set({ contact_no: intoNo, contact_company_no: intoCompanyNo }).where('contact_no', '=', fromNo).execute()
  await db.updateTable('segment_lines').set({ contact_company_no: intoNo }).where('contact_company_no', '=', fromNo).execute()
  await db.updateTable('email_outbox').set({ contact_no: intoNo }).where('contact_no', '=', fromNo).execute()
}

/**
 * Whether line `l` of contact `c`, logged with template `t`, can be: an email entry only where the contact has an
 * address (an "Email sent" entry for a mail never queued would be false).
 */
function addressed(eb: ExpressionBuilder<Database & { c: Database['contacts']; t: Database['interaction_templates'] }, 'c' | 't'>): Expression<SqlBool> {
  return eb.or([eb('t.channel', '!=', 'email'), eb.and([eb('c.email', 'is not', null), eb('c.email', '!=', '')])])
}

/** The template a line is logged with: its own, else the segment's (`templateCode`). */
function lineTemplate(db: Executor, segmentNo: string, templateCode: string) {
  return db
    .selectFrom('segment_lines as l')
    .innerJoin('contacts as c', 'c.no', 'l.contact_no')
    .innerJoin('interaction_templates as t', (join) => join.on((eb) => eb('t.code', '=', eb.fn.coalesce('l.template_code', eb.val(templateCode)))))
    .where('l.segment_no', '=', segmentNo)
}

/**
 * Lines a log with the template (`templateCode`, a line's own template first) takes: the contact may still be
 * logged (not erased, privacy blocked or excluded from segments since it was added) and, for an email, has an address.
 */
export async function countLoggableLines(db: Executor, segmentNo: string, templateCode: string): Promise<number> {
  const row = await lineTemplate(db, segmentNo, templateCode)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where((eb) => eligible(eb))
    .where((eb) => addressed(eb))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Contacts a log with the template would skip for want of an email address (their lines are emails), in number order. */
export async function listUnaddressedContacts(db: Executor, segmentNo: string, templateCode: string): Promise<Array<{ contact_no: string; lines: number }>> {
  const rows = await lineTemplate(db, segmentNo, templateCode)
    .select((eb) => ['c.no as contact_no', eb.fn.countAll<number>().as('lines')])
    .where((eb) => eligible(eb))
    .where((eb) => falsity(addressed(eb)))
    .groupBy('c.no')
    .orderBy('c.no')
    .execute()
  return rows.map((r) => ({ contact_no: r.contact_no, lines: Number(r.lines) }))
}

export type UnloggableReason = 'erased' | 'privacy-blocked' | 'excluded-from-segments' | 'no-email-address'

/**
 * The contacts of a segment's lines that a log skips, in number order, each with why (erased before privacy
 * blocked before excluded) and how many of the segment's lines are its.
 */
export async function listUnloggableContacts(db: Executor, segmentNo: string): Promise<Array<{ contact_no: string; reason: UnloggableReason; lines: number }>> {
  const rows = await db
    .selectFrom('segment_lines as l')
    .innerJoin('contacts as c', 'c.no', 'l.contact_no')
    .select((eb) => [
      'c.no as contact_no',
      // Literals, not parameters: PostgreSQL cannot type a CASE made only of bare parameters.
      eb.case().when('c.erased_at', 'is not', null).then(sql.lit<UnloggableReason>('erased')).when('c.privacy_blocked', '=', 1).then(sql.lit<UnloggableReason>('privacy-blocked')).else(sql.lit<UnloggableReason>('excluded-from-segments')).end().as('reason'),
      eb.fn.countAll<number>().as('lines'),
    ])
    .where('l.segment_no', '=', segmentNo)
    .where((eb) => falsity(eligible(eb)))
    .groupBy(['c.no', 'c.erased_at', 'c.privacy_blocked'])
    .orderBy('c.no')
    .execute()
  return rows.map((r) => ({ contact_no: r.contact_no, reason: r.reason as UnloggableReason, lines: Number(r.lines) }))
}

/** Sets (or with null clears) the template a contact's lines in a segment are logged with; returns the lines changed. */
export async function setLineTemplate(db: Executor, segmentNo: string, contactNo: string, templateCode: string | null): Promise<number> {
  const result = await db.updateTable('segment_lines').set({ template_code: templateCode }).where('segment_no', '=', segmentNo).where('contact_no', '=', contactNo).executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** True when a line of the segment overrides the template with one of the channel. */
export async function hasLineTemplateOfChannel(db: Executor, segmentNo: string, channel: string): Promise<boolean> {
  const row = await db
    .selectFrom('segment_lines as l')
    .innerJoin('interaction_templates as t', 't.code', 'l.template_code')
    .select('l.id')
    .where('l.segment_no', '=', segmentNo)
    .where('t.channel', '=', channel as never)
    .limit(1)
    .executeTakeFirst()
  return row !== undefined
}

/** Sets (or with null clears) the language a contact's lines in a segment are logged in; returns the lines changed. */
export async function setLineLanguage(db: Executor, segmentNo: string, contactNo: string, languageCode: string | null): Promise<number> {
  const result = await db.updateTable('segment_lines').set({ language_code: languageCode }).where('segment_no', '=', segmentNo).where('contact_no', '=', contactNo).executeTakeFirst()
  return Number(result.numUpdatedRows)
}

/** A segment's language variants by language code. */
export async function listLanguages(db: Executor, segmentNo: string): Promise<SegmentLanguageRow[]> {
  return db.selectFrom('segment_languages').selectAll().where('segment_no', '=', segmentNo).orderBy('language_code').execute()
}

/** Adds a segment's variant for a language or replaces its subject and body. */
export async function saveLanguage(db: Executor, row: SegmentLanguageRow): Promise<void> {
  await db.insertInto('segment_languages').values(row).onConflict((oc) => oc.columns(['segment_no', 'language_code']).doUpdateSet({ subject: row.subject, body: row.body })).execute()
}

/** Removes a segment's variant for a language; returns how many rows went (0 or 1). */
export async function deleteLanguage(db: Executor, segmentNo: string, languageCode: string): Promise<number> {
  const result = await db.deleteFrom('segment_languages').where('segment_no', '=', segmentNo).where('language_code', '=', languageCode).executeTakeFirst()
  return Number(result.numDeletedRows)
}

/** How many of a segment's lines (with a contact that may be logged) are in each language: the line's or the contact's. */
export async function countLinesByLanguage(db: Executor, segmentNo: string): Promise<Array<{ code: string | null; count: number }>> {
  const language = sql<string | null>`lower(coalesce(l.language_code, c.language_code))`
  const rows = await db
    .selectFrom('segment_lines as l')
    .innerJoin('contacts as c', 'c.no', 'l.contact_no')
    .select([language.as('code'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('l.segment_no', '=', segmentNo)
    .groupBy(language)
    // Lines without a language first on both dialects (PostgreSQL sorts nulls last).
    .orderBy(sql`case when ${language} is null then 0 else 1 end`)
    .orderBy(language)
    .execute()
  return rows.map((r) => ({ code: r.code, count: Number(r.n) }))
}
