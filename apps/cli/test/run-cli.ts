import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { main } from '../src/main.ts'

export interface CliRun {
  code: number
  stdout: string
  stderr: string
  json<T = any>(): T
}

/** Runs `crm` in-process with captured output, as a user would from the shell. */
export async function crm(args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliRun> {
  let stdout = ''
  let stderr = ''
  const code = await main(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    env,
  })
  return { code, stdout, stderr, json: () => JSON.parse(stdout) }
}

/** A temporary SQLite database URL, removed by the returned cleanup. */
export function tempSqliteUrl(): { url: string; dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'crm-cli-'))
  return { url: `sqlite:${join(dir, 'crm.sqlite')}`, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) }
}
