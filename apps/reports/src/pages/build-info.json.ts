import type { APIRoute } from 'astro'
import { getSiteData } from '../data.ts'

/** What the site was built from: the moment, the database (no password) and how much data; read by the build. */
export const GET: APIRoute = async () => {
  const { report, marketing, database } = await getSiteData()
  const info = {
    generatedAt: report.generatedAt,
    database,
    contacts: report.contacts.total,
    openOpportunities: report.pipeline.count,
    segments: marketing.segments.length,
    segmentLines: marketing.segments.reduce((n, s) => n + s.lines, 0),
    campaigns: marketing.campaigns.length,
    pageSize: marketing.pageSize,
  }
  return new Response(JSON.stringify(info, null, 2) + '\n', { headers: { 'Content-Type': 'application/json' } })
}
