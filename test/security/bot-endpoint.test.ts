/**
 * `POST /api/messages` is not a way in: closed without MICROSOFT_APP_ID (the chat page does not
 * use it); with an app id, only a valid Bot Framework token opens it, and a refusal is our plain
 * JSON 401, not the SDK's words; malformed activities are 400; a caller cannot make the bot send
 * anything to a host it chose (the activity's serviceUrl), and a stored conversation reference
 * pointing at an untrusted host is never used for a notification. In every refusal nothing is
 * stored and the Bot Connector hears nothing.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/app.ts'
import { FakeBotConnector } from '../fakes/bot-connector.ts'
import { eventually } from '../support/world.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any

const APP_ID = '00000000-0000-4000-8000-000000000001'
/** What the Bot Framework SDK says when it refuses a token: none of it may reach a caller. */
const SDK_WORDS = /Unauthorized Access|JwtTokenExtractor|AuthenticationError|Signing Key|jwt|token.*(expired|malformed)/i

// Stands in for the Bot Connector (or the Bot Framework Emulator): records what the bot posts to it.
const connector = new FakeBotConnector()
const received = connector.received
beforeAll(() => connector.start())
afterAll(() => connector.stop())

const unique = () => randomBytes(4).toString('hex')

/** A well-formed message activity as a Bot Framework channel posts it. */
const activity = (text: string, overrides: Record<string, unknown> = {}) => ({
  type: 'message',
  id: unique(),
  text,
  channelId: 'emulator',
  serviceUrl: connector.url,
  from: { id: 'user-1', name: 'User' },
  recipient: { id: 'bot', name: 'Bot' },
  conversation: { id: 'conv-1' },
  locale: 'en-US',
  timestamp: new Date().toISOString(),
  ...overrides,
})

const postActivity = (t: TestApp, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${t.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) })

/** What a refused request must not have left behind. */
async function stored(t: TestApp) {
  return { messages: await t.db.prisma.message.count(), identities: await t.db.prisma.channelIdentity.count(), posted: received.length }
}

const base64url = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url')

/** A JWT that claims everything a Bot Connector token would, signed with a key of our own. */
function forgedToken(): string {
  const now = Math.floor(Date.now() / 1000)
  const header = base64url({ alg: 'RS256', typ: 'JWT', kid: 'forged-key' })
  const payload = base64url({ iss: 'https://api.botframework.com', aud: APP_ID, serviceurl: 'https://smba.trafficmanager.net/', nbf: now - 60, exp: now + 3600 })
  const signature = createHmac('sha256', 'attacker-key').update(`${header}.${payload}`).digest('base64url')
  return `${header}.${payload}.${signature}`
}

describe('without MICROSOFT_APP_ID or BOT_EMULATOR (the default)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp()
  })
  afterAll(() => t.close())

  it('/api/messages is closed: a well-formed activity is refused (401), the bot does not run, nothing is stored', async () => {
    const before = await stored(t)
    const response = await postActivity(t, activity('hello', { from: { id: 'closed-user' } }))
    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({ error: expect.stringContaining('MICROSOFT_APP_ID') })
    expect(await stored(t)).toEqual(before)
  })
})

describe('with MICROSOFT_APP_ID: every request needs the channel’s token', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp({ env: { MICROSOFT_APP_ID: APP_ID, MICROSOFT_APP_PASSWORD: 'secret' } })
  })
  afterAll(() => t.close())

  it.each<[string, Record<string, string>]>([
    ['no Authorization header', {}],
    ['a bearer value that is not a JWT', { authorization: 'Bearer not.a.jwt' }],
    ['a forged JWT claiming the Bot Connector as issuer and our app id as audience', { authorization: `Bearer ${forgedToken()}` }],
    ['a token in the wrong scheme', { authorization: `Basic ${Buffer.from(`${APP_ID}:secret`).toString('base64')}` }],
  ])('refuses %s with our plain 401, not the SDK’s message, and stores nothing', async (_what, headers) => {
    const before = await stored(t)
    const response = await postActivity(t, activity('hello', { from: { id: `user-${unique()}` } }), headers)
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toMatch(/^application\/json/)
    expect(response.headers.get('www-authenticate')).toBe('Bearer')
    const text = await response.text()
    expect(text).not.toMatch(SDK_WORDS)
    expect(JSON.parse(text)).toEqual({ error: 'missing or invalid Bot Framework token' })
    expect(await stored(t)).toEqual(before)
  })
})

describe('with BOT_EMULATOR (the Bot Framework Emulator on loopback)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp({ env: { BOT_EMULATOR: 'true' } })
    await t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong' }) })
  })
  afterAll(() => t.close())

  const without = (field: string) => Object.fromEntries(Object.entries(activity('hello')).filter(([key]) => key !== field))
  it.each<[string, () => unknown]>([
    ['an empty object', () => ({})],
    ['an activity without a type', () => without('type')],
    ['a type that is a number', () => activity('hello', { type: 5 })],
    ['an activity without a serviceUrl', () => without('serviceUrl')],
    ['a sender without an id', () => activity('hello', { from: { name: 'Nobody' } })],
    ['an array of activities', () => [activity('hello')]],
    ['a JSON string', () => JSON.stringify('just a string')],
  ])('answers 400 to %s and stores nothing', async (_what, body) => {
    const before = await stored(t)
    const response = await postActivity(t, body())
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: expect.any(String) })
    expect(await stored(t)).toEqual(before)
  })

  it.each([
    ['a host on the internet', 'https://evil.example/'],
    ['loopback as the user name of another host', 'http://localhost@evil.example/'],
    ['a host whose name starts like loopback', 'http://127.0.0.1.evil.example/'],
    ['a non-web scheme on loopback', 'file://localhost/etc/passwd'],
  ])('refuses (403) an activity asking for replies at %s; the bot neither runs nor answers', async (_what, serviceUrl) => {
    const before = await stored(t)
    const response = await postActivity(t, activity('hello', { serviceUrl, from: { id: `user-${unique()}` } }))
    expect(response.status).toBe(403)
    expect(await response.json()).toEqual({ error: 'untrusted serviceUrl' })
    expect(await stored(t)).toEqual(before)
  })

  it('never lets a caller speak as a built-in Direct Line visitor (403): their notifications cannot be redirected', async () => {
    const session = (await (await fetch(`${t.url}/webchat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { userId: string }
    const before = await stored(t)
    const response = await postActivity(t, activity('hello', { channelId: 'directline', from: { id: session.userId }, conversation: { id: `attacker-${unique()}` } }))
    expect(response.status).toBe(403)
    expect(await stored(t)).toEqual(before)
  })

  it('answers the Emulator on loopback: the reply reaches its connector and the visitor is known', async () => {
    const before = await stored(t)
    const conversation = `conv-${unique()}`
    const response = await postActivity(t, activity('hello', { conversation: { id: conversation }, from: { id: 'emulator-user' } }))
    expect(response.status).toBe(200)
    const replies = received.slice(before.posted)
    expect(replies.map((reply) => reply.path)).toEqual([expect.stringMatching(new RegExp(`^/v3/conversations/${conversation}/activities/`))])
    expect(replies[0]!.body.text).toBe('Hello! This is the after-sales service desk. What can we help you with?')
    expect(await t.db.prisma.channelIdentity.findUnique({ where: { channel_address: { channel: 'webchat', address: 'emulator:emulator-user' } } })).not.toBeNull()
  })

  it('never sends a notification through a stored conversation reference that points at an untrusted host', async () => {
    const user = `user-${unique()}`
    const conversation = `conv-${unique()}`
    const say = async (text: string) => {
      const before = received.length
      const response = await postActivity(t, activity(text, { conversation: { id: conversation }, from: { id: user } }))
      expect(response.status, text).toBe(200)
      return received
        .slice(before)
        .map((reply) => reply.body.text as string)
        .join('\n')
    }
    expect(await say('hello')).toContain('What can we help you with?')
    for (const answer of ['1', 'WM-800', 'SN-88001', 'The drum does not turn', 'skip', '88 Century Avenue, Shanghai', 'Li Wei']) await say(answer)
    const number = /SR-\d{4}-\d{6}/.exec(await say('YES'))?.[0]
    expect(number).toBeDefined()
    expect((await t.getJson(`/api/tickets/${number}`)).channel).toBe('webchat')

    // Someone with database access (or a bug) points the customer's reference elsewhere.
    const identity = await t.db.prisma.channelIdentity.findUniqueOrThrow({ where: { channel_address: { channel: 'webchat', address: `emulator:${user}` } } })
    expect((identity.reference as Json).serviceUrl).toBe(connector.url)
    await t.db.prisma.channelIdentity.update({ where: { id: identity.id }, data: { reference: { ...(identity.reference as Json), serviceUrl: 'https://evil.example/' } } })
    const postedBefore = received.length

    const responded = await t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify({ action: 'respond', technician: 'Wang Gong' }) })
    expect(responded.status).toBe(200)
    // The first attempt's outcome: sent, failed, or an error to retry after.
    const message = await eventually(
      () => t.db.prisma.message.findFirst({ where: { kind: 'response_notification', ticket: { number }, OR: [{ status: { in: ['sent', 'failed'] } }, { lastError: { not: null } }] } }),
      'the first attempt at the notification',
    )
    // Refused for good on the first attempt, without a try at the host, and said why.
    expect(message).toMatchObject({ status: 'failed', attempts: 1, lastError: expect.stringContaining('serviceUrl is not a trusted') })
    expect(received.length).toBe(postedBefore)
  })
})
