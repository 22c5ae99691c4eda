import type { Kysely } from 'kysely'
import { Migrator, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely/migration'
import { DatabaseUnreachableError, isConnectionError } from '../errors.ts'
import * as foundation from './0001-foundation.ts'
import * as interactionsOpportunities from './0002-interactions-opportunities.ts'
import * as searchProbeIndex from './0003-search-probe-index.ts'
import * as segmentsCampaigns from './0004-segments-campaigns.ts'
import * as slackRequests from './0005-slack-requests.ts'
import * as mailOutbox from './0006-mail-outbox.ts'
import * as mailReview from './0007-mail-review.ts'
import * as contactCompanySize from './0008-contact-company-size.ts'
import * as segmentLineTemplate from './0009-segment-line-template.ts'
import * as duplicateFields from './0010-duplicate-fields.ts'
import * as segmentLanguages from './0011-segment-languages.ts'
import * as sessionLeases from './0012-session-leases.ts'
import * as entryCampaignTarget from './0013-entry-campaign-target.ts'
import * as templateSetup from './0014-template-setup.ts'
import * as requestClaimHolder from './0015-request-claim-holder.ts'

export type DialectName = 'sqlite' | 'postgres'

/** What a migration may know about where it runs; migrations never import application code. */
export interface MigrationContext {
  dialect: DialectName
}

interface MigrationModule {
  up(db: Kysely<any>, ctx: MigrationContext): Promise<void>
  down?(db: Kysely<any>, ctx: MigrationContext): Promise<void>
}

/** Every migration, in order; new issues append a module here and never edit an old one. */
const MIGRATIONS: Record<string, MigrationModule> = {
  '0001-foundation': foundation,
  '0002-interactions-opportunities': interactionsOpportunities,
  '0003-search-probe-index': searchProbeIndex,
  '0004-segments-campaigns': segmentsCampaigns,
  '0005-slack-requests': slackRequests,
  '0006-mail-outbox': mailOutbox,
  '0007-mail-review': mailReview,
  '0008-contact-company-size': contactCompanySize,
  '0009-segment-line-template': segmentLineTemplate,
  '0010-duplicate-fields': duplicateFields,
  '0011-segment-languages': segmentLanguages,
  '0012-session-leases': sessionLeases,
  '0013-entry-campaign-target': entryCampaignTarget,
  '0014-template-setup': templateSetup,
  '0015-request-claim-holder': requestClaimHolder,
}

class CodeMigrationProvider implements MigrationProvider {
  readonly #ctx: MigrationContext
  constructor(ctx: MigrationContext) {
    this.#ctx = ctx
  }
  async getMigrations(): Promise<Record<string, Migration>> {
    const out: Record<string, Migration> = {}
    for (const [name, module] of Object.entries(MIGRATIONS)) {
      const down = module.down
      out[name] = {
        up: (db) => module.up(db, this.#ctx),
        ...(down ? { down: (db: Kysely<any>) => down(db, this.#ctx) } : {}),
      }
    }
    return out
  }
}

export interface MigrationReport {
  applied: string[]
  pending: string[]
}

/** Applies every pending migration in one run; throws with the failing migration's name on error. */
export async function migrateToLatest(db: Kysely<any>, dialect: DialectName): Promise<MigrationReport> {
  const migrator = new Migrator({ db, provider: new CodeMigrationProvider({ dialect }) })
  const result: MigrationResultSet = await migrator.migrateToLatest()
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName
    // No migration ran and there was no connection: the database is down or the URL wrong, not a migration.
    if (!failed && isConnectionError(result.error)) throw new DatabaseUnreachableError(result.error)
    throw new Error(`Migration ${failed ?? 'unknown'} failed: ${String((result.error as Error)?.message ?? result.error)}`, {
      cause: result.error,
    })
  }
  return { applied: (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName), pending: [] }
}

/** Applies the migrations up to and including `name` (upgrade tests start from an older schema this way). */
export async function migrateTo(db: Kysely<any>, dialect: DialectName, name: string): Promise<void> {
  const migrator = new Migrator({ db, provider: new CodeMigrationProvider({ dialect }) })
  const result = await migrator.migrateTo(name)
  if (result.error) throw new Error(`Migration to ${name} failed: ${String((result.error as Error)?.message ?? result.error)}`, { cause: result.error })
}

/** Names of migrations not yet applied. */
export async function listPendingMigrations(db: Kysely<any>, dialect: DialectName): Promise<string[]> {
  const migrator = new Migrator({ db, provider: new CodeMigrationProvider({ dialect }) })
  const all = await migrator.getMigrations()
  return all.filter((m) => m.executedAt === undefined).map((m) => m.name)
}
