/**
 * The keys to the staff side (issue 11): an admin-token file that is empty, blank or short is
 * never trusted (replaced at start with a new long token); an empty or blank bearer is no token;
 * a dashboard session opens the figures and nothing else, ends for good at sign-out (a copied
 * cookie stops working too), and can be ended only from our own pages; guessing the token at
 * sign-in is throttled per client, after which even the right token waits; and no cookie, however
 * malformed, makes the server fail.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadConfig } from '../../src/config.ts'
import { startAftercare } from '../../src/runtime.ts'
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/app.ts'
import { createTestDatabase, type TestDatabase } from '../support/database.ts'
import { memoryLogger } from '../support/logs.ts'
import { submitBySms, REPAIR } from '../support/world.ts'

/**
 * A request sent byte for byte: fetch() trims header values (`Bearer ` would arrive as `Bearer`)
 * and resolves `..` in paths.
 */
function raw(url: string, pathname: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; body: string }> {
  const { hostname, port } = new URL(url)
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path: pathname, method, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (body += chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('the admin-token file in DATA_DIR', () => {
  let db: TestDatabase
  const dirs: string[] = []
  beforeAll(async () => {
    db = await createTestDatabase()
  })
  afterAll(async () => {
    await db.drop()
    for (const dir of dirs) await rm(dir, { recursive: true, force: true })
  })

  it.each([
    ['empty', ''],
    ['blank', '   \n\t \n'],
    ['8 characters', 'abcd1234\n'],
    ['long but with blanks inside', 'correct horse battery staple\n'],
  ])('is replaced at start with a new long token when it is %s, and the new token works', async (_what, content) => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aftercare-token-'))
    dirs.push(dir)
    const file = path.join(dir, 'admin-token')
    await writeFile(file, content)
    const log = memoryLogger()
    const running = await startAftercare(loadConfig({ DATABASE_URL: db.url, DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'silent' }), { logger: log.logger, drainMilliseconds: 1000 })
    try {
      const written = await readFile(file, 'utf8')
      expect(written).not.toBe(content)
      const token = written.trim()
      expect(token.length).toBeGreaterThanOrEqual(16)
      expect(token).not.toMatch(/\s/)
      expect((await fetch(`${running.url}/api/tickets`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
      // What was in the file opens nothing.
      if (content.trim()) expect((await fetch(`${running.url}/api/tickets`, { headers: { authorization: `Bearer ${content.trim()}` } })).status).toBe(401)
      expect(log.lines.some((line) => line.level === 40 && String(line.msg).includes('admin-token file was empty, short or blank'))).toBe(true)
    } finally {
      await running.stop()
    }
  })
})

describe('the admin API and the dashboard', () => {
  let t: TestApp
  let number: string
  beforeAll(async () => {
    t = await startTestApp({ env: { LIMIT_SIGN_IN: '2/900' } })
    number = (await submitBySms(t, '+8613800660001', REPAIR)).number
  })
  afterAll(() => t.close())

  let clients = 0
  /** Each test signs in from an address of its own (we are the trusted proxy): sign-in limits are per client. */
  const nextClient = () => `198.51.100.${++clients}`
  const signIn = (token: string, client: string) =>
    fetch(`${t.url}/dashboard/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': client },
      body: new URLSearchParams({ token }).toString(),
    })
  async function session(client = nextClient()): Promise<string> {
    const response = await signIn(ADMIN_TOKEN, client)
    expect(response.status).toBe(303)
    const cookie = /^(aftercare_session=[^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1]
    expect(cookie).toBeDefined()
    return cookie!
  }
  const rowOf = (cookie: string) =>
    t.db.prisma.staffSession.findUnique({
      where: {
        id: createHash('sha256')
          .update(decodeURIComponent(cookie.split('=')[1]!))
          .digest('hex'),
      },
    })
  const figures = (cookie: string) => fetch(`${t.url}/api/reports/agreement?from=2026-11-01&to=2026-11-30`, { headers: { cookie } })
  // Without a session, /dashboard leads to the sign-in page.
  const dashboard = async (cookie: string) => (await (await fetch(`${t.url}/dashboard`, { headers: { cookie } })).text()).match(/<title>(.*)<\/title>/)?.[1]
  const signOut = (cookie: string, origin?: string) => fetch(`${t.url}/dashboard/logout`, { method: 'POST', redirect: 'manual', headers: { cookie, ...(origin && { origin }) } })

  it('an empty or blank bearer token is no token (401)', async () => {
    for (const authorization of ['Bearer ', 'Bearer    ', 'Bearer', 'bearer \t ']) {
      const response = await raw(t.url, '/api/tickets', { authorization })
      expect(response.status, JSON.stringify(authorization)).toBe(401)
    }
    expect((await raw(t.url, '/api/tickets', { authorization: `Bearer ${ADMIN_TOKEN}` })).status).toBe(200)
  })

  it('a dashboard session reads the figures and nothing else: no tickets, no changes', async () => {
    const cookie = await session()
    expect(await rowOf(cookie)).toMatchObject({ scope: 'figures' })
    expect((await figures(cookie)).status).toBe(200)
    expect(await dashboard(cookie)).toBe('Aftercare · Service figures')

    // Known, and refused: the token's dashboard session opens the figures only (issue 15: 403, not 401).
    expect((await fetch(`${t.url}/api/tickets`, { headers: { cookie } })).status).toBe(403)
    expect((await fetch(`${t.url}/api/tickets/${number}`, { headers: { cookie } })).status).toBe(403)
    const change = await fetch(`${t.url}/api/tickets/${number}/actions`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ action: 'cancel', reason: 'Duplicate' }),
    })
    expect(change.status).toBe(403)
    // Nor through a path that only starts like the reports.
    expect((await raw(t.url, '/api/reports/../tickets', { cookie })).status).not.toBe(200)
    expect((await t.getJson(`/api/tickets/${number}`)).status).toBe('submitted')
  })

  it('signing out from our own page ends the session everywhere: a copied cookie stops working', async () => {
    const cookie = await session()
    const copied = cookie
    const out = await signOut(cookie, t.url)
    expect(out.status).toBe(303)
    expect(out.headers.get('set-cookie')).toMatch(/^aftercare_session=; Max-Age=0/)
    expect(await rowOf(cookie)).toBeNull()
    expect((await figures(copied)).status).toBe(401)
    expect(await dashboard(copied)).toBe('Aftercare · Sign in')
  })

  it.each([
    ['without an Origin', undefined],
    ['from another site', 'https://evil.example'],
  ])('signing out %s is refused (403) and the session goes on', async (_how, origin) => {
    const cookie = await session()
    expect((await signOut(cookie, origin)).status).toBe(403)
    expect(await rowOf(cookie)).not.toBeNull()
    expect((await figures(cookie)).status).toBe(200)
  })

  it('after too many wrong tokens from one client, even the right token waits (429 with Retry-After)', async () => {
    const client = nextClient()
    for (const wrong of ['not-the-token', 'test-admin-token-0123456780']) {
      const response = await signIn(wrong, client)
      expect(response.status).toBe(303)
      expect(response.headers.get('location')).toBe('/dashboard?error=1')
      expect(response.headers.get('set-cookie')).toBeNull()
    }
    const refused = await signIn(ADMIN_TOKEN, client)
    expect(refused.status).toBe(429)
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0)
    expect(refused.headers.get('set-cookie')).toBeNull()
    // Another client is not held up by it.
    expect(await session(nextClient())).toMatch(/^aftercare_session=/)
  })

  it('a malformed session cookie is no session, never a server error', async () => {
    const cookies = [
      'aftercare_session=%E0%A4%A',
      'aftercare_session=%',
      'aftercare_session=',
      'aftercare_session',
      '=;;=; aftercare_session=%zz',
      'aftercare_session="quoted"',
      `aftercare_session=${'A'.repeat(6000)}`,
      'aftercare_session=a=b=c; aftercare_session=%FF',
    ]
    for (const cookie of cookies) {
      const what = JSON.stringify(cookie.slice(0, 40))
      expect((await raw(t.url, '/dashboard', { cookie })).status, what).toBe(303)
      expect((await raw(t.url, '/api/reports/agreement?from=2026-11-01&to=2026-11-30', { cookie })).status, what).toBe(401)
      expect((await raw(t.url, '/dashboard/logout', { cookie, origin: t.url }, 'POST')).status, what).toBe(303)
    }
    expect(await dashboard('aftercare_session=%E0%A4%A')).toBe('Aftercare · Sign in')
  })
})
