// Builds the reports site from DATABASE_URL. Usage: node apps/reports/src/build.ts [--out DIR]
// (`npm run reports -- --out DIR`). Fails loudly: any error exits 1 with its message.
import { resolve } from 'node:path'
import { build } from 'astro'

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

if (import.meta.main) {
  try {
    const { outDir } = parseBuildArgs(process.argv.slice(2))
    process.env.ASTRO_TELEMETRY_DISABLED = '1'
    process.env.CRM_REPORTS_OUT = outDir
    // Astro resolves its own dependencies from the working directory.
    process.chdir(root)
    await build({ root, outDir, logLevel: process.env.CRM_REPORTS_QUIET === '1' ? 'error' : 'info' })
    console.log(`reports: site written to ${outDir}`)
  } catch (error) {
    console.error(`reports: build failed: ${(error as Error).message}`)
    process.exit(1)
  }
}
