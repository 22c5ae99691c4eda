import type { CoreDeps, Logger } from '@crm/core'
import { readFileSync } from 'node:fs'
import { ImapFlow } from 'imapflow'
import { ingestMessage, type IngestOutcome, type IngestSettings } from './ingest-message.ts'

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
        const outcome = await ingestMessage(deps, settings, m.source, m.internalDate)
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
