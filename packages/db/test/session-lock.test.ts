import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDatabase, sessionLeases, tryTakeSessionLock, type CrmDatabase } from '../src/index.ts'
import { createTestDatabase, createTestPgUrl, describeEachDialect, pgSkipReason } from '../src/testing/index.ts'

const T0 = Date.parse('2026-12-01T10:00:00Z')
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString()

describeEachDialect('session lease queries', (dialect) => {
  let handle: CrmDatabase
  beforeEach(async () => {
    handle = await createTestDatabase(dialect)
  })
  afterEach(async () => {
    await handle.close()
  })

  it('takes a free lease, refuses it while it runs, hands it over once it ran out', async () => {
    expect(await sessionLeases.take(handle.db, 'box', 'a', at(0), at(10))).toBe(true)
    expect(await sessionLeases.take(handle.db, 'box', 'b', at(9), at(19))).toBe(false)
    expect(await sessionLeases.find(handle.db, 'box')).toEqual({ name: 'box', holder: 'a', expires_at: at(10) })
    expect(await sessionLeases.take(handle.db, 'box', 'b', at(10), at(20))).toBe(true)
    expect(await sessionLeases.find(handle.db, 'box')).toEqual({ name: 'box', holder: 'b', expires_at: at(20) })
    // Another name is another lease.
    expect(await sessionLeases.take(handle.db, 'other', 'a', at(10), at(20))).toBe(true)
  })

  it('renews and releases only the holder\'s own lease', async () => {
    await sessionLeases.take(handle.db, 'box', 'a', at(0), at(10))
    expect(await sessionLeases.renew(handle.db, 'box', 'a', at(15))).toBe(true)
    expect(await sessionLeases.renew(handle.db, 'box', 'b', at(30))).toBe(false)
    await sessionLeases.release(handle.db, 'box', 'b')
    expect(await sessionLeases.find(handle.db, 'box')).toEqual({ name: 'box', holder: 'a', expires_at: at(15) })
    await sessionLeases.release(handle.db, 'box', 'a')
    expect(await sessionLeases.find(handle.db, 'box')).toBeUndefined()
    expect(await sessionLeases.renew(handle.db, 'box', 'a', at(20))).toBe(false)
  })
})

describe('the mailbox lock on one SQLite file shared by several handles (processes)', () => {
  let dir: string
  let handles: CrmDatabase[]
  let now: number
  const clock = { leaseSeconds: 10, now: () => now }
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'crm-lease-'))
    handles = []
    now = T0
  })
  afterEach(async () => {
    for (const h of handles) await h.close()
    rmSync(dir, { recursive: true, force: true })
  })
  async function open(): Promise<CrmDatabase> {
    const h = await openDatabase(`sqlite:${join(dir, 'crm.sqlite')}`)
    handles.push(h)
    return h
  }

  it('refuses a second handle while the first holds the lock, and gives it over when the first releases it', async () => {
    const [a, b] = [await open(), await open()]
    const first = await tryTakeSessionLock(a, 'crm-mail-ingest:box', clock)
    expect(first).toBeDefined()
    expect(await tryTakeSessionLock(b, 'crm-mail-ingest:box', clock)).toBeUndefined()
    // The same process asking again is refused too: one holder at a time.
    expect(await tryTakeSessionLock(a, 'crm-mail-ingest:box', clock)).toBeUndefined()
    expect(await first!.check()).toBe(true)
    await first!.release()
    expect(await first!.check()).toBe(false)
    const second = await tryTakeSessionLock(b, 'crm-mail-ingest:box', clock)
    expect(second).toBeDefined()
    expect(await second!.check()).toBe(true)
  })

  it('keeps the lock while check() renews it, and lets another take it over once it was not renewed in time', async () => {
    const [a, b] = [await open(), await open()]
    const first = (await tryTakeSessionLock(a, 'box', clock))!
    for (let i = 0; i < 5; i++) {
      now += 8_000
      expect(await first.check()).toBe(true)
      expect(await tryTakeSessionLock(b, 'box', clock)).toBeUndefined()
    }
    // The holder stops renewing (it hangs, or was killed without releasing): 10 seconds later the lease is free.
    now += 9_999
    expect(await tryTakeSessionLock(b, 'box', clock)).toBeUndefined()
    now += 1
    const second = await tryTakeSessionLock(b, 'box', clock)
    expect(second).toBeDefined()
    // The old holder learns it lost the lock at its next check, and its release leaves the new holder's lease alone.
    expect(await first.check()).toBe(false)
    await first.release()
    expect(await tryTakeSessionLock(a, 'box', clock)).toBeUndefined()
    expect(await second!.check()).toBe(true)
  })

  it('grants the lock to exactly one of several handles asking at once', async () => {
    const all: CrmDatabase[] = []
    for (let i = 0; i < 6; i++) all.push(await open())
    const taken = await Promise.all(all.map((h) => tryTakeSessionLock(h, 'box', clock)))
    expect(taken.filter(Boolean)).toHaveLength(1)
  })

  it('frees the lease of a holder whose database went away once the lease runs out', async () => {
    const a = await open()
    const b = await open()
    expect(await tryTakeSessionLock(a, 'box', { leaseSeconds: 0.3 })).toBeDefined()
    await a.close()
    handles = handles.filter((h) => h !== a)
    expect(await tryTakeSessionLock(b, 'box', { leaseSeconds: 0.3 })).toBeUndefined()
    await new Promise((r) => setTimeout(r, 400))
    expect(await tryTakeSessionLock(b, 'box', { leaseSeconds: 0.3 })).toBeDefined()
  })
})

describe.skipIf(!!pgSkipReason())('the mailbox lock on PostgreSQL', () => {
  it('is still a session advisory lock: refused while held, free at release, no lease row written', async () => {
    const copy = await createTestPgUrl()
    const [a, b] = [await openDatabase(copy.url, { poolSize: 1 }), await openDatabase(copy.url, { poolSize: 1 })]
    try {
      const first = await tryTakeSessionLock(a, 'box', { leaseSeconds: 0.1 })
      expect(first).toBeDefined()
      await new Promise((r) => setTimeout(r, 200))
      expect(await tryTakeSessionLock(b, 'box')).toBeUndefined()
      await first!.release()
      const second = await tryTakeSessionLock(b, 'box')
      expect(second).toBeDefined()
      await second!.release()
      expect(await a.db.selectFrom('session_leases').selectAll().execute()).toEqual([])
    } finally {
      await a.close()
      await b.close()
      await copy.drop()
    }
  })
})
