/**
 * Issue 15: `/console`, where staff work tickets in the browser — the list, a ticket with its
 * deadlines, photos, trail and conversation, the same actions as Slack as forms, hand-offs,
 * complaints, feedback, and accounts for admins. A small page over the API: every request goes
 * through the API's gate with the person's session, so the console can show no more than their
 * role opens. The same sign-in as the dashboard.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import express, { type Router } from 'express'
import { can, PERMISSIONS } from '../../accounts/roles.ts'
import type { AccountService } from '../../accounts/service.ts'
import type { Sessions } from '../../http/session.ts'
import { ROOT_CAUSE_LABELS, SERVICE_LABELS } from '../../tickets/labels.ts'
import { ACTION_LABELS } from '../slack/labels.ts'

const publicDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'public')

export function consoleRouter(deps: { sessions: Sessions; accounts: AccountService; timeZone: string }): Router {
  const router = express.Router()

  const account = async (req: express.Request) => {
    const session = await deps.sessions.of(req)
    return session?.scope === 'account' && session.accountId ? deps.accounts.byId(session.accountId) : undefined
  }

  router.get('/console', async (req, res) => {
    res.setHeader('cache-control', 'no-store')
    if (!(await account(req))) return res.redirect(303, '/login?next=/console')
    res.sendFile(path.join(publicDir, 'console.html'))
  })

  // Who is signed in and what their role opens: the page shows only what will work.
  router.get('/console/config.js', async (req, res) => {
    const who = await account(req)
    res.type('text/javascript').setHeader('cache-control', 'no-store')
    if (!who) return res.send('window.AFTERCARE_CONSOLE = null;\n')
    const config = {
      timeZone: deps.timeZone,
      me: { name: who.name, email: who.email, role: who.role },
      can: Object.fromEntries(PERMISSIONS.map((permission) => [permission, can(who.role, permission)])),
      labels: { serviceTypes: SERVICE_LABELS, rootCauses: ROOT_CAUSE_LABELS, actions: ACTION_LABELS },
    }
    res.send(`window.AFTERCARE_CONSOLE = ${JSON.stringify(config).replace(/</g, '\\u003c')};\n`)
  })
  router.use('/console/assets', express.static(publicDir, { index: false, maxAge: '1h' }))
  return router
}
