import { sql } from 'kysely'
import { RecordNotFoundError } from '../errors.ts'
import { CLASSIFICATIONS, type ClassificationKind, type ContactRow, type ContactUpdate, type NewContactRow } from '../schema.ts'
import { prefixUpperBound, type Executor } from './executor.ts'

/** A contact by number, or undefined. */
export async function find(db: Executor, no: string): Promise<ContactRow | undefined> {
  return db.selectFrom('contacts').selectAll().where('no', '=', no).executeTakeFirst()
}

/** A contact by number; throws NOT_FOUND. */
export async function get(db: Executor, no: string): Promise<ContactRow> {
  const row = await find(db, no)
  if (!row) throw new RecordNotFoundError('Contact', no)
  return row
}

/** Contacts by number, in no particular order. */
export async function listByNos(db: Executor, nos: string[]): Promise<ContactRow[]> {
  if (nos.length === 0) return []
  return db.selectFrom('contacts').selectAll().where('no', 'in', nos).execute()
}

/** Live contacts whose primary or secondary email is the given normalized address. */
export async function listByEmail(db: Executor, emailNorm: string): Promise<ContactRow[]> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where((eb) => eb.or([eb('email_norm', '=', emailNorm), eb('email2_norm', '=', emailNorm)]))
    .where('erased_at', 'is', null)
    .orderBy('no')
    .execute()
}

/**
 * Live companies whose website domain or primary email domain is the given (lower-case) domain. Both domains are
 * search tokens of their contact, so the candidates come from the token index, never from a scan of all contacts.
 */
export async function listCompaniesByDomain(db: Executor, domain: string): Promise<ContactRow[]> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('no', 'in', db.selectFrom('contact_search_tokens').select('contact_no').where('token', '=', domain))
    .where('type', '=', 'company')
    .where('erased_at', 'is', null)
    .where((eb) => eb.or([eb('website_domain', '=', domain), eb('email_norm', 'like', `%@${domain}`)]))
    .orderBy('no')
    .execute()
}

/** Inserts a contact row. */
export async function insert(db: Executor, row: NewContactRow): Promise<void> {
  await db.insertInto('contacts').values(row).execute()
}

/** Inserts many contact rows in chunks (imports and the data generator). */
export async function insertMany(db: Executor, rows: NewContactRow[], chunkSize = 200): Promise<void> {
  for (let i = 0; i < rows.length; i += chunkSize) {
    await db.insertInto('contacts').values(rows.slice(i, i + chunkSize)).execute()
  }
}

/** Updates one contact. */
export async function update(db: Executor, no: string, patch: ContactUpdate): Promise<void> {
  await db.updateTable('contacts').set(patch).where('no', '=', no).execute()
}

/** The persons of a company. */
export async function listPersonsOf(db: Executor, companyNo: string): Promise<ContactRow[]> {
  return db.selectFrom('contacts').selectAll().where('company_no', '=', companyNo).orderBy('name_folded').orderBy('no').execute()
}

/** Updates every person of a company at once (company renamed, company address changed). */
export async function updatePersonsOf(db: Executor, companyNo: string, patch: ContactUpdate, onlyInheritingAddress = false): Promise<number> {
  let q = db.updateTable('contacts').set(patch).where('company_no', '=', companyNo)
  if (onlyInheritingAddress) q = q.where('inherit_company_address', '=', 1)
  const result = await q.executeTakeFirst()
  return Number(result.numUpdatedRows)
}

export interface ContactListFilter {
  type?: 'company' | 'person'
  companyNo?: string
  salespersonCode?: string
  countryCode?: string
  city?: string
  includeErased?: boolean
}

/** A page of contacts ordered by folded name, with a filter. */
export async function list(db: Executor, filter: ContactListFilter, limit: number, offset = 0): Promise<ContactRow[]> {
  let q = db.selectFrom('contacts').selectAll()
  if (!filter.includeErased) q = q.where('erased_at', 'is', null)
  if (filter.type) q = q.where('type', '=', filter.type)
  if (filter.companyNo) q = q.where('company_no', '=', filter.companyNo)
  if (filter.salespersonCode) q = q.where('salesperson_code', '=', filter.salespersonCode)
  if (filter.countryCode) q = q.where('country_code', '=', filter.countryCode)
  if (filter.city) q = q.where('city', '=', filter.city)
  return q.orderBy('name_folded').orderBy('no').limit(limit).offset(offset).execute()
}

/** Counts live contacts. */
export async function count(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('contacts')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('erased_at', 'is', null)
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** Replaces the search tokens of a contact; `nameFolded` is its folded name (the order broad searches page in). */
export async function replaceSearchTokens(db: Executor, no: string, tokens: string[], nameFolded: string): Promise<void> {
  await db.deleteFrom('contact_search_tokens').where('contact_no', '=', no).execute()
  await insertSearchTokens(db, tokens.map((token) => ({ token, contact_no: no, name_folded: nameFolded })))
}

/** Inserts search tokens in chunks; duplicates are ignored. */
export async function insertSearchTokens(db: Executor, rows: Array<{ token: string; contact_no: string; name_folded: string }>, chunkSize = 300): Promise<void> {
  for (let i = 0; i < rows.length; i += chunkSize) {
    await db
      .insertInto('contact_search_tokens')
      .values(rows.slice(i, i + chunkSize))
      .onConflict((oc) => oc.columns(['token', 'contact_no']).doNothing())
      .execute()
  }
}

/** How many search tokens start with `prefix`, counting at most `cap` (one bounded index range scan). */
export async function countTokenPrefix(db: Executor, prefix: string, cap: number): Promise<number> {
  const row = await db
    .selectFrom((eb) =>
      eb.selectFrom('contact_search_tokens').select('contact_no').where('token', '>=', prefix).where('token', '<', prefixUpperBound(prefix)).limit(cap).as('t'),
    )
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow()
  return Number(row.n)
}

/** The prefixes ordered most selective first (fewest tokens, counted up to `cap`), with their counts; one query. */
export async function rankTokenPrefixes(db: Executor, prefixes: string[], cap: number): Promise<Array<{ prefix: string; count: number }>> {
  if (prefixes.length === 0) return []
  const counts = await db
    .selectNoFrom((eb) =>
      prefixes.map((prefix, i) =>
        eb
          .selectFrom((inner) =>
            inner.selectFrom('contact_search_tokens').select('contact_no').where('token', '>=', prefix).where('token', '<', prefixUpperBound(prefix)).limit(cap).as('t'),
          )
          .select((c) => c.fn.countAll<number>().as('n'))
          .as(`c${i}`),
      ),
    )
    .executeTakeFirstOrThrow()
  const ranked = prefixes.map((prefix, i) => ({ prefix, count: Number((counts as Record<string, unknown>)[`c${i}`]) }))
  return ranked.sort((a, b) => a.count - b.count || b.prefix.length - a.prefix.length)
}

/**
 * Live contacts having, for every given prefix, a search token starting with it, ordered by folded name: the
 * page of a broad query. The first prefix drives (put the most selective first), the others are probed.
 * Returns at most `limit` rows after `offset`.
 */
export async function searchByTokenPrefixes(db: Executor, prefixes: string[], limit: number, offset = 0): Promise<ContactRow[]> {
  if (prefixes.length === 0) return []
  // Ordered by (name_folded, contact_no) a contact's several matching tokens are adjacent, so duplicates are
  // dropped here; a bounded top-N sort in the database is much cheaper than DISTINCT over a broad range.
  const wanted = offset + limit
  let fetch = wanted * 2 + 10
  let nos: string[] = []
  for (;;) {
    const raw = await matchingNosQuery(db, prefixes).orderBy('d.name_folded').orderBy('d.contact_no').limit(fetch).execute()
    nos = []
    for (const r of raw) if (nos[nos.length - 1] !== r.contact_no) nos.push(r.contact_no)
    if (nos.length >= wanted || raw.length < fetch) break
    fetch *= 4
  }
  const page = nos.slice(offset, wanted)
  const rows = new Map((await listByNos(db, page)).map((r) => [r.no, r]))
  return page.flatMap((no) => {
    const row = rows.get(no)
    return row && !row.erased_at ? [row] : []
  })
}

/**
 * Token entries of the first prefix whose contact also has a token starting with each other prefix. The other
 * prefixes are uncorrelated IN-subqueries on purpose: a correlated probe lets PostgreSQL's planner, misjudging
 * a token range as one row, rescan a whole range per candidate.
 */
function matchingNosQuery(db: Executor, prefixes: string[]) {
  const [driver, ...rest] = prefixes
  let q = db.selectFrom('contact_search_tokens as d').select('d.contact_no').where('d.token', '>=', driver!).where('d.token', '<', prefixUpperBound(driver!))
  for (const prefix of rest) {
    q = q.where('d.contact_no', 'in', db.selectFrom('contact_search_tokens as t').select('t.contact_no').where('t.token', '>=', prefix).where('t.token', '<', prefixUpperBound(prefix)))
  }
  return q
}

/**
 * Numbers of the contacts having, for every given prefix, a search token starting with it, at most `limit`.
 * The first prefix drives (put the most selective first: its range is read whole); each other prefix then keeps
 * the candidates that have it, looked up by contact number. Erased contacts have no tokens, so none is returned.
 */
export async function listMatchingNos(db: Executor, prefixes: string[], limit: number): Promise<string[]> {
  const [driver, ...rest] = prefixes
  if (driver === undefined) return []
  const range = (prefix: string) => db.selectFrom('contact_search_tokens').select('contact_no').distinct().where('token', '>=', prefix).where('token', '<', prefixUpperBound(prefix))
  let candidates = (await range(driver).execute()).map((r) => r.contact_no)
  for (const prefix of rest) {
    const kept: string[] = []
    for (let i = 0; i < candidates.length; i += 5000) {
      const chunk = candidates.slice(i, i + 5000)
      for (const r of await range(prefix).where('contact_no', 'in', chunk).execute()) kept.push(r.contact_no)
    }
    candidates = kept
    if (candidates.length === 0) break
  }
  return candidates.sort().slice(0, limit)
}

/** Number and name of the given contacts (read from the (no, name) index), for sorting before paging. */
export async function listNamesByNos(db: Executor, nos: string[]): Promise<Array<{ no: string; name: string; language_code: string | null }>> {
  if (nos.length === 0) return []
  return db.selectFrom('contacts').select(['no', 'name', 'language_code']).where('no', 'in', nos).execute()
}

export interface DuplicateKeys {
  type: 'company' | 'person'
  excludeNo?: string
  nameKey: string
  nameKeyFirstWord: string
  emails: string[]
  phones: string[]
  /** Last seven digits of the phones: found through the search tokens, which hold every 7+ digit suffix. */
  phoneTails?: string[]
  websiteDomain: string | null
}

/** Live contacts of the same type sharing any duplicate key (name key or its first word, email, phone or its last digits, web domain). */
export async function listDuplicateCandidates(db: Executor, keys: DuplicateKeys, limit = 200): Promise<ContactRow[]> {
  return db
    .selectFrom('contacts')
    .selectAll()
    .where('type', '=', keys.type)
    .where('erased_at', 'is', null)
    .$if(keys.excludeNo !== undefined, (q) => q.where('no', '!=', keys.excludeNo!))
    .where((eb) => {
      const ors = [eb('dup_name_key', '=', keys.nameKey)]
      if (keys.nameKeyFirstWord.length >= 3) {
        ors.push(
          eb.and([
            eb('dup_name_key', '>=', keys.nameKeyFirstWord),
            eb('dup_name_key', '<', prefixUpperBound(keys.nameKeyFirstWord)),
          ]),
        )
      }
      if (keys.emails.length) ors.push(eb('email_norm', 'in', keys.emails), eb('email2_norm', 'in', keys.emails))
      if (keys.phones.length) ors.push(eb('phone_digits', 'in', keys.phones), eb('mobile_digits', 'in', keys.phones))
      if (keys.phoneTails?.length) {
        ors.push(eb('no', 'in', eb.selectFrom('contact_search_tokens').select('contact_no').where('token', 'in', keys.phoneTails)))
      }
      if (keys.websiteDomain) ors.push(eb('website_domain', '=', keys.websiteDomain))
      return eb.or(ors)
    })
    .orderBy('no')
    .limit(limit)
    .execute()
}

/** Pairs marked "not duplicates" that involve the contact. */
export async function listDuplicateExclusions(db: Executor, no: string): Promise<string[]> {
  const rows = await db
    .selectFrom('duplicate_exclusions')
    .select(['contact_no_a', 'contact_no_b'])
    .where((eb) => eb.or([eb('contact_no_a', '=', no), eb('contact_no_b', '=', no)]))
    .execute()
  return rows.map((r) => (r.contact_no_a === no ? r.contact_no_b : r.contact_no_a))
}

/** Records that two contacts are not duplicates of each other. */
export async function insertDuplicateExclusion(db: Executor, a: string, b: string, now: string): Promise<void> {
  const [x, y] = a < b ? [a, b] : [b, a]
  await db
    .insertInto('duplicate_exclusions')
    .values({ contact_no_a: x, contact_no_b: y, created_at: now })
    .onConflict((oc) => oc.columns(['contact_no_a', 'contact_no_b']).doNothing())
    .execute()
}

/** Profile answers of a contact. */
export async function listProfileAnswers(db: Executor, no: string): Promise<Array<{ question: string; answer: string }>> {
  return db.selectFrom('contact_profile_answers').select(['question', 'answer']).where('contact_no', '=', no).orderBy('question').execute()
}

/** Sets (or with an empty answer removes) one profile answer. */
export async function setProfileAnswer(db: Executor, no: string, question: string, answer: string | null): Promise<void> {
  await db.deleteFrom('contact_profile_answers').where('contact_no', '=', no).where('question', '=', question).execute()
  if (answer) await db.insertInto('contact_profile_answers').values({ contact_no: no, question, answer }).execute()
}

/**
 * Moves everything that refers to `fromNo` over to `toNo` (classifications, profile answers, persons of a
 * company, "not duplicate" marks); the caller deletes `fromNo` afterwards in the same transaction.
 * Later migrations that add tables referring to contacts extend this function.
 */
export async function reassignReferences(db: Executor, fromNo: string, toNo: string, toName: string, now: string): Promise<void> {
  for (const kind of Object.keys(CLASSIFICATIONS) as ClassificationKind[]) {
    const link = CLASSIFICATIONS[kind].link
    await db
      .insertInto(link)
      .columns(['contact_no', 'code'])
      .expression((eb) => eb.selectFrom(link).select([sql.lit(toNo).as('contact_no'), 'code']).where('contact_no', '=', fromNo))
      .onConflict((oc) => oc.columns(['contact_no', 'code']).doNothing())
      .execute()
    await db.deleteFrom(link).where('contact_no', '=', fromNo).execute()
  }
  await db
    .insertInto('contact_profile_answers')
    .columns(['contact_no', 'question', 'answer'])
    .expression((eb) =>
      eb.selectFrom('contact_profile_answers').select([sql.lit(toNo).as('contact_no'), 'question', 'answer']).where('contact_no', '=', fromNo),
    )
    .onConflict((oc) => oc.columns(['contact_no', 'question']).doNothing())
    .execute()
  await db.deleteFrom('contact_profile_answers').where('contact_no', '=', fromNo).execute()
  await db.updateTable('contacts').set({ company_no: toNo, company_name: toName, modified_at: now }).where('company_no', '=', fromNo).execute()
  await db
    .deleteFrom('duplicate_exclusions')
    .where((eb) => eb.or([eb('contact_no_a', '=', fromNo), eb('contact_no_b', '=', fromNo)]))
    .execute()
}

/** Deletes a contact row and its search tokens (after a merge has moved its references). */
async function deleteRow(db: Executor, no: string): Promise<void> {
  await db.deleteFrom('contact_search_tokens').where('contact_no', '=', no).execute()
  await db.deleteFrom('contacts').where('no', '=', no).execute()
}
export { deleteRow as delete }

/** Removes every classification link, profile answer and search token of a contact (erasure). */
export async function deletePersonalLinks(db: Executor, no: string): Promise<void> {
  for (const kind of Object.keys(CLASSIFICATIONS) as ClassificationKind[]) {
    await db.deleteFrom(CLASSIFICATIONS[kind].link).where('contact_no', '=', no).execute()
  }
  await db.deleteFrom('contact_profile_answers').where('contact_no', '=', no).execute()
  await db.deleteFrom('contact_search_tokens').where('contact_no', '=', no).execute()
  await db
    .deleteFrom('duplicate_exclusions')
    .where((eb) => eb.or([eb('contact_no_a', '=', no), eb('contact_no_b', '=', no)]))
    .execute()
}

/** A plain indexed lookup by primary key (the benchmark's baseline). */
export async function findNoByPrimaryKey(db: Executor, no: string): Promise<string | undefined> {
  const row = await db.selectFrom('contacts').select('no').where('no', '=', no).executeTakeFirst()
  return row?.no
}
