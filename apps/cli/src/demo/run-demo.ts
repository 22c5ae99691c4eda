// `npm run demo [-- --reset --no-serve --port N --out DIR]`: the first hour in one command. Loads the demo
// database with `crm demo` (contacts, activity, segments, campaigns, the sample emails through the ingester),
// builds the reports site with the real build, serves it on localhost and prints what to try next.
import { spawn } from 'node:child_process'
import { existsSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { contacts, DEFAULT_DATABASE_URL, DatabaseUrlError, openDatabase, parseDatabaseUrl, redactUrl } from '@crm/db'
import { tipsText } from '../commands/demo-commands.ts'
import type { CliIo } from '../io.ts'
import { main } from '../main.ts'
import { messages } from '../messages.ts'
import { canHoldSite } from '../site-folder.ts'
import { serveStatic, type StaticServer } from './static-server.ts'

const repoRoot = resolve(import.meta.dirname, '..', '..', '..', '..')

/** What `npm run demo` was asked to do. */
export interface DemoOptions {
  reset: boolean
  serve: boolean
  port: number
  outDir: string
  databaseUrl: string
}

/** A bad argument, with the usage to show. */
class DemoArgsError extends Error {}

/** Parses the arguments of `npm run demo`; unknown ones are refused with the usage. */
export function parseDemoArgs(argv: string[], env: NodeJS.ProcessEnv, cwd: string): DemoOptions {
  const options: DemoOptions = {
    reset: false,
    serve: true,
    port: 4321,
    outDir: resolve(repoRoot, 'apps', 'reports', 'dist'),
    databaseUrl: env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL,
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const value = () => {
      const v = argv[++i]
      if (v === undefined || v.startsWith('--')) throw new DemoArgsError(messages.firstHour.needsValue(arg))
      return v
    }
    if (arg === '--reset') options.reset = true
    else if (arg === '--no-serve') options.serve = false
    else if (arg === '--port') {
      const text = value()
      const port = Number(text)
      if (!/^\d+$/.test(text) || port > 65535) throw new DemoArgsError(messages.firstHour.badPort(text))
      options.port = port
    } else if (arg === '--out') options.outDir = resolve(cwd, value())
    else if (arg === '--db') options.databaseUrl = value()
    else throw new DemoArgsError(messages.firstHour.unknownArg(arg))
  }
  return options
}

/**
 * Deletes the SQLite demo database so the demo can load again. Only a demo database (Þóra at CT000002) or one
 * without contacts is deleted; anything else, and PostgreSQL, is refused with what to do instead.
 */
async function resetDemoDatabase(url: string): Promise<string | undefined> {
  const { dialect, location } = parseDatabaseUrl(url)
  if (dialect !== 'sqlite') return messages.firstHour.resetPostgres
  if (location === ':memory:' || !existsSync(location)) return undefined
  const database = await openDatabase(url)
  let existing = 0
  let isDemo = false
  try {
    existing = await contacts.count(database.db)
    isDemo = (await contacts.find(database.db, 'CT000002'))?.name === 'Þóra Guðmundsdóttir'
  } finally {
    await database.close()
  }
  if (existing > 0 && !isDemo) return messages.firstHour.resetRefused(redactUrl(url), existing)
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${location}${suffix}`, { force: true })
  return undefined
}

/** Builds the reports with the real build (`npm run reports`) in a child process; resolves to its exit code and output. */
function buildReports(databaseUrl: string, outDir: string, env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  const { dialect, location } = parseDatabaseUrl(databaseUrl)
  const absolute = dialect === 'sqlite' && location !== ':memory:' ? `sqlite:${resolve(location)}` : databaseUrl
  return new Promise((done) => {
    const child = spawn(process.execPath, [resolve(repoRoot, 'apps', 'reports', 'src', 'build.ts'), '--out', outDir], {
      env: { ...env, DATABASE_URL: absolute, CRM_REPORTS_QUIET: '1', ASTRO_TELEMETRY_DISABLED: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (d: Buffer) => (output += d.toString()))
    child.stderr.on('data', (d: Buffer) => (output += d.toString()))
    child.on('close', (code) => done({ code: code ?? 1, output }))
  })
}

/** The outcome of a demo run: the exit code, and the server when it serves (the caller stops it). */
export interface DemoRun {
  code: number
  server?: StaticServer
}

/** Runs the whole first hour; `io` receives every line printed. */
export async function runDemo(argv: string[], io: CliIo, cwd = process.cwd()): Promise<DemoRun> {
  const started = performance.now()
  const say = (text: string) => io.stdout.write(`${text}\n`)
  let options: DemoOptions
  try {
    options = parseDemoArgs(argv, io.env, cwd)
    parseDatabaseUrl(options.databaseUrl)
    if (!canHoldSite(options.outDir)) throw new DemoArgsError(messages.firstHour.outDirNotSite(options.outDir))
  } catch (error) {
    if (error instanceof DemoArgsError || error instanceof DatabaseUrlError) {
      io.stderr.write(`${messages.errorPrefix} ${error.message}\n${messages.firstHour.usage}\n`)
      return { code: 1 }
    }
    throw error
  }
  if (options.reset) {
    const refused = await resetDemoDatabase(options.databaseUrl)
    if (refused) {
      io.stderr.write(`${messages.errorPrefix} ${refused}\n`)
      return { code: 1 }
    }
    say(messages.firstHour.reset(redactUrl(options.databaseUrl)))
  }

  let json = ''
  const code = await main(['--db', options.databaseUrl, 'demo', '--json'], { stdout: { write: (s: string) => (json += s) }, stderr: io.stderr, env: io.env })
  const data = JSON.parse(json || '{}') as { loaded?: boolean; isDemo?: boolean; summary?: string; error?: { message: string } }
  if (code !== 0) {
    if (data.error) io.stderr.write(`${messages.errorPrefix} ${data.error.message}\n`)
    return { code }
  }
  say(data.summary ?? '')
  // Someone's own data: no reports are built or served over it by the demo.
  if (!data.isDemo) return { code: 1 }
  const loadedIn = (performance.now() - started) / 1000

  say(messages.firstHour.building(options.outDir))
  const built = await buildReports(options.databaseUrl, options.outDir, io.env)
  if (built.code !== 0) {
    io.stderr.write(`${built.output.trim()}\n${messages.errorPrefix} ${messages.firstHour.buildFailed}\n`)
    return { code: 1 }
  }
  const total = (performance.now() - started) / 1000
  say(messages.firstHour.timing(loadedIn, total - loadedIn, total))

  if (!options.serve) {
    say(`${messages.firstHour.builtOnly(options.outDir)}\n\n${tipsText()}`)
    return { code: 0 }
  }
  let server: StaticServer
  try {
    server = await serveStatic(options.outDir, options.port)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
    // The usual port is taken (another preview?): any free one will do.
    server = await serveStatic(options.outDir, 0)
  }
  say(`\n${tipsText()}\n\n${messages.firstHour.serving(server.url)}`)
  return { code: 0, server }
}

if (import.meta.main) {
  const io: CliIo = { stdout: process.stdout, stderr: process.stderr, env: process.env }
  const run = await runDemo(process.argv.slice(2), io).catch((error: unknown) => {
    process.stderr.write(`${messages.errorPrefix} ${(error as Error).message}\n`)
    if (process.env.CRM_DEBUG === '1') process.stderr.write(`${(error as Error).stack}\n`)
    return { code: 2 } as DemoRun
  })
  if (run.server) {
    const server = run.server
    const stop = () => {
      void server.close().then(() => {
        process.stdout.write(`\n${messages.firstHour.stopped}\n`)
        process.exit(0)
      })
    }
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  } else {
    process.exitCode = run.code
  }
}
