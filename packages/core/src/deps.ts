import type { CrmDatabase } from '@crm/db'

/** The tiny logger interface core and db accept; apps pass pino or similar. */
export interface Logger {
  debug(obj: object, msg?: string): void
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} }

/** What every use case needs: the database, a clock and a logger. Apps build it once; tests use a fixed clock. */
export interface CoreDeps {
  database: CrmDatabase
  clock: () => Date
  logger: Logger
}

/** Builds the dependencies with a real clock and a silent logger unless given. */
export function createCoreDeps(database: CrmDatabase, options: { clock?: () => Date; logger?: Logger } = {}): CoreDeps {
  return { database, clock: options.clock ?? (() => new Date()), logger: options.logger ?? silentLogger }
}

/** Who is acting: shown in traces and used for permission checks. */
export interface Actor {
  /** A stable label for traces, e.g. "cli:alice" or "slack:U123". */
  id: string
  salespersonCode?: string | undefined
  isAdmin: boolean
}
