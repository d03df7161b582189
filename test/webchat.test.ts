/**
 * Web chat without a browser: the built-in Direct Line 3.0 protocol over HTTP and WebSocket,
 * Bot Framework's /api/messages with and without an app id, Azure Direct Line tokens, and
 * notifications reaching web-chat customers proactively.
 */
import { randomBytes } from 'node:crypto'
import express from 'express'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { listen, startTestApp, type TestApp } from './support/app.ts'
import { FakeBotConnector } from './fakes/bot-connector.ts'
import { eventually, startWorld, type World } from './support/world.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any

let world: World
beforeAll(async () => {
  world = await startWorld()
  await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong' }) })
})
afterAll(() => world.close())

const dl = (path: string, token?: string, init: RequestInit = {}) =>
  fetch(`${world.t.url}/v3/directline${path}`, {
    ...init,
    headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }), ...init.headers },
  })

async function session(): Promise<{ conversationId: string; token: string; userId: string }> {
  const response = await fetch(`${world.t.url}/webchat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ locale: 'en-US' }) })
  expect(response.status).toBe(200)
  return (await response.json()) as Json
}

const post = (conversationId: string, token: string, activity: object) => dl(`/conversations/${conversationId}/activities`, token, { method: 'POST', body: JSON.stringify(activity) })
const say = (conversationId: string, token: string, text: string, clientActivityID = randomBytes(6).toString('hex')) =>
  post(conversationId, token, { type: 'message', text, from: { id: 'anyone' }, channelData: { clientActivityID } })
async function activities(conversationId: string, token: string, watermark = ''): Promise<{ activities: Json[]; watermark: string }> {
  const response = await dl(`/conversations/${conversationId}/activities?watermark=${watermark}`, token)
  expect(response.status).toBe(200)
  return (await response.json()) as Json
}
const botTexts = (list: Json[]) => list.filter((activity) => activity.from.role === 'bot').map((activity) => activity.text as string)

describe('Direct Line 3.0, built in', () => {
  it('starts a conversation, takes the visitor’s activities, and returns the bot’s replies after a watermark', async () => {
    const { conversationId, token, userId } = await session()
    const started = await dl('/conversations', token, { method: 'POST' })
    expect(started.status).toBe(201)
    const body = (await started.json()) as Json
    expect(body).toMatchObject({ conversationId, token, expires_in: 1800 })
    expect(body.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/v3/directline/conversations/${conversationId}/stream\\?t=`))

    const joined = await post(conversationId, token, { type: 'event', name: 'webchat/join', value: { locale: 'en-US' }, from: { id: 'spoofed' } })
    expect(joined.status).toBe(200)
    expect(((await joined.json()) as Json).id).toBe(`${conversationId}|0000001`)

    const first = await activities(conversationId, token)
    expect(first.activities.map((activity) => activity.type)).toEqual(['event', 'message'])
    // The visitor is who the token says, whatever the client claimed.
    expect(first.activities[0].from).toEqual({ id: userId, role: 'user' })
    const greeting = first.activities[1]
    expect(greeting).toMatchObject({ from: { role: 'bot' }, text: 'Hello! This is the after-sales service desk. What can we help you with?', locale: 'en', replyToId: `${conversationId}|0000001` })
    expect(greeting.suggestedActions.actions.map((action: Json) => [action.title, action.value])).toEqual([
      ['Repair', '1'],
      ['Installation', '2'],
      ['Maintenance', '3'],
      ['Spare parts', '4'],
      ['Technical support', '5'],
      ['Training', '6'],
    ])

    await say(conversationId, token, '1')
    const next = await activities(conversationId, token, first.watermark)
    expect(next.activities.map((activity) => activity.text)).toEqual(['1', 'Which product is it? Please send the model as printed on its label (for example X200).'])
    expect(Number(next.watermark)).toBeGreaterThan(Number(first.watermark))
    expect((await activities(conversationId, token, next.watermark)).activities).toEqual([])
  })

  it('behind a TLS proxy at PUBLIC_URL, gives the browser a wss:// stream at the public address (issue 18)', async () => {
    const { conversationId, token } = await session()
    // The proxy terminates TLS and talks plain HTTP to us; it names the public host it was asked for.
    const proxied = await dl('/conversations', token, { method: 'POST', headers: { 'x-forwarded-host': 'aftercare.example.test', 'x-forwarded-proto': 'http' } })
    expect([200, 201]).toContain(proxied.status)
    expect(((await proxied.json()) as Json).streamUrl).toMatch(new RegExp(`^wss://aftercare\\.example\\.test/v3/directline/conversations/${conversationId}/stream\\?t=`))
    // Asked directly (no proxy), the address asked.
    const direct = await dl(`/conversations/${conversationId}`, token)
    expect(((await direct.json()) as Json).streamUrl).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\//)
  })

  it('answers as Direct Line 3.0 does: errors as { error: { code, message } }, 201 for a start and 200 for a start again (issue 18)', async () => {
    const { conversationId, token } = await session()
    expect((await dl('/conversations', token, { method: 'POST' })).status).toBe(201)
    await post(conversationId, token, { type: 'event', name: 'webchat/join', value: { locale: 'en-US' }, from: { id: 'x' } })
    expect((await dl('/conversations', token, { method: 'POST' })).status).toBe(200)
    const unknown = await dl('/conversations/nope/activities', token)
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({ error: { code: 'NotFound', message: 'no conversation nope' } })
    const expired = await dl(`/conversations/${conversationId}/activities`, 'not-a-token')
    expect(expired.status).toBe(403)
    expect(((await expired.json()) as Json).error.code).toBe('TokenExpired')
    const malformed = await dl(`/conversations/${conversationId}/activities`, token, { method: 'POST', body: '{"type":' })
    expect(malformed.status).toBe(400)
    expect(((await malformed.json()) as Json).error.code).toBe('BadArgument')
    const nowhere = await dl('/no-such-thing', token)
    expect(nowhere.status).toBe(404)
    expect(((await nowhere.json()) as Json).error).toEqual({ code: 'NotFound', message: 'no such Direct Line endpoint' })
  })

  it('processes an activity posted twice (same client id) once', async () => {
    const { conversationId, token } = await session()
    await post(conversationId, token, { type: 'event', name: 'webchat/join', value: {} })
    const a = await say(conversationId, token, '2', 'client-1')
    const b = await say(conversationId, token, '2', 'client-1')
    expect(((await a.json()) as Json).id).toBe(((await b.json()) as Json).id)
    const all = (await activities(conversationId, token)).activities
    expect(all.filter((activity) => activity.text === '2')).toHaveLength(1)
    expect(botTexts(all).filter((text) => text.startsWith('Which product'))).toHaveLength(1)
  })

  it('keeps visitors apart: another conversation’s token is refused with 403', async () => {
    const mine = await session()
    const theirs = await session()
    await say(theirs.conversationId, theirs.token, 'hello')
    expect((await dl(`/conversations/${theirs.conversationId}/activities`, mine.token)).status).toBe(403)
    expect((await say(theirs.conversationId, mine.token, 'let me in')).status).toBe(403)
    expect((await dl(`/conversations/${theirs.conversationId}`, mine.token)).status).toBe(403)
    const theirActivities = (await activities(theirs.conversationId, theirs.token)).activities
    expect(theirActivities.some((activity) => activity.text === 'let me in')).toBe(false)
  })

  it('answers 401 without a token, 403 for a bad one, 404 for an unknown conversation', async () => {
    const { conversationId, token } = await session()
    const missing = await dl(`/conversations/${conversationId}/activities`)
    expect(missing.status).toBe(401)
    expect(await missing.json()).toEqual({ error: { code: 'Unauthorized', message: 'missing Direct Line token (Authorization: Bearer …)' } })
    expect((await dl(`/conversations/${conversationId}/activities`, 'not-a-token')).status).toBe(403)
    expect((await dl('/conversations/no-such-conversation/activities', token)).status).toBe(404)
  })

  it.each([
    ['not JSON', '{"type": "message",'],
    ['no type', JSON.stringify({ text: 'hi' })],
    ['a message with nothing in it', JSON.stringify({ type: 'message' })],
    ['an array', JSON.stringify([{ type: 'message', text: 'hi' }])],
  ])('answers 400 to a malformed activity (%s) and stores nothing', async (_what, body) => {
    const { conversationId, token } = await session()
    const response = await dl(`/conversations/${conversationId}/activities`, token, { method: 'POST', body })
    expect(response.status).toBe(400)
    expect((await activities(conversationId, token)).activities).toEqual([])
  })

  it('refreshes a token: the new one opens the same conversation, the old one stops after a short grace', async () => {
    const { conversationId, token } = await session()
    const refreshed = (await (await dl('/tokens/refresh', token, { method: 'POST' })).json()) as Json
    expect(refreshed).toMatchObject({ conversationId, expires_in: 1800 })
    expect(refreshed.token).not.toBe(token)
    const reconnect = await dl(`/conversations/${conversationId}?watermark=3`, refreshed.token)
    expect(reconnect.status).toBe(200)
    expect(((await reconnect.json()) as Json).streamUrl).toContain('watermark=3')
    // Requests already on their way with the old token still work for a moment…
    expect((await dl(`/conversations/${conversationId}/activities`, token)).status).toBe(200)
    world.t.clock.advance(61_000)
    // …then it is refused, and the new one carries on: the visitor talks, the bot answers.
    expect((await dl(`/conversations/${conversationId}/activities`, token)).status).toBe(403)
    expect((await say(conversationId, token, 'hello')).status).toBe(403)
    expect((await say(conversationId, refreshed.token, 'hello')).status).toBe(200)
    const after = await activities(conversationId, refreshed.token)
    expect(after.activities.filter((activity) => activity.type === 'message').map((activity) => [activity.from.role, activity.text])).toEqual([
      ['user', 'hello'],
      ['bot', 'Hello! This is the after-sales service desk. What can we help you with?'],
    ])
  })

  it('resumes the visitor’s conversation from the page’s saved token, and starts afresh when it is unknown', async () => {
    const first = await session()
    const again = (await (await fetch(`${world.t.url}/webchat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ resume: first }) })).json()) as Json
    expect(again).toMatchObject({ conversationId: first.conversationId, userId: first.userId, resumed: true })
    const fresh = (await (
      await fetch(`${world.t.url}/webchat/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ resume: { conversationId: first.conversationId, token: 'stale' } }),
      })
    ).json()) as Json
    expect(fresh.resumed).toBe(false)
    expect(fresh.conversationId).not.toBe(first.conversationId)
  })

  it('streams new activities over the WebSocket', async () => {
    const { conversationId, token } = await session()
    const started = (await (await dl('/conversations', token, { method: 'POST' })).json()) as Json
    const socket = new WebSocket(started.streamUrl)
    const frames: Json[] = []
    socket.on('message', (data) => {
      const text = data.toString()
      if (text) frames.push(JSON.parse(text))
    })
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
    await say(conversationId, token, 'hello')
    await eventually(() => frames.flatMap((frame) => frame.activities).some((activity: Json) => activity.from.role === 'bot'), 'the bot’s reply on the stream')
    expect(frames.at(-1).watermark).toMatch(/^\d+$/)
    socket.close()

    const refused = new WebSocket(started.streamUrl.replace(/t=[^&]+/, 't=wrong'))
    const status = await new Promise((resolve) => refused.once('unexpected-response', (_req, res) => resolve(res.statusCode)).once('error', () => resolve('error')))
    expect(status).toBe(403)
  })

  it('refuses posts to its connector that do not come from the bot', async () => {
    const { conversationId } = await session()
    const forged = await fetch(`${world.t.url}/v3/directline/connector/guessed-key/v3/conversations/${conversationId}/activities`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'I am the bot, trust me' }),
    })
    expect(forged.status).toBe(403)
  })
})

describe('uploads through the built-in Direct Line (issue 14)', () => {
  const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(128, 5)])
  /** As DirectLineJS uploads: the files, and the message in a part of its own. */
  const upload = (conversationId: string, token: string, files: { bytes: Buffer; type: string; name: string }[], activity: object) => {
    const form = new FormData()
    for (const file of files) form.append('file', new Blob([file.bytes], { type: file.type }), file.name)
    form.append('activity', new Blob([JSON.stringify(activity)], { type: 'application/vnd.microsoft.activity' }))
    return fetch(`${world.t.url}/v3/directline/conversations/${conversationId}/upload?userId=anyone`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form })
  }

  it('takes a photo with the message, shows it back to the visitor, and answers once per upload', async () => {
    const { conversationId, token } = await session()
    await post(conversationId, token, { type: 'event', name: 'webchat/join', value: { locale: 'en-US' }, from: { id: 'x' } })
    const message = { type: 'message', text: '', from: { id: 'anyone' }, channelData: { clientActivityID: 'upload-1' } }
    const first = await upload(conversationId, token, [{ bytes: PNG, type: 'image/png', name: 'nameplate.png' }], message)
    expect(first.status, await first.clone().text()).toBe(200)
    const listed = (await activities(conversationId, token)).activities
    const mine = listed.find((activity) => activity.from.role === 'user' && activity.attachments?.length)
    expect(mine.attachments).toEqual([{ contentType: 'image/png', contentUrl: expect.stringMatching(/^\/media\/[0-9a-f-]+\?expires=\d+&signature=/), name: 'nameplate.png' }])
    expect(botTexts(listed)).toContain('Photo received, thank you.')
    // The visitor's page shows it from our copy.
    const shown = await fetch(`${world.t.url}${mine.attachments[0].contentUrl}`)
    expect(Buffer.from(await shown.arrayBuffer()).equals(PNG)).toBe(true)
    // DirectLineJS retrying the same upload: no second file, no second answer.
    const before = botTexts((await activities(conversationId, token)).activities).length
    expect((await upload(conversationId, token, [{ bytes: PNG, type: 'image/png', name: 'nameplate.png' }], message)).status).toBe(200)
    expect(botTexts((await activities(conversationId, token)).activities)).toHaveLength(before)
    expect(await world.t.db.prisma.attachment.count({ where: { providerMessageId: `${conversationId}|upload|upload-1` } })).toBe(1)
  })

  it('refuses a program dressed as a photo with a message, takes no upload without a file, and none for another conversation', async () => {
    const { conversationId, token } = await session()
    const exe = { bytes: Buffer.concat([Buffer.from('MZ'), Buffer.alloc(64)]), type: 'image/jpeg', name: 'photo.jpg' }
    expect((await upload(conversationId, token, [exe], { type: 'message', text: 'hi', from: { id: 'x' } })).status).toBe(200)
    await eventually(async () => botTexts((await activities(conversationId, token)).activities).some((text) => text.startsWith('We could not take a file you sent')), 'the refusal')
    const empty = await fetch(`${world.t.url}/v3/directline/conversations/${conversationId}/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: new FormData() })
    expect(empty.status).toBe(400)
    const other = await session()
    expect((await upload(other.conversationId, token, [exe], { type: 'message', from: { id: 'x' } })).status).toBe(403)
  })
})

describe('notifications to web-chat customers', () => {
  it('a staff response reaches the visitor’s conversation without them typing', async () => {
    const { conversationId, token } = await session()
    await post(conversationId, token, { type: 'event', name: 'webchat/join', value: { locale: 'en-US' } })
    for (const text of ['1', 'WM-800', 'skip', 'Leaks', 'skip', '1 Main Street', 'Ann']) await say(conversationId, token, text)
    await say(conversationId, token, 'YES')
    const done = botTexts((await activities(conversationId, token)).activities).at(-1)!
    const number = /SR-\d{4}-\d{6}/.exec(done)![0]
    expect((await world.t.getJson(`/api/tickets/${number}`)).channel).toBe('webchat')
    const before = (await activities(conversationId, token)).watermark

    await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify({ action: 'respond', technician: 'Wang Gong' }) })
    const arrived = await eventually(async () => botTexts((await activities(conversationId, token, before)).activities).find((text) => text.includes('has been accepted')), 'the notification')
    expect(arrived).toContain(`Your request ${number} has been accepted.`)
    // Recorded as sent within moments of the hand-over (the outbox writes them in batches).
    const message = await eventually(async () => {
      const row = await world.t.db.prisma.message.findFirstOrThrow({ where: { kind: 'response_notification', ticket: { number } } })
      return row.status === 'sent' && row
    }, 'the notification recorded as sent')
    expect(message).toMatchObject({ status: 'sent', channel: 'webchat', providerId: expect.stringContaining(conversationId) })

    // The resolution comes with Yes/No buttons; a click (its value) confirms.
    await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify({ action: 'arrive' }) })
    await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify({ action: 'diagnose', rootCause: 'wear', findings: 'Worn seal' }) })
    await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify({ action: 'test', passed: true }) })
    await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify({ action: 'resolve', solution: 'New seal' }) })
    const resolution = await eventually(async () => (await activities(conversationId, token)).activities.find((activity) => String(activity.text).includes('Your service record')), 'the resolution')
    expect(resolution.suggestedActions.actions.map((action: Json) => action.title)).toEqual(['Yes, fixed', 'No, not fixed'])
    await say(conversationId, token, 'YES')
    expect((await world.t.getJson(`/api/tickets/${number}`)).status).toBe('completed')
  })
})

describe('Bot Framework /api/messages', () => {
  // Stands in for the Bot Connector (or the Bot Framework Emulator) the bot answers to.
  const connector = new FakeBotConnector()
  const received = connector.received
  beforeAll(() => connector.start())
  afterAll(() => connector.stop())

  const activity = (text: string, id = randomBytes(4).toString('hex')) => ({
    type: 'message',
    id,
    text,
    channelId: 'emulator',
    serviceUrl: connector.url,
    from: { id: 'user-1', name: 'User' },
    recipient: { id: 'bot', name: 'Bot' },
    conversation: { id: 'conv-1' },
    locale: 'en-US',
    timestamp: new Date().toISOString(),
  })

  it('with BOT_EMULATOR and no app id, runs the bot for the Emulator on loopback, which it answers', async () => {
    const emulator = await startTestApp({ env: { BOT_EMULATOR: 'true' } })
    try {
      const response = await fetch(`${emulator.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity('hello')) })
      expect(response.status).toBe(200)
      expect(received.at(-1)!.path).toMatch(/^\/v3\/conversations\/conv-1\/activities\//)
      expect(received.at(-1)!.body.text).toBe('Hello! This is the after-sales service desk. What can we help you with?')
      const malformed = await fetch(`${emulator.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '"just a string"' })
      expect(malformed.status).toBe(400)
    } finally {
      await emulator.close()
    }
  })

  it('takes the files of another channel’s activity (Azure Direct Line, the Emulator): hosted on a trusted host or inline, never from elsewhere (issue 14)', async () => {
    const emulator = await startTestApp({ env: { BOT_EMULATOR: 'true' } })
    try {
      const png = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64, 3)])
      const jpeg = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(64, 4)])
      const message = {
        ...activity(''),
        from: { id: 'user-photos', name: 'User' },
        attachments: [
          { contentType: 'image/png', contentUrl: connector.hostFile(png, 'image/png'), name: 'display.png' },
          { contentType: 'image/jpeg', contentUrl: `data:image/jpeg;base64,${jpeg.toString('base64')}` },
          { contentType: 'image/png', contentUrl: 'https://files.evil.example/steal.png' },
          { contentType: 'application/vnd.microsoft.card.hero', content: { title: 'not a file' } },
        ],
      }
      const before = connector.fileRequests.length
      const response = await fetch(`${emulator.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) })
      expect(response.status).toBe(200)
      expect(received.at(-2)!.body.text).toBe('2 photos received, thank you.')
      expect(connector.fileRequests.length - before).toBe(1)
      const kept = await emulator.db.prisma.attachment.findMany({ where: { channel: 'webchat', address: 'emulator:user-photos' }, orderBy: { position: 'asc' } })
      expect(kept.map((file) => [file.status, file.contentType, file.bytes])).toEqual([
        ['stored', 'image/png', png.length],
        ['stored', 'image/jpeg', jpeg.length],
      ])
    } finally {
      await emulator.close()
    }
  })

  describe('with an app id configured', () => {
    let secured: TestApp
    beforeAll(async () => {
      secured = await startTestApp({ env: { MICROSOFT_APP_ID: '00000000-0000-4000-8000-000000000001', MICROSOFT_APP_PASSWORD: 'secret' } })
    })
    afterAll(() => secured.close())

    it('refuses a request without a Bot Framework token (401), and the bot does not run', async () => {
      const before = received.length
      const response = await fetch(`${secured.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity('hello')) })
      expect(response.status).toBe(401)
      expect(received.length).toBe(before)
      expect(await secured.db.prisma.message.count()).toBe(0)
    })

    it('turns the built-in Direct Line off (503), pointing to DIRECT_LINE_SECRET', async () => {
      const response = await fetch(`${secured.url}/v3/directline/tokens/generate`, { method: 'POST' })
      expect(response.status).toBe(503)
      expect(((await response.json()) as Json).error).toContain('DIRECT_LINE_SECRET')
    })
  })
})

describe('Azure Direct Line tokens (DIRECT_LINE_SECRET)', () => {
  it('the page gets a token minted with the secret; the secret never reaches it', async () => {
    const calls: { path: string; authorization?: string; body: Json }[] = []
    const fake = express()
    fake.post('/v3/directline/tokens/:what', express.json(), (req, res) => {
      calls.push({ path: req.path, authorization: req.header('authorization'), body: req.body })
      res.json({ conversationId: 'azure-conv-1', token: 'short-lived-token', expires_in: 3600 })
    })
    const azure = await listen(fake)
    const app = await startTestApp({ env: { MICROSOFT_APP_ID: '00000000-0000-4000-8000-000000000002', DIRECT_LINE_SECRET: 'the-direct-line-secret', DIRECT_LINE_URL: azure.url } })
    try {
      const response = await fetch(`${app.url}/webchat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
      const text = await response.text()
      expect(response.status).toBe(200)
      expect(text).not.toContain('the-direct-line-secret')
      expect(JSON.parse(text)).toMatchObject({ mode: 'azure', domain: `${azure.url}/v3/directline`, token: 'short-lived-token', conversationId: 'azure-conv-1', resumed: false })
      expect(calls).toEqual([{ path: '/v3/directline/tokens/generate', authorization: 'Bearer the-direct-line-secret', body: { user: { id: expect.stringMatching(/^web_/) } } }])
    } finally {
      await app.close()
      azure.server.close()
    }
  })
})
