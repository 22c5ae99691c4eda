import { execFileSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { lintPackage } from '../scripts/lint.ts'

const root = resolve(import.meta.dirname, '..')
const packages = ['packages', 'apps'].flatMap((group) => readdirSync(join(root, group)).map((name) => join(group, name)))

describe('repository health', () => {
  it('keeps the architecture rules (core knows no edge library, no process.env; .ts imports)', () => {
    expect(packages.flatMap((p) => lintPackage(join(root, p)))).toEqual([])
  })

  it.each(packages)('%s typechecks', (pkg) => {
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
    let output = ''
    try {
      execFileSync(process.execPath, [tsc, '-p', join(root, pkg, 'tsconfig.json')], { encoding: 'utf8', stdio: 'pipe' })
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error)
    }
    expect(output).toBe('')
  }, 120_000)
})
