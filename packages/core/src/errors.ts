/**
 * An expected outcome that stops a use case: not found, invalid field, not allowed. `message` is for logs,
 * `userMessage` is safe to show to a user and says what to fix; `field` names the input that was wrong.
 */
export class DomainError extends Error {
  override name = 'DomainError'
  readonly code: string
  readonly userMessage: string
  readonly field: string | undefined
  readonly details: Record<string, unknown> | undefined
  constructor(code: string, userMessage: string, options: { field?: string; details?: Record<string, unknown>; message?: string } = {}) {
    super(options.message ?? userMessage)
    this.code = code
    this.userMessage = userMessage
    this.field = options.field
    this.details = options.details
  }
}

/** A DomainError for one bad input field, with an example of what is accepted (after a full stop, so it reads apart). */
export function invalidField(field: string, problem: string, example?: string): DomainError {
  const sentence = /[.!?]$/.test(problem.trimEnd()) ? problem.trimEnd() : `${problem.trimEnd()}.`
  const text = example ? `${sentence} Example: ${example}` : problem
  return new DomainError('INVALID_FIELD', text, { field })
}

/** True for errors whose userMessage may be shown as is. */
export function isDomainError(error: unknown): error is DomainError {
  return error instanceof DomainError
}
