// The benchmarks behind `npm run bench`. Each one measures its operation and, in the same run and on the same
// database, a plain baseline query, so the ratio says what the domain logic costs on top of the database.
import { contacts as contactQueries, sql, type CrmDatabase, type DialectName } from '@crm/db'
import { addToSegment, createCoreDeps, createSegment, saveSegmentLanguage, setSegmentContent, generateContacts, getForecast, logInteraction, logSegment, moveOpportunityStage, createOpportunity, searchContacts, mulberry32, type Actor } from '@crm/core'
import { performance } from 'node:perf_hooks'
import { seedInteractions, seedOpportunities } from './seed.ts'
import { timeEach, type Timing } from './stats.ts'

export interface BenchResult {
  benchmark: string
  dialect: DialectName
  /** What the data set held when measured, e.g. "100000 contacts". */
  size: string
  measure: string
  /** The goal for p95 in milliseconds, or null where the issue sets none for this dialect. */
  goalMs: number | null
  p50: number
  p95: number
  samples: number
  baseline: string
  baselineP95: number
  /** p95 / baseline p95. */
  ratio: number
  pass: boolean | null
  /** The goal as the table shows it, where it is not a p95 in milliseconds (e.g. ">= 100 msg/s, RSS < 300 MB"). */
  goal?: string
  /** A throughput, where that is the measure (e.g. "836 msg/s"). */
  rate?: string
  /** Peak resident memory of the measured process, where the goal sets one. */
  peakRssMb?: number
  /** The baseline's figure as the table shows it, where it is not a p95 in milliseconds. */
  baselineFigure?: string
}

export interface BenchSizes {
  contacts: number
  /** Contacts of the separate SQLite database the segment benchmarks run on (1M at full size). */
  segmentContacts: number
  /** Interaction entries per contact seeded before the activity benchmarks (10 gives 1M at 100k contacts). */
  interactionsPerContact: number
  /** Timed calls per measure. */
  samples: number
  /** Segments and campaigns seeded for the reports build. */
  reportSegments: number
  reportCampaigns: number
}

export const FULL_SIZES: BenchSizes = { contacts: 100_000, segmentContacts: 1_000_000, interactionsPerContact: 10, samples: 400, reportSegments: 200, reportCampaigns: 50 }
export const SMOKE_SIZES: BenchSizes = { contacts: 300, segmentContacts: 400, interactionsPerContact: 2, samples: 20, reportSegments: 12, reportCampaigns: 4 }

const ACTOR: Actor = { id: 'bench', isAdmin: true }

function result(base: Omit<BenchResult, 'ratio' | 'pass' | 'goalMs'>, t: Timing, goalMs: number | null): BenchResult {
  return { ...base, goalMs, ratio: base.baselineP95 > 0 ? t.p95 / base.baselineP95 : Number.NaN, pass: goalMs === null ? null : t.p95 < goalMs }
}

/** Search words a user would type for a sample of the stored contacts: name prefixes, emails, phone digits, cities. */
async function searchQueries(database: CrmDatabase, count: number): Promise<string[]> {
  const rows = await database.db.selectFrom('contacts').select(['no', 'name', 'email', 'phone', 'city']).orderBy('no').execute()
  const rng = mulberry32(7)
  const out: string[] = []
  for (let i = 0; out.length < count && rows.length; i++) {
    const row = rows[Math.floor(rng() * rows.length)]!
    const kind = i % 5
    const words = row.name.split(/\s+/).filter(Boolean)
    if (kind === 0 || !words.length) out.push(row.name.toLocaleLowerCase())
    else if (kind === 1) out.push(words[words.length - 1]!.slice(0, 5))
    else if (kind === 2 && row.email) out.push(row.email.split('@')[0]!.slice(0, 6))
    else if (kind === 3 && row.phone) out.push(row.phone.replace(/\D/g, '').slice(-6))
    else if (kind === 4 && row.city) out.push(`${words[0]!.slice(0, 3)} ${row.city}`)
    else out.push(words[0]!.toLocaleUpperCase())
  }
  return out
}

/** Loads the demo generator's contacts into an empty database. */
export async function loadContacts(database: CrmDatabase, sizes: BenchSizes): Promise<void> {
  await generateContacts(createCoreDeps(database), { contacts: sizes.contacts, seed: 1, actor: ACTOR })
}

/** Contact search (the `contact find` path) against a primary-key lookup. */
export async function benchSearch(database: CrmDatabase, sizes: BenchSizes): Promise<BenchResult[]> {
  const deps = createCoreDeps(database)
  // A bulk load leaves PostgreSQL without statistics until autovacuum runs; measure the steady state.
  if (database.dialect === 'postgres') await sql`vacuum analyze`.execute(database.db)
  const queries = await searchQueries(database, sizes.samples)
  const nos = (await database.db.selectFrom('contacts').select('no').orderBy('no').execute()).map((r) => r.no)
  const rng = mulberry32(11)
  const lookups = queries.map(() => nos[Math.floor(rng() * nos.length)]!)
  const baseline = await timeEach(lookups, (no) => contactQueries.find(database.db, no))
  const search = await timeEach(queries, (query) => searchContacts(deps, { query, limit: 10 }))
  return [
    result(
      { benchmark: 'contact search', dialect: database.dialect, size: `${sizes.contacts} contacts`, measure: 'contact find, 10 results', p50: search.p50, p95: search.p95, samples: search.samples, baseline: 'select by primary key', baselineP95: baseline.p95 },
      search,
      10,
    ),
  ]
}

/** Logging an interaction, advancing a stage and the forecast with the interaction and opportunity tables full. */
export async function benchActivity(database: CrmDatabase, sizes: BenchSizes): Promise<BenchResult[]> {
  const db = database.db
  const deps = createCoreDeps(database)
  const interactions = await seedInteractions(database, sizes.interactionsPerContact)
  const opportunities = await seedOpportunities(database)
  if (database.dialect === 'postgres') await sql`vacuum analyze`.execute(db)
  const size = `${interactions} interactions, ${opportunities} opportunities`
  const nos = (await db.selectFrom('contacts').select('no').where('privacy_blocked', '=', 0).where('erased_at', 'is', null).orderBy('no').execute()).map((r) => r.no)
  const rng = mulberry32(13)
  const picks = Array.from({ length: sizes.samples + 5 }, () => nos[Math.floor(rng() * nos.length)]!)
  const out: BenchResult[] = []
  const goal = database.dialect === 'sqlite' ? 5 : null

  // Baseline: one plain row insert in a transaction, what any logging must at least do.
  let n = 0
  const insertBaseline = await timeEach(picks, (contactNo) =>
    db.transaction().execute((trx) =>
      trx
        .insertInto('interaction_log_entries')
        .values({ no: `BASE${++n}`, contact_no: contactNo, template_code: 'CALL-OUT', group_code: 'PHONE', channel: 'phone', occurred_at: new Date().toISOString(), subject: 'baseline', currency_code: 'EUR', source: 'manual', cost_minor: 250, duration_min: 5, attempt_failed: 0, campaign_response: 0, canceled: 0, created_at: new Date().toISOString() })
        .execute(),
    ),
  )
  const log = await timeEach(picks, (contactNo, i) => logInteraction(deps, ACTOR, { contactNo, templateCode: 'CALL-OUT', subject: `Bench call ${i}` }))
  out.push(result({ benchmark: 'interaction log', dialect: database.dialect, size, measure: 'log CALL-OUT', p50: log.p50, p95: log.p95, samples: log.samples, baseline: 'plain insert in a transaction', baselineP95: insertBaseline.p95 }, log, goal))

  // Advancing: fresh opportunities at stage 1 (created untimed, the 5 warm-up calls included), then "next".
  const fresh: string[] = []
  for (const contactNo of picks) fresh.push((await createOpportunity(deps, ACTOR, { contactNo, description: 'Bench advance', estimatedValue: '1000' })).no)
  const updateBaseline = await timeEach(fresh, (no) => db.transaction().execute((trx) => trx.updateTable('opportunities').set({ modified_at: new Date().toISOString() }).where('no', '=', no).execute()))
  const advance = await timeEach(fresh, (no) => moveOpportunityStage(deps, ACTOR, { no, to: 'next' }))
  out.push(result({ benchmark: 'opportunity stage', dialect: database.dialect, size, measure: 'opp next', p50: advance.p50, p95: advance.p95, samples: advance.samples, baseline: 'plain update in a transaction', baselineP95: updateBaseline.p95 }, advance, goal))

  const runs = Array.from({ length: 2 + Math.max(5, Math.min(30, Math.round(sizes.samples / 10))) }, (_, i) => i)
  const sumBaseline = await timeEach(runs, () => db.selectFrom('opportunities').select((eb) => [eb.fn.countAll().as('n'), eb.fn.sum('estimated_value_minor').as('v')]).where('status', '=', 'in_progress').execute(), 2)
  const forecast = await timeEach(runs, () => getForecast(deps), 2)
  out.push(result({ benchmark: 'forecast', dialect: database.dialect, size, measure: 'opp forecast (all open)', p50: forecast.p50, p95: forecast.p95, samples: forecast.samples, baseline: 'count and sum of open ones', baselineP95: sumBaseline.p95 }, forecast, 200))
  return out
}

/**
 * Segments at scale: building a segment with three criteria (against the same set inserted by a hand-written
 * INSERT ... SELECT) and logging a segment of every contact (one interaction each, emails queued).
 */
/** Segment build: at most this many times the hand-written INSERT ... SELECT. */
export const SEGMENT_RATIO_GOAL = 1.5

export async function benchSegments(database: CrmDatabase, contactCount: number, runs: number): Promise<BenchResult[]> {
  const deps = createCoreDeps(database)
  const db = database.db
  const size = `${contactCount} contacts`
  const terms = ['industry=FISHING', 'country=IS', 'has:email']
  const segs: string[] = []
  for (let i = 0; i < runs + 1; i++) segs.push((await createSegment(deps, ACTOR, { description: `Bench ${i}` })).no)
  const base: string[] = []
  for (let i = 0; i < runs + 1; i++) base.push((await createSegment(deps, ACTOR, { description: `Baseline ${i}` })).no)
  const handWritten = (no: string) =>
    sql`
      insert into segment_lines (segment_no, contact_no, contact_company_no, step_id, added_at)
      select ${no}, c.no, c.company_no, null, ${new Date().toISOString()}
      from contacts c
      where c.erased_at is null and c.exclude_from_segments = 0 and c.privacy_blocked = 0
        and c.country_code = 'IS' and c.email is not null and c.email <> ''
        and (c.no in (select contact_no from contact_industry_groups where code = 'FISHING')
             or c.company_no in (select contact_no from contact_industry_groups where code = 'FISHING'))
    `.execute(db)
  const baseline = await timeEach(base, (no) => handWritten(no), 1)
  const build = await timeEach(segs, (no) => addToSegment(deps, ACTOR, { no, terms }), 1)
  const lines = await db.selectFrom('segment_lines').select((eb) => eb.fn.countAll<number>().as('n')).where('segment_no', '=', segs[0]!).executeTakeFirstOrThrow()
  const row = result({ benchmark: 'segment build', dialect: database.dialect, size: `${size}, ${Number(lines.n)} matched`, measure: terms.join(' '), p50: build.p50, p95: build.p95, samples: build.samples, baseline: 'hand-written INSERT ... SELECT', baselineP95: baseline.p95 }, build, database.dialect === 'sqlite' ? 2000 : null)
  // The goal is both: under 2 s on SQLite, and within 1.5x of the hand-written statement.
  if (database.dialect === 'sqlite') {
    row.goal = `p95 < 2000 ms, <= ${SEGMENT_RATIO_GOAL}x baseline`
    row.pass = row.pass === true && row.ratio <= SEGMENT_RATIO_GOAL
  }
  return [row]
}

/** Logging a segment of every contact (100k at full size): one interaction each, emails queued. */
export async function benchSegmentLog(database: CrmDatabase): Promise<BenchResult[]> {
  const deps = createCoreDeps(database)
  const db = database.db
  const out: BenchResult[] = []
  const all = await createSegment(deps, ACTOR, { description: 'Everyone' })
  await addToSegment(deps, ACTOR, { no: all.no, terms: ['type=company,person'] })
  // Content in three languages, as a real mailing has: each line is matched to its language's variant.
  await setSegmentContent(deps, ACTOR, { no: all.no, body: 'Dear customer,\n\nOur autumn offer.' })
  await saveSegmentLanguage(deps, ACTOR, { no: all.no, languageCode: 'is', subject: 'Haustilboð', body: 'Kæri viðskiptavinur,\n\nHaustilboðið okkar.' })
  await saveSegmentLanguage(deps, ACTOR, { no: all.no, languageCode: 'ru', subject: 'Осеннее предложение', body: 'Уважаемый клиент,\n\nНаше осеннее предложение.' })
  const count = await db.selectFrom('segment_lines').select((eb) => eb.fn.countAll<number>().as('n')).where('segment_no', '=', all.no).executeTakeFirstOrThrow()
  const start = performance.now()
  await logSegment(deps, ACTOR, { no: all.no, templateCode: 'EMAIL-OUT', subject: 'Bench mailing' })
  const logMs = performance.now() - start
  const plainStart = performance.now()
  await db.transaction().execute((trx) =>
    sql`insert into interaction_log_entries (no, contact_no, template_code, group_code, channel, occurred_at, subject, currency_code, source, created_at, cost_minor, duration_min, attempt_failed, campaign_response, canceled)
        select 'PLAIN' || l.contact_no || '-' || cast(l.id as text), l.contact_no, 'EMAIL-OUT', 'EMAIL', 'email', ${new Date().toISOString()}, 'plain', 'EUR', 'segment', ${new Date().toISOString()}, 0, 0, 0, 0, 0
        from segment_lines l where l.segment_no = ${all.no}`.execute(trx),
  )
  const plainMs = performance.now() - plainStart
  out.push(result({ benchmark: 'segment log', dialect: database.dialect, size: `${Number(count.n)} lines`, measure: 'segment log EMAIL-OUT, is and ru variants (one run)', p50: logMs, p95: logMs, samples: 1, baseline: 'plain INSERT ... SELECT of the entries', baselineP95: plainMs }, { p50: logMs, p95: logMs, samples: 1 }, database.dialect === 'sqlite' ? 10_000 : null))
  return out
}
