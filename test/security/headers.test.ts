/**
 * What every response tells the browser (helmet), and compression: the chat page, the staff
 * dashboard and an API error all carry a Content-Security-Policy that allows scripts from this
 * origin only and forbids framing, nosniff, a Referrer-Policy, no X-Powered-By, and HSTS when the
 * public URL is https (never for a plain-http development server). Web Chat's 3.9 MB bundle goes
 * out gzipped to a browser that accepts it.
 */
import { get, type IncomingHttpHeaders } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.ts'
import { startTestApp, type TestApp } from '../support/app.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

/** A raw GET: Node's fetch would decompress the body and hide what went over the wire. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; bytes: number }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      let bytes = 0
      res.on('data', (chunk: Buffer) => (bytes += chunk.length))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes }))
      res.on('error', reject)
    }).on('error', reject)
  })
}

/** The policy's directives by name: `script-src 'self'` → { 'script-src': ["'self'"] }. */
function directives(policy: string | null): Record<string, string[]> {
  const parsed: Record<string, string[]> = {}
  for (const part of (policy ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/)
    if (name) parsed[name.toLowerCase()] = values
  }
  return parsed
}

const pages = [
  ['the chat page', '/', 200],
  ['the staff dashboard', '/dashboard', 200],
  ['an API error (401)', '/api/tickets', 401],
] as const

describe.each(pages)('%s', (_what, path, status) => {
  let response: Response
  beforeAll(async () => {
    response = await fetch(t.url + path)
    // The headers below are on the real answer, not on some other page's.
    expect(response.status).toBe(status)
  })

  it('may not be framed by another site and runs scripts from this origin only', () => {
    const policy = directives(response.headers.get('content-security-policy'))
    expect(policy['frame-ancestors']).toEqual(["'none'"])
    expect(policy['script-src']).toEqual(["'self'"])
    expect(policy['script-src']).not.toContain("'unsafe-inline'")
    expect(policy['object-src']).toEqual(["'none'"])
  })

  it('tells the browser not to guess content types, limits the referrer, and does not advertise Express', () => {
    expect(response.headers.get('x-content-type-options')).toBe('nosniff')
    expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin')
    expect(response.headers.get('x-powered-by')).toBeNull()
  })

  it('asks browsers to use https only (HSTS), since the public URL is https', () => {
    expect(response.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/)
  })
})

describe('a plain-http development server (PUBLIC_URL=http://localhost:3000)', () => {
  let plain: TestApp
  beforeAll(async () => {
    plain = await startTestApp({ env: { PUBLIC_URL: 'http://localhost:3000' } })
  })
  afterAll(() => plain.close())

  it('sends no HSTS, so the browser can still reach it over http, and keeps the other headers', async () => {
    for (const path of ['/', '/dashboard', '/api/tickets']) {
      const response = await fetch(plain.url + path)
      expect(response.headers.get('strict-transport-security'), path).toBeNull()
      const policy = directives(response.headers.get('content-security-policy'))
      expect(policy['frame-ancestors'], path).toEqual(["'none'"])
      // Upgrading requests to https would break an http-only server.
      expect(policy['upgrade-insecure-requests'], path).toBeUndefined()
      expect(response.headers.get('x-content-type-options'), path).toBe('nosniff')
    }
  })
})

describe('compression', () => {
  it('sends Web Chat’s bundle gzipped, far smaller, to a browser that accepts gzip', async () => {
    const raw = await rawGet(`${t.url}/assets/webchat.js`, { 'accept-encoding': 'identity' })
    expect(raw.status).toBe(200)
    expect(raw.headers['content-encoding']).toBeUndefined()
    expect(raw.bytes).toBeGreaterThan(1_000_000)

    const gzipped = await rawGet(`${t.url}/assets/webchat.js`, { 'accept-encoding': 'gzip' })
    expect(gzipped.status).toBe(200)
    expect(gzipped.headers['content-encoding']).toBe('gzip')
    expect(gzipped.headers['content-type']).toMatch(/javascript/)
    expect(gzipped.bytes).toBeLessThan(raw.bytes / 3)
  })
})

describe('another site embedding the chat (WEBCHAT_ALLOWED_ORIGINS, issue 18)', () => {
  const maker = 'https://www.maker.example'
  const preflight = (base: string, path: string, origin: string) =>
    fetch(base + path, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, x-evil' } })

  it('off by default: no CORS headers for any site, and the pages may not be framed', async () => {
    const answer = await preflight(t.url, '/webchat/session', maker)
    expect(answer.headers.get('access-control-allow-origin')).toBeNull()
    expect(directives((await fetch(`${t.url}/`)).headers.get('content-security-policy'))['frame-ancestors']).toEqual(["'none'"])
  })

  it('listed: that site may open a session and talk Direct Line from its pages, and frame the chat; others may not', async () => {
    const embedded = await startTestApp({ env: { WEBCHAT_ALLOWED_ORIGINS: `${maker}, https://shop.maker.example` } })
    try {
      const answer = await preflight(embedded.url, '/v3/directline/conversations', maker)
      expect(answer.status).toBe(204)
      expect(answer.headers.get('access-control-allow-origin')).toBe(maker)
      expect(answer.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS')
      expect(answer.headers.get('access-control-allow-headers')).toBe('authorization, content-type')
      expect(answer.headers.get('vary')).toMatch(/origin/i)
      // The session itself, as the maker's page asks for it.
      const session = await fetch(`${embedded.url}/webchat/session`, { method: 'POST', headers: { origin: maker, 'content-type': 'application/json' }, body: '{}' })
      expect(session.status).toBe(200)
      expect(session.headers.get('access-control-allow-origin')).toBe(maker)
      const { token, conversationId } = (await session.json()) as { token: string; conversationId: string }
      const activities = await fetch(`${embedded.url}/v3/directline/conversations/${conversationId}/activities`, { headers: { origin: maker, authorization: `Bearer ${token}` } })
      expect(activities.status).toBe(200)
      expect(activities.headers.get('access-control-allow-origin')).toBe(maker)
      // Another site: no headers, so its browser keeps the answer from it.
      expect((await preflight(embedded.url, '/webchat/session', 'https://evil.example')).headers.get('access-control-allow-origin')).toBeNull()
      // The admin API is never open to other sites.
      expect((await preflight(embedded.url, '/api/tickets', maker)).headers.get('access-control-allow-origin')).toBeNull()
      const page = await fetch(`${embedded.url}/`)
      expect(directives(page.headers.get('content-security-policy'))['frame-ancestors']).toEqual([maker, 'https://shop.maker.example'])
      expect(page.headers.get('x-frame-options')).toBeNull()
    } finally {
      await embedded.close()
    }
  })

  it('refuses a value that is not a list of origins at start, naming the variable', () => {
    expect(() => loadConfig({ WEBCHAT_ALLOWED_ORIGINS: 'https://www.maker.example/chat' })).toThrow(/^WEBCHAT_ALLOWED_ORIGINS: must be origins/)
  })
})
