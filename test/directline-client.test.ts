/**
 * The built-in Direct Line driven by Microsoft's own client, botframework-directlinejs (what Web
 * Chat runs in the visitor's browser), over real HTTP and WebSocket on loopback, in both of its
 * modes (issue 18): it connects, its messages are answered once each and in order, a message sent
 * again is answered once, it resumes from a watermark without replaying, its token refresh keeps
 * it going, a lapsed token is reported as ExpiredToken and reconnect() recovers, and
 * getSessionId is answered.
 */
import { randomBytes } from 'node:crypto'
import { type Activity, ConnectionStatus } from 'botframework-directlinejs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { REFRESH_GRACE_MS, TOKEN_EXPIRES_IN_SECONDS } from '../src/channels/webchat/directline/store.ts'
import { type DirectLineClient, type DirectLineClientOptions, directLineClient } from './support/directline-client.ts'
import { eventually, startWorld, type World } from './support/world.ts'

const GREETING = 'Hello! This is the after-sales service desk. What can we help you with?'
const ASK_MODEL = 'Which product is it? Please send the model as printed on its label (for example X200).'
const ASK_SERIAL = expect.stringMatching(/serial number/)
const POLLING_INTERVAL_MS = 200

let world: World
const clients: DirectLineClient[] = []
beforeAll(async () => {
  world = await startWorld()
})
afterEach(() => {
  for (const client of clients.splice(0)) client.end()
})
afterAll(() => world.close())

interface Session {
  conversationId: string
  token: string
  userId: string
  resumeKey: string
}

/** What the chat page does first: a conversation and its token, or a fresh token for the saved one. */
async function session(resume?: Session): Promise<Session> {
  const response = await fetch(`${world.t.url}/webchat/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ locale: 'en-US', ...(resume && { resume: { conversationId: resume.conversationId, resumeKey: resume.resumeKey } }) }),
  })
  expect(response.status).toBe(200)
  return (await response.json()) as Session
}

const dl = (path: string, token?: string, init: RequestInit = {}) =>
  fetch(`${world.t.url}/v3/directline${path}`, { ...init, headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) } })

function connect(options: Omit<DirectLineClientOptions, 'url'>): DirectLineClient {
  const client = directLineClient({ url: world.t.url, pollingInterval: POLLING_INTERVAL_MS, ...options })
  clients.push(client)
  return client
}

const online = (client: DirectLineClient) => eventually(() => client.status() === ConnectionStatus.Online, 'the client online')

/** As Web Chat sends them: the page's join event, and the visitor's messages with their client id. */
const join = (userId: string) => ({ type: 'event', name: 'webchat/join', value: { locale: 'en-US' }, from: { id: userId } }) as Activity
const message = (userId: string, text: string, clientActivityID = randomBytes(6).toString('hex')) => ({ type: 'message', text, from: { id: userId }, channelData: { clientActivityID } }) as Activity

/** The visitor's transcript as Web Chat would show it: who said what, in the order it came. */
const transcript = (activities: Activity[]) =>
  activities.map((activity) => [activity.from.role, activity.type === 'message' ? activity.text : `${activity.type}:${(activity as { name?: string }).name}`])

/** As Web Chat keeps the transcript: one activity per id, where it first came. */
const onePerId = (activities: Activity[]) => activities.filter((activity, index) => activities.findIndex((other) => other.id === activity.id) === index)

/** Waits for a text (or a matcher's) to arrive on the client's activity$. */
const arrived = (client: DirectLineClient, text: string | RegExp) =>
  eventually(() => client.received.some((activity) => activity.type === 'message' && (typeof text === 'string' ? activity.text === text : text.test(activity.text ?? ''))), `“${text}” on activity$`)

/** A new conversation the client has joined, the bot's greeting received. */
async function greeted(webSocket: boolean, options: Partial<DirectLineClientOptions> = {}) {
  const visitor = await session()
  const client = connect({ token: visitor.token, webSocket, ...options })
  await online(client)
  expect(await client.post(join(visitor.userId))).toMatch(new RegExp(`^${visitor.conversationId}\\|\\d+$`))
  await arrived(client, GREETING)
  return { visitor, client }
}

const opening = [
  ['user', 'event:webchat/join'],
  ['bot', GREETING],
]

describe.each([
  ['WebSocket', true],
  ['polling', false],
])('DirectLineJS (%s) against the built-in Direct Line', (_mode, webSocket) => {
  it('connects, and the visitor’s messages are answered once each, in order', async () => {
    const { visitor, client } = await greeted(webSocket)
    const id = await client.post(message(visitor.userId, '1', 'first-answer'))
    await arrived(client, ASK_MODEL)
    expect(transcript(client.received)).toEqual([...opening, ['user', '1'], ['bot', ASK_MODEL]])
    // Web Chat replaces its pending bubble with the echo that has the id and client id it sent.
    expect(client.received.find((activity) => activity.id === id)).toMatchObject({ text: '1', from: { id: visitor.userId }, channelData: { clientActivityID: 'first-answer' } })
    expect(client.statuses).toEqual([ConnectionStatus.Uninitialized, ConnectionStatus.Connecting, ConnectionStatus.Online])
    const polls = client.calls.filter((call) => call.method === 'GET' && call.url.includes('/activities'))
    if (webSocket) {
      expect(client.sockets).toHaveLength(1)
      expect(polls).toEqual([])
    } else {
      expect(client.sockets).toHaveLength(0)
      expect(polls.length).toBeGreaterThan(0)
      expect(polls.every((call) => call.status === 200)).toBe(true)
    }
  })

  it('a message sent again (Web Chat’s Retry, the same client id) is stored and answered once', async () => {
    const { visitor, client } = await greeted(webSocket)
    const again = message(visitor.userId, '1', 'sent-twice')
    const first = await client.post(again)
    expect(await client.post({ ...again })).toBe(first)
    // The next message's answer comes after anything the second send could have caused.
    await client.post(message(visitor.userId, 'WM-800'))
    await arrived(client, /serial number/)
    expect(transcript(client.received)).toEqual([...opening, ['user', '1'], ['bot', ASK_MODEL], ['user', 'WM-800'], ['bot', ASK_SERIAL]])
  })

  it('resumes the conversation from a watermark: what came after it arrives once, nothing before it again', async () => {
    const { visitor, client } = await greeted(webSocket)
    const { watermark } = (await (await dl(`/conversations/${visitor.conversationId}/activities`, visitor.token)).json()) as { watermark: string }
    await client.post(message(visitor.userId, '1'))
    await arrived(client, ASK_MODEL)
    client.end()

    const resumed = connect({ token: visitor.token, webSocket, conversationId: visitor.conversationId, watermark })
    await online(resumed)
    await arrived(resumed, ASK_MODEL)
    // DirectLineJS asks for the conversation again with the watermark it was given.
    expect(resumed.calls[0]).toMatchObject({ method: 'GET', url: `${world.t.url}/v3/directline/conversations/${visitor.conversationId}?watermark=${watermark}`, status: 200 })
    await resumed.post(message(visitor.userId, 'WM-800'))
    await arrived(resumed, /serial number/)
    expect(transcript(resumed.received)).toEqual([
      ['user', '1'],
      ['bot', ASK_MODEL],
      ['user', 'WM-800'],
      ['bot', ASK_SERIAL],
    ])
  })

  it('refreshes its token on its timer and carries on once the old token has lapsed', async () => {
    const { visitor, client } = await greeted(webSocket, { refreshAfterMs: 300 })
    const refresh = await eventually(() => client.calls.find((call) => call.url.endsWith('/tokens/refresh')), 'the library’s token refresh')
    expect(refresh).toMatchObject({ method: 'POST', authorization: `Bearer ${visitor.token}`, status: 200 })
    // Polls are one at a time: once one has gone with the new token, none is left with the old.
    const refreshedAt = client.calls.indexOf(refresh)
    if (!webSocket) await eventually(() => client.calls.slice(refreshedAt + 1).some((call) => call.authorization !== `Bearer ${visitor.token}`), 'a poll with the new token')
    const sinceRefresh = client.calls.length
    world.t.clock.advance(REFRESH_GRACE_MS + 1000)
    expect((await dl(`/conversations/${visitor.conversationId}/activities`, visitor.token)).status).toBe(403)

    expect(await client.post(message(visitor.userId, '1'))).not.toBe('retry')
    await arrived(client, ASK_MODEL)
    expect(transcript(client.received)).toEqual([...opening, ['user', '1'], ['bot', ASK_MODEL]])
    expect(client.status()).toBe(ConnectionStatus.Online)
    const later = client.calls.slice(sinceRefresh)
    expect(later.length).toBeGreaterThan(0)
    expect(later.every((call) => call.status === 200 && call.authorization !== `Bearer ${visitor.token}`)).toBe(true)
  })

  it('reports ExpiredToken when its token has lapsed, and reconnect() with a fresh one carries on', async () => {
    const { visitor, client } = await greeted(webSocket)
    world.t.clock.advance(TOKEN_EXPIRES_IN_SECONDS * 1000 + 1000)

    const answer = message(visitor.userId, '1', 'after-expiry')
    expect(await client.post(answer)).toBe('retry')
    await eventually(() => client.status() === ConnectionStatus.ExpiredToken, 'ExpiredToken')
    if (!webSocket) {
      // DirectLineJS's polling loop ends at its next turn while the status is not Online; reconnecting
      // before that turn would leave it running beside the new loop, each emitting what it reads.
      await eventually(() => Date.now() - (client.calls.filter((call) => call.url.includes('/activities?')).at(-1)?.at ?? 0) > 2 * POLLING_INTERVAL_MS, 'the old polling loop stopped')
    }

    // The page gets a fresh token for its conversation and hands it over, as Web Chat's hosts do.
    const fresh = await session(visitor)
    expect(fresh.conversationId).toBe(visitor.conversationId)
    const { watermark } = (await (await dl(`/conversations/${visitor.conversationId}/activities`, fresh.token)).json()) as { watermark: string }
    const reconnected = await dl(`/conversations/${visitor.conversationId}?watermark=${watermark}`, fresh.token)
    expect(reconnected.status).toBe(200)
    client.directLine.reconnect((await reconnected.json()) as { conversationId: string; token: string; streamUrl: string })
    expect(client.status()).toBe(ConnectionStatus.Online)

    // Web Chat's Retry: the refused message again, now stored and answered, once.
    expect(await client.post(answer)).not.toBe('retry')
    await arrived(client, ASK_MODEL)
    await client.post(message(visitor.userId, 'WM-800'))
    await arrived(client, /serial number/)
    const expected = [...opening, ['user', '1'], ['bot', ASK_MODEL], ['user', 'WM-800'], ['bot', ASK_SERIAL]]
    // In WebSocket mode DirectLineJS opens a new stream on each change of status (ExpiredToken, then
    // Online again) while the first one is still open, so activity$ may repeat an activity: Web Chat
    // keeps one activity per id. Polling has no such second reader.
    expect(transcript(webSocket ? onePerId(client.received) : client.received)).toEqual(expected)
    const stored = (await (await dl(`/conversations/${visitor.conversationId}/activities`, fresh.token)).json()) as { activities: Activity[] }
    expect(transcript(stored.activities)).toEqual(expected)
  })
})

describe('DirectLineJS (WebSocket) after its stream drops', () => {
  it('reconnects from its watermark: what was said meanwhile arrives once, nothing earlier again', async () => {
    const { visitor, client } = await greeted(true)
    const [first] = client.sockets
    first!.close()
    await eventually(() => first!.readyState === first!.CLOSED, 'the stream closed')
    // Meanwhile the visitor answers from another tab.
    const response = await dl(`/conversations/${visitor.conversationId}/activities`, visitor.token, {
      method: 'POST',
      body: JSON.stringify(message(visitor.userId, '1')),
    })
    expect(response.status).toBe(200)

    // DirectLineJS waits 3 s (its shortest back-off), asks for a new stream URL with its watermark, and reopens.
    await arrived(client, ASK_MODEL)
    expect(client.sockets).toHaveLength(2)
    const again = client.calls.find((call) => call.method === 'GET' && call.url.includes(`/conversations/${visitor.conversationId}?watermark=`))
    expect(again?.url).toMatch(/watermark=\d+$/)
    await client.post(message(visitor.userId, 'WM-800'))
    await arrived(client, /serial number/)
    expect(transcript(client.received)).toEqual([...opening, ['user', '1'], ['bot', ASK_MODEL], ['user', 'WM-800'], ['bot', ASK_SERIAL]])
  })
})

describe('DirectLineJS and tokens', () => {
  it('cannot start with a lapsed token: FailedToConnect, as with Azure', async () => {
    const visitor = await session()
    world.t.clock.advance(TOKEN_EXPIRES_IN_SECONDS * 1000 + 1000)
    const client = connect({ token: visitor.token, webSocket: false })
    await eventually(() => client.status() === ConnectionStatus.FailedToConnect, 'FailedToConnect')
    expect(client.calls).toEqual([expect.objectContaining({ method: 'POST', url: `${world.t.url}/v3/directline/conversations`, status: 403 })])
  })

  it('answers getSessionId (GET /session/getsessionid) with the visitor’s session id, the same for each of its tokens, and only with a token', async () => {
    const visitor = await session()
    const client = connect({ token: visitor.token, webSocket: false })
    const sessionId = await new Promise<string>((resolve, reject) => client.directLine.getSessionId().subscribe({ next: resolve, error: reject }))
    expect(sessionId).toMatch(/^[\w-]{20,}$/)
    expect(client.calls.find((call) => call.url.endsWith('/session/getsessionid'))).toMatchObject({ method: 'GET', status: 200 })

    const fresh = await session(visitor)
    const again = await dl('/session/getsessionid', fresh.token)
    expect(again.status).toBe(200)
    expect(await again.json()).toEqual({ sessionId })
    const other = await session()
    expect(((await (await dl('/session/getsessionid', other.token)).json()) as { sessionId: string }).sessionId).not.toBe(sessionId)

    const missing = await dl('/session/getsessionid')
    expect(missing.status).toBe(401)
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('Unauthorized')
    const refused = await dl('/session/getsessionid', 'not-a-token')
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('TokenExpired')
  })
})
