import { randomBytes } from 'node:crypto'
import { coreCommands, createCoreDeps, isDomainError, mailReviewCommands, renderText, runCommand, type CommandSpec, type Actor } from '@crm/core'
import { DatabaseUrlError, openDatabase, type CrmDatabase } from '@crm/db'
import { readCliConfig } from './config.ts'
import { dbCommands } from './commands/db-commands.ts'
import { createMailCommands } from './commands/mail-commands.ts'
import { demoCommands } from './commands/demo-commands.ts'
import { transferCommands } from './commands/transfer-commands.ts'
import { createReportsCommands } from './commands/reports-commands.ts'
import type { CliIo } from './io.ts'
import { messages } from './messages.ts'
import { startCommand, startWithSignals } from './start.ts'

/** Every command the shell knows: the core grammar plus file, database and demo commands. */
export const cliCommands: readonly CommandSpec[] = [...coreCommands, ...dbCommands, ...transferCommands, ...demoCommands, startCommand]

interface GlobalFlags {
  json: boolean
  db: string | undefined
  words: string[]
}

/** Takes --json and --db URL out of the arguments, wherever they stand (before `--`). */
export function extractGlobalFlags(argv: string[]): GlobalFlags {
  const words: string[] = []
  let json = false
  let db: string | undefined
  let passthrough = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (passthrough) words.push(arg)
    else if (arg === '--') {
      passthrough = true
      words.push(arg)
    } else if (arg === '--json') json = true
    else if (arg === '--db') {
      const next = argv[i + 1]
      if (next === undefined || next.startsWith('--')) throw new DatabaseUrlError(messages.globalFlagNeedsValue('--db'))
      db = next
      i++
    } else if (arg.startsWith('--db=')) db = arg.slice(5)
    else words.push(arg)
  }
  return { json, db, words }
}

/** Runs one `crm` invocation; returns the exit code (0 ok, 1 user error, 2 unexpected error). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  let flags: GlobalFlags = { json: argv.includes('--json'), db: undefined, words: argv }
  let database: CrmDatabase | undefined
  // --json keeps what the error says in detail (e.g. an import's problems by line: details.errors).
  const fail = (code: string, message: string, field?: string, details?: Record<string, unknown>) => {
    if (flags.json) io.stdout.write(JSON.stringify({ error: { code, message, ...(field ? { field } : {}), ...(details ? { details } : {}) } }, null, 2) + '\n')
    else io.stderr.write(`${messages.errorPrefix} ${message}\n`)
    return 1
  }
  try {
    flags = extractGlobalFlags(argv)
    // `crm start` runs the production system until stopped: a supervisor, not a command on the database.
    if (flags.words[0] === 'start') return await startWithSignals(flags.words.slice(1), flags.db ? { ...io, env: { ...io.env, DATABASE_URL: flags.db } } : io)
    const config = readCliConfig(io.env, flags.db)
    const commands = [...cliCommands, ...createMailCommands(config.mail, io.env), ...createReportsCommands(config.databaseUrl, io.env), ...mailReviewCommands]
    const isHelp = flags.words.length === 0 || /^(help|--help|-h)$/.test(flags.words[0]!)
    if (isHelp) {
      // Help needs no database.
      const view = await runCommand({ deps: undefined as never, actor: { id: config.actorId, isAdmin: true }, source: 'cli' }, flags.words, commands, messages.groups)
      io.stdout.write((flags.json ? JSON.stringify(view.data, null, 2) : renderText(view)) + '\n')
      return 0
    }
    try {
      database = await openDatabase(config.databaseUrl)
    } catch (error) {
      if (error instanceof DatabaseUrlError) return fail('BAD_DATABASE_URL', error.message)
      return fail('DATABASE_UNAVAILABLE', messages.dbOpenFailed(config.databaseUrl.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@'), (error as Error).message))
    }
    const deps = createCoreDeps(database)
    // Whoever has the shell has the database file: the CLI acts as an admin.
    const actor: Actor = { id: config.actorId, salespersonCode: config.actorSalesperson, isAdmin: true }
    const view = await runCommand({ deps, actor, source: 'cli' }, flags.words, commands, messages.groups)
    io.stdout.write((flags.json ? JSON.stringify(view.data, null, 2) : renderText(view)) + '\n')
    return 0
  } catch (error) {
    if (isDomainError(error)) return fail(error.code, error.userMessage, error.field, error.details)
    if (error instanceof DatabaseUrlError) return fail('BAD_DATABASE_URL', error.message)
    const ref = randomBytes(4).toString('hex')
    io.stderr.write(`${messages.unexpected(ref)}\n`)
    if (io.env.CRM_DEBUG === '1') io.stderr.write(`${(error as Error)?.stack ?? String(error)}\n`)
    if (flags.json) io.stdout.write(JSON.stringify({ error: { code: 'UNEXPECTED', message: messages.unexpected(ref) } }) + '\n')
    return 2
  } finally {
    await database?.close()
  }
}

// Run when executed directly (node apps/cli/src/main.ts ...), not when imported by bin/crm.js or tests.
if (import.meta.main) {
  process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })
}
