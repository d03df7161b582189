import type { ErrorRequestHandler, RequestHandler, Response } from 'express'
import { isDatabaseUnavailable } from '../db/errors.ts'
import { AppError } from '../errors.ts'
import type { Logger } from '../logger.ts'

/** body-parser's error types, as our codes. */
const BODY_ERRORS: Record<string, AppError> = {
  'entity.too.large': new AppError('payload_too_large', 'request body too large'),
  'parameters.too.many': new AppError('payload_too_large', 'too many parameters'),
  'entity.parse.failed': new AppError('bad_request', 'malformed request body'),
  'entity.verify.failed': new AppError('bad_request', 'malformed request body'),
  'request.aborted': new AppError('bad_request', 'request aborted'),
  'request.size.invalid': new AppError('bad_request', 'request size did not match content length'),
  'charset.unsupported': new AppError('unsupported_media_type', 'unsupported charset'),
  'encoding.unsupported': new AppError('unsupported_media_type', 'unsupported content encoding'),
}

/** How long a client should wait when the database is away: long enough for a restart, short enough for a blip. */
export const DATABASE_RETRY_AFTER_SECONDS = 5

export const databaseUnavailable = () => new AppError('unavailable', 'the service is briefly unavailable; try again shortly', undefined, DATABASE_RETRY_AFTER_SECONDS)

/**
 * What a failure means for the caller: an AppError as it is, a dropped or absent database as
 * 503 with Retry-After (the provider or client tries again and nothing is lost), body-parser's
 * errors by their type; anything else is ours and undefined (500).
 */
export function toAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error
  if (isDatabaseUnavailable(error)) return databaseUnavailable()
  const type = (error as { type?: unknown })?.type
  return typeof type === 'string' ? BODY_ERRORS[type] : undefined
}

/** Writes an AppError as our JSON error answer, with Retry-After when it says when to come back. */
export function sendAppError(res: Response, error: AppError): void {
  if (error.retryAfterSeconds !== undefined) res.set('Retry-After', String(error.retryAfterSeconds))
  res.status(error.status).json({ error: error.message, ...error.details })
}

export const notFound: RequestHandler = (_req, _res, next) => next(new AppError('not_found', 'no such endpoint'))

/** Errors as JSON `{ "error": … }` with the right status; never a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) return next(error)
    const known = toAppError(error)
    // Errors from Express itself that carry a client status (a malformed URL is 400).
    if (!known && Number.isInteger(error?.status) && error.status >= 400 && error.status < 500) {
      res.status(error.status).json({ error: error.expose && typeof error.message === 'string' ? error.message : 'bad request' })
      return
    }
    if (known) {
      if (known.status === 503 && !(error instanceof AppError)) logger.warn({ path: req.path, err: { message: (error as Error)?.message } }, 'database unavailable: answered 503')
      sendAppError(res, known)
      return
    }
    logger.error({ err: error }, 'unhandled error')
    res.status(500).json({ error: 'internal error' })
  }
}
