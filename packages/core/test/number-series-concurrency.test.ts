import { describeEachDialect } from '@crm/db/testing'
import { beforeEach, expect, it } from 'vitest'
import { addToSegment, createCampaign, createContact, createOpportunity, createSegment, logInteraction, logSegment } from '../src/index.ts'
import { admin, useCore } from './builders.ts'

const series = (prefix: string, width: number, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${String(i + 1).padStart(width, '0')}`)

describeEachDialect('number series under concurrency', (dialect) => {
  const core = useCore(dialect)

  beforeEach(async () => {
    for (let i = 0; i < 6; i++) await createContact(core.deps, admin, { type: 'company', name: `Company ${i + 1}`, countryCode: 'IS', email: `c${i + 1}@example.is` })
  })

  it('numbers interactions, opportunities, segments and campaigns created at once without duplicates or gaps, failed ones included', async () => {
    const seg = await createSegment(core.deps, admin, { description: 'All' })
    await addToSegment(core.deps, admin, { no: seg.no, terms: ['country=IS'] })
    const contact = (i: number) => `CT00000${(i % 6) + 1}`
    const results = await Promise.allSettled([
      // A block of six numbers for the segment's log, taken while single entries are logged around it.
      logSegment(core.deps, admin, { no: seg.no, templateCode: 'EMAIL-OUT', subject: 'Offer' }),
      ...Array.from({ length: 12 }, (_, i) => logInteraction(core.deps, admin, { contactNo: contact(i), templateCode: i % 4 === 3 ? 'NOPE' : 'CALL-OUT', subject: `Call ${i}` })),
      ...Array.from({ length: 8 }, (_, i) => createOpportunity(core.deps, admin, { contactNo: contact(i), description: `Deal ${i}`, estimatedValue: i % 4 === 3 ? '-1' : '100' })),
      ...Array.from({ length: 6 }, (_, i) => createSegment(core.deps, admin, { description: i % 3 === 2 ? '' : `Segment ${i}` })),
      ...Array.from({ length: 6 }, (_, i) => createCampaign(core.deps, admin, { description: `Campaign ${i}`, ...(i % 3 === 2 ? { start: '2026-12-10', end: '2026-12-01' } : {}) })),
    ])
    // The bad ones (unknown template, negative value, no description, reversed dates) were refused.
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(3 + 2 + 2 + 2)
    const db = core.database.db
    const nos = async (table: 'interaction_log_entries' | 'opportunities' | 'segments' | 'campaigns') => (await db.selectFrom(table).select('no').orderBy('no').execute()).map((r) => r.no)
    expect(await nos('interaction_log_entries')).toEqual(series('IL', 8, 6 + 9))
    expect(await nos('opportunities')).toEqual(series('OP', 6, 6))
    expect(await nos('segments')).toEqual(series('SG', 5, 1 + 4))
    expect(await nos('campaigns')).toEqual(series('CP', 4, 4))
  })
})
