// `npm start` / `crm start`: runs the production system from .env. Each part runs when its settings are there:
// the Slack bot and the mail ingester as supervised child processes (restarted with backoff when they exit),
// and the reports build on a schedule. SIGTERM or SIGINT stops everything cleanly.
import { spawn, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { parseEnv } from 'node:util'
import type { CommandSpec } from '@crm/core'
import { DEFAULT_DATABASE_URL, openDatabase, parseDatabaseUrl, redactUrl } from '@crm/db'
import { readBotConfig } from '@crm/bot'
import { readMailIngestConfig, readSenderConfig } from '@crm/mail-ingest'
import type { CliIo } from './io.ts'
import { messages } from './messages.ts'
import { canHoldSite } from './site-folder.ts'

const repoRoot = resolve(import.meta.dirname, '..', '..', '..')
const m = messages.start

/** One part of the system and the settings it needs. */
interface PartSpec {
  name: 'bot' | 'ingester' | 'reports' | 'sender'
  label: string
  doc: string
  /** The missing settings, as a person would read them; empty when the part can run. */
  missing(env: NodeJS.ProcessEnv): string[]
  /** The settings that belong to this part: one of them set means someone meant to run it. */
  keys: readonly string[]
}

const has = (env: NodeJS.ProcessEnv, key: string) => Boolean(env[key]?.trim())

/** The parts `crm start` knows, in start order. A new part is one entry here and one case in startPart. */
export const PARTS: readonly PartSpec[] = [
  {
    name: 'bot',
    label: m.labels.bot,
    doc: 'docs/slack-app.md',
    keys: ['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN', 'SLACK_SIGNING_SECRET'],
    missing: (env) => [
      ...(has(env, 'SLACK_BOT_TOKEN') ? [] : ['SLACK_BOT_TOKEN']),
      ...(has(env, 'SLACK_APP_TOKEN') || has(env, 'SLACK_SIGNING_SECRET') ? [] : [m.socketOrHttp]),
    ],
  },
  {
    name: 'ingester',
    label: m.labels.ingester,
    doc: 'docs/mailbox.md',
    keys: ['IMAP_HOST', 'IMAP_USER', 'IMAP_PASSWORD', 'IMAP_ACCESS_TOKEN', 'IMAP_ACCESS_TOKEN_FILE'],
    // A password or an OAuth2 access token (or a file holding one) logs in.
    missing: (env) => ['IMAP_HOST', 'IMAP_USER', 'IMAP_PASSWORD', 'MAIL_AUTHSERV_IDS'].filter((k) => !has(env, k) && !(k === 'IMAP_PASSWORD' && (has(env, 'IMAP_ACCESS_TOKEN') || has(env, 'IMAP_ACCESS_TOKEN_FILE')))),
  },
  {
    name: 'reports',
    label: m.labels.reports,
    doc: 'docs/hosting-reports.md',
    keys: ['CRM_REPORTS_EVERY_MINUTES'],
    missing: (env) => (has(env, 'CRM_REPORTS_EVERY_MINUTES') ? [] : ['CRM_REPORTS_EVERY_MINUTES']),
  },
  {
    name: 'sender',
    label: m.labels.sender,
    doc: 'docs/mailbox.md',
    keys: ['SMTP_HOST', 'MAIL_FROM'],
    missing: (env) => ['SMTP_HOST', 'MAIL_FROM'].filter((k) => !has(env, k)),
  },
]

/** The settings of `crm start` itself, every problem listed at once. */
export interface StartConfig {
  env: NodeJS.ProcessEnv
  envFile: string | undefined
  enabled: PartSpec[]
  disabled: Array<{ part: PartSpec; missing: string[]; partly: boolean }>
  reportsEveryMinutes: number
  reportsOutDir: string
  databaseUrl: string
  problems: string[]
}

/**
 * Reads .env (or --env-file FILE) under the real environment, which wins, as with dotenv; no file is fine
 * unless one was named. Returns which parts are configured and every problem.
 */
export function readStartConfig(argv: string[], processEnv: NodeJS.ProcessEnv, cwd: string): StartConfig {
  const problems: string[] = []
  let envFile: string | undefined = resolve(cwd, '.env')
  let named = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--env-file' && argv[i + 1]) {
      envFile = resolve(cwd, argv[++i]!)
      named = true
    } else if (arg.startsWith('--env-file=')) {
      envFile = resolve(cwd, arg.slice('--env-file='.length))
      named = true
    } else problems.push(m.unknownArg(arg))
  }
  let fromFile: NodeJS.ProcessEnv = {}
  if (existsSync(envFile)) {
    try {
      fromFile = parseEnv(readFileSync(envFile, 'utf8'))
    } catch (error) {
      problems.push(m.envFileUnreadable(envFile, (error as Error).message))
    }
  } else {
    if (named) problems.push(m.envFileMissing(envFile))
    envFile = undefined
  }
  const env: NodeJS.ProcessEnv = { ...fromFile, ...processEnv }
  const everyText = env.CRM_REPORTS_EVERY_MINUTES?.trim() ?? ''
  const every = Number(everyText)
  if (everyText && (!/^\d+$/.test(everyText) || every < 1 || every > 10080)) problems.push(m.badEvery(everyText))
  const databaseUrl = env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL
  try {
    parseDatabaseUrl(databaseUrl)
  } catch (error) {
    problems.push((error as Error).message)
  }
  const reportsOutDir = resolve(cwd, env.CRM_REPORTS_OUT_DIR?.trim() || resolve(repoRoot, 'apps', 'reports', 'dist'))
  if (everyText && !canHoldSite(reportsOutDir)) problems.push(m.outDirNotSite(reportsOutDir))
  const enabled: PartSpec[] = []
  const disabled: StartConfig['disabled'] = []
  for (const part of PARTS) {
    const missing = part.missing(env)
    if (missing.length) disabled.push({ part, missing, partly: part.keys.some((k) => has(env, k)) })
    else enabled.push(part)
  }
  // Each enabled part's settings are checked here, so a bad one stops the start with every problem listed,
  // instead of a child that exits at once and is restarted forever.
  const partProblems = (name: PartSpec['name'], found: string[]) => problems.push(...found.map((p) => m.partProblem(PARTS.find((x) => x.name === name)!.label, p)))
  for (const part of enabled) {
    if (part.name === 'bot') {
      const bot = readBotConfig(env)
      if (!bot.ok) partProblems('bot', bot.problems)
    } else if (part.name === 'ingester') partProblems('ingester', readMailIngestConfig(env).problems)
    else if (part.name === 'sender') partProblems('sender', readSenderConfig(env).problems)
  }
  return {
    env,
    envFile,
    enabled,
    disabled,
    reportsEveryMinutes: every,
    reportsOutDir,
    databaseUrl,
    problems,
  }
}

/** Delay before restart number `attempt` (1-based): 1 s, 2 s, 4 s ... at most 5 minutes. */
export function backoffSeconds(attempt: number): number {
  return Math.min(300, 2 ** Math.max(0, attempt - 1))
}

/** A process started with its output prefixed by the part's name. */
function spawnPart(name: string, script: string, args: string[], env: NodeJS.ProcessEnv, io: CliIo): ChildProcess {
  const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  // A process that cannot even be started reports it here; its 'exit' (or none) is handled by the caller.
  child.on('error', (error) => io.stderr.write(`[${name}] ${error.message}\n`))
  for (const [stream, out] of [[child.stdout!, io.stdout], [child.stderr!, io.stderr]] as const) {
    createInterface({ input: stream }).on('line', (line) => out.write(`[${name}] ${line}\n`))
  }
  return child
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((done) => child.once('exit', (code) => done(code)))
}

/** Stops a child: SIGTERM, and SIGKILL when it has not exited after `graceMs`. */
async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await waitForExit(child)
  clearTimeout(timer)
}

/** A running part: stop() ends it and resolves when its processes are gone. */
interface RunningPart {
  stop(): Promise<void>
}

/** Keeps a long-running child alive: when it exits it is restarted after a growing pause, reset after a minute of running. */
function superviseChild(name: string, script: string, env: NodeJS.ProcessEnv, io: CliIo, log: (text: string) => void, shutdown: AbortSignal): RunningPart {
  let child: ChildProcess | undefined
  let stopping = false
  let attempt = 0
  let timer: NodeJS.Timeout | undefined
  const launch = () => {
    const startedAt = Date.now()
    child = spawnPart(name, script, [], env, io)
    const current = child
    current.once('exit', (code, signal) => {
      // Ctrl-C in a terminal reaches the children too, maybe before our own handler ran: no restart then.
      if (stopping || shutdown.aborted) return
      if (Date.now() - startedAt > 60_000) attempt = 0
      attempt++
      const wait = backoffSeconds(attempt)
      log(m.exited(name, signal ? `signal ${signal}` : `code ${code}`, wait))
      timer = setTimeout(launch, wait * 1000)
    })
  }
  launch()
  return {
    async stop() {
      stopping = true
      clearTimeout(timer)
      if (child) await stopChild(child, 10_000)
    },
  }
}

/**
 * Puts a finished build in place of the served folder: two renames, so readers see the old site or the new one,
 * never a half-built one (the build empties its output folder first). Where renaming is not possible (the folder
 * is a mount point), the files are copied over instead.
 */
export function swapInBuild(next: string, outDir: string): void {
  const previous = `${outDir}.prev`
  rmSync(previous, { recursive: true, force: true })
  try {
    if (existsSync(outDir)) renameSync(outDir, previous)
    renameSync(next, outDir)
  } catch {
    if (!existsSync(outDir) && existsSync(previous)) renameSync(previous, outDir)
    cpSync(next, outDir, { recursive: true, force: true })
    rmSync(next, { recursive: true, force: true })
  }
  rmSync(previous, { recursive: true, force: true })
}

/** Builds the reports now and then every `minutes`; a failed build is tried again sooner, with backoff. */
function scheduleReports(config: StartConfig, io: CliIo, log: (text: string) => void, shutdown: AbortSignal): RunningPart {
  const script = resolve(repoRoot, 'apps', 'reports', 'src', 'build.ts')
  const env = { ...config.env, CRM_REPORTS_QUIET: '1', ASTRO_TELEMETRY_DISABLED: '1' }
  let child: ChildProcess | undefined
  let timer: NodeJS.Timeout | undefined
  let stopping = false
  let failures = 0
  const intervalMs = config.reportsEveryMinutes * 60_000
  const build = () => {
    const startedAt = Date.now()
    const building = `${config.reportsOutDir}.next`
    child = spawnPart('reports', script, ['--out', building], env, io)
    child.once('exit', (code, signal) => {
      child = undefined
      if (stopping || shutdown.aborted) return
      const seconds = ((Date.now() - startedAt) / 1000).toFixed(1)
      let next = intervalMs
      let failure: string | undefined = code === 0 ? undefined : signal ? `signal ${signal}` : `code ${code}`
      if (!failure) {
        try {
          swapInBuild(building, config.reportsOutDir)
        } catch (error) {
          failure = m.swapFailed(config.reportsOutDir, (error as Error).message)
        }
      }
      if (!failure) {
        failures = 0
        log(m.reportsBuilt(config.reportsOutDir, seconds, config.reportsEveryMinutes))
      } else {
        failures++
        next = Math.min(intervalMs, backoffSeconds(failures) * 60_000)
        log(m.reportsFailed(failure, Math.round(next / 60_000)))
      }
      timer = setTimeout(build, next)
    })
  }
  build()
  return {
    async stop() {
      stopping = true
      clearTimeout(timer)
      if (child) await stopChild(child, 10_000)
    },
  }
}

function startPart(part: PartSpec, config: StartConfig, io: CliIo, log: (text: string) => void, shutdown: AbortSignal): RunningPart {
  switch (part.name) {
    case 'bot':
      return superviseChild('bot', resolve(repoRoot, 'apps', 'bot', 'src', 'main.ts'), config.env, io, log, shutdown)
    case 'ingester':
      return superviseChild('ingester', resolve(repoRoot, 'apps', 'mail-ingest', 'src', 'main.ts'), config.env, io, log, shutdown)
    case 'reports':
      return scheduleReports(config, io, log, shutdown)
    case 'sender':
      return superviseChild('sender', resolve(repoRoot, 'apps', 'mail-ingest', 'src', 'send-main.ts'), config.env, io, log, shutdown)
  }
}

/** What is not enabled and why, one line per part. */
function missingLines(config: StartConfig): string[] {
  return config.disabled.map(({ part, missing, partly }) => m.missingLine(part.label, missing, part.doc, partly))
}

/**
 * Runs `crm start` until `signal` fires (SIGTERM/SIGINT in the real process); resolves to the exit code:
 * 1 when the settings are wrong or nothing can run, 0 after a clean stop.
 */
export async function runStart(argv: string[], io: CliIo, signal: AbortSignal, cwd = process.cwd()): Promise<number> {
  const log = (text: string) => io.stdout.write(`${new Date().toISOString()} start: ${text}\n`)
  const config = readStartConfig(argv, io.env, cwd)
  if (config.problems.length) {
    io.stderr.write([m.invalid, ...config.problems.map((p) => `  - ${p}`)].join('\n') + '\n')
    return 1
  }
  if (config.enabled.length === 0) {
    io.stderr.write([m.nothing(config.envFile), ...missingLines(config), m.seeExample].join('\n') + '\n')
    return 1
  }
  // Migrate once here, so the parts do not race to do it and the reports (which never migrate) find it ready.
  try {
    const database = await openDatabase(config.databaseUrl)
    await database.close()
  } catch (error) {
    io.stderr.write(`${m.databaseFailed(redactUrl(config.databaseUrl), (error as Error).message)}\n`)
    return 1
  }
  log(m.starting(config.enabled.map((p) => (p.name === 'reports' ? m.reportsEvery(p.label, config.reportsEveryMinutes, config.reportsOutDir) : p.label)), redactUrl(config.databaseUrl), config.envFile))
  if (config.disabled.length) io.stdout.write([m.notEnabled, ...missingLines(config)].join('\n') + '\n')
  const running = config.enabled.map((part) => startPart(part, config, io, log, signal))
  await new Promise<void>((done) => (signal.aborted ? done() : signal.addEventListener('abort', () => done(), { once: true })))
  log(m.stopping)
  await Promise.all(running.map((r) => r.stop()))
  log(m.stopped)
  return 0
}

/** `crm start` for `crm help`; main runs it before any database is opened, so run() is never reached from the shell. */
export const startCommand: CommandSpec = {
  path: ['start'],
  summary: 'Run the production system from .env: the Slack bot, the mail ingester, the mail sender and the scheduled reports build',
  args: [],
  options: [{ name: 'env-file', type: 'string', description: 'settings file (default .env in the current folder; the environment wins over it)' }],
  examples: ['crm start', 'npm start', 'crm start --env-file /etc/crm.env'],
  access: 'admin',
  notes: [
    'Each part runs when its settings are there; the others are listed with what they miss. Nothing configured: exit 1.',
    'The bot, the ingester and the mail sender are restarted with backoff when they exit; the reports are built every CRM_REPORTS_EVERY_MINUTES into CRM_REPORTS_OUT_DIR.',
    'SIGTERM or Ctrl-C stops every part cleanly.',
  ],
  async run() {
    throw new Error('crm start is run by main before the command runner')
  },
}

/** `crm start` in this process: SIGINT/SIGTERM stop it; a second signal while stopping exits at once. */
export function startWithSignals(argv: string[], io: CliIo): Promise<number> {
  const stop = new AbortController()
  let signals = 0
  const onSignal = () => {
    if (++signals > 1) process.exit(130)
    stop.abort()
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return runStart(argv, io, stop.signal).finally(() => {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  })
}

if (import.meta.main) {
  process.exitCode = await startWithSignals(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })
}
