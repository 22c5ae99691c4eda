// Builds the reports site from DATABASE_URL. Usage: node apps/reports/src/build.ts [--out DIR]
// (`npm run reports -- --out DIR`, `crm reports build --out DIR`). Fails loudly: any error exits 1 with its
// message. Run through buildReportsSite (src/index.ts) it also reports its summary over the IPC channel.
import { cpSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { build } from 'astro'
import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from '@crm/db'

const root = resolve(import.meta.dirname, '..')

/** Parses the command line: only --out DIR is known. */
export function parseBuildArgs(argv: string[]): { outDir: string } {
  let outDir = resolve(root, 'dist')
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg === '--out' && argv[i + 1]) outDir = resolve(argv[++i]!)
    else if (arg.startsWith('--out=')) outDir = resolve(arg.slice(6))
    else throw new Error(`Unknown argument "${arg}". Usage: npm run reports -- [--out DIR]`)
  }
  return { outDir }
}

/** A SQLite file named relative to where the command was run, made absolute before the build changes directory. */
export function absoluteDatabaseUrl(url: string | undefined, cwd: string): string {
  const given = url?.trim() || DEFAULT_DATABASE_URL
  const { dialect, location } = parseDatabaseUrl(given)
  return dialect === 'sqlite' && location !== ':memory:' ? `sqlite:${resolve(cwd, location)}` : given
}

/** What a finished build reports: where, how much, how long, and from which data. */
export interface BuildSummary {
  outDir: string
  htmlPages: number
  csvFiles: number
  seconds: number
  /** Peak resident memory of the build process. */
  peakRssMb: number
  info: { generatedAt: string; database: string; contacts: number; openOpportunities: number; segments: number; segmentLines: number; campaigns: number; pageSize: number }
}

/** The one line the build prints when done. */
export function summaryLine(s: BuildSummary): string {
  const i = s.info
  return `reports: ${s.htmlPages} pages and ${s.csvFiles} CSV files written to ${s.outDir} in ${s.seconds.toFixed(1)} s (peak memory ${Math.round(s.peakRssMb)} MB); data of ${i.database} as of ${i.generatedAt}: ${i.contacts} contacts, ${i.segments} segments, ${i.campaigns} campaigns`
}

/** Puts the finished site in place of `to` (renamed when on the same file system, else copied). */
function replaceFolder(from: string, to: string): void {
  rmSync(to, { recursive: true, force: true })
  try {
    renameSync(from, to)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EXDEV') throw error
    cpSync(from, to, { recursive: true })
  }
}

function countFiles(dir: string): { html: number; csv: number } {
  const out = { html: 0, csv: 0 }
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue
    if (e.name.endsWith('.html')) out.html++
    else if (e.name.endsWith('.csv')) out.csv++
  }
  return out
}

if (import.meta.main) {
  try {
    const start = performance.now()
    const { outDir } = parseBuildArgs(process.argv.slice(2))
    process.env.ASTRO_TELEMETRY_DISABLED = '1'
    process.env.DATABASE_URL = absoluteDatabaseUrl(process.env.DATABASE_URL, process.cwd())
    // Astro resolves its own dependencies from the working directory, and renders from a .prerender folder next
    // to the output when that is inside it (else in a .astro folder that every build would share). So each build
    // gets a staging folder of its own inside the app, and concurrent builds (a scheduled one, a manual one,
    // tests) never touch each other's files; the finished site then replaces the output folder.
    process.chdir(root)
    const staging = mkdtempSync(join(root, '.build-'))
    try {
      const site = join(staging, 'site')
      process.env.CRM_REPORTS_OUT = site
      await build({ root, outDir: site, cacheDir: join(staging, 'cache'), logLevel: process.env.CRM_REPORTS_QUIET === '1' ? 'error' : 'info' })
      replaceFolder(site, outDir)
    } finally {
      rmSync(staging, { recursive: true, force: true })
    }
    const files = countFiles(outDir)
    const summary: BuildSummary = {
      outDir,
      htmlPages: files.html,
      csvFiles: files.csv,
      seconds: (performance.now() - start) / 1000,
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      info: JSON.parse(readFileSync(join(outDir, 'build-info.json'), 'utf8')) as BuildSummary['info'],
    }
    console.log(summaryLine(summary))
    if (process.send) await new Promise<void>((done) => process.send!({ type: 'crm-reports-summary', summary }, () => done()))
  } catch (error) {
    console.error(`reports: build failed: ${(error as Error).message}`)
    process.exit(1)
  }
}
