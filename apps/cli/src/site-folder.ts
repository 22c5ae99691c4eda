import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/**
 * True when a folder may receive a reports build, which replaces everything in it: it does not exist yet, is
 * empty, or already holds a site (index.html). Anything else is someone's files, and is left alone.
 */
export function canHoldSite(dir: string): boolean {
  if (!existsSync(dir)) return true
  if (!statSync(dir).isDirectory()) return false
  const entries = readdirSync(dir)
  return entries.length === 0 || entries.includes('index.html') || existsSync(join(dir, 'index.html'))
}
