import { describeEachDialect } from '@crm/db/testing'
import { expect, it } from 'vitest'
import { claimRequest, createCoreDeps, finishRequest, releaseRequest, startRequestInstance, INSTANCE_LEASE_MS } from '../src/index.ts'
import { countRows, NOW, useCore } from './builders.ts'

describeEachDialect('request claims', (dialect) => {
  const f = useCore(dialect)

  it('gives a request key to exactly one of many concurrent claimers', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => claimRequest(f.deps, 'command:T1:U1:trigger-1')))
    expect(results.filter(Boolean)).toHaveLength(1)
    expect(await claimRequest(f.deps, 'command:T1:U1:trigger-2')).toBe(true)
  })

  it('lets a released request be claimed again', async () => {
    expect(await claimRequest(f.deps, 'view:T1:U1:V1:abc')).toBe(true)
    await releaseRequest(f.deps, 'view:T1:U1:V1:abc')
    expect(await claimRequest(f.deps, 'view:T1:U1:V1:abc')).toBe(true)
    expect(await claimRequest(f.deps, 'view:T1:U1:V1:abc')).toBe(false)
  })

  it('purges claims older than a day when a new request is claimed', async () => {
    await claimRequest(f.deps, 'old')
    const dayLater = createCoreDeps(f.database, { clock: () => new Date(NOW.getTime() + 25 * 3600_000) })
    expect(await claimRequest(dayLater, 'new')).toBe(true)
    expect(await countRows(f.database, 'slack_requests')).toBe(1)
    expect(await claimRequest(dayLater, 'old')).toBe(true)
  })
  it('runs a request again when the instance holding it died before finishing, never while it lives or once finished', async () => {
    const a = startRequestInstance(f.deps)
    const b = startRequestInstance(f.deps)
    try {
      expect(await claimRequest(f.deps, 'view:T1:U1:V1:abc', a)).toBe(true)
      expect(await claimRequest(f.deps, 'view:T1:U1:V1:fin', a)).toBe(true)
      await finishRequest(f.deps, 'view:T1:U1:V1:fin', a)
      // a is alive (its lease runs): the request is running there.
      expect(await claimRequest(f.deps, 'view:T1:U1:V1:abc', b)).toBe(false)
      // a stopped renewing (died) and its lease ran out: the next delivery runs the request, once.
      const later = createCoreDeps(f.database, { clock: () => new Date(NOW.getTime() + INSTANCE_LEASE_MS + 1000) })
      const c = startRequestInstance(later)
      try {
        await c.ready
        const takers = await Promise.all([claimRequest(later, 'view:T1:U1:V1:abc', c), claimRequest(later, 'view:T1:U1:V1:abc', c)])
        expect(takers.filter(Boolean)).toHaveLength(1)
        // A finished request stays claimed whoever died.
        expect(await claimRequest(later, 'view:T1:U1:V1:fin', c)).toBe(false)
        const rows = await f.database.db.selectFrom('slack_requests').select(['key', 'holder']).orderBy('key').execute()
        expect(rows).toEqual([{ key: 'view:T1:U1:V1:abc', holder: c.id }, { key: 'view:T1:U1:V1:fin', holder: null }])
      } finally {
        await c.stop()
      }
    } finally {
      await a.stop()
      await b.stop()
    }
  })

  it('lets a stopped instance\'s unfinished request run again at once (its lease is given back)', async () => {
    const a = startRequestInstance(f.deps)
    const b = startRequestInstance(f.deps)
    expect(await claimRequest(f.deps, 'event:T1:Ev1', a)).toBe(true)
    await a.stop()
    expect(await claimRequest(f.deps, 'event:T1:Ev1', b)).toBe(true)
    await b.stop()
  })
})
