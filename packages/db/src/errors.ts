/** A `get*` query found no row; core turns it into a user-facing DomainError. */
export class RecordNotFoundError extends Error {
  override name = 'RecordNotFoundError'
  readonly code = 'NOT_FOUND'
  readonly entity: string
  readonly key: string
  constructor(entity: string, key: string) {
    super(`${entity} ${key} not found`)
    this.entity = entity
    this.key = key
  }
}

/** Error codes of a database server that cannot be reached (nothing refused a statement: there was no connection). */
const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE'])

/** True when `error` says the database server could not be connected to (a network error, or PostgreSQL's class 08). */
export function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && (UNREACHABLE_CODES.has(code) || code.startsWith('08'))) return true
  // Node gives an AggregateError (one error per address tried) when localhost resolves to ::1 and 127.0.0.1.
  return error instanceof AggregateError && error.errors.length > 0 && error.errors.every(isConnectionError)
}

/** The text of a connection error: its message, or its code when the message is empty (AggregateError). */
function connectionDetail(error: unknown): string {
  const e = error as { message?: unknown; code?: unknown; errors?: unknown[] }
  if (typeof e?.message === 'string' && e.message) return e.message
  if (Array.isArray(e?.errors) && e.errors.length) return connectionDetail(e.errors[0])
  return typeof e?.code === 'string' ? e.code : String(error)
}

/** The database server could not be reached when opening the database, before any migration ran. */
export class DatabaseUnreachableError extends Error {
  override name = 'DatabaseUnreachableError'
  readonly code = 'DATABASE_UNREACHABLE'
  constructor(cause: unknown) {
    super(`The database could not be reached: ${connectionDetail(cause)}`, { cause })
  }
}
