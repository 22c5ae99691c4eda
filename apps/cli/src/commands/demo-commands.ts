import { performance } from 'node:perf_hooks'
import { DomainError, generateActivity, generateContacts, isDomainError, messageView, type CommandContext, type CommandSpec, type GenerateContactsInput } from '@crm/core'
import { contacts } from '@crm/db'
import { messages } from '../messages.ts'

/** Where progress goes: a terminal's stderr, or any stream in tests. */
export interface ProgressStream {
  write(chunk: string): unknown
  isTTY?: boolean
}

/** The seed and size of the small set `crm demo` loads; fixed, so every fresh checkout shows the same data. */
const DEMO_SET = { contacts: 160, seed: 20261122, salespeople: 3, showcase: true } as const

function tipsText(): string {
  const width = Math.max(...messages.demo.tips.filter(([, why]) => why).map(([command]) => command.length))
  const lines = messages.demo.tips.map(([command, why]) => `  ${why ? command.padEnd(width + 3) + why : command}`)
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
      notes: ['Running it again changes nothing: it only loads into a database without contacts.', 'Larger data sets: demo generate --contacts 100000'],
      async run(ctx) {
        const db = ctx.deps.database.db
        const url = ctx.deps.database.displayUrl
        const existing = await contacts.count(db)
        if (existing > 0) {
          const thora = await contacts.find(db, 'CT000002')
          const text = thora?.name === 'Þóra Guðmundsdóttir' ? messages.demo.alreadyThere(existing, url) : messages.demo.notDemo(existing, url)
          return messageView(`${text}\n\n${tipsText()}`, { loaded: false, existing, database: url, tips: messages.demo.tips.map(([c]) => c) })
        }
        const result = await generate(ctx, DEMO_SET)
        const activity = await generateActivity(ctx.deps, { seed: DEMO_SET.seed, actor: ctx.actor })
        return messageView(`${messages.demo.loaded(result, url)}\n${messages.demo.activity(activity)}\n\n${tipsText()}`, {
          loaded: true,
          ...result,
          activity,
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
