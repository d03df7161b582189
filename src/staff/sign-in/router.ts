/**
 * Issue 15: people sign in with their email and password (`/login`), and set a password through
 * the one-time link an admin gave them (`/password?key=…`). Failed sign-ins are throttled per
 * client and per email; a session lives on the server (src/http/session.ts). Sign-out is
 * `/dashboard/logout`, shared with the dashboard.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import express, { type Request, type Router } from 'express'
import type { AccountService } from '../../accounts/service.ts'
import { AppError } from '../../errors.ts'
import type { RateLimits } from '../../http/rate-limits.ts'
import { SESSION_COOKIE, SESSION_HOURS, type Sessions } from '../../http/session.ts'
import type { SlackSignInConfig } from '../../config.ts'
import type { Logger } from '../../logger.ts'
import { slackSignInRouter } from './slack-oidc.ts'

const publicDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public')

/** Where to go after signing in: one of our own pages, never another site. */
const nextPage = (value: unknown) => (typeof value === 'string' && /^\/(console|dashboard)(\/[\w\-/]*)?$/.test(value) ? value : '/dashboard')

export function signInRouter(deps: { accounts: AccountService; sessions: Sessions; limits: RateLimits; publicUrl: string; slack?: SlackSignInConfig; logger: Logger }): Router {
  const { accounts, sessions, limits } = deps
  const router = express.Router()
  const cookieFlags = `Path=/; HttpOnly; SameSite=Strict${deps.publicUrl.startsWith('https:') ? '; Secure' : ''}`
  const ip = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown'
  const form = express.urlencoded({ extended: false, limit: '4kb' })

  // What the sign-in page offers: Sign in with Slack only when the app's credentials are set.
  router.get('/login/config.js', (_req, res) => {
    res.type('text/javascript').setHeader('cache-control', 'no-cache')
    res.send(`window.AFTERCARE_LOGIN = ${JSON.stringify({ slack: Boolean(deps.slack) })};\n`)
  })
  if (deps.slack) router.use(slackSignInRouter({ config: deps.slack, accounts, sessions, publicUrl: deps.publicUrl, logger: deps.logger }))

  router.get('/login', (_req, res) => {
    res.setHeader('cache-control', 'no-store')
    res.sendFile(path.join(publicDir, 'login.html'))
  })

  router.post('/login', form, async (req, res) => {
    const email = typeof req.body?.email === 'string' ? req.body.email.trim().toLowerCase().slice(0, 200) : ''
    const password = typeof req.body?.password === 'string' ? req.body.password.slice(0, 200) : ''
    const next = nextPage(req.body?.next)
    // Per client and per account: a botnet guessing one person's password is slowed as much as one client.
    for (const key of [ip(req), `email:${email}`]) {
      const allowance = await limits.check('signIn', key)
      if (!allowance.ok) throw new AppError('too_many_requests', 'too many sign-in attempts; try again later', undefined, allowance.retryAfterSeconds)
    }
    const account = email && password ? await accounts.signIn(email, password) : undefined
    if (!account) {
      await limits.take('signIn', ip(req))
      await limits.take('signIn', `email:${email}`)
      res.redirect(303, `/login?error=1&next=${encodeURIComponent(next)}`)
      return
    }
    const key = await sessions.open('account', account.id)
    res.setHeader('set-cookie', `${SESSION_COOKIE}=${encodeURIComponent(key)}; Max-Age=${SESSION_HOURS * 3600}; ${cookieFlags}`)
    res.redirect(303, next)
  })

  router.get('/password', async (req, res) => {
    res.setHeader('cache-control', 'no-store')
    // The key stays out of the Referer of anything the page loads.
    res.setHeader('referrer-policy', 'no-referrer')
    const live = await accounts.resetIsLive(typeof req.query.key === 'string' ? req.query.key : '')
    res.status(live ? 200 : 410).sendFile(path.join(publicDir, live ? 'password.html' : 'password-expired.html'))
  })

  router.post('/password', form, async (req, res) => {
    const allowance = await limits.check('signIn', ip(req))
    if (!allowance.ok) throw new AppError('too_many_requests', 'too many attempts; try again later', undefined, allowance.retryAfterSeconds)
    const key = typeof req.body?.key === 'string' ? req.body.key : ''
    const password = typeof req.body?.password === 'string' ? req.body.password : ''
    if (password !== req.body?.confirm) throw new AppError('bad_request', 'the two passwords are not the same')
    const account = await accounts.completeReset(key, password).catch(async (error: unknown) => {
      await limits.take('signIn', ip(req))
      throw error
    })
    const session = await sessions.open('account', account.id)
    res.setHeader('set-cookie', `${SESSION_COOKIE}=${encodeURIComponent(session)}; Max-Age=${SESSION_HOURS * 3600}; ${cookieFlags}`)
    res.redirect(303, account.role === 'technician' ? '/console' : '/dashboard')
  })

  router.use('/login/assets', express.static(publicDir, { index: false, maxAge: '1h' }))
  return router
}
