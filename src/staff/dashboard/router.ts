/**
 * `/dashboard`: the agreement's figures and charts for staff. Sign-in with the admin token
 * opens a server-side session (scope `figures`: this page and the report API, nothing else);
 * failed sign-ins are throttled per IP; sign-out is a POST from our own origin and ends the
 * session everywhere. Chart.js is served from this server: no CDN.
 */
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import express, { type Router } from 'express'
import { AppError } from '../../errors.ts'
import { sameToken } from '../../http/bearer-auth.ts'
import type { RateLimits } from '../../http/rate-limits.ts'
import { SESSION_COOKIE, SESSION_HOURS, type Sessions } from '../../http/session.ts'
import { ROOT_CAUSE_LABELS, SERVICE_LABELS } from '../../tickets/labels.ts'
import { can } from '../../accounts/roles.ts'
import type { AccountService } from '../../accounts/service.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const publicDir = path.join(here, 'public')

export interface DashboardOptions {
  adminToken: string
  publicUrl: string
  timeZone: string
  sessions: Sessions
  accounts: AccountService
  limits: RateLimits
}

export function dashboardRouter(options: DashboardOptions): Router {
  const { sessions, limits } = options
  const router = express.Router()
  const chartJs = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js')
  const cookieFlags = `Path=/; HttpOnly; SameSite=Strict${options.publicUrl.startsWith('https:') ? '; Secure' : ''}`
  const ip = (req: express.Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown'

  router.get('/dashboard', async (req, res) => {
    res.setHeader('cache-control', 'no-store')
    const session = await sessions.of(req)
    const account = session?.scope === 'account' && session.accountId ? await options.accounts.byId(session.accountId) : undefined
    if (session?.scope === 'figures' || (account && can(account.role, 'reports:read'))) return res.sendFile(path.join(publicDir, 'dashboard.html'))
    if (account) throw new AppError('forbidden', 'your role does not see the figures')
    res.redirect(303, `/login${req.query.error ? '?error=token&' : '?'}next=/dashboard`)
  })

  router.post('/dashboard/login', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    // Guessing the token is throttled per client: failures count, and past the limit even the right token waits.
    const allowance = await limits.check('signIn', ip(req))
    if (!allowance.ok) throw new AppError('too_many_requests', 'too many sign-in attempts; try again later', undefined, allowance.retryAfterSeconds)
    const token = typeof req.body?.token === 'string' ? req.body.token.trim() : ''
    if (!token || !sameToken(token, options.adminToken)) {
      await limits.take('signIn', ip(req))
      res.redirect(303, '/dashboard?error=1')
      return
    }
    const key = await sessions.open('figures')
    res.setHeader('set-cookie', `${SESSION_COOKIE}=${encodeURIComponent(key)}; Max-Age=${SESSION_HOURS * 3600}; ${cookieFlags}`)
    res.redirect(303, '/dashboard')
  })

  // A POST, and only from our own pages: another site cannot sign staff out (or in).
  router.post('/dashboard/logout', async (req, res) => {
    const origin = req.header('origin')
    const ours = [new URL(options.publicUrl).origin, `${req.protocol}://${req.get('host')}`]
    if (!origin || !ours.includes(origin)) throw new AppError('forbidden', 'sign-out must come from this site')
    await sessions.close(req)
    res.setHeader('set-cookie', `${SESSION_COOKIE}=; Max-Age=0; ${cookieFlags}`)
    res.redirect(303, '/login')
  })

  router.get('/dashboard/chart.js', (_req, res) => res.sendFile(chartJs, { maxAge: '1d' }))
  // What the page needs from the server's configuration: the service's day, and how staff name things.
  const configJs = `window.AFTERCARE_DASHBOARD = ${JSON.stringify({ timeZone: options.timeZone, serviceTypes: SERVICE_LABELS, rootCauses: ROOT_CAUSE_LABELS })};\n`
  router.get('/dashboard/config.js', (_req, res) => res.type('text/javascript').setHeader('cache-control', 'no-cache').send(configJs))
  router.use('/dashboard/assets', express.static(publicDir, { index: false, maxAge: '1h' }))
  return router
}
