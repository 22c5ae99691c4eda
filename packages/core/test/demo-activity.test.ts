import { describeEachDialect } from '@crm/db/testing'
import { expect, it } from 'vitest'
import { generateActivity, generateContacts, getForecast, listOpportunities } from '../src/index.ts'
import { admin, countRows, useCore } from './builders.ts'

describeEachDialect('demo activity', (dialect) => {
  const core = useCore(dialect)

  it('logs interactions and creates open, won and lost opportunities through the use cases, the same for a seed', async () => {
    await generateContacts(core.deps, { contacts: 40, seed: 5, actor: admin })
    const result = await generateActivity(core.deps, { seed: 5, actor: admin, interactionsPerContact: 2, opportunities: 30 })
    expect(result.interactions).toBe(80)
    expect(await countRows(core.database, 'interaction_log_entries')).toBe(80)
    expect(await countRows(core.database, 'opportunities')).toBe(30)
    const closed = await core.database.db.selectFrom('opportunities').select(['status', 'close_code']).where('status', 'in', ['won', 'lost']).execute()
    expect(closed.filter((o) => o.status === 'won')).toHaveLength(result.won)
    expect(closed.filter((o) => o.status === 'lost')).toHaveLength(result.lost)
    expect(result.won).toBeGreaterThan(0)
    expect(result.lost).toBeGreaterThan(0)
    expect(closed.every((o) => o.close_code)).toBe(true)
    const open = await listOpportunities(core.deps, {})
    expect(open.opportunities.length).toBe(30 - result.won - result.lost)
    expect(new Set(open.opportunities.map((o) => o.stage)).size).toBeGreaterThan(1)
    expect((await getForecast(core.deps)).total.count).toBe(open.opportunities.length)
    const dates = await core.database.db.selectFrom('interaction_log_entries').select('occurred_at').execute()
    expect(dates.every((d) => d.occurred_at <= '2026-11-20T23:59:59Z' && d.occurred_at >= '2026-07-20')).toBe(true)
  })
})
