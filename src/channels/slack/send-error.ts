/**
 * Slack Web API failures as our SendError: what the outbox, the staff jobs and provider health
 * need to know (retry or not, the HTTP status, Retry-After) without knowing the SDK.
 */
import { ErrorCode, type WebAPICallError } from '@slack/web-api'
import { SendError } from '../types.ts'

/** Platform errors that mean "Slack had a problem, try again". Every other one is about the call. */
const TRANSIENT_PLATFORM_ERRORS = new Set(['ratelimited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout'])

export function slackSendError(error: unknown, what: string): SendError {
  if (error instanceof SendError) return error
  const failure = error as Partial<WebAPICallError>
  switch (failure.code) {
    case ErrorCode.RateLimitedError:
      return new SendError(`Slack is rate limiting ${what} (HTTP 429, retry after ${failure.retryAfter} s)`, false, { status: 429, retryAfterSeconds: failure.retryAfter })
    case ErrorCode.HTTPError:
      return new SendError(`Slack answered HTTP ${failure.statusCode} to ${what}`, failure.statusCode !== undefined && failure.statusCode < 500 && failure.statusCode !== 429, {
        status: failure.statusCode,
      })
    case ErrorCode.PlatformError: {
      const code = failure.data?.error ?? 'unknown_error'
      return new SendError(`Slack refused ${what} (${code})`, !TRANSIENT_PLATFORM_ERRORS.has(code), { code, status: 200 })
    }
    case ErrorCode.RequestError:
      return new SendError(`Slack could not be reached for ${what}: ${failure.original?.message ?? failure.message}`, false)
    default:
      return new SendError(`${what} failed: ${(error as Error)?.message ?? String(error)}`, false)
  }
}
