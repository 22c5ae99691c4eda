import { changeLog, salespeople, type Executor, type SalespersonRow } from '@crm/db'
import type { Actor, CoreDeps } from '../deps.ts'
import { DomainError, invalidField } from '../errors.ts'
import { cleanText, isEmail, normalizeEmail } from '../text/normalize.ts'

export interface Salesperson {
  code: string
  name: string
  email: string | null
  phone: string | null
  jobTitle: string | null
  slackUserId: string | null
}

function toSalesperson(row: SalespersonRow): Salesperson {
  return { code: row.code, name: row.name, email: row.email, phone: row.phone, jobTitle: row.job_title, slackUserId: row.slack_user_id }
}

export interface SalespersonInput {
  code: string
  name?: string
  email?: string | null
  phone?: string | null
  jobTitle?: string | null
  slackUserId?: string | null
}

async function validate(input: SalespersonInput) {
  const code = input.code.trim().toUpperCase()
  if (!/^[\p{L}\p{N}_-]{1,20}$/u.test(code)) throw invalidField('code', `"${input.code}" is not a salesperson code (1-20 letters, digits, - or _).`, 'salesperson add JD "Jane Doe"')
  const email = input.email === undefined ? undefined : cleanText(input.email)
  if (email && !isEmail(email)) throw invalidField('email', `"${email}" is not an email address.`, '--email jane@example.com')
  const slack = input.slackUserId === undefined ? undefined : cleanText(input.slackUserId)
  if (slack && !/^[UW][A-Z0-9]{2,}$/.test(slack)) throw invalidField('slack', `"${slack}" is not a Slack user id (it starts with U or W).`, '--slack U024BE7LH')
  return { code, email, slack }
}

/** Adds a salesperson (code, name, optional email and Slack user id). */
export async function addSalesperson(deps: CoreDeps, actor: Actor, input: SalespersonInput): Promise<Salesperson> {
  const { code, email, slack } = await validate(input)
  const name = cleanText(input.name)
  if (!name) throw invalidField('name', 'A salesperson needs a name.', `salesperson add ${code} "Jane Doe"`)
  const now = deps.clock().toISOString()
  return deps.database.db.transaction().execute(async (trx) => {
    if (await salespeople.find(trx, code)) throw new DomainError('DUPLICATE_CODE', `Salesperson ${code} already exists; use "salesperson edit ${code}" to change it.`, { field: 'code' })
    if (slack && (await salespeople.findBySlackUser(trx, slack))) throw invalidField('slack', `Slack user ${slack} is already linked to another salesperson.`)
    await salespeople.insert(trx, {
      code, name, email: email ?? null, email_norm: normalizeEmail(email), phone: cleanText(input.phone), job_title: cleanText(input.jobTitle),
      slack_user_id: slack ?? null, created_at: now, modified_at: now,
    })
    await changeLog.insert(trx, { at: now, actor: actor.id, entity: 'salesperson', entityNo: code, action: 'create' })
    return toSalesperson(await salespeople.get(trx, code))
  })
}

/** Changes a salesperson's name, email, phone, title or Slack user id. */
export async function editSalesperson(deps: CoreDeps, actor: Actor, input: SalespersonInput): Promise<Salesperson> {
  const { code, email, slack } = await validate(input)
  const now = deps.clock().toISOString()
  return deps.database.db.transaction().execute(async (trx) => {
    if (!(await salespeople.find(trx, code))) throw invalidField('code', `There is no salesperson ${code}. See: salesperson list`)
    if (slack) {
      const other = await salespeople.findBySlackUser(trx, slack)
      if (other && other.code !== code) throw invalidField('slack', `Slack user ${slack} is already linked to ${other.code}.`)
    }
    const patch: Record<string, unknown> = { modified_at: now }
    if (input.name !== undefined) {
      const name = cleanText(input.name)
      if (!name) throw invalidField('name', 'The name cannot be empty.')
      patch.name = name
    }
    if (email !== undefined) Object.assign(patch, { email, email_norm: normalizeEmail(email) })
    if (input.phone !== undefined) patch.phone = cleanText(input.phone)
    if (input.jobTitle !== undefined) patch.job_title = cleanText(input.jobTitle)
    if (slack !== undefined) patch.slack_user_id = slack
    if (Object.keys(patch).length === 1) throw invalidField('salesperson', 'Nothing to change: give --name, --email, --phone, --title or --slack.')
    await salespeople.update(trx, code, patch)
    await changeLog.insert(trx, { at: now, actor: actor.id, entity: 'salesperson', entityNo: code, action: 'update', details: { fields: Object.keys(patch) } })
    return toSalesperson(await salespeople.get(trx, code))
  })
}

/** All salespeople. */
export async function listSalespeople(deps: CoreDeps): Promise<Salesperson[]> {
  return (await salespeople.list(deps.database.db)).map(toSalesperson)
}

/** The salesperson a Slack user or an email address belongs to, if any. */
export async function findSalespersonFor(deps: CoreDeps, who: { slackUserId?: string; email?: string }): Promise<Salesperson | undefined> {
  const db = deps.database.db
  if (who.slackUserId) {
    const row = await salespeople.findBySlackUser(db, who.slackUserId)
    if (row) return toSalesperson(row)
  }
  const email = normalizeEmail(who.email)
  if (email) {
    const row = await salespeople.findByEmail(db, email)
    if (row) return toSalesperson(row)
  }
  return undefined
}

/**
 * The salesperson a new record gets: the one given, else the acting user's own code (CRM_ACTOR on the command
 * line), else the fallback (e.g. the contact's). A code given or taken from the actor must be a salesperson; the
 * error says where an unknown code came from and lists the salespeople there are.
 */
export async function resolveSalesperson(db: Executor, actor: Actor, given: string | undefined, fallback: string | null = null): Promise<string | null> {
  const explicit = given?.trim() ? given.trim().toUpperCase() : undefined
  const own = actor.salespersonCode?.trim() ? actor.salespersonCode.trim().toUpperCase() : undefined
  const code = explicit ?? own
  if (!code) return fallback
  if (await salespeople.find(db, code)) return code
  const known = (await salespeople.list(db)).map((s) => s.code)
  const listed = `Salespeople: ${known.join(', ') || '(none yet; add one with: salesperson add JD "Jane Doe")'}.`
  const example = `--salesperson ${known[0] ?? 'JD'}`
  if (explicit) throw invalidField('salesperson', `There is no salesperson ${code}. ${listed}`, example)
  throw invalidField(
    'salesperson',
    `You act as salesperson ${code} (CRM_ACTOR), but there is no salesperson ${code}. Set CRM_ACTOR to your own salesperson code or give one with --salesperson. ${listed}`,
    example,
  )
}
