// @crm/reports as a library: build the site in a child process (Astro changes the working directory and holds
// the whole build in memory, so the caller stays unaffected) and get the summary back.
import { fork } from 'node:child_process'
import { resolve } from 'node:path'
import type { BuildSummary } from './build.ts'

export type { BuildSummary } from './build.ts'
export { summaryLine } from './build.ts'

export interface BuildReportsOptions {
  /** Where the site goes; the folder is replaced. */
  outDir: string
  /** DATABASE_URL for the build (default: the one in env). */
  databaseUrl?: string
  /** The environment of the build (default process.env); CRM_REPORTS_* settings are read from it. */
  env?: NodeJS.ProcessEnv
  /** Where relative paths (the output folder, a SQLite file) are resolved (default process.cwd()). */
  cwd?: string
  /** Only errors on the output (default true). */
  quiet?: boolean
  /** Receives the build's output as it comes. */
  onOutput?: (chunk: string) => void
}

/** A build that failed: its exit code and what it printed. */
export class ReportsBuildError extends Error {
  override name = 'ReportsBuildError'
  readonly exitCode: number | null
  readonly output: string
  constructor(message: string, exitCode: number | null, output: string) {
    super(message)
    this.exitCode = exitCode
    this.output = output
  }
}

const BUILD_SCRIPT = resolve(import.meta.dirname, 'build.ts')

/** Builds the reports site from the database; resolves to the build's summary, rejects with its output. */
export function buildReportsSite(options: BuildReportsOptions): Promise<BuildSummary> {
  const cwd = options.cwd ?? process.cwd()
  const env: NodeJS.ProcessEnv = { ...(options.env ?? process.env), ASTRO_TELEMETRY_DISABLED: '1' }
  if (options.databaseUrl) env.DATABASE_URL = options.databaseUrl
  if (options.quiet ?? true) env.CRM_REPORTS_QUIET = '1'
  return forkBuild<BuildSummary>(BUILD_SCRIPT, ['--out', resolve(cwd, options.outDir)], { cwd, env, onOutput: options.onOutput }, 'crm-reports-summary', /reports: build failed: (.*)/)
}

export interface BaselineSummary {
  htmlPages: number
  seconds: number
  peakRssMb: number
}

/**
 * Builds the benchmark's baseline (apps/reports/bench): plain Astro making one page per entry of a JSON file
 * of {pages: [{title, columns, rows}]}, with the reports site's output settings.
 */
export function buildBaselineSite(options: { dataFile: string; outDir: string; onOutput?: (chunk: string) => void }): Promise<BaselineSummary> {
  const env: NodeJS.ProcessEnv = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1', CRM_BENCH_BASELINE_DATA: resolve(options.dataFile), CRM_BENCH_BASELINE_OUT: resolve(options.outDir) }
  return forkBuild<BaselineSummary>(BASELINE_SCRIPT, [], { cwd: process.cwd(), env, onOutput: options.onOutput }, 'crm-baseline-summary', /baseline: build failed: (.*)/)
}

const BASELINE_SCRIPT = resolve(import.meta.dirname, '..', 'bench', 'build.ts')

function forkBuild<T>(script: string, args: string[], o: { cwd: string; env: NodeJS.ProcessEnv; onOutput?: ((chunk: string) => void) | undefined }, type: string, failure: RegExp): Promise<T> {
  return new Promise((done, fail) => {
    const child = fork(script, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] })
    let output = ''
    let summary: T | undefined
    const collect = (chunk: Buffer) => {
      const text = chunk.toString('utf8')
      output += text
      o.onOutput?.(text)
    }
    child.stdout!.on('data', collect)
    child.stderr!.on('data', collect)
    child.on('message', (message: { type?: string; summary?: T }) => {
      if (message?.type === type) summary = message.summary
    })
    child.on('error', (error) => fail(new ReportsBuildError(`The build could not start: ${error.message}`, null, output)))
    child.on('exit', (code, signal) => {
      if (code === 0 && summary) done(summary)
      else {
        const reason = failure.exec(output)?.[1] ?? (signal ? `stopped by ${signal}` : `exit code ${code}`)
        fail(new ReportsBuildError(reason, code, output))
      }
    })
  })
}
