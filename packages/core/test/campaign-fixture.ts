import {
  addContactToSegment,
  addToSegment,
  closeOpportunity,
  createCampaign,
  createContact,
  createOpportunity,
  createSegment,
  linkSegmentToCampaign,
  logSegment,
  updateContact,
  removeFromSegment,
  respondToCampaign,
  setCampaignStatus,
  undoSegmentStep,
  type Actor,
  type CoreDeps,
} from '../src/index.ts'
import { HOSTILE_NAMES } from './report-fixture.ts'

/**
 * Segments and campaigns with hand-computed report numbers, on top of seedReportData (clock 2026-11-20T10:00Z):
 * SG00001 "Fishing" (hostile description) = Grandi, Jón, North Sea, Mary + Þóra by hand = 5 lines, logged
 * 2026-11-02 with EMAIL-OUT for CP0001 (hostile description, ACTIVE); responses: Jón 11-05, Mary 11-05 and 11-12,
 * Grandi 11-12 (CALL-IN) = 3 respondents of 5 targets (60 %); opportunities: Jón 4,000 at stage 1 (calculated
 * 80.00), Mary 6,000 won. SG00002 (Tokyo company) for CP0002 PLANNED, not logged. SG00003 empty, no campaign.
 */
export async function seedCampaignData(deps: CoreDeps, actor: Actor, thoraNo: string, tokyoNo: string) {
  const grandi = (await createContact(deps, actor, { type: 'company', name: 'Grandi hf', countryCode: 'IS', email: 'info@grandi.is', industryGroups: ['FISHING'], businessRelations: ['CUST'] })).contact.no
  const jon = (await createContact(deps, actor, { type: 'person', name: 'Jón Jónsson', companyNo: grandi, email: 'jon@grandi.is' })).contact.no
  const northSea = (await createContact(deps, actor, { type: 'company', name: 'North Sea Ltd', countryCode: 'GB', email: 'sales@northsea.example', industryGroups: ['FISHING', 'WHOLESALE'], businessRelations: ['PROSPECT'] })).contact.no
  const mary = (await createContact(deps, actor, { type: 'person', name: 'Mary Smith', companyNo: northSea, email: 'mary@northsea.example' })).contact.no

  const fishing = await createSegment(deps, actor, { description: HOSTILE_NAMES[1], salespersonCode: 'AA' })
  await addToSegment(deps, actor, { no: fishing.no, terms: ['industry=FISHING'] })
  await removeFromSegment(deps, actor, { no: fishing.no, terms: ['country=GB'] })
  await undoSegmentStep(deps, actor, fishing.no)
  await addContactToSegment(deps, actor, { no: fishing.no, contactNo: thoraNo })
  const cp1 = await createCampaign(deps, actor, { description: HOSTILE_NAMES[0], start: '2026-11-01', end: '2026-12-31', salespersonCode: 'AA' })
  await linkSegmentToCampaign(deps, actor, { campaignNo: cp1.no, segmentNo: fishing.no })
  await setCampaignStatus(deps, actor, { no: cp1.no, status: 'ACTIVE' })
  // Every contact of the segment has an address, so the email log takes all five (one without would be skipped).
  await updateContact(deps, actor, { no: thoraNo, email: 'thora@hekla.is' })
  await logSegment(deps, actor, { no: fishing.no, templateCode: 'EMAIL-OUT', subject: 'Winter offer', date: '2026-11-02' })
  await respondToCampaign(deps, actor, { campaignNo: cp1.no, contactNo: jon, date: '2026-11-05' })
  await respondToCampaign(deps, actor, { campaignNo: cp1.no, contactNo: mary, date: '2026-11-05' })
  await respondToCampaign(deps, actor, { campaignNo: cp1.no, contactNo: mary, date: '2026-11-12' })
  await respondToCampaign(deps, actor, { campaignNo: cp1.no, contactNo: grandi, templateCode: 'CALL-IN', date: '2026-11-12' })
  await createOpportunity(deps, actor, { contactNo: jon, salespersonCode: 'AA', description: 'Winter cod', estimatedValue: '4000', campaignNo: cp1.no, segmentNo: fishing.no })
  const won = await createOpportunity(deps, actor, { contactNo: mary, salespersonCode: 'AA', description: 'Winter haddock', estimatedValue: '6000', campaignNo: cp1.no })
  await closeOpportunity(deps, actor, { no: won.no, outcome: 'won', closeCode: 'WON-QUALITY' })

  const cp2 = await createCampaign(deps, actor, { description: 'Tokyo fair 2027', start: '2027-03-01', end: '2027-03-04' })
  const tokyo = await createSegment(deps, actor, { description: 'Japan', campaignNo: cp2.no })
  await addContactToSegment(deps, actor, { no: tokyo.no, contactNo: tokyoNo })
  const empty = await createSegment(deps, actor, { description: 'Nobody yet' })
  return { grandi, jon, northSea, mary, segments: [fishing.no, tokyo.no, empty.no], campaigns: [cp1.no, cp2.no] }
}
