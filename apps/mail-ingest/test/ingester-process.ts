import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'

const MAIN = join(import.meta.dirname, '..', 'src', 'main.ts')

/** One ingester started as a real process (`node apps/mail-ingest/src/main.ts`), its output collected. */
export interface IngesterProcess {
  child: ChildProcess
  output(): string
  /** Waits until the output matches, or fails after the timeout with the output so far. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>
  /** kill -9: no cleanup of any kind runs. */
  killHard(): Promise<void>
  /** SIGTERM and wait for the exit code. */
  stop(): Promise<number | null>
}

export function startIngester(env: Record<string, string>): IngesterProcess {
  const child = spawn(process.execPath, [MAIN], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  return {
    child,
    output: () => out,
    async waitFor(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs
      while (!pattern.test(out)) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; output:\n${out.slice(-3000)}`)
        if (child.exitCode !== null) throw new Error(`the ingester exited (${child.exitCode}) before ${pattern}; output:\n${out.slice(-3000)}`)
        await new Promise((r) => setTimeout(r, 50))
      }
    },
    async killHard() {
      if (child.exitCode === null) child.kill('SIGKILL')
      await exited
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      return exited
    },
  }
}

/** Waits until check() is true (polling), or throws with the label. */
export async function eventually(label: string, check: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${label}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}
