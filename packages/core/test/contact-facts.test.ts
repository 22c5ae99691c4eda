import { CompiledQuery, contactFacts, sql } from '@crm/db'
import { describeEachDialect } from '@crm/db/testing'
import { beforeEach, expect, it } from 'vitest'
import { renderText, runCommand } from '../src/index.ts'
import { useCore } from './builders.ts'

describeEachDialect('derived facts on the contact card', (dialect) => {
  const core = useCore(dialect)
  const run = (line: string) => runCommand(core.ctx, line)
  const facts = async (no: string) => ((await run(`contact show ${no}`)).data as any).facts

  beforeEach(async () => {
    await run('contact add company "Hekla Útgerð ehf" --country IS --industry FISHING')
    await run('contact add person "Þóra Guðmundsdóttir" --company CT000001 --email thora@hekla.is')
    await run('contact add person "Jón Jónsson" --company CT000001')
  })

  it('shows no interactions, opportunities, segments or campaigns for a new contact', async () => {
    expect(await facts('CT000002')).toEqual({
      currency: 'EUR', interactionCount: 0, interactionCostMinor: 0, interactionDurationMin: 0, lastInteractionAt: null,
      openOpportunityCount: 0, openOpportunityValue: 0, openOpportunityValueMinor: 0, openOpportunityCalculatedValue: 0, openOpportunityCalculatedValueMinor: 0,
      segments: [], campaigns: [],
    })
    expect(renderText(await run('contact show CT000002'))).toContain('Interactions    none yet')
  })

  it('counts live interactions and open opportunities, a company with its persons\', and lists segments and campaigns', async () => {
    await run('log CT000002 CALL-OUT "Cod offer" --duration 15 --cost 2.50 --date "2026-11-18 14:00"')
    await run('log CT000003 MEETING "Visit" --duration 60 --date 2026-11-19')
    await run('log CT000002 EMAIL-OUT "Mistake" --date 2026-11-20')
    await run('interaction cancel IL00000003')
    await run('opp new CT000002 "50 t of cod" --value 10,000.00')
    await run('opp new CT000003 "Haddock" --value 5000')
    await run('opp new CT000002 "Lost one" --value 999')
    await run('opp close OP000003 lost PRICE')
    await run('campaign new "Autumn offer"')
    await run('segment new "Fishing" --campaign CP0001')
    await run('segment add SG00001 industry=FISHING')
    await run('segment new "Just Þóra"')
    await run('segment add SG00002 --contact CT000002')
    await run('campaign new "Winter fair"')
    await run('campaign respond CP0002 CT000002 "Will come" --date 2026-11-20')

    expect(await facts('CT000002')).toMatchObject({
      interactionCount: 2, interactionCostMinor: 250, interactionDurationMin: 15, lastInteractionAt: '2026-11-20T00:00:00.000Z',
      openOpportunityCount: 1, openOpportunityValue: 10000, openOpportunityCalculatedValue: 200,
      segments: [{ no: 'SG00002', description: 'Just Þóra', campaignNo: null }, { no: 'SG00001', description: 'Fishing', campaignNo: 'CP0001' }],
      campaigns: [{ no: 'CP0002', description: 'Winter fair', status: 'PLANNED' }, { no: 'CP0001', description: 'Autumn offer', status: 'PLANNED' }],
    })
    const company = await facts('CT000001')
    expect(company).toMatchObject({ interactionCount: 3, interactionDurationMin: 75, lastInteractionAt: '2026-11-20T00:00:00.000Z', openOpportunityCount: 2, openOpportunityValue: 15000 })
    expect(company.segments.map((s: { no: string }) => s.no)).toEqual(['SG00001'])
    const text = renderText(await run('contact show CT000002'))
    expect(text).toContain('Interactions    2, last 2026-11-20, cost 2.50 EUR, 15 min')
    expect(text).toContain('Open opps       1, estimated 10,000.00 EUR, current value 200.00 EUR')
    expect(text).toContain('Segments        SG00002 Just Þóra, SG00001 Fishing')
    expect(text).toContain('Campaigns       CP0002 Winter fair (PLANNED), CP0001 Autumn offer (PLANNED)')
    expect(renderText(await run('contact show CT000001'))).toContain('Interactions    3 (with its persons)')
  })

  it('reads the facts through indexes, never by scanning a table', async () => {
    // Record every statement factsFor runs, then ask the database how it would run each one.
    const statements: { sql: string; parameters: readonly unknown[] }[] = []
    const base = core.database.db
    const recording = base.withPlugin({
      transformQuery(args) {
        const compiled = base.getExecutor().compileQuery(args.node, args.queryId)
        statements.push({ sql: compiled.sql, parameters: compiled.parameters })
        return args.node
      },
      transformResult: async (args) => args.result,
    })
    await contactFacts.factsFor(recording, 'CT000001', true)
    await contactFacts.factsFor(recording, 'CT000002', false)
    expect(statements.length).toBeGreaterThanOrEqual(8)
    const scans: string[] = []
    if (dialect === 'sqlite') {
      for (const statement of statements) {
        // Parameters only stand for constants here, so NULL gives the same plan.
        const plan = await sql<{ detail: string }>`explain query plan ${sql.raw(statement.sql.replace(/\?/g, 'NULL'))}`.execute(base)
        for (const r of plan.rows) {
          // Big tables are only reached through the contact (or a primary key), never scanned or searched otherwise.
          const table = /^(?:SCAN|SEARCH) (\w+)/.exec(r.detail)?.[1]
          const byContact = /\((?:contact_no|contact_company_no|no)=\?\)/.test(r.detail)
          if (table && (r.detail.startsWith('SCAN') || !byContact)) scans.push(`${r.detail} in: ${statement.sql}`)
        }
      }
    } else {
      // PostgreSQL plans a seq scan on tables this small whatever the indexes; with seq scans priced out, a plan
      // that still scans a table has no index to go through.
      await base.connection().execute(async (db) => {
        await sql`set enable_seqscan = off`.execute(db)
        for (const statement of statements) {
          const plan = await db.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`explain ${statement.sql}`, [...statement.parameters]))
          for (const r of plan.rows) if (/Seq Scan/.test(r['QUERY PLAN'])) scans.push(`${r['QUERY PLAN'].trim()} in: ${statement.sql}`)
        }
        await sql`reset enable_seqscan`.execute(db)
      })
    }
    expect(scans).toEqual([])
  })
})
