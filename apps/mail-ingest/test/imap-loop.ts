import type { CoreDeps } from '@crm/core'
import type { ImapFlow } from 'imapflow'
import { runImapIngest, type ImapSettings, type IngestSettings } from '../src/index.ts'

/** Waits are for outcomes, never for a time: generous, because the machine may be busy. */
export const WAIT_MS = 120_000

/** Polls `check` until it is true; throws what `failed` returns as soon as it returns something, or gives up after `timeoutMs`. */
export async function waitFor(what: string, check: () => Promise<boolean>, failed: () => unknown = () => undefined, timeoutMs = WAIT_MS): Promise<void> {
  const until = Date.now() + timeoutMs
  for (;;) {
    const failure = failed()
    if (failure) throw failure
    if (await check()) return
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

/** The real IMAP loop (runImapIngest) running in the background on one connection. */
export interface ImapLoop {
  /** What the loop threw, when it ended by an error; undefined while it runs or after a clean stop. */
  readonly crash: unknown
  /** Waits until `check` is true; a crash of the loop fails the wait at once. */
  until(what: string, check: () => Promise<boolean>): Promise<void>
  /** Aborts the loop and waits for it to end. */
  stop(): Promise<void>
}

/** Starts runImapIngest on `client` until stop(); the test asserts `crash` is undefined after stopping it. */
export function startImapLoop(client: ImapFlow, deps: CoreDeps, settings: IngestSettings, imap: ImapSettings): ImapLoop {
  const abort = new AbortController()
  let crash: unknown
  const running = runImapIngest(client, deps, settings, imap, abort.signal).catch((error: unknown) => {
    crash = error
  })
  return {
    get crash() {
      return crash
    },
    until: (what, check) => waitFor(what, check, () => crash),
    async stop() {
      abort.abort()
      await running
    },
  }
}
