/**
 * What Slack hears when handling one of its requests failed. Slack retries an event that got
 * an error (up to three times, over about five minutes), so a database that is away answers
 * 503 with Retry-After and the retry finds everything as it was. Any other failure was logged
 * by the app's error handler; Slack gets a bare 500.
 */
import type { ExpressReceiverOptions } from '@slack/bolt'
import { toAppError } from '../../http/error-handler.ts'
import type { Logger } from '../../logger.ts'

type ProcessEventErrorHandler = NonNullable<ExpressReceiverOptions['processEventErrorHandler']>

export function slackErrorAnswer(logger: Logger): ProcessEventErrorHandler {
  return async ({ error, response }) => {
    if (response.headersSent) return false
    const known = toAppError(error) ?? toAppError((error as { original?: unknown }).original)
    if (known?.status === 503) {
      logger.warn({ err: { message: error.message } }, 'Slack request not processed: database unavailable; Slack will retry')
      response.writeHead(503, { 'Retry-After': String(known.retryAfterSeconds ?? 5) })
    } else {
      response.writeHead(500)
    }
    response.end()
    return false
  }
}
