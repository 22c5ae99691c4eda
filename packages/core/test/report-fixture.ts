import { sql } from '@crm/db'
import {
  addSalesperson,
  closeOpportunity,
  createContact,
  createOpportunity,
  logInteraction,
  moveOpportunityStage,
  setInteractionCanceled,
  type Actor,
  type CoreDeps,
} from '../src/index.ts'

/** Hostile names that must render as text wherever they appear. */
export const HOSTILE_NAMES = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'] as const

/**
 * A small data set with hand-computed report numbers, seeded through the core use cases on a clock fixed at
 * 2026-11-20T10:00Z (STANDARD cycle: stage 1 = 20% x 10% = 2%, stage 2 = 40% x 40% = 16%).
 */
export async function seedReportData(deps: CoreDeps, actor: Actor) {
  await addSalesperson(deps, actor, { code: 'AA', name: 'Anna Ólafsdóttir' })
  await addSalesperson(deps, actor, { code: 'BB', name: HOSTILE_NAMES[1] })
  const hekla = (await createContact(deps, actor, { type: 'company', name: 'Hekla Útgerð ehf' })).contact.no
  const thora = (await createContact(deps, actor, { type: 'person', name: 'Þóra Guðmundsdóttir', companyNo: hekla })).contact.no
  const hostile = (await createContact(deps, actor, { type: 'person', name: HOSTILE_NAMES[0] })).contact.no
  await createContact(deps, actor, { type: 'person', name: 'Светлана Иванова' })
  const tokyo = (await createContact(deps, actor, { type: 'company', name: '株式会社 東京' })).contact.no

  const o1 = await createOpportunity(deps, actor, { contactNo: thora, salespersonCode: 'AA', description: 'Cod 2027', estimatedValue: '10000', estimatedCloseDate: '2026-12-15' })
  const o2 = await createOpportunity(deps, actor, { contactNo: hekla, salespersonCode: 'AA', description: 'Haddock', estimatedValue: '5000', estimatedCloseDate: '2027-01-10' })
  await moveOpportunityStage(deps, actor, { no: o2.no, to: 'next' })
  const o3 = await createOpportunity(deps, actor, { contactNo: hostile, salespersonCode: 'BB', description: HOSTILE_NAMES[0], estimatedValue: '2000' })
  const o4 = await createOpportunity(deps, actor, { contactNo: hekla, salespersonCode: 'BB', description: 'Nets', estimatedValue: '3000' })
  await closeOpportunity(deps, actor, { no: o4.no, outcome: 'won', closeCode: 'WON-QUALITY' })
  const o5 = await createOpportunity(deps, actor, { contactNo: thora, salespersonCode: 'AA', description: 'Ice', estimatedValue: '1000' })
  await closeOpportunity(deps, actor, { no: o5.no, outcome: 'lost', closeCode: 'PRICE' })
  // O3 waits since September: stale at 30 days.
  await sql`update opportunities set last_stage_change_at = ${'2026-09-01T00:00:00.000Z'} where no = ${o3.no}`.execute(deps.database.db)

  await logInteraction(deps, actor, { contactNo: thora, templateCode: 'CALL-OUT', subject: 'Call', date: '2026-11-16 09:00', durationMin: 15, salespersonCode: 'AA' })
  await logInteraction(deps, actor, { contactNo: thora, templateCode: 'EMAIL-IN', subject: 'Mail', date: '2026-11-19', salespersonCode: 'AA' })
  await logInteraction(deps, actor, { contactNo: hekla, templateCode: 'MEETING', subject: 'Visit', date: '2026-11-09', durationMin: 60, salespersonCode: 'BB' })
  await logInteraction(deps, actor, { contactNo: hekla, templateCode: 'EMAIL-IN', subject: 'Mail', date: '2026-11-01', salespersonCode: 'BB' })
  const canceled = await logInteraction(deps, actor, { contactNo: hekla, templateCode: 'CALL-OUT', subject: 'Oops', date: '2026-11-10', salespersonCode: 'BB' })
  await setInteractionCanceled(deps, actor, canceled.interaction.no, true)
  await logInteraction(deps, actor, { contactNo: thora, templateCode: 'EMAIL-IN', subject: 'Old', date: '2026-08-01', salespersonCode: 'AA' })
  return { o1: o1.no, o2: o2.no, o3: o3.no, o4: o4.no, o5: o5.no, hostile, hekla, thora, tokyo }
}
