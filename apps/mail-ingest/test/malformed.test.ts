import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCoreDeps, type CoreDeps } from '@crm/core'
import type { CrmDatabase } from '@crm/db'
import { createTestDatabase, describeEachDialect } from '@crm/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { htmlToText, ingestMessage, readMailPath } from '../src/index.ts'
import { FIXTURE_SETTINGS as settings, seedFixtureCrm } from './fixture-crm.ts'
import { malformedCorpus, MUTATIONS } from './malformed-corpus.ts'

const OUTCOMES = ['logged', 'already-logged', 'unmatched', 'rejected', 'ignored', 'invalid']


describe('the malformed corpus', () => {
  it('is the same 1,200 messages on every run and uses every mutation', () => {
    const a = malformedCorpus(join(import.meta.dirname, 'fixtures'), 1200)
    const b = malformedCorpus(join(import.meta.dirname, 'fixtures'), 1200)
    expect(a.map((m) => m.name)).toEqual(b.map((m) => m.name))
    expect(a.every((m, i) => m.raw.equals(b[i]!.raw))).toBe(true)
    for (const name of Object.keys(MUTATIONS)) expect(a.some((m) => m.name.includes(name))).toBe(true)
  })
})

// On both dialects: PostgreSQL refuses more than SQLite (NUL in text, oversized index entries).
describeEachDialect('a mutated corpus of malformed MIME through the file pipeline', (dialect) => {
  const size = 1200
  let database: CrmDatabase
  let deps: CoreDeps
  let dir: string
  beforeAll(async () => {
    database = await createTestDatabase(dialect)
    deps = createCoreDeps(database, { clock: () => new Date('2026-11-20T10:00:00Z') })
    await seedFixtureCrm(deps)
    dir = mkdtempSync(join(tmpdir(), 'crm-malformed-'))
  })
  afterAll(async () => {
    await database?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('gives every message an outcome with a reason, never a crash, and nothing half-written', async () => {
    const corpus = malformedCorpus(join(import.meta.dirname, 'fixtures'), size)
    for (const m of corpus) writeFileSync(join(dir, m.name), m.raw)
    const files = readMailPath(dir)
    expect(files).toHaveLength(size)
    const crashes: string[] = []
    const slow: string[] = []
    const counts: Record<string, number> = {}
    for (const f of files) {
      const started = performance.now()
      try {
        const r = await ingestMessage(deps, settings, f.raw)
        counts[r.outcome] = (counts[r.outcome] ?? 0) + 1
        if (!OUTCOMES.includes(r.outcome)) crashes.push(`${f.file}: unknown outcome ${r.outcome}`)
        if (r.outcome !== 'logged' && r.outcome !== 'already-logged' && !r.reason) crashes.push(`${f.file}: ${r.outcome} without a reason`)
        if ((r.outcome === 'logged' || r.outcome === 'already-logged') && r.interactions.length === 0) crashes.push(`${f.file}: logged without entries`)
      } catch (error) {
        crashes.push(`${f.file}: ${(error as Error).stack?.split('\n').slice(0, 3).join(' | ')}`)
      }
      const ms = performance.now() - started
      if (ms > 5000) slow.push(`${f.file}: ${Math.round(ms)} ms`)
    }
    expect(crashes).toEqual([])
    expect(slow).toEqual([])
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(size)
    // The damage must not make everything one outcome: some still log, many are invalid or rejected.
    expect(counts.invalid).toBeGreaterThan(size / 24)
    expect((counts.logged ?? 0) + (counts['already-logged'] ?? 0)).toBeGreaterThan(size / 24)
    console.log(`malformed corpus outcomes [${dialect}]: ${JSON.stringify(counts)}`)
    // Every entry written is complete: a subject, a contact, a number.
    const broken = await database.db.selectFrom('interaction_log_entries').select('no').where((eb) => eb.or([eb('subject', '=', ''), eb('contact_no', 'is', null)])).execute()
    expect(broken).toEqual([])
  }, 240_000)

  const AUTH = 'Authentication-Results: mx.team.example; dkim=pass header.d=team.example header.s=s1\r\n'
  const bcc = (headers: string) => Buffer.from(`${AUTH}From: Anna Sales <anna@team.example>\r\nDate: Thu, 19 Nov 2026 14:30:00 +0000\r\n${headers}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello\u0000 there.\r\n`, 'utf8')

  it('logs a subject whose encoded word holds a NUL byte, without the NUL', async () => {
    // "Fwd: Quote\0XX": PostgreSQL refuses NUL in text ("invalid byte sequence for encoding UTF8: 0x00").
    const raw = bcc('To: =?utf-8?B?w55vcmE=?=\u0000 <thora@hekla.is>, =?utf-8?B?TmV3?= <new@unknown-nul.example>\r\nSubject: =?utf-8?B?RndkOiBRdW90ZQBYWA==?=\r\nMessage-ID: <nul-subject@team.example>')
    const r = await ingestMessage(deps, { ...settings, excerptChars: 100 }, raw)
    expect(r).toMatchObject({ outcome: 'logged', kind: 'bcc', contacts: ['CT000002'], unmatched: ['new@unknown-nul.example'] })
    const entries = await database.db.selectFrom('interaction_log_entries').select(['contact_no', 'subject', 'description']).where('external_ref', '=', '<nul-subject@team.example>').execute()
    expect(entries).toEqual([{ contact_no: 'CT000002', subject: 'QuoteXX', description: '> Hello there.' }])
    const review = await database.db.selectFrom('mail_review_items').selectAll().where('external_ref', '=', '<nul-subject@team.example>').execute()
    expect(review.map((i) => [i.address, i.subject, i.note])).toEqual([['new@unknown-nul.example', 'QuoteXX', '> Hello there.']])
    expect(await ingestMessage(deps, settings, raw)).toMatchObject({ outcome: 'already-logged' })
  })

  it('acknowledges a message with NUL in its subject and a 3,000-character Message-ID', async () => {
    const raw = bcc(`To: thora@hekla.is\r\nSubject: =?utf-8?B?RndkOiBRdW90ZQBYWA==?=\r\nMessage-ID: <${'z'.repeat(3000)}@team.example>`)
    const r = await ingestMessage(deps, { ...settings, ack: true }, raw)
    expect(r).toMatchObject({ outcome: 'logged', subject: 'Fwd: QuoteXX' })
    const acks = await database.db.selectFrom('mail_acks').innerJoin('email_outbox', 'email_outbox.id', 'mail_acks.outbox_id').select(['email_outbox.subject', 'email_outbox.in_reply_to']).where('mail_acks.message_ref', '=', r.externalRef!).execute()
    expect(acks).toEqual([{ subject: 'Logged: Fwd: QuoteXX', in_reply_to: null }])
  })

  it('logs a message with a 3,000-character Message-ID under a hash of it, once', async () => {
    // The Message-ID as the reference overflowed PostgreSQL's btree entry ("index row size exceeds btree ... mail_review_items_ref").
    const id = `<${'x'.repeat(3000)}@team.example>`
    const raw = bcc(`To: thora@hekla.is, new@unknown-long.example\r\nSubject: Long id\r\nMessage-ID: ${id}`)
    const r = await ingestMessage(deps, settings, raw)
    expect(r).toMatchObject({ outcome: 'logged', contacts: ['CT000002'], unmatched: ['new@unknown-long.example'] })
    expect(r.externalRef).toMatch(/^sha256:[0-9a-f]{40}$/)
    const review = await database.db.selectFrom('mail_review_items').select('address').where('external_ref', '=', r.externalRef!).execute()
    expect(review).toEqual([{ address: 'new@unknown-long.example' }])
    const again = await ingestMessage(deps, settings, raw)
    expect(again).toMatchObject({ outcome: 'already-logged', externalRef: r.externalRef })
  })

  it('does not take a 3,000-character address for a participant', async () => {
    const raw = bcc(`To: thora@hekla.is, ${'y'.repeat(3000)}@unknown-long.example\r\nSubject: Long address\r\nMessage-ID: <long-address@team.example>`)
    expect(await ingestMessage(deps, settings, raw)).toMatchObject({ outcome: 'logged', contacts: ['CT000002'], unmatched: [] })
  })
})

describe('HTML text of damaged mail', () => {
  it('shows an entity beyond Unicode as the replacement character instead of failing', () => {
    expect(htmlToText('<p>a &#99999999; b &#x110000; c &#233;</p>')).toBe('a \ufffd b \ufffd c é')
  })
})
