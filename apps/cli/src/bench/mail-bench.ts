// The mail benchmark of `npm run bench` (issue 6): a backlog of messages in a real Dovecot ingested end to end
// (IMAP fetch, MIME parse, forward reading, matching, logging, UID MOVE to the outcome folders), against a raw
// imapflow fetch + postal-mime parse of the same messages in the same run. Throughput and peak RSS are reported.
import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import { addSalesperson, createCoreDeps, DEFAULT_FREE_MAIL_DOMAINS, generateContacts, silentLogger, type Actor } from '@crm/core'
import { openDatabase } from '@crm/db'
import { connectImap, ensureFolders, OUTCOME_FOLDERS, type ImapSettings, type IngestSettings } from '@crm/mail-ingest'
import { startDovecot } from '@crm/mail-ingest/dovecot'
import PostalMime from 'postal-mime'
import type { BenchResult } from './benchmarks.ts'

export const MAIL_GOAL_PER_SECOND = 100
export const MAIL_GOAL_RSS_MB = 300

export interface MailBenchResult {
  dialect: string
  messages: number
  /** Contacts in the database the messages are matched against. */
  contacts: number
  outcomes: Record<string, number>
  seconds: number
  perSecond: number
  peakRssMb: number
  rawSeconds: number
  rawPerSecond: number
  /** Pipeline time / raw fetch + parse time. */
  ratio: number
  appendSeconds: number
  pass: boolean
}

const ACTOR: Actor = { id: 'bench', isAdmin: true }
const TEAM = 'team.bench.example'

/**
 * Realistic mail for the backlog: mostly forwards and BCC copies of customer mail, some from unknown people at a
 * customer's domain (matched to its company by domain, or left for review), some unmatched, auto-replies, spoofs.
 */
function benchMessage(i: number, customer: string): string {
  const id = `<bench-${i}@${TEAM}>`
  const date = new Date(Date.UTC(2026, 10, 1) + i * 60_000).toUTCString()
  const auth = `Authentication-Results: mx.bench.example; dkim=pass header.d=${TEAM}`
  const kind = i % 20
  const body = `Hello,\r\n\r\nthank you for the meeting on the ${(i % 28) + 1}th. As agreed we would like ${10 + (i % 90)} tonnes of cod,\r\ndelivered to the usual harbour. Please send an offer with prices and dates.\r\n\r\nBest regards\r\n`
  if (kind < 12 || kind === 16 || kind === 17) {
    const from = kind === 16 ? `new.buyer${i}@${customer.slice(customer.indexOf('@') + 1)}` : kind === 17 ? `someone${i}@gmail.com` : customer
    return [auth, `From: Mail Bench <sales@${TEAM}>`, `To: log@${TEAM}`, `Subject: Fwd: Order ${i}`, `Date: ${date}`, `Message-ID: ${id}`,
      'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', '', 'Please log this.', '', '---------- Forwarded message ---------',
      `From: Customer <${from}>`, `Date: ${date}`, `Subject: Order ${i}`, `To: Mail Bench <sales@${TEAM}>`, '', body].join('\r\n')
  }
  if (kind < 16) {
    return [auth, `From: Mail Bench <sales@${TEAM}>`, `To: Customer <${customer}>`, `Bcc: log@${TEAM}`, `Subject: Offer ${i}`, `Date: ${date}`,
      `Message-ID: ${id}`, 'MIME-Version: 1.0', 'Content-Type: text/html; charset=utf-8', '', `<p>Dear customer,</p><p>our offer ${i} is attached.</p>`].join('\r\n')
  }
  if (kind === 18) {
    return [auth, `From: Customer <${customer}>`, `To: sales@${TEAM}`, 'Auto-Submitted: auto-replied', `Subject: Out of office`, `Date: ${date}`, `Message-ID: ${id}`, '', 'I am away.'].join('\r\n')
  }
  return [`Authentication-Results: mx.bench.example; dkim=fail header.d=${TEAM}`, `From: Mail Bench <sales@${TEAM}>`, `To: log@${TEAM}`, `Subject: Fwd: Spoof ${i}`,
    `Date: ${date}`, `Message-ID: ${id}`, '', '---------- Forwarded message ---------', `From: <${customer}>`, `Subject: Spoof ${i}`, `Date: ${date}`, '', body].join('\r\n')
}

/**
 * Fills a fresh Dovecot mailbox with `messages` messages, ingests them all with the ingester's own code in a
 * process of its own (as `npm start` runs it; its peak RSS is the figure) into the database at `databaseUrl`
 * (which gets `contacts` generated contacts first), then times a raw fetch + parse of the same messages.
 */
export async function benchMail(databaseUrl: string, messages: number, log: (line: string) => void = () => {}, contacts = 1000): Promise<MailBenchResult> {
  const database = await openDatabase(databaseUrl)
  let customers: string[]
  try {
    const deps = createCoreDeps(database, { logger: silentLogger })
    log(`mail: generating ${contacts} contacts`)
    await generateContacts(deps, { contacts, seed: 5, actor: ACTOR })
    await addSalesperson(deps, ACTOR, { code: 'MAILB', name: 'Mail Bench', email: `sales@${TEAM}` })
    customers = (await database.db.selectFrom('contacts').select('email').where('email', 'is not', null).orderBy('no').execute()).map((r) => r.email!)
  } finally {
    await database.close()
  }
  const settings: IngestSettings = { teamDomains: [TEAM], freeMailDomains: [...DEFAULT_FREE_MAIL_DOMAINS], ownAddresses: [`log@${TEAM}`], authservIds: ['mx.bench.example'] }
  const dovecot = await startDovecot()
  try {
    const imap: ImapSettings = { host: '127.0.0.1', port: dovecot.port, secure: false, user: `bench${process.pid}`, password: dovecot.password, mailbox: 'INBOX', pollSeconds: 60 }
    log(`mail: appending ${messages} messages to Dovecot`)
    const appendStart = performance.now()
    const setup = await connectImap(imap)
    await ensureFolders(setup)
    await setup.logout()
    // Four connections append in parallel: one APPEND waits for its answer before the next.
    const fillers = await Promise.all(Array.from({ length: 4 }, () => connectImap(imap)))
    try {
      await Promise.all(fillers.map(async (filler, f) => {
        for (let i = f; i < messages; i += fillers.length) await filler.append('INBOX', benchMessage(i, customers[i % customers.length]!))
      }))
    } finally {
      await Promise.all(fillers.map((c) => c.logout()))
    }
    const appendSeconds = (performance.now() - appendStart) / 1000

    log('mail: ingesting the backlog end to end in an ingester process')
    const child = await promisify(execFile)(process.execPath, [resolve(import.meta.dirname, 'mail-ingest-child.ts'), databaseUrl, JSON.stringify(imap), JSON.stringify(settings)], { maxBuffer: 1 << 20 })
    const run = JSON.parse(child.stdout.trim().split('\n').pop()!) as { seconds: number; outcomes: Record<string, number>; count: number; maxRssMb: number }
    const { seconds, outcomes, maxRssMb: peakRssMb } = run
    const check = await connectImap(imap)
    try {
      const left = (await check.status('INBOX', { messages: true })) || { messages: -1 }
      if (run.count !== messages || left.messages !== 0) throw new Error(`mail bench: ingested ${run.count} of ${messages}, ${left.messages} left in INBOX`)
    } finally {
      await check.logout()
    }

    log('mail: raw imapflow fetch + postal-mime parse of the same messages')
    const raw = await connectImap(imap)
    let rawSeconds: number
    try {
      const started = performance.now()
      let parsed = 0
      for (const folder of new Set(Object.values(OUTCOME_FOLDERS))) {
        const lock = await raw.getMailboxLock(folder)
        try {
          if (!raw.mailbox || raw.mailbox.exists === 0) continue
          for await (const msg of raw.fetch('1:*', { uid: true, source: true, internalDate: true })) {
            if (msg.source) {
              await PostalMime.parse(msg.source, { rfc822Attachments: true })
              parsed++
            }
          }
        } finally {
          lock.release()
        }
      }
      rawSeconds = (performance.now() - started) / 1000
      if (parsed !== messages) throw new Error(`mail bench: the raw pass parsed ${parsed} of ${messages}`)
    } finally {
      await raw.logout()
    }
    const perSecond = messages / seconds
    return {
      dialect: databaseUrl.startsWith('postgres') ? 'postgres' : 'sqlite',
      messages,
      contacts,
      outcomes,
      seconds,
      perSecond,
      peakRssMb,
      rawSeconds,
      rawPerSecond: messages / rawSeconds,
      ratio: seconds / rawSeconds,
      appendSeconds,
      pass: perSecond >= MAIL_GOAL_PER_SECOND && peakRssMb < MAIL_GOAL_RSS_MB,
    }
  } finally {
    await dovecot.stop()
  }
}

/** The lines `npm run bench` prints for the mail benchmark. */
/** The mail benchmark as a row of the one table `npm run bench` prints. */
export function mailResultRow(r: MailBenchResult): BenchResult {
  return {
    benchmark: 'mail ingest',
    dialect: r.dialect as BenchResult['dialect'],
    size: `${r.messages} messages in Dovecot, ${r.contacts} contacts`,
    measure: 'IMAP backlog end to end (fetch, parse, match, log, move)',
    goalMs: null,
    goal: `>= ${MAIL_GOAL_PER_SECOND} msg/s, RSS < ${MAIL_GOAL_RSS_MB} MB`,
    p50: Number.NaN,
    p95: Number.NaN,
    samples: r.messages,
    rate: `${r.perSecond.toFixed(0)} msg/s`,
    peakRssMb: r.peakRssMb,
    baseline: 'raw imapflow fetch + postal-mime parse',
    baselineP95: Number.NaN,
    baselineFigure: `${r.rawPerSecond.toFixed(0)} msg/s`,
    ratio: r.ratio,
    pass: r.pass,
  }
}

export function formatMailResult(r: MailBenchResult): string {
  const outcomes = Object.entries(r.outcomes).map(([k, n]) => `${n} ${k}`).join(', ')
  return [
    `mail ingest (${r.dialect}): ${r.messages} messages from Dovecot in ${r.seconds.toFixed(1)} s = ${r.perSecond.toFixed(0)} msg/s (goal >= ${MAIL_GOAL_PER_SECOND}: ${r.perSecond >= MAIL_GOAL_PER_SECOND ? 'ok' : 'MISSED'}), peak RSS of the ingester process ${r.peakRssMb.toFixed(0)} MB (goal < ${MAIL_GOAL_RSS_MB} MB: ${r.peakRssMb < MAIL_GOAL_RSS_MB ? 'ok' : 'MISSED'})`,
    `  outcomes: ${outcomes}`,
    `  raw imapflow fetch + postal-mime parse of the same ${r.messages} messages: ${r.rawSeconds.toFixed(2)} s = ${r.rawPerSecond.toFixed(0)} msg/s; end to end / raw = ${r.ratio.toFixed(1)}x`,
    `  (setup: appending the backlog took ${r.appendSeconds.toFixed(1)} s)`,
  ].join('\n')
}
