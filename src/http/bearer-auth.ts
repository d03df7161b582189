import { createHash, timingSafeEqual } from 'node:crypto'
import type { RequestHandler } from 'express'
import { AppError } from '../errors.ts'
import type { Sessions } from './session.ts'

const digest = (value: string) => createHash('sha256').update(value).digest()

/** The bearer token of a request, or undefined (an empty or blank one is none). */
export function bearerOf(header: string | undefined): string | undefined {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1]
  return token && token.trim() ? token : undefined
}

/** Constant-time comparison of a presented token with ours. */
export function sameToken(presented: string | undefined, expected: string): boolean {
  return presented !== undefined && expected.length > 0 && timingSafeEqual(digest(presented), digest(expected))
}

/**
 * The admin API's gate: `Authorization: Bearer <admin token>` for everything; a dashboard
 * session opens what its scope allows and nothing more — `figures`: reading /api/reports.
 */
export function apiAuth(token: string, sessions: Sessions): RequestHandler {
  return async (req, res, next) => {
    if (sameToken(bearerOf(req.header('authorization')), token)) return next()
    if (req.method === 'GET' && (req.path === '/reports' || req.path.startsWith('/reports/'))) {
      const session = await sessions.of(req)
      if (session?.scope === 'figures') return next()
    }
    res.setHeader('WWW-Authenticate', 'Bearer realm="aftercare"')
    next(new AppError('unauthorized', 'missing or invalid bearer token'))
  }
}
