import type { CoreDeps, Logger } from '@crm/core'
import { isConnectionError, sql } from '@crm/db'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { ImapFlow } from 'imapflow'
import { ingestMessage, type IngestOutcome, type IngestSettings } from './ingest-message.ts'
import { messages } from './messages.ts'

/** Where and how to reach the logging mailbox. */
export interface ImapSettings {
  host: string
  port: number
  secure: boolean
  user: string
  /** The password (LOGIN/PLAIN); empty when an OAuth2 access token is used instead. */
  password: string
  /** An OAuth2 access token: logs in with XOAUTH2 instead of the password. */
  accessToken?: string
  /** A file holding the access token, read at every login, so a token refresher can replace it. */
  accessTokenFile?: string
  mailbox: string
  /** Seconds between checks when the server has no IDLE (and a safety net when it has). */
  pollSeconds: number
  /** Where handled messages go (default Processed, Unmatched, Rejected). */
  folders?: OutcomeFolders
}

/** The three folders handled messages are moved to; names are configurable (IMAP_*_FOLDER). */
export interface OutcomeFolders {
  processed: string
  unmatched: string
  rejected: string
}

export const DEFAULT_FOLDERS: OutcomeFolders = { processed: 'Processed', unmatched: 'Unmatched', rejected: 'Rejected' }

/** The folder of an outcome: logged, already logged and ignored are done; unmatched waits; the rest is refused. */
export function folderFor(outcome: IngestOutcome['outcome'], folders: OutcomeFolders = DEFAULT_FOLDERS): string {
  return outcome === 'unmatched' ? folders.unmatched : outcome === 'rejected' || outcome === 'invalid' ? folders.rejected : folders.processed
}

/** The folders messages end up in, by outcome, with the default names. */
export const OUTCOME_FOLDERS: Record<IngestOutcome['outcome'], string> = {
  logged: 'Processed',
  'already-logged': 'Processed',
  ignored: 'Processed',
  unmatched: 'Unmatched',
  rejected: 'Rejected',
  invalid: 'Rejected',
}

/** Opens a connection to the mailbox (silent: imapflow's logger is off; events go to ours). */
export async function connectImap(imap: ImapSettings, logger?: Logger): Promise<ImapFlow> {
  const accessToken = imap.accessTokenFile ? readFileSync(imap.accessTokenFile, 'utf8').trim() : imap.accessToken
  const auth = accessToken ? { user: imap.user, accessToken } : { user: imap.user, pass: imap.password }
  const client = new ImapFlow({ host: imap.host, port: imap.port, secure: imap.secure, auth, logger: false })
  // A dropped socket is reported here and as a rejected command; without a listener it would end the process.
  client.on('error', (error: Error & { code?: string }) => logger?.warn({ event: 'mail.imap_error', message: error.message, code: error.code }))
  await client.connect()
  return client
}

/** Creates the outcome folders that are missing. */
export async function ensureFolders(client: ImapFlow, folders: OutcomeFolders = DEFAULT_FOLDERS): Promise<void> {
  for (const folder of new Set(Object.values(folders))) await client.mailboxCreate(folder)
}

/** Tries of one message that fails unexpectedly, with the database answering, before it goes to Rejected. */
export const MESSAGE_ATTEMPTS = 3

/**
 * True for an error that says the database (or the network to it) is down or busy, not that the message is bad:
 * a connection error, PostgreSQL's shutdown, resource, system and retry classes; SQLite's busy, I/O, full and
 * corrupt errors; a pool or handle already closed.
 */
export function isOutageError(error: unknown): boolean {
  if (isConnectionError(error)) return true
  const e = error as { code?: unknown; message?: unknown } | null
  const code = typeof e?.code === 'string' ? e.code : ''
  if (code === 'ENOSPC' || /^(53|57P|58)/.test(code) || code === '40001' || code === '40P01') return true
  if (/^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|CORRUPT|NOTADB|NOMEM)/.test(code)) return true
  const message = typeof e?.message === 'string' ? e.message : ''
  return /connection terminated|connection (is )?closed|timeout exceeded when trying to connect|database connection is not open|cannot use a pool after calling end|driver has already been destroyed/i.test(message)
}

async function databaseAnswers(deps: CoreDeps): Promise<boolean> {
  try {
    await sql`select 1`.execute(deps.database.db)
    return true
  } catch {
    return false
  }
}

/**
 * Ingests one message; an unexpected error (a bug, or data the database refuses) is tried MESSAGE_ATTEMPTS times
 * and then makes the message invalid, so it goes to Rejected and the messages after it are still ingested. The
 * error is logged with a short reference that the reason repeats. When the database is down (an outage error, or
 * it does not answer) the error propagates instead: the caller reconnects with backoff and no mail is rejected.
 */
export async function ingestOrReject(deps: CoreDeps, settings: IngestSettings, m: { uid?: number; file?: string; source: Uint8Array; internalDate: string | undefined }, logger: Logger): Promise<IngestOutcome> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ingestMessage(deps, settings, m.source, m.internalDate)
    } catch (error) {
      if (isOutageError(error) || !(await databaseAnswers(deps))) throw error
      const e = error as Error & { code?: unknown }
      const ref = randomBytes(4).toString('hex')
      // No bodies or addresses: the error's own message, code and place.
      logger.error({ event: 'mail.ingest_failed', ...(m.uid !== undefined ? { uid: m.uid } : {}), ...(m.file !== undefined ? { file: m.file } : {}), attempt, of: MESSAGE_ATTEMPTS, ref, message: e?.message ?? String(error), code: e?.code, stack: e?.stack?.split('\n').slice(1, 6).join(' | ') })
      if (attempt >= MESSAGE_ATTEMPTS) {
        return { outcome: 'invalid', kind: null, direction: null, reason: messages.ingest.unexpectedError(ref), contacts: [], interactions: [], externalRef: null, subject: null, unmatched: [] }
      }
    }
  }
}

/** Messages fetched, ingested and moved per round: bounds memory on a large backlog. */
export const INGEST_BATCH_SIZE = 200

/**
 * Ingests every message now in the mailbox, oldest first, and moves each to Processed, Unmatched or Rejected.
 * Works in batches: fetch a batch (no command may run while a fetch streams), ingest each message (its database
 * commit comes first), then one UID MOVE per outcome folder for the whole batch.
 */
export async function ingestMailboxOnce(client: ImapFlow, deps: CoreDeps, settings: IngestSettings, mailbox: string, logger: Logger, folders: OutcomeFolders = DEFAULT_FOLDERS): Promise<Array<IngestOutcome & { uid: number }>> {
  const lock = await client.getMailboxLock(mailbox)
  try {
    const results: Array<IngestOutcome & { uid: number }> = []
    const box = client.mailbox
    if (!box || box.exists === 0) return results
    // The UIDs first (a small answer), then the sources batch by batch.
    const uids: number[] = []
    for await (const msg of client.fetch('1:*', { uid: true })) uids.push(msg.uid)
    uids.sort((a, b) => a - b)
    for (let i = 0; i < uids.length; i += INGEST_BATCH_SIZE) {
      const batch = uids.slice(i, i + INGEST_BATCH_SIZE)
      const waiting: Array<{ uid: number; source: Buffer; internalDate: string | undefined }> = []
      for await (const msg of client.fetch(batch.join(','), { uid: true, source: true, internalDate: true }, { uid: true })) {
        if (msg.source) waiting.push({ uid: msg.uid, source: msg.source, internalDate: msg.internalDate ? new Date(msg.internalDate).toISOString() : undefined })
      }
      const byFolder = new Map<string, number[]>()
      for (const m of waiting) {
        const outcome = await ingestOrReject(deps, settings, m, logger)
        const folder = folderFor(outcome.outcome, folders)
        byFolder.set(folder, [...(byFolder.get(folder) ?? []), m.uid])
        // No bodies or addresses in logs: the outcome, the reference and the entry numbers only.
        logger.info({ event: 'mail.ingested', uid: m.uid, outcome: outcome.outcome, kind: outcome.kind, interactions: outcome.interactions, reason: outcome.reason })
        results.push({ ...outcome, uid: m.uid })
      }
      for (const [folder, moved] of byFolder) await client.messageMove(moved.join(','), folder, { uid: true })
    }
    return results
  } finally {
    lock.release()
  }
}

/**
 * Runs until the signal aborts: the backlog first, then new mail as IDLE announces it (imapflow idles on an
 * open, inactive mailbox), with a poll every `pollSeconds` as the fallback.
 */
export async function runImapIngest(client: ImapFlow, deps: CoreDeps, settings: IngestSettings, imap: ImapSettings, signal: AbortSignal): Promise<void> {
  await ensureFolders(client, imap.folders)
  while (!signal.aborted) {
    await ingestMailboxOnce(client, deps, settings, imap.mailbox, deps.logger, imap.folders)
    await client.mailboxOpen(imap.mailbox)
    await new Promise<void>((resolve) => {
      // An explicit IDLE makes the server announce new mail at once; the next command ends it.
      if (client.capabilities.has('IDLE')) void client.idle().catch(() => undefined)
      const done = () => {
        clearTimeout(timer)
        client.off('exists', done)
        client.off('close', done)
        signal.removeEventListener('abort', done)
        resolve()
      }
      // Mail that arrived between the pass and this SELECT announces no EXISTS: look again soon instead of at the poll.
      const timer = setTimeout(done, client.mailbox && client.mailbox.exists > 0 ? 1000 : imap.pollSeconds * 1000)
      client.on('exists', done)
      // A dropped connection ends the wait at once: the next command fails and the caller reconnects.
      client.once('close', done)
      signal.addEventListener('abort', done)
      // Stopped during the pass: the abort event has fired already and will not fire again.
      if (signal.aborted) done()
    })
  }
}
