import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createCoreDeps, type CoreDeps } from '@crm/core'
import type { CrmDatabase } from '@crm/db'
import { createTestDatabase } from '@crm/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { htmlToText, ingestMessage, readMailPath } from '../src/index.ts'
import { FIXTURE_SETTINGS as settings, seedFixtureCrm } from './fixture-crm.ts'
import { malformedCorpus, MUTATIONS } from './malformed-corpus.ts'

const OUTCOMES = ['logged', 'already-logged', 'unmatched', 'rejected', 'ignored', 'invalid']

describe('a mutated corpus of malformed MIME through the file pipeline', () => {
  let database: CrmDatabase
  let deps: CoreDeps
  let dir: string
  beforeAll(async () => {
    database = await createTestDatabase('sqlite')
    deps = createCoreDeps(database, { clock: () => new Date('2026-11-20T10:00:00Z') })
    await seedFixtureCrm(deps)
    dir = mkdtempSync(join(tmpdir(), 'crm-malformed-'))
  })
  afterAll(async () => {
    await database?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('is the same 1,200 messages on every run and uses every mutation', () => {
    const a = malformedCorpus(join(import.meta.dirname, 'fixtures'), 1200)
    const b = malformedCorpus(join(import.meta.dirname, 'fixtures'), 1200)
    expect(a.map((m) => m.name)).toEqual(b.map((m) => m.name))
    expect(a.every((m, i) => m.raw.equals(b[i]!.raw))).toBe(true)
    for (const name of Object.keys(MUTATIONS)) expect(a.some((m) => m.name.includes(name))).toBe(true)
  })

  it('gives every message an outcome with a reason, never a crash, and nothing half-written', async () => {
    const corpus = malformedCorpus(join(import.meta.dirname, 'fixtures'), 1200)
    for (const m of corpus) writeFileSync(join(dir, m.name), m.raw)
    const files = readMailPath(dir)
    expect(files).toHaveLength(1200)
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
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(1200)
    // The damage must not make everything one outcome: some still log, many are invalid or rejected.
    expect(counts.invalid).toBeGreaterThan(50)
    expect((counts.logged ?? 0) + (counts['already-logged'] ?? 0)).toBeGreaterThan(50)
    console.log(`malformed corpus outcomes: ${JSON.stringify(counts)}`)
    // Every entry written is complete: a subject, a contact, a number.
    const broken = await database.db.selectFrom('interaction_log_entries').select('no').where((eb) => eb.or([eb('subject', '=', ''), eb('contact_no', 'is', null)])).execute()
    expect(broken).toEqual([])
  }, 120_000)
})

describe('HTML text of damaged mail', () => {
  it('shows an entity beyond Unicode as the replacement character instead of failing', () => {
    expect(htmlToText('<p>a &#99999999; b &#x110000; c &#233;</p>')).toBe('a \ufffd b \ufffd c é')
  })
})
