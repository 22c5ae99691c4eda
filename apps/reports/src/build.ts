// Builds the reports site from DATABASE_URL. Usage: node apps/reports/src/build.ts [--out DIR]
// (`npm run reports -- --out DIR`). Fails loudly: any error exits 1 with its message.
import { resolve } from 'node:path'
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

if (import.meta.main) {
  try {
    const { outDir } = parseBuildArgs(process.argv.slice(2))
    process.env.ASTRO_TELEMETRY_DISABLED = '1'
    process.env.CRM_REPORTS_OUT = outDir
    process.env.DATABASE_URL = absoluteDatabaseUrl(process.env.DATABASE_URL, process.cwd())
    // Astro resolves its own dependencies from the working directory.
    process.chdir(root)
    await build({ root, outDir, logLevel: process.env.CRM_REPORTS_QUIET === '1' ? 'error' : 'info' })
    console.log(`reports: site written to ${outDir}`)
  } catch (error) {
    console.error(`reports: build failed: ${(error as Error).message}`)
    process.exit(1)
  }
}
