import { basename, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { DEFAULT_FREE_MAIL_DOMAINS, DomainError, generateActivity, generateCampaigns, generateContacts, isDomainError, messageView, type CommandContext, type CommandSpec, type CoreDeps, type GenerateContactsInput } from '@crm/core'
import { contacts } from '@crm/db'
import { ingestMessage, readMailPath, type IngestOutcome, type IngestSettings } from '@crm/mail-ingest'
import { messages } from '../messages.ts'

/** Where progress goes: a terminal's stderr, or any stream in tests. */
export interface ProgressStream {
  write(chunk: string): unknown
  isTTY?: boolean
}

/** The seed and size of the small set `crm demo` loads; fixed, so every fresh checkout shows the same data. */
const DEMO_SET = { contacts: 160, seed: 20261122, salespeople: 3, showcase: true } as const

/** The bundled sample emails: forwards from Gmail and Outlook in three languages, a BCC copy, and the rest. */
export const DEMO_MAIL_DIR = resolve(import.meta.dirname, '..', '..', 'demo-mail')

/**
 * The authserv-id written into the sample emails' Authentication-Results. Only the demo trusts it, by passing
 * these settings to the ingester directly; MAIL_AUTHSERV_IDS and its default (trust nothing) are untouched.
 */
export const DEMO_AUTHSERV_ID = 'mx.crm-demo.invalid'

/** The mail settings of the demo's own mailbox: the sample emails' server and the logging address. */
export const DEMO_MAIL_SETTINGS: IngestSettings = {
  authservIds: [DEMO_AUTHSERV_ID],
  teamDomains: [],
  ownAddresses: ['crm-log@example.com'],
  freeMailDomains: [...DEFAULT_FREE_MAIL_DOMAINS],
}

/** Ingests the sample emails through the same pipeline as `crm mail ingest` and the IMAP ingester. */
async function ingestDemoMail(deps: CoreDeps): Promise<Array<IngestOutcome & { file: string }>> {
  const out: Array<IngestOutcome & { file: string }> = []
  for (const f of readMailPath(DEMO_MAIL_DIR)) out.push({ file: basename(f.file), ...(await ingestMessage(deps, DEMO_MAIL_SETTINGS, f.raw)) })
  return out
}

/** The "Try next" list: commands that work on the demo data. */
export function tipsText(): string {
  // A command too long for the column gets its explanation on the next line.
  const short = messages.demo.tips.filter(([command, why]) => why && command.length <= 44)
  const width = Math.max(...short.map(([command]) => command.length))
  const lines = messages.demo.tips.map(([command, why]) => {
    if (!why) return `  ${command}`
    return command.length <= 44 ? `  ${command.padEnd(width + 3)}${why}` : `  ${command}\n  ${' '.repeat(width + 3)}${why}`
  })
  return [messages.demo.tipsHeading, ...lines].join('\n')
}

/** Generates contacts, translating "the database is not empty" into the shell's advice. */
async function generate(ctx: CommandContext, input: GenerateContactsInput) {
  try {
    return await generateContacts(ctx.deps, { ...input, actor: ctx.actor })
  } catch (error) {
    if (isDomainError(error) && error.code === 'CONTACTS_EXIST') {
      throw new DomainError('CONTACTS_EXIST', messages.demo.notEmpty(Number(error.details?.existing ?? 0)), { details: error.details ?? {} })
    }
    throw error
  }
}

/** `crm demo` and `crm demo generate`; progress of large runs is drawn on `progress` when it is a terminal. */
export function createDemoCommands(progress: ProgressStream): CommandSpec[] {
  return [
    {
      path: ['demo'],
      summary: 'Load a small demo data set into an empty database and show what to try',
      args: [],
      options: [],
      examples: ['crm demo', 'npm run demo'],
      access: 'admin',
      notes: [
        'Loads contacts, interactions, opportunities, segments and campaigns through the use cases, then ingests the sample emails of apps/cli/demo-mail.',
        'Running it again changes nothing: it only loads into a database without contacts. `npm run demo` also builds and serves the reports.',
        'Larger data sets: demo generate --contacts 100000',
      ],
      async run(ctx) {
        const db = ctx.deps.database.db
        const url = ctx.deps.database.displayUrl
        const existing = await contacts.count(db)
        if (existing > 0) {
          const thora = await contacts.find(db, 'CT000002')
          const isDemo = thora?.name === 'Þóra Guðmundsdóttir'
          const summary = isDemo ? messages.demo.alreadyThere(existing, url) : messages.demo.notDemo(existing, url)
          return messageView(`${summary}\n\n${tipsText()}`, { loaded: false, isDemo, existing, database: url, summary, tips: messages.demo.tips.map(([c]) => c) })
        }
        const result = await generate(ctx, DEMO_SET)
        const activity = await generateActivity(ctx.deps, { seed: DEMO_SET.seed, actor: ctx.actor })
        const campaigns = await generateCampaigns(ctx.deps, { seed: DEMO_SET.seed, actor: ctx.actor })
        const mail = await ingestDemoMail(ctx.deps)
        const text = [
          messages.demo.loaded(result, url),
          messages.demo.activity(activity),
          messages.demo.campaigns(campaigns),
          messages.demo.mailHeading(mail.length),
          ...mail.map((m) => messages.demo.mailLine(m.file, m.outcome, m.contacts, m.reason)),
        ].join('\n')
        return messageView(`${text}\n\n${tipsText()}`, {
          loaded: true,
          isDemo: true,
          summary: text,
          ...result,
          activity,
          campaigns,
          mail: mail.map((m) => ({ file: m.file, outcome: m.outcome, kind: m.kind, contacts: m.contacts, interactions: m.interactions, reason: m.reason })),
          database: url,
          tips: messages.demo.tips.map(([c]) => c),
        })
      },
    },
    {
      path: ['demo', 'generate'],
      summary: 'Generate realistic test contacts (companies, persons, salespeople) from a seed',
      args: [],
      options: [
        { name: 'contacts', type: 'int', description: 'how many contacts, 1 to 1000000 (about one in four a company)' },
        { name: 'seed', type: 'int', description: 'the same seed gives the same contacts (default 20261122)' },
        { name: 'append', type: 'bool', description: 'add to a database that already has contacts' },
      ],
      examples: ['crm demo generate --contacts 1000', 'crm --db sqlite:./data/big.sqlite demo generate --contacts 100000 --seed 7'],
      access: 'admin',
      async run(ctx, input) {
        const count = input.options.contacts as number | undefined
        if (count === undefined) throw new DomainError('MISSING_VALUE', messages.demo.needsContacts, { field: 'contacts' })
        const started = performance.now()
        let drawn = false
        const result = await generate(ctx, {
          contacts: count,
          ...(input.options.seed !== undefined ? { seed: input.options.seed as number } : {}),
          append: input.options.append === true,
          onProgress(done, total) {
            if (!progress.isTTY) return
            progress.write(`\r${messages.demo.progress(done, total)}`)
            drawn = true
          },
        })
        if (drawn) progress.write('\n')
        const seconds = (performance.now() - started) / 1000
        const url = ctx.deps.database.displayUrl
        return messageView(messages.demo.generated(result, seconds, url), { ...result, seconds: Math.round(seconds * 10) / 10, database: url })
      },
    },
  ]
}

/** The demo commands of the shell. The command runner hands commands no streams, so progress uses the process's stderr. */
export const demoCommands: CommandSpec[] = createDemoCommands(process.stderr)
