import { describeEachDialect } from '@crm/db/testing'
import { expect, it } from 'vitest'
import { claimRequest, createCoreDeps, releaseRequest } from '../src/index.ts'
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
})
