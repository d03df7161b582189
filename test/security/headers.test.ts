/**
 * What every response tells the browser (helmet), and compression: the chat page, the staff
 * dashboard and an API error all carry a Content-Security-Policy that allows scripts from this
 * origin only and forbids framing, nosniff, a Referrer-Policy, no X-Powered-By, and HSTS when the
 * public URL is https (never for a plain-http development server). Web Chat's 3.9 MB bundle goes
 * out gzipped to a browser that accepts it.
 */
import { get, type IncomingHttpHeaders } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
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
