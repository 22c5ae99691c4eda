import { DEFAULT_DATABASE_URL } from '@crm/db'

/** The reports build's settings, read from the environment in this one place. */
export interface ReportsConfig {
  databaseUrl: string
  /** The moment the reports describe (default: now); pinned for reproducible builds and tests. */
  asOf: Date | undefined
  periodDays: number
  staleDays: number
  /** Calendar months of the per-month salesperson activity (the current one included). */
  activityMonths: number
  /** Contacts per page of a segment's pages. */
  pageSize: number
}

/** A setting that cannot be used; every problem is listed at once. */
export class ReportsConfigError extends Error {
  override name = 'ReportsConfigError'
}

/** Reads and validates the settings; throws one error listing every problem. */
export function readReportsConfig(env: Record<string, string | undefined>): ReportsConfig {
  const problems: string[] = []
  const positive = (name: string, fallback: number, max = 3660, unit = 'days') => {
    const raw = env[name]?.trim()
    if (!raw) return fallback
    const n = Number(raw)
    if (!Number.isInteger(n) || n < 1 || n > max) problems.push(`${name} must be a whole number of ${unit} (1-${max}), not "${raw}".`)
    return n
  }
  const rawAsOf = env.CRM_REPORTS_AS_OF?.trim()
  let asOf: Date | undefined
  if (rawAsOf) {
    asOf = new Date(rawAsOf)
    if (Number.isNaN(asOf.getTime())) problems.push(`CRM_REPORTS_AS_OF must be a date such as 2026-11-20 or 2026-11-20T10:00:00Z, not "${rawAsOf}".`)
  }
  const config = {
    databaseUrl: env.DATABASE_URL?.trim() || DEFAULT_DATABASE_URL,
    asOf,
    periodDays: positive('CRM_REPORTS_PERIOD_DAYS', 90),
    staleDays: positive('CRM_REPORTS_STALE_DAYS', 30),
    pageSize: positive('CRM_REPORTS_PAGE_SIZE', 500, 100_000, 'contacts'),
    activityMonths: positive('CRM_REPORTS_ACTIVITY_MONTHS', 12, 60, 'months'),
  }
  if (problems.length) throw new ReportsConfigError(problems.join('\n'))
  return config
}
