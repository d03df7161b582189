/**
 * One error type for everything a caller did wrong; one table turns its code into an HTTP status.
 * Anything that is not an AppError is our fault: logged in full, answered with a bare 500.
 */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  too_many_requests: 429,
  unsupported_media_type: 415,
  unavailable: 503,
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

export class AppError extends Error {
  override name = 'AppError'

  constructor(
    readonly code: ErrorCode,
    message: string,
    /** Extra fields for the JSON answer (e.g. the legal actions after a 409). */
    readonly details?: Record<string, unknown>,
    /** For 429 and 503: when the caller may try again (the Retry-After header). */
    readonly retryAfterSeconds?: number,
  ) {
    super(message)
  }

  get status(): number {
    return ERROR_STATUS[this.code]
  }
}

/** A start-up failure with a cause the operator can fix, said in one line (npm start prints it so). */
export class StartupError extends Error {
  override name = 'StartupError'
}
