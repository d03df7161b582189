import type { ErrorRequestHandler, RequestHandler } from 'express'
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

export const notFound: RequestHandler = (_req, _res, next) => next(new AppError('not_found', 'no such endpoint'))

/** Errors as JSON `{ "error": … }` with the right status; never a stack trace. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, _req, res, next) => {
    if (res.headersSent) return next(error)
    const known = error instanceof AppError ? error : typeof error?.type === 'string' ? BODY_ERRORS[error.type] : undefined
    // Errors from Express itself that carry a client status (a malformed URL is 400).
    if (!known && Number.isInteger(error?.status) && error.status >= 400 && error.status < 500) {
      res.status(error.status).json({ error: error.expose && typeof error.message === 'string' ? error.message : 'bad request' })
      return
    }
    if (known) {
      res.status(known.status).json({ error: known.message, ...known.details })
      return
    }
    logger.error({ err: error }, 'unhandled error')
    res.status(500).json({ error: 'internal error' })
  }
}
