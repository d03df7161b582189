/**
 * `/dashboard`: the agreement's figures and charts for staff. Sign-in with the admin token
 * (turned into a session cookie); the page reads /api/reports with that cookie. Chart.js is
 * served from this server: no CDN.
 */
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createHash, timingSafeEqual } from 'node:crypto'
import express, { type Router } from 'express'
import { ROOT_CAUSE_LABELS, SERVICE_LABELS } from '../../tickets/labels.ts'
import { cookie, SESSION_COOKIE, SESSION_HOURS, sessionCookieValue, validSession } from '../../http/session.ts'

const here = path.dirname(fileURLToPath(import.meta.url))
const publicDir = path.join(here, 'public')
const digest = (value: string) => createHash('sha256').update(value).digest()

export function dashboardRouter(options: { adminToken: string; secureCookies: boolean; timeZone: string }): Router {
  const router = express.Router()
  const chartJs = path.join(path.dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js')
  const signedIn = (req: express.Request) => validSession(cookie(req, SESSION_COOKIE), options.adminToken, new Date())
  const cookieFlags = `Path=/; HttpOnly; SameSite=Strict${options.secureCookies ? '; Secure' : ''}`

  router.get('/dashboard', (req, res) => {
    res.setHeader('cache-control', 'no-store')
    res.sendFile(path.join(publicDir, signedIn(req) ? 'dashboard.html' : 'login.html'))
  })

  router.post('/dashboard/login', express.urlencoded({ extended: false, limit: '4kb' }), (req, res) => {
    const token = typeof req.body?.token === 'string' ? req.body.token.trim() : ''
    if (!token || !timingSafeEqual(digest(token), digest(options.adminToken))) {
      res.status(401).redirect(303, '/dashboard?error=1')
      return
    }
    res.setHeader('set-cookie', `${SESSION_COOKIE}=${encodeURIComponent(sessionCookieValue(options.adminToken, new Date()))}; Max-Age=${SESSION_HOURS * 3600}; ${cookieFlags}`)
    res.redirect(303, '/dashboard')
  })

  router.post('/dashboard/logout', (_req, res) => {
    res.setHeader('set-cookie', `${SESSION_COOKIE}=; Max-Age=0; ${cookieFlags}`)
    res.redirect(303, '/dashboard')
  })

  router.get('/dashboard/chart.js', (_req, res) => res.sendFile(chartJs, { maxAge: '1d' }))
  // What the page needs from the server's configuration: the service's day, and how staff name things.
  const configJs = `window.AFTERCARE_DASHBOARD = ${JSON.stringify({ timeZone: options.timeZone, serviceTypes: SERVICE_LABELS, rootCauses: ROOT_CAUSE_LABELS })};\n`
  router.get('/dashboard/config.js', (_req, res) => res.type('text/javascript').setHeader('cache-control', 'no-cache').send(configJs))
  router.use('/dashboard/assets', express.static(publicDir, { index: false, maxAge: '1h' }))
  return router
}
