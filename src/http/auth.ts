/**
 * Issue 15: who a request is, and whether their role opens what they ask for.
 *
 * A request to the API is one of: the bootstrap admin (`Authorization: Bearer $ADMIN_TOKEN`), a
 * person by their API token (`Bearer act_…`) or by their signed-in session (cookie), or the admin
 * token's dashboard session (the figures only). The route table below names the permission each
 * endpoint needs (src/accounts/roles.ts says which roles have it); an endpoint it does not name is
 * for admins only, so a new route is closed until it is listed.
 */
import type { Request, RequestHandler, Response } from 'express'
import type { AccountService, SignedIn } from '../accounts/service.ts'
import { can, type Permission } from '../accounts/roles.ts'
import type { Actor } from '../tickets/actors.ts'
import { AppError } from '../errors.ts'
import { bearerOf, sameToken } from './bearer-auth.ts'
import type { Sessions } from './session.ts'

export type Principal =
  /** ADMIN_TOKEN: the operator's bootstrap credential, an admin without a name. */
  | { kind: 'bootstrap' }
  /** The admin token's dashboard sign-in: the figures, nothing else. */
  | { kind: 'figures' }
  | { kind: 'account'; account: SignedIn; via: 'session' | 'token' }

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE'

/** Every API endpoint and what it needs. Paths are relative to /api. */
const ROUTES: [Method, RegExp, Permission][] = [
  ['GET', /^\/tickets\/?$/, 'tickets:read'],
  ['GET', /^\/tickets\/[^/]+\/?$/, 'tickets:read'],
  ['POST', /^\/tickets\/?$/, 'tickets:create'],
  ['POST', /^\/tickets\/[^/]+\/actions\/?$/, 'tickets:work'],
  ['POST', /^\/tickets\/[^/]+\/(feedback|survey)\/?$/, 'feedback:work'],
  ['GET', /^\/reports(\/.*)?$/, 'reports:read'],
  ['GET', /^\/feedback\/?$/, 'feedback:read'],
  ['GET', /^\/complaints(\/[^/]+)?\/?$/, 'complaints:read'],
  ['POST', /^\/complaints\/?$/, 'complaints:work'],
  ['POST', /^\/complaints\/[^/]+\/actions\/?$/, 'complaints:work'],
  ['GET', /^\/technicians(\/[^/]+)?\/?$/, 'technicians:read'],
  ['POST', /^\/technicians\/?$/, 'technicians:manage'],
  ['POST', /^\/technicians\/[^/]+\/records\/?$/, 'technicians:record'],
  ['GET', /^\/conversations(\/[^/]+)?\/?$/, 'conversations:read'],
  ['POST', /^\/conversations\/[^/]+\/(replies|release)\/?$/, 'conversations:reply'],
  ['GET', /^\/tickets\/[^/]+\/conversation\/?$/, 'conversations:read'],
  ['GET', /^\/customers\/?$/, 'customers:read'],
  ['DELETE', /^\/customers\/[^/]+\/?$/, 'customers:erase'],
  ['GET', /^\/products\/?$/, 'products:read'],
  ['POST', /^\/products\/import\/?$/, 'products:import'],
  ['GET', /^\/attachments\/[^/]+\/?$/, 'attachments:read'],
  ['GET', /^\/me(\/.*)?$/, 'self'],
  ['POST', /^\/me(\/.*)?$/, 'self'],
  ['DELETE', /^\/me\/tokens\/[^/]+\/?$/, 'self'],
]

export function permissionFor(method: string, path: string): Permission {
  const route = ROUTES.find(([routeMethod, pattern]) => routeMethod === method.toUpperCase() && pattern.test(path))
  return route?.[2] ?? 'accounts:manage'
}

export function allows(principal: Principal, permission: Permission): boolean {
  if (principal.kind === 'bootstrap') return permission !== 'self'
  if (principal.kind === 'figures') return permission === 'reports:read'
  return can(principal.account.role, permission)
}

/** Who the request is, from a token or a session; undefined for nobody. */
export async function principalOf(req: Request, deps: { adminToken: string; sessions: Sessions; accounts: AccountService }): Promise<Principal | undefined> {
  const bearer = bearerOf(req.header('authorization'))
  if (bearer) {
    if (sameToken(bearer, deps.adminToken)) return { kind: 'bootstrap' }
    const account = await deps.accounts.byToken(bearer)
    // A token that is presented and wrong is an answer in itself: no falling back to a cookie.
    return account ? { kind: 'account', account, via: 'token' } : undefined
  }
  const session = await deps.sessions.of(req)
  if (!session) return undefined
  if (session.scope === 'figures') return { kind: 'figures' }
  const account = session.accountId ? await deps.accounts.byId(session.accountId) : undefined
  return account ? { kind: 'account', account, via: 'session' } : undefined
}

/** The principal the gate put on the response. */
export function principal(res: Response): Principal {
  const found = res.locals.principal as Principal | undefined
  if (!found) throw new Error('no principal: the API gate did not run')
  return found
}

/** Who is recorded as having acted: the person, or `api` for the bootstrap admin token. */
export function actorOf(who: Principal): Actor {
  return who.kind === 'account' ? { id: `account:${who.account.id}`, name: who.account.name } : { id: 'api' }
}

/** The API's gate: 401 for nobody, 403 for somebody whose role does not open the endpoint. */
export function apiGate(deps: { adminToken: string; sessions: Sessions; accounts: AccountService; publicUrl: string }): RequestHandler {
  return async (req, res, next) => {
    const who = await principalOf(req, deps)
    if (!who) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="aftercare"')
      return next(new AppError('unauthorized', 'missing or invalid bearer token'))
    }
    // Changes through a session must come from our own pages (a token is never sent by a browser on its own).
    if (who.kind === 'account' && who.via === 'session' && req.method !== 'GET' && !sameOrigin(req, deps.publicUrl)) {
      return next(new AppError('forbidden', 'this request must come from Aftercare’s own pages'))
    }
    const needed = permissionFor(req.method, req.path)
    if (!allows(who, needed)) return next(new AppError('forbidden', `your role cannot do this (${needed})`))
    res.locals.principal = who
    next()
  }
}

/** The request's Origin (or Referer) is this server (PUBLIC_URL, or the host it was asked for): what a browser sends with a same-site form or fetch. */
export function sameOrigin(req: Request, publicUrl: string): boolean {
  const from = req.header('origin') ?? (req.header('referer') ? safeOrigin(req.header('referer')!) : undefined)
  return from !== undefined && [safeOrigin(publicUrl), `${req.protocol}://${req.get('host')}`].includes(from)
}

const safeOrigin = (url: string) => {
  try {
    return new URL(url).origin
  } catch {
    return undefined
  }
}
