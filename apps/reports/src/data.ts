import { createCoreDeps, loadReportData, loadSegmentCampaignData, type ReportData, type SegmentCampaignData } from '@crm/core'
import { listPendingMigrations, openDatabase, redactUrl } from '@crm/db'
import { readReportsConfig } from './config.ts'

export interface SiteData {
  report: ReportData
  /** Segments and campaigns with everything their pages show. */
  marketing: SegmentCampaignData
  /** The database URL without its password. */
  database: string
}

let loading: Promise<SiteData> | undefined

/**
 * The data of the whole site, read once per build over one connection that is closed straight after;
 * every page asks for the same promise. The build fails loudly on any error.
 */
export function getSiteData(): Promise<SiteData> {
  loading ??= readSiteData()
  return loading
}

async function readSiteData(): Promise<SiteData> {
  const config = readReportsConfig(process.env)
  // Reports only read: they never migrate a database, they ask for it to be migrated.
  const database = await openDatabase(config.databaseUrl, { migrate: false, poolSize: 1 })
  try {
    const pending = await listPendingMigrations(database.db, database.dialect)
    if (pending.length) {
      throw new Error(`The database ${redactUrl(config.databaseUrl)} needs migrations (${pending.join(', ')}). Run: npm run crm -- db migrate`)
    }
    const asOf = config.asOf
    const deps = createCoreDeps(database, asOf ? { clock: () => asOf } : {})
    const report = await loadReportData(deps, { periodDays: config.periodDays, staleDays: config.staleDays, activityMonths: config.activityMonths })
    const marketing = await loadSegmentCampaignData(deps, { pageSize: config.pageSize })
    return { report, marketing, database: database.displayUrl }
  } finally {
    await database.close()
  }
}
