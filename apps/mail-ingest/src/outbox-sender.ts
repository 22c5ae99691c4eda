import { sendQueuedEmails, type CoreDeps, type MailTransport, type SendPolicy, type SendQueuedEmailsResult } from '@crm/core'

function pause(ms: number, signal: AbortSignal): Promise<void> {
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
 * Sends the outbox until the signal aborts: a pass, then a pause until the next row is due (a retry, or the
 * rate limit's minute), at most `pollSeconds`, so newly queued mail goes out within that time.
 */
export async function runOutboxSender(deps: CoreDeps, transport: MailTransport, policy: SendPolicy, pollSeconds: number, signal: AbortSignal, onPass?: (r: SendQueuedEmailsResult) => void): Promise<void> {
  while (!signal.aborted) {
    const r = await sendQueuedEmails(deps, transport, policy)
    onPass?.(r)
    if (r.sent || r.failed || r.retrying || r.released) deps.logger.info({ event: 'mail.outbox_pass', sent: r.sent, retrying: r.retrying, failed: r.failed, released: r.released, rateLimited: r.rateLimited })
    let waitMs = pollSeconds * 1000
    // Rate limited: the oldest attempt of the minute leaves the window within a minute; look again sooner.
    if (r.rateLimited) waitMs = Math.min(waitMs, 5_000)
    else if (r.nextDueAt) waitMs = Math.min(waitMs, Math.max(250, Date.parse(r.nextDueAt) - deps.clock().getTime()))
    await pause(waitMs, signal)
  }
}
