// Checks the architecture rules that a type checker cannot see. Usage: node scripts/lint.ts [package-dir ...]
// Exits 1 and lists every violation. Run by `npm run lint` (turbo runs it per package) and by the tests.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')

/** Source files (.ts, .astro) under a folder, skipping dependencies and build output. */
function sourceFiles(dir: string): string[] {
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path))
    else if (/\.(ts|astro)$/.test(name)) out.push(path)
  }
  return out
}

const EDGE_LIBRARIES = /from ['"](@slack\/[^'"]+|imapflow|nodemailer|mailparser|postal-mime|email-forward-parser|mailauth|astro[^'"]*|better-sqlite3|pg|pino)['"]/
/** Returns the violations of one package folder. */
export function lintPackage(dir: string): string[] {
  const problems: string[] = []
  const pkg = relative(root, dir)
  for (const file of sourceFiles(dir)) {
    const rel = relative(root, file)
    const text = readFileSync(file, 'utf8')
    const isTest = /\/test\//.test(rel)
    if (pkg === 'packages/core' && !isTest) {
      const edge = text.match(EDGE_LIBRARIES)
      if (edge) problems.push(`${rel}: core must not import ${edge[1]} (keep adapters in apps/ or packages/db)`)
      if (/\bprocess\.env\b/.test(text)) problems.push(`${rel}: core must not read process.env (apps pass values in)`)
      if (/from ['"]@crm\/(cli|bot|mail-ingest|reports)/.test(text)) problems.push(`${rel}: core must not import an app`)
    }
    if (pkg === 'packages/db' && !isTest && /from ['"]@crm\/(core|cli|bot|mail-ingest|reports)/.test(text)) {
      problems.push(`${rel}: db must not import core or an app`)
    }
    if (pkg === 'apps/reports' && !isTest && /\bset:html\b/.test(text)) {
      problems.push(`${rel}: never set:html in the reports site; database text must go through Astro's escaping`)
    }
    if (pkg === 'apps/bot' && !isTest) {
      // The bot is a door onto core: no SQL of its own, and the environment is read in one file.
      const data = text.match(/from ['"](kysely|better-sqlite3|pg)['"]/)
      if (data) problems.push(`${rel}: the bot must not import ${data[1]} (its data goes through @crm/core)`)
      if (/from ['"]@crm\/db['"]/.test(text) && !/src\/(main|config)\.ts$/.test(rel)) problems.push(`${rel}: only main.ts and config.ts of the bot may import @crm/db; use @crm/core`)
      if (/\bprocess\.env\b/.test(text) && !rel.endsWith('src/main.ts')) problems.push(`${rel}: read the environment only in src/main.ts (config.ts parses what main passes)`)
    }
    if (pkg.startsWith('apps/') && /from ['"](\.\.\/)+apps\//.test(text)) problems.push(`${rel}: import another app through packages/, not by path`)
    for (const m of text.matchAll(/from ['"](\.{1,2}\/[^'"]+)['"]/g)) {
      if (!/\.(ts|js|json|astro|css|mjs)$/.test(m[1]!)) problems.push(`${rel}: relative import ${m[1]} needs its .ts extension`)
    }
    if (/^\s*(export\s+)?(const\s+)?enum\s/m.test(text) || /^\s*(export\s+)?namespace\s/m.test(text)) {
      problems.push(`${rel}: enum/namespace are not erasable syntax; use a union or an object`)
    }
  }
  return problems
}

if (import.meta.main) {
  const dirs = process.argv.slice(2).length
    ? process.argv.slice(2).map((d) => resolve(d))
    : ['packages', 'apps'].flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
  const problems = dirs.flatMap(lintPackage)
  for (const p of problems) console.error(p)
  if (problems.length) process.exit(1)
  console.log(`lint: ${dirs.length} package(s) clean`)
}
