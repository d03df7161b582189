/**
 * Slack's "Sign in with Slack" (OpenID Connect) endpoints, as Slack answers them: the authorize
 * page (here it signs `user` in at once and sends the browser back with a code), the token
 * exchange (a real RS256 id_token, issuer https://slack.com, audience the client id), and the
 * public keys. It refuses what Slack refuses: a wrong secret, a code used twice or for another
 * redirect URI.
 */
import { randomBytes } from 'node:crypto'
import type { Express } from 'express'
import express from 'express'
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose'

export const OIDC_CLIENT_ID = '1111.2222'
export const OIDC_CLIENT_SECRET = 'oidc-client-secret'

export class FakeSlackOidc {
  /** Who signs in at Slack next. */
  user = { id: 'U0STAFF001', team: 'T0TEAM0001' }
  /** Sign the next id_token with a key Slack never published (a forgery). */
  forgeNext = false
  readonly exchanges: Record<string, string>[] = []
  private readonly codes = new Map<string, { user: string; team: string; nonce: string; redirectUri: string }>()
  private keys: { publicKey: CryptoKey; privateKey: CryptoKey } | undefined

  async mount(app: Express): Promise<void> {
    this.keys = await generateKeyPair('RS256')
    const jwk = { ...(await exportJWK(this.keys.publicKey)), kid: 'slack-key-1', alg: 'RS256', use: 'sig' }
    app.get('/openid/connect/keys', (_req, res) => res.json({ keys: [jwk] }))
    app.get('/openid/connect/authorize', (req, res) => {
      const { client_id, redirect_uri, state, nonce, scope, response_type } = req.query as Record<string, string>
      if (client_id !== OIDC_CLIENT_ID || response_type !== 'code' || !scope?.split(' ').includes('openid') || !redirect_uri) return void res.status(400).send('invalid_request')
      const code = randomBytes(12).toString('hex')
      this.codes.set(code, { user: this.user.id, team: this.user.team, nonce: nonce ?? '', redirectUri: redirect_uri })
      res.redirect(302, `${redirect_uri}?code=${code}&state=${encodeURIComponent(state ?? '')}`)
    })
    app.post('/api/openid.connect.token', express.urlencoded({ extended: false }), async (req, res) => {
      const body = req.body as Record<string, string>
      this.exchanges.push(body)
      const grant = this.codes.get(body.code ?? '')
      if (body.client_id !== OIDC_CLIENT_ID || body.client_secret !== OIDC_CLIENT_SECRET) return void res.json({ ok: false, error: 'invalid_client_id' })
      if (!grant || grant.redirectUri !== body.redirect_uri) return void res.json({ ok: false, error: 'invalid_code' })
      this.codes.delete(body.code!)
      const key = this.forgeNext ? (await generateKeyPair('RS256')).privateKey : this.keys!.privateKey
      this.forgeNext = false
      const idToken = await new SignJWT({
        nonce: grant.nonce,
        'https://slack.com/user_id': grant.user,
        'https://slack.com/team_id': grant.team,
        email: 'someone@service.example',
        email_verified: true,
      })
        .setProtectedHeader({ alg: 'RS256', kid: 'slack-key-1' })
        .setIssuer('https://slack.com')
        .setAudience(OIDC_CLIENT_ID)
        .setSubject(grant.user)
        .setIssuedAt()
        .setExpirationTime('5m')
        .sign(key)
      res.json({ ok: true, access_token: 'xoxp-oidc', token_type: 'Bearer', id_token: idToken })
    })
  }
}
