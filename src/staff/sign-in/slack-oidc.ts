/**
 * "Sign in with Slack" (OpenID Connect, issue 15), when the Slack app has a client id and secret
 * (SLACK_CLIENT_ID, SLACK_CLIENT_SECRET) and the user scopes openid, email, profile. The person's
 * Slack user id, from an id_token whose signature (Slack's published keys), issuer, audience and
 * nonce are checked, must be the one on an account: Slack proves who they are, Aftercare decides
 * what they may do. Nobody gets an account by signing in with Slack.
 */
import { randomBytes } from 'node:crypto'
import express, { type Request, type Router } from 'express'
import { createRemoteJWKSet, jwtVerify } from 'jose'
import type { AccountService } from '../../accounts/service.ts'
import type { Logger } from '../../logger.ts'
import type { SlackSignInConfig } from '../../config.ts'
import { SESSION_COOKIE, SESSION_HOURS, cookie, type Sessions } from '../../http/session.ts'

const ISSUER = 'https://slack.com'
const FLOW_COOKIE = 'aftercare_slack_signin'
const FLOW_MINUTES = 10
const nextPage = (value: unknown) => (typeof value === 'string' && /^\/(console|dashboard)(\/[\w\-/]*)?$/.test(value) ? value : '/console')

export function slackSignInRouter(deps: { config: SlackSignInConfig; accounts: AccountService; sessions: Sessions; publicUrl: string; logger: Logger }): Router {
  const { config } = deps
  const router = express.Router()
  const keys = createRemoteJWKSet(new URL(`${config.oidcUrl.replace(/\/$/, '')}/openid/connect/keys`))
  const redirectUri = `${deps.publicUrl.replace(/\/$/, '')}/login/slack/callback`
  const secure = deps.publicUrl.startsWith('https:') ? '; Secure' : ''
  // Lax, not Strict: the way back from Slack is a navigation from another site.
  const flowCookie = (value: string, maxAge: number) => `${FLOW_COOKIE}=${value}; Max-Age=${maxAge}; Path=/login/slack; HttpOnly; SameSite=Lax${secure}`
  const fail = (res: express.Response, why: string) => {
    res.setHeader('set-cookie', flowCookie('', 0))
    res.redirect(303, `/login?error=${why}`)
  }

  router.get('/login/slack', (req, res) => {
    const flow = { state: randomBytes(16).toString('base64url'), nonce: randomBytes(16).toString('base64url'), next: nextPage(req.query.next) }
    res.setHeader('set-cookie', flowCookie(Buffer.from(JSON.stringify(flow)).toString('base64url'), FLOW_MINUTES * 60))
    const authorize = new URL(`${config.oidcUrl.replace(/\/$/, '')}/openid/connect/authorize`)
    authorize.search = new URLSearchParams({
      response_type: 'code',
      scope: 'openid email profile',
      client_id: config.clientId,
      state: flow.state,
      nonce: flow.nonce,
      redirect_uri: redirectUri,
      ...(config.teamId && { team: config.teamId }),
    }).toString()
    res.redirect(303, authorize.toString())
  })

  router.get('/login/slack/callback', async (req: Request, res) => {
    const flow = readFlow(cookie(req, FLOW_COOKIE))
    // The state ties the answer to the browser that asked: a link from elsewhere signs nobody in.
    if (!flow || typeof req.query.state !== 'string' || req.query.state !== flow.state) return fail(res, 'slack')
    if (typeof req.query.code !== 'string' || req.query.code.length > 500) return fail(res, 'slack')
    try {
      const exchange = await fetch(`${config.apiUrl}openid.connect.token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: config.clientId, client_secret: config.clientSecret, code: req.query.code, redirect_uri: redirectUri, grant_type: 'authorization_code' }).toString(),
        signal: AbortSignal.timeout(10_000),
      })
      const answer = (await exchange.json()) as { ok?: boolean; id_token?: string; error?: string }
      if (!answer.ok || !answer.id_token) {
        deps.logger.warn({ error: answer.error, status: exchange.status }, 'Sign in with Slack: the code was not exchanged')
        return fail(res, 'slack')
      }
      const { payload } = await jwtVerify(answer.id_token, keys, { issuer: ISSUER, audience: config.clientId })
      const user = payload['https://slack.com/user_id']
      const team = payload['https://slack.com/team_id']
      if (payload.nonce !== flow.nonce || typeof user !== 'string') return fail(res, 'slack')
      if (config.teamId && team !== config.teamId) return fail(res, 'slack-team')
      const account = await deps.accounts.bySlackUser(user)
      if (!account) return fail(res, 'slack-unknown')
      const key = await deps.sessions.open('account', account.id)
      res.setHeader('set-cookie', [flowCookie('', 0), `${SESSION_COOKIE}=${encodeURIComponent(key)}; Max-Age=${SESSION_HOURS * 3600}; Path=/; HttpOnly; SameSite=Strict${secure}`])
      // A page, not a redirect: a browser does not send a Strict cookie on a redirect that began
      // on slack.com, but does on a navigation from our own page.
      res.setHeader('cache-control', 'no-store')
      res.type('html').send(`<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${flow.next}"><title>Aftercare</title><a href="${flow.next}">Continue</a>`)
    } catch (error) {
      deps.logger.warn({ err: error }, 'Sign in with Slack failed')
      fail(res, 'slack')
    }
  })

  return router
}

function readFlow(value: string | undefined): { state: string; nonce: string; next: string } | undefined {
  if (!value || value.length > 1000) return undefined
  try {
    const flow = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as { state?: unknown; nonce?: unknown; next?: unknown }
    return typeof flow.state === 'string' && typeof flow.nonce === 'string' ? { state: flow.state, nonce: flow.nonce, next: nextPage(flow.next) } : undefined
  } catch {
    return undefined
  }
}
