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
