import { sql } from '@crm/db'
import { createTestDatabase } from '@crm/db/testing'
import { describe, expect, it } from 'vitest'
import { createCoreDeps, getContactDetails, listInteractions, listOpportunities, runCommand } from '../src/index.ts'
import { admin, NOW } from './builders.ts'

/**
 * What a contact card reads (the details with their facts, the latest interactions, the open opportunities)
 * must reach each table through the contact's indexes: at 100k contacts and 100k open opportunities a read by
 * the status index alone took 200-700 ms per card.
 */
describe('the contact card\'s reads [sqlite]', () => {
  it('reach interactions and opportunities through the contact, never by scanning or by status', async () => {
    const database = await createTestDatabase('sqlite')
    try {
      const deps = createCoreDeps(database, { clock: () => NOW })
      const ctx = { deps, actor: admin, source: 'test' as const }
      for (const line of ['contact add company "Hekla ehf"', 'contact add person "Þóra Guðmundsdóttir" --company CT000001', 'log CT000002 CALL-OUT "Cod"', 'opp new CT000002 "Cod 2027" --value 1000']) await runCommand(ctx, line)

      const statements: string[] = []
      const base = database.db
      const recording = base.withPlugin({
        transformQuery(args) {
          statements.push(base.getExecutor().compileQuery(args.node, args.queryId).sql)
          return args.node
        },
        transformResult: async (args) => args.result,
      })
      const traced = createCoreDeps({ ...database, db: recording }, { clock: () => NOW })
      for (const no of ['CT000001', 'CT000002']) {
        await getContactDetails(traced, no)
        const [history, open] = await Promise.all([listInteractions(traced, no, { limit: 5 }), listOpportunities(traced, { contactNo: no, status: 'open', limit: 10 })])
        expect(history.interactions).toHaveLength(1)
        expect(open.opportunities.map((o) => o.description)).toEqual(['Cod 2027'])
      }
      const wrong: string[] = []
      for (const statement of statements.filter((s) => /interaction_log_entries|opportunities/.test(s))) {
        const plan = await sql<{ detail: string }>`explain query plan ${sql.raw(statement.replace(/\?/g, 'NULL'))}`.execute(base)
        for (const r of plan.rows) {
          const table = /^(?:SCAN|SEARCH) (\w+)/.exec(r.detail)?.[1]
          if (table !== 'interaction_log_entries' && table !== 'opportunities') continue
          if (r.detail.startsWith('SCAN') || !/\((?:contact_no|contact_company_no|no)=\?\)/.test(r.detail)) wrong.push(`${r.detail} in: ${statement}`)
        }
      }
      expect(wrong).toEqual([])
    } finally {
      await database.close()
    }
  })
})
