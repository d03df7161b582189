import { createHash, timingSafeEqual } from 'node:crypto'
import type { RequestHandler } from 'express'
import { AppError } from '../errors.ts'
import { cookie, SESSION_COOKIE, validSession } from './session.ts'

const digest = (value: string) => createHash('sha256').update(value).digest()

/**
 * `Authorization: Bearer <token>`, compared in constant time; or, for reading only, the
 * dashboard's session cookie.
 */
export function bearerAuth(token: string, now: () => Date = () => new Date()): RequestHandler {
  const expected = digest(token)
  return (req, res, next) => {
    const match = /^Bearer\s+(.+)$/i.exec(req.header('authorization') ?? '')
    if (match && timingSafeEqual(digest(match[1]!.trim()), expected)) return next()
    if (req.method === 'GET' && validSession(cookie(req, SESSION_COOKIE), token, now())) return next()
    res.setHeader('WWW-Authenticate', 'Bearer realm="aftercare"')
    next(new AppError('unauthorized', 'missing or invalid bearer token'))
  }
}
