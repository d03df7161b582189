/**
 * Issue 15: accounts and roles. People sign in with email and password (server-side sessions,
 * throttled), hold API tokens of their own, and each role opens exactly its part of the API;
 * every action is recorded as the person who took it (API, Slack), whatever a body claims.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buttonPress, SlackWorkspace, staffUser } from './support/slack.ts'
import { eventually, REPAIR, startWorld, submitBySms, type World } from './support/world.ts'

let world: World
const PASSWORD = 'correct horse battery'
type Role = 'admin' | 'agent' | 'technician' | 'party_a'
const people: Record<Role, { id: string; email: string; cookie: string; token: string }> = {} as never
let mine: string // a ticket assigned to the technician
let theirs: string // a ticket assigned to someone else

async function signIn(email: string, password: string, client = '198.51.100.1') {
  const response = await fetch(`${world.t.url}/login`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': client },
    body: new URLSearchParams({ email, password, next: '/dashboard' }).toString(),
  })
  return { status: response.status, location: response.headers.get('location'), cookie: /^(aftercare_session=[^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1] }
}

const as = (role: Role, path: string, init: { method?: string; body?: unknown; via?: 'cookie' | 'token' } = {}) =>
  fetch(`${world.t.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      'content-type': 'application/json',
      ...(init.via === 'cookie' ? { cookie: people[role].cookie, origin: world.t.url } : { authorization: `Bearer ${people[role].token}` }),
    },
    ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
  })

beforeAll(async () => {
  world = await startWorld()
  await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong' }) })
  for (const role of ['admin', 'agent', 'technician', 'party_a'] as const) {
    const email = `${role}@service.example`
    const created = await world.t.admin('/api/accounts', {
      method: 'POST',
      body: JSON.stringify({ email, name: `The ${role}`, role, password: PASSWORD, ...(role === 'agent' && { slackUserId: staffUser.id }), ...(role === 'technician' && { technician: 'Zhao Gong' }) }),
    })
    expect(created.status).toBe(201)
    const { account } = (await created.json()) as { account: { id: string } }
    const { cookie } = await signIn(email, PASSWORD)
    const token = (await (
      await fetch(`${world.t.url}/api/me/tokens`, { method: 'POST', headers: { cookie: cookie!, origin: world.t.url, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'tests' }) })
    ).json()) as { token: string }
    people[role] = { id: account.id, email, cookie: cookie!, token: token.token }
  }
  mine = (await submitBySms(world.t, '+8613700220001', REPAIR)).number
  theirs = (await submitBySms(world.t, '+8613700220002', REPAIR)).number
  await world.t.admin(`/api/tickets/${mine}/actions`, { method: 'POST', body: JSON.stringify({ action: 'respond', technician: 'Zhao Gong' }) })
  await world.t.admin(`/api/tickets/${theirs}/actions`, { method: 'POST', body: JSON.stringify({ action: 'respond', technician: 'Wang Gong' }) })
})
afterAll(() => world.close())

describe('the role matrix (each role against each endpoint: allowed, or 403; never a 500)', () => {
  const ALLOWED = true
  const cases: [string, string, (() => unknown) | undefined, Record<Role, boolean>][] = [
    ['GET', '/api/tickets', undefined, { admin: ALLOWED, agent: ALLOWED, technician: ALLOWED, party_a: ALLOWED }],
    [
      'POST',
      '/api/tickets',
      () => ({ serviceType: 'repair', productModel: 'WM-800', description: 'Leaks', siteAddress: '1 Main Street, Shanghai', contactName: 'Ann', phone: '+8613700229999' }),
      { admin: ALLOWED, agent: ALLOWED, technician: false, party_a: false },
    ],
    ['GET', '/api/reports/agreement?from=2026-11-01&to=2026-11-30', undefined, { admin: ALLOWED, agent: ALLOWED, technician: false, party_a: ALLOWED }],
    ['GET', '/api/feedback', undefined, { admin: ALLOWED, agent: ALLOWED, technician: false, party_a: ALLOWED }],
    ['GET', '/api/complaints', undefined, { admin: ALLOWED, agent: ALLOWED, technician: false, party_a: ALLOWED }],
    ['GET', '/api/technicians', undefined, { admin: ALLOWED, agent: ALLOWED, technician: false, party_a: ALLOWED }],
    ['POST', '/api/technicians', () => ({ name: `Tech ${Math.random()}` }), { admin: ALLOWED, agent: false, technician: false, party_a: false }],
    ['GET', '/api/conversations', undefined, { admin: ALLOWED, agent: ALLOWED, technician: false, party_a: false }],
    ['GET', '/api/customers?phone=%2B8613700220001', undefined, { admin: ALLOWED, agent: ALLOWED, technician: false, party_a: false }],
    ['DELETE', '/api/customers/7d5c1f0e-0000-4000-8000-000000000000', undefined, { admin: ALLOWED, agent: false, technician: false, party_a: false }],
    ['GET', '/api/products', undefined, { admin: ALLOWED, agent: ALLOWED, technician: ALLOWED, party_a: ALLOWED }],
    ['GET', '/api/accounts', undefined, { admin: ALLOWED, agent: false, technician: false, party_a: false }],
    ['POST', '/api/accounts', () => ({ email: `x${Math.random()}@service.example`, name: 'X', role: 'agent' }), { admin: ALLOWED, agent: false, technician: false, party_a: false }],
    ['GET', '/api/me', undefined, { admin: ALLOWED, agent: ALLOWED, technician: ALLOWED, party_a: ALLOWED }],
    ['GET', '/api/no-such-endpoint', undefined, { admin: ALLOWED, agent: false, technician: false, party_a: false }],
  ]
  for (const via of ['token', 'cookie'] as const) {
    it.each(cases)(`%s %s (${via})`, async (method, path, body, expected) => {
      for (const role of ['admin', 'agent', 'technician', 'party_a'] as const) {
        const response = await as(role, path, { method, via, ...(body && { body: body() }) })
        expect(response.status, `${role} ${method} ${path}`).toBeLessThan(500)
        if (expected[role]) expect([401, 403], `${role} ${method} ${path}: ${response.status}`).not.toContain(response.status)
        else expect(response.status, `${role} ${method} ${path}`).toBe(403)
      }
    })
  }

  it('the pages: the console for everyone signed in, the dashboard for those who see the figures', async () => {
    const page = (role: Role | null, path: string) => fetch(`${world.t.url}${path}`, { redirect: 'manual', headers: role ? { cookie: people[role].cookie } : {} })
    for (const role of ['admin', 'agent', 'technician', 'party_a'] as const) expect((await page(role, '/console')).status, role).toBe(200)
    expect((await page(null, '/console')).headers.get('location')).toBe('/login?next=/console')
    for (const role of ['admin', 'agent', 'party_a'] as const) expect((await page(role, '/dashboard')).status, role).toBe(200)
    expect((await page('technician', '/dashboard')).status).toBe(403)
    // The console's configuration names the person and what their role opens, nothing of anyone else.
    const config = await (await page('party_a', '/console/config.js')).text()
    expect(config).toContain('"role":"party_a"')
    expect(config).toContain('"tickets:work":false')
    expect(await (await page(null, '/console/config.js')).text()).toBe('window.AFTERCARE_CONSOLE = null;\n')
  })

  it('a change through a session must come from our own pages', async () => {
    const response = await fetch(`${world.t.url}/api/me/tokens`, {
      method: 'POST',
      headers: { cookie: people.agent.cookie, 'content-type': 'application/json', origin: 'https://evil.example' },
      body: JSON.stringify({ name: 'stolen' }),
    })
    expect(response.status).toBe(403)
  })
})

describe('a technician sees and works only the tickets assigned to them', () => {
  it('lists only theirs, reads only theirs, and does the work on site but not the dispatch', async () => {
    const list = (await (await as('technician', '/api/tickets')).json()) as { items: { number: string }[] }
    expect(list.items.map((ticket) => ticket.number)).toEqual([mine])
    expect((await as('technician', `/api/tickets/${theirs}`)).status).toBe(404)
    expect((await as('technician', `/api/tickets/${theirs}/actions`, { method: 'POST', body: { action: 'arrive' } })).status).toBe(404)
    expect((await as('technician', `/api/tickets/${mine}/actions`, { method: 'POST', body: { action: 'reassign', technician: 'Wang Gong', reason: 'mine now' } })).status).toBe(403)
    const arrived = await as('technician', `/api/tickets/${mine}/actions`, { method: 'POST', body: { action: 'arrive', actor: 'someone else' } })
    expect(arrived.status).toBe(200)
    const ticket = (await arrived.json()) as { status: string; events: { type: string; actor: string }[] }
    expect(ticket.status).toBe('on_site')
    // Recorded as the person, whatever the body claimed.
    expect(ticket.events.at(-1)!.actor).toBe(`account:${people.technician.id}`)
  })
})

describe('Party A (the manufacturer): read-only, never a customer’s number in full', () => {
  it('reads tickets with the numbers masked, cannot act, and records its evaluations', async () => {
    const ticket = (await (await as('party_a', `/api/tickets/${theirs}`)).json()) as { channelAddress: string; customer: { phone: string | null } }
    expect(ticket.channelAddress).toBe('+86137****0002')
    expect(ticket.customer.phone ?? '+86137****0002').toBe('+86137****0002')
    expect((await as('party_a', `/api/tickets/${theirs}/actions`, { method: 'POST', body: { action: 'cancel', reason: 'no' } })).status).toBe(403)
    const technicians = (await (await as('party_a', '/api/technicians')).json()) as { items: { id: string; name: string }[] }
    const wang = technicians.items.find((technician) => technician.name === 'Wang Gong')!
    expect((await as('party_a', `/api/technicians/${wang.id}/records`, { method: 'POST', body: { kind: 'evaluation', rating: 4 } })).status).toBe(201)
    expect((await as('party_a', `/api/technicians/${wang.id}/records`, { method: 'POST', body: { kind: 'training', title: 'Safety', date: '2026-11-01' } })).status).toBe(403)
    const record = (await (await as('admin', `/api/technicians/${wang.id}`)).json()) as { records: { kind: string; actor: string }[] }
    expect(record.records.find((entry) => entry.kind === 'evaluation')!.actor).toBe(`account:${people.party_a.id}`)
  })
})

describe('signing in', () => {
  it('refuses a wrong password or an unknown email the same way, and throttles guessing per account', async () => {
    expect(await signIn(people.agent.email, 'wrong password!')).toMatchObject({ status: 303, location: '/login?error=1&next=%2Fdashboard', cookie: undefined })
    expect(await signIn('nobody@service.example', PASSWORD)).toMatchObject({ status: 303, location: '/login?error=1&next=%2Fdashboard', cookie: undefined })
    // Ten failures from ten clients against one account: the eleventh try waits, even with the right password.
    for (let attempt = 0; attempt < 10; attempt++) await signIn(people.party_a.email, 'guess guess guess', `203.0.113.${attempt + 10}`)
    expect((await signIn(people.party_a.email, PASSWORD, '203.0.113.99')).status).toBe(429)
  })

  it('a session ends after 2 idle hours; signing out ends it everywhere', async () => {
    const { cookie } = await signIn(people.admin.email, PASSWORD, '198.51.100.7')
    const me = () => fetch(`${world.t.url}/api/me`, { headers: { cookie: cookie! } })
    expect((await me()).status).toBe(200)
    world.t.clock.advance(2 * 3_600_000 + 60_000)
    expect((await me()).status).toBe(401)
    const again = (await signIn(people.admin.email, PASSWORD, '198.51.100.7')).cookie!
    const out = await fetch(`${world.t.url}/dashboard/logout`, { method: 'POST', redirect: 'manual', headers: { cookie: again, origin: world.t.url } })
    expect(out.status).toBe(303)
    expect((await fetch(`${world.t.url}/api/me`, { headers: { cookie: again } })).status).toBe(401)
  })

  it('a set-password link works once; the account signs in with it and then with the password', async () => {
    const created = (await (
      await world.t.admin('/api/accounts', { method: 'POST', body: JSON.stringify({ email: 'New.Dispatcher@Service.example', name: 'New Dispatcher', role: 'agent' }) })
    ).json()) as { account: { email: string; hasPassword: boolean }; setPasswordUrl: string }
    expect(created.account).toMatchObject({ email: 'new.dispatcher@service.example', hasPassword: false })
    const key = new URL(created.setPasswordUrl).searchParams.get('key')!
    expect((await fetch(`${world.t.url}/password?key=${key}`)).status).toBe(200)
    const set = (password: string, confirm = password) =>
      fetch(`${world.t.url}/password`, {
        method: 'POST',
        redirect: 'manual',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ key, password, confirm }).toString(),
      })
    expect((await set('short')).status).toBe(400)
    const done = await set('a long enough password')
    expect(done.status).toBe(303)
    expect(done.headers.get('set-cookie')).toMatch(/^aftercare_session=/)
    expect((await set('another long password')).status).toBe(400)
    expect((await fetch(`${world.t.url}/password?key=${key}`)).status).toBe(410)
    expect((await signIn('new.dispatcher@service.example', 'a long enough password', '198.51.100.8')).cookie).toBeDefined()
  })

  it('a person changes their own password, proving the current one; their sessions end', async () => {
    await world.t.admin('/api/accounts', { method: 'POST', body: JSON.stringify({ email: 'changer@service.example', name: 'Changer', role: 'agent', password: PASSWORD }) })
    const { cookie } = await signIn('changer@service.example', PASSWORD, '198.51.100.12')
    const change = (current: string, password: string) =>
      fetch(`${world.t.url}/api/me/password`, { method: 'POST', headers: { cookie: cookie!, origin: world.t.url, 'content-type': 'application/json' }, body: JSON.stringify({ current, password }) })
    expect((await change('not my password', 'a brand new password')).status).toBe(403)
    expect((await change(PASSWORD, 'short')).status).toBe(400)
    expect((await change(PASSWORD, 'a brand new password')).status).toBe(204)
    expect((await fetch(`${world.t.url}/api/me`, { headers: { cookie: cookie! } })).status).toBe(401)
    expect((await signIn('changer@service.example', PASSWORD, '198.51.100.13')).cookie).toBeUndefined()
    expect((await signIn('changer@service.example', 'a brand new password', '198.51.100.14')).cookie).toBeDefined()
  })

  it('a disabled account is signed out at once and its tokens stop working', async () => {
    const created = (await (
      await world.t.admin('/api/accounts', { method: 'POST', body: JSON.stringify({ email: 'leaver@service.example', name: 'Leaver', role: 'agent', password: PASSWORD }) })
    ).json()) as { account: { id: string } }
    const { cookie } = await signIn('leaver@service.example', PASSWORD, '198.51.100.9')
    const token = (
      (await (
        await fetch(`${world.t.url}/api/me/tokens`, { method: 'POST', headers: { cookie: cookie!, origin: world.t.url, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'ci' }) })
      ).json()) as { token: string }
    ).token
    expect((await fetch(`${world.t.url}/api/tickets`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    expect((await world.t.admin(`/api/accounts/${created.account.id}`, { method: 'PATCH', body: JSON.stringify({ disabled: true }) })).status).toBe(200)
    expect((await fetch(`${world.t.url}/api/tickets`, { headers: { cookie: cookie! } })).status).toBe(401)
    expect((await fetch(`${world.t.url}/api/tickets`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401)
    expect((await signIn('leaver@service.example', PASSWORD, '198.51.100.10')).cookie).toBeUndefined()
  })
})

describe('API tokens', () => {
  it('are shown once, stored hashed, used as the person, and stop at once when revoked', async () => {
    // A fresh session: an earlier test let the clock run past the idle end.
    people.agent.cookie = (await signIn(people.agent.email, PASSWORD, '198.51.100.11')).cookie!
    const created = await as('agent', '/api/me/tokens', { method: 'POST', via: 'cookie', body: { name: 'ERP integration' } })
    expect(created.status).toBe(201)
    const { id, token, prefix } = (await created.json()) as { id: string; token: string; prefix: string }
    expect(token).toMatch(/^act_[\w-]{40,}$/)
    expect(token.startsWith(prefix)).toBe(true)
    const stored = await world.t.db.prisma.apiToken.findUniqueOrThrow({ where: { id } })
    expect(stored.hash).not.toContain(token.slice(4))
    const listed = (await (await as('agent', '/api/me', { via: 'cookie' })).json()) as { tokens: { id: string; prefix: string; token?: string }[] }
    expect(listed.tokens.find((entry) => entry.id === id)).toMatchObject({ prefix })
    expect(listed.tokens.every((entry) => entry.token === undefined)).toBe(true)

    const acted = await fetch(`${world.t.url}/api/complaints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ticket: theirs, text: 'Customer called, unhappy with the wait', actor: 'the CEO' }),
    })
    expect(acted.status).toBe(201)
    const complaint = (await acted.json()) as { number: string }
    const filed = (await world.t.getJson(`/api/complaints/${complaint.number}`)) as { events: { actor: string }[] }
    expect(filed.events[0]!.actor).toBe(`account:${people.agent.id}`)
    const revoked = await fetch(`${world.t.url}/api/me/tokens/${id}`, { method: 'DELETE', headers: { cookie: people.agent.cookie, origin: world.t.url } })
    expect(revoked.status).toBe(204)
    expect((await fetch(`${world.t.url}/api/tickets`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401)
    expect((await fetch(`${world.t.url}/api/tickets`, { headers: { authorization: 'Bearer act_not-a-token' } })).status).toBe(401)
  })
})

describe('Slack: a linked user acts as their account', () => {
  it('records a button press by the agent’s Slack user as the agent’s account', async () => {
    const { number } = await submitBySms(world.t, '+8613700220003', REPAIR)
    await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify({ action: 'respond', technician: 'Wang Gong' }) })
    expect((await world.workspace.interaction(buttonPress('ticket_action:arrive', number))).status).toBe(200)
    const ticket = await eventually(async () => {
      const found = (await world.t.getJson(`/api/tickets/${number}`)) as { status: string; events: { type: string; actor: string }[] }
      return found.status === 'on_site' ? found : undefined
    }, 'the arrival')
    expect(ticket.events.at(-1)!.actor).toBe(`account:${people.agent.id}`)
  })
})

describe('SLACK_REQUIRE_ACCOUNT=true', () => {
  it('refuses a Slack user linked to no account, and says why; a linked one still acts', async () => {
    const strict = await world.another({ env: { SLACK_REQUIRE_ACCOUNT: 'true' } })
    const workspace = new SlackWorkspace(strict.url)
    const { number } = await submitBySms(world.t, '+8613700220004', REPAIR)
    await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify({ action: 'respond', technician: 'Wang Gong' }) })
    const stranger = { id: 'U0STRANGER', username: 'stranger', name: 'stranger', team_id: 'T0TEAM0001' }
    const before = world.slack.of('chat.postEphemeral').length
    expect((await workspace.interaction(buttonPress('ticket_action:arrive', number, stranger))).status).toBe(200)
    const told = await eventually(
      () =>
        world.slack
          .of('chat.postEphemeral')
          .slice(before)
          .find((call) => call.args.user === 'U0STRANGER'),
      'the refusal',
    )
    expect(String(told.args.text)).toContain('not linked to an Aftercare account')
    expect(((await world.t.getJson(`/api/tickets/${number}`)) as { status: string }).status).toBe('responded')
    expect((await workspace.interaction(buttonPress('ticket_action:arrive', number))).status).toBe(200)
    await eventually(async () => ((await world.t.getJson(`/api/tickets/${number}`)) as { status: string }).status === 'on_site', 'the linked user’s arrival')
  })
})

describe('npm run accounts', () => {
  const run = async (...args: string[]) => {
    const { execFile } = await import('node:child_process')
    return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/accounts.ts', ...args],
        { env: { ...process.env, DATABASE_URL: world.t.db.url, LOG_LEVEL: 'silent', PUBLIC_URL: 'https://desk.example' } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      ),
    )
  }

  it('adds the first accounts without the browser, with a link to set the password', async () => {
    const added = await run('add', '--email', 'first.admin@service.example', '--role', 'admin', '--name', 'First Admin')
    expect(added.code).toBe(0)
    expect(added.stdout).toContain('Added First Admin <first.admin@service.example> as admin.')
    const link = /https:\/\/desk\.example\/password\?key=([\w-]+)/.exec(added.stdout)
    expect(link).not.toBeNull()
    expect((await fetch(`${world.t.url}/password?key=${link![1]}`)).status).toBe(200)
    expect((await run('list')).stdout).toMatch(/first\.admin@service\.example\tadmin\tFirst Admin\tno password yet/)
    expect(await run('add', '--email', 'first.admin@service.example', '--role', 'admin', '--name', 'Again')).toMatchObject({ code: 1, stderr: expect.stringContaining('already exists') })
    expect(await run('add', '--email', 'x@service.example', '--role', 'boss', '--name', 'X')).toMatchObject({ code: 2 })
    expect((await run('disable', '--email', 'first.admin@service.example')).code).toBe(0)
    expect((await fetch(`${world.t.url}/password?key=${link![1]}`)).status).toBe(410)
  })
})

describe('Sign in with Slack (OpenID Connect, against a local fake of Slack’s endpoints)', () => {
  let oidc: Awaited<ReturnType<World['another']>>
  beforeAll(async () => {
    const { OIDC_CLIENT_ID, OIDC_CLIENT_SECRET } = await import('./fakes/slack-oidc.ts')
    oidc = await world.another({ env: { SLACK_CLIENT_ID: OIDC_CLIENT_ID, SLACK_CLIENT_SECRET: OIDC_CLIENT_SECRET, SLACK_OIDC_URL: world.slack.url } })
  })

  /** A browser's round trip: our redirect to Slack, Slack's back to us with the flow cookie. */
  async function signInWithSlack(tamper?: (callback: URL) => void) {
    const start = await fetch(`${oidc.url}/login/slack?next=/console`, { redirect: 'manual' })
    expect(start.status).toBe(303)
    const flow = /^(aftercare_slack_signin=[^;]+)/.exec(start.headers.get('set-cookie') ?? '')![1]!
    const atSlack = await fetch(start.headers.get('location')!, { redirect: 'manual' })
    const callback = new URL(atSlack.headers.get('location')!)
    tamper?.(callback)
    const back = await fetch(`${oidc.url}${callback.pathname}${callback.search}`, { redirect: 'manual', headers: { cookie: flow } })
    return { status: back.status, location: back.headers.get('location'), session: /(aftercare_session=[^;]+)/.exec(back.headers.get('set-cookie') ?? '')?.[1], body: await back.text() }
  }

  it('signs a linked Slack user in as their account, and offers the button on the sign-in page', async () => {
    expect(await (await fetch(`${oidc.url}/login/config.js`)).text()).toContain('"slack":true')
    expect(await (await fetch(`${world.t.url}/login/config.js`)).text()).toContain('"slack":false')
    world.slack.oidc.user = { id: staffUser.id, team: 'T0TEAM0001' }
    const signedIn = await signInWithSlack()
    expect(signedIn.status).toBe(200)
    expect(signedIn.body).toContain('url=/console')
    const me = (await (await fetch(`${oidc.url}/api/me`, { headers: { cookie: signedIn.session! } })).json()) as { email: string }
    expect(me.email).toBe(people.agent.email)
    expect(world.slack.oidc.exchanges.at(-1)).toMatchObject({ grant_type: 'authorization_code', redirect_uri: expect.stringMatching(/\/login\/slack\/callback$/) })
  })

  it('signs nobody in for an unlinked Slack user, a forged token, or a callback that is not this browser’s', async () => {
    world.slack.oidc.user = { id: 'U0NOBODY01', team: 'T0TEAM0001' }
    expect(await signInWithSlack()).toMatchObject({ status: 303, location: '/login?error=slack-unknown', session: undefined })
    world.slack.oidc.user = { id: staffUser.id, team: 'T0TEAM0001' }
    world.slack.oidc.forgeNext = true
    expect(await signInWithSlack()).toMatchObject({ status: 303, location: '/login?error=slack', session: undefined })
    expect(await signInWithSlack((callback) => callback.searchParams.set('state', 'someone-elses'))).toMatchObject({ status: 303, location: '/login?error=slack', session: undefined })
    const noCookie = await fetch(`${oidc.url}/login/slack/callback?code=x&state=y`, { redirect: 'manual' })
    expect(noCookie.headers.get('location')).toBe('/login?error=slack')
  })
})
