import type { CoreDeps } from '@crm/core'
import { tryTakeSessionLock, type CrmDatabase } from '@crm/db'
import type { ImapFlow } from 'imapflow'
import { connectImap, runImapIngest, type ImapSettings } from './imap-source.ts'
import type { IngestSettings } from './ingest-message.ts'

export interface RunIngesterOptions {
  /**
   * Seconds between a standby's tries to take the mailbox lock, and between checks that the lock is still held
   * (on SQLite each check renews the lock's lease, which lasts LEASE_CHECKS times as long).
   */
  standbySeconds: number
  /** Reconnect delays: the first, doubled after each failure up to the last. */
  backoff?: { firstMs: number; maxMs: number }
}

/** The first login failed (wrong host, port or credentials): the ingester stops and says so instead of retrying. */
export class ImapLoginError extends Error {
  override name = 'ImapLoginError'
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done)
  })
}

/**
 * On SQLite the mailbox lock is a lease the active ingester renews at every check: it lasts this many checks, so
 * a late check or two do not lose it, and a killed ingester's standby takes over within that many intervals.
 */
export const LEASE_CHECKS = 3

/** The name of a mailbox's lock: one active ingester per server, user and folder. */
export function mailboxLockName(imap: ImapSettings): string {
  return `crm-mail-ingest:${imap.host}:${imap.port}:${imap.user}:${imap.mailbox}`.toLowerCase()
}

/**
 * Runs the ingester until the signal aborts: waits as a standby until it holds the mailbox's lock (so only one
 * ingester works a mailbox, also when several share one SQLite file), then ingests, reconnecting with backoff
 * when the connection drops. Losing the lock (its PostgreSQL session gone, or on SQLite its lease taken over
 * after it was not renewed in time) sends it back to standby. Nothing here needs to remember UIDs: every message
 * still in the folder is ingested again and found already logged by its reference, so a crash between the
 * database commit and the move, or a folder recreated with a new UIDVALIDITY, duplicates nothing.
 */
export async function runIngester(database: CrmDatabase, deps: CoreDeps, imap: ImapSettings, ingest: IngestSettings, signal: AbortSignal, options: RunIngesterOptions): Promise<void> {
  const log = deps.logger
  const name = mailboxLockName(imap)
  let waitingLogged = false
  while (!signal.aborted) {
    const lock = await tryTakeSessionLock(database, name, { leaseSeconds: options.standbySeconds * LEASE_CHECKS })
    if (!lock) {
      if (!waitingLogged) log.info({ event: 'mail.standby', mailbox: imap.mailbox })
      waitingLogged = true
      await sleep(options.standbySeconds * 1000, signal)
      continue
    }
    waitingLogged = false
    log.info({ event: 'mail.active', mailbox: imap.mailbox })
    const lost = new AbortController()
    const stop = () => lost.abort()
    signal.addEventListener('abort', stop)
    let client: ImapFlow | undefined
    const monitor = setInterval(() => {
      void lock.check().then((held) => {
        if (held || lost.signal.aborted) return
        log.warn({ event: 'mail.lock_lost', mailbox: imap.mailbox })
        lost.abort()
        client?.close()
      })
    }, options.standbySeconds * 1000)
    try {
      await workMailbox(deps, imap, ingest, lost.signal, options, () => client, (c) => (client = c))
    } finally {
      clearInterval(monitor)
      signal.removeEventListener('abort', stop)
      await lock.release()
    }
  }
}

async function workMailbox(deps: CoreDeps, imap: ImapSettings, ingest: IngestSettings, signal: AbortSignal, options: RunIngesterOptions, current: () => ImapFlow | undefined, setClient: (c: ImapFlow | undefined) => void): Promise<void> {
  const log = deps.logger
  const { firstMs, maxMs } = options.backoff ?? { firstMs: 1000, maxMs: 60_000 }
  let delay = firstMs
  let uidValidity: string | undefined
  let connectedOnce = false
  while (!signal.aborted) {
    try {
      const client = await connectImap(imap, log)
      setClient(client)
      connectedOnce = true
      delay = firstMs
      client.on('mailboxOpen', (box: { path: string; uidValidity: bigint }) => {
        if (box.path !== imap.mailbox) return
        const next = String(box.uidValidity)
        // A new UIDVALIDITY means the folder was recreated: its messages are simply ingested again (already
        // logged ones are found by reference), so only the change is noted.
        if (uidValidity !== undefined && next !== uidValidity) log.warn({ event: 'mail.uidvalidity_changed', mailbox: imap.mailbox, from: uidValidity, to: next })
        uidValidity = next
      })
      log.info({ event: 'mail.connected', mailbox: imap.mailbox })
      await runImapIngest(client, deps, ingest, imap, signal)
    } catch (error) {
      const e = error as Error & { responseText?: string; code?: string }
      if (!connectedOnce) throw new ImapLoginError(e.responseText ?? e.message)
      if (signal.aborted) break
      log.warn({ event: 'mail.reconnect', message: e.responseText ?? e.message, code: e.code, retryInMs: delay })
      await sleep(delay, signal)
      delay = Math.min(delay * 2, maxMs)
    } finally {
      const client = current()
      setClient(undefined)
      if (client) await Promise.race([client.logout().catch(() => client.close()), new Promise((r) => setTimeout(r, 2000).unref())])
    }
  }
}
