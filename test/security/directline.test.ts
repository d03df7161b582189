/**
 * The built-in Direct Line keeps visitors apart and forgets what it should: the server, never
 * the client, decides who a visitor is; a token opens its conversation for 30 minutes (and a
 * refreshed one for a minute more), after which only the page's resume key brings the visitor
 * back to the same conversation; conversations nobody wrote in are deleted after an hour, and
 * every conversation seven days after it was last used.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/app.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any

interface Session {
  conversationId: string
  token: string
  userId: string
  resumeKey: string
  resumed: boolean
}

const json = { 'content-type': 'application/json' }

function client(t: () => TestApp) {
  const dl = (path: string, token?: string, init: RequestInit = {}) =>
    fetch(`${t().url}/v3/directline${path}`, { ...init, headers: { ...json, ...(token && { authorization: `Bearer ${token}` }), ...init.headers } })
  return {
    dl,
    /** What the chat page does first: POST /webchat/session, optionally resuming. */
    async session(body: object = { locale: 'en-US' }): Promise<Session> {
      const response = await fetch(`${t().url}/webchat/session`, { method: 'POST', headers: json, body: JSON.stringify(body) })
      expect(response.status).toBe(200)
      return (await response.json()) as Session
    },
    activities: (conversationId: string, token: string) => dl(`/conversations/${conversationId}/activities`, token),
    post: (conversationId: string, token: string, activity: object) => dl(`/conversations/${conversationId}/activities`, token, { method: 'POST', body: JSON.stringify(activity) }),
    say: (conversationId: string, token: string, text: string, from?: object) =>
      dl(`/conversations/${conversationId}/activities`, token, {
        method: 'POST',
        body: JSON.stringify({ type: 'message', text, ...(from && { from }), channelData: { clientActivityID: randomBytes(6).toString('hex') } }),
      }),
    refresh: (token: string) => dl('/tokens/refresh', token, { method: 'POST' }),
  }
}

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

describe('who the visitor is', () => {
  let t: TestApp
  const c = client(() => t)
  beforeAll(async () => {
    t = await startTestApp()
  })
  afterAll(() => t.close())

  it('is the server’s choice: a token asked for as “victim” opens a conversation of a web_… visitor', async () => {
    const response = await c.dl('/tokens/generate', undefined, { method: 'POST', body: JSON.stringify({ user: { id: 'victim' } }) })
    expect(response.status).toBe(200)
    const { conversationId, token } = (await response.json()) as Json
    const { userId } = await t.db.prisma.directLineConversation.findUniqueOrThrow({ where: { id: conversationId } })
    expect(userId).toMatch(/^web_[A-Za-z0-9_-]+$/)

    // The client keeps claiming to be the victim on every activity; it is not believed.
    expect((await c.say(conversationId, token, 'hello', { id: 'victim', name: 'Victim' })).status).toBe(200)
    const posted = ((await (await c.activities(conversationId, token)).json()) as Json).activities.filter((activity: Json) => activity.from.role === 'user')
    expect(posted.map((activity: Json) => [activity.text, activity.from.id])).toEqual([['hello', userId]])
    const identities = await t.db.prisma.channelIdentity.findMany({ where: { channel: 'webchat' }, select: { address: true } })
    expect(identities).toEqual([{ address: `directline:${userId}` }])
  })

  it('cannot be taken over by naming another visitor’s id: their conversation and customer record stay theirs', async () => {
    const victim = await c.session()
    expect((await c.say(victim.conversationId, victim.token, 'hello')).status).toBe(200)
    const victimIdentity = await t.db.prisma.channelIdentity.findUniqueOrThrow({
      where: { channel_address: { channel: 'webchat', address: `directline:${victim.userId}` } },
      include: { conversation: true },
    })
    const victimMessages = await t.db.prisma.message.count({ where: { conversationId: victimIdentity.conversation!.id } })

    const generated = (await (await c.dl('/tokens/generate', undefined, { method: 'POST', body: JSON.stringify({ user: { id: victim.userId } }) })).json()) as Json
    expect(generated.conversationId).not.toBe(victim.conversationId)
    expect((await c.say(generated.conversationId, generated.token, 'I am them', { id: victim.userId })).status).toBe(200)
    // The impostor's token does not open the victim's conversation either.
    expect((await c.activities(victim.conversationId, generated.token)).status).toBe(403)

    expect(await t.db.prisma.message.count({ where: { conversationId: victimIdentity.conversation!.id } })).toBe(victimMessages)
    const impostor = await t.db.prisma.directLineConversation.findUniqueOrThrow({ where: { id: generated.conversationId } })
    expect(impostor.userId).not.toBe(victim.userId)
    const theirs = await t.db.prisma.message.findFirstOrThrow({ where: { body: 'I am them' }, include: { conversation: { include: { identity: true } } } })
    expect(theirs.conversation.identity.address).toBe(`directline:${impostor.userId}`)
  })
})

describe('how long a token opens a conversation', () => {
  let t: TestApp
  const c = client(() => t)
  beforeAll(async () => {
    t = await startTestApp()
  })
  afterAll(() => t.close())

  it('a token works for its 30 minutes (expires_in 1800) and is refused after', async () => {
    const { conversationId, token, expiresIn } = (await c.session()) as Session & { expiresIn: number }
    expect(expiresIn).toBe(1800)
    t.clock.advance(1799_000)
    expect((await c.activities(conversationId, token)).status).toBe(200)
    t.clock.advance(2_000)
    const refused = await c.activities(conversationId, token)
    expect(refused.status).toBe(403)
    expect(await refused.json()).toEqual({ error: { code: 'TokenExpired', message: 'invalid or expired Direct Line token' } })
    expect((await c.say(conversationId, token, 'still there?')).status).toBe(403)
    // An expired token cannot be refreshed into a live one.
    expect((await c.refresh(token)).status).toBe(403)
  })

  it('after expiry, the page’s resume key brings the visitor back to the same conversation with a new token', async () => {
    const first = await c.session()
    expect(first.resumed).toBe(false)
    expect((await c.say(first.conversationId, first.token, '1')).status).toBe(200)
    t.clock.advance(1801_000)
    expect((await c.activities(first.conversationId, first.token)).status).toBe(403)

    const again = await c.session({ resume: { conversationId: first.conversationId, resumeKey: first.resumeKey } })
    expect(again).toMatchObject({ conversationId: first.conversationId, userId: first.userId, resumed: true })
    expect(again.token).not.toBe(first.token)
    const history = await c.activities(again.conversationId, again.token)
    expect(history.status).toBe(200)
    expect(((await history.json()) as Json).activities.map((activity: Json) => activity.text)).toContain('1')
    expect((await c.say(again.conversationId, again.token, 'WM-800')).status).toBe(200)
    // The old token stays dead.
    expect((await c.activities(first.conversationId, first.token)).status).toBe(403)
  })

  it('a wrong resume key, or another conversation’s key, starts a new conversation for a new visitor', async () => {
    const mine = await c.session()
    const theirs = await c.session()
    for (const resume of [
      { conversationId: mine.conversationId, resumeKey: 'guessed-resume-key' },
      { conversationId: mine.conversationId, resumeKey: theirs.resumeKey },
      { conversationId: mine.conversationId, token: mine.token.slice(0, -2) },
    ]) {
      const fresh = await c.session({ resume })
      expect(fresh.resumed, JSON.stringify(resume)).toBe(false)
      expect(fresh.conversationId).not.toBe(mine.conversationId)
      expect(fresh.conversationId).not.toBe(theirs.conversationId)
      expect(fresh.userId).not.toBe(mine.userId)
      expect((await c.activities(mine.conversationId, fresh.token)).status).toBe(403)
    }
  })

  it('a refresh gives a different token for the same conversation; the old one stops after a minute’s grace', async () => {
    const { conversationId, token } = await c.session()
    const response = await c.refresh(token)
    expect(response.status).toBe(200)
    const refreshed = (await response.json()) as Json
    expect(refreshed).toMatchObject({ conversationId, expires_in: 1800 })
    expect(refreshed.token).not.toBe(token)

    t.clock.advance(59_000)
    expect((await c.activities(conversationId, token)).status).toBe(200)
    t.clock.advance(2_000)
    expect((await c.activities(conversationId, token)).status).toBe(403)
    expect((await c.refresh(token)).status).toBe(403)
    expect((await c.activities(conversationId, refreshed.token)).status).toBe(200)
    // The new token lives its own 30 minutes from the refresh.
    t.clock.advance(1800_000 - 61_000 - 1_000)
    expect((await c.activities(conversationId, refreshed.token)).status).toBe(200)
    t.clock.advance(2_000)
    expect((await c.activities(conversationId, refreshed.token)).status).toBe(403)
  })
})

describe('what is purged', () => {
  let t: TestApp
  const c = client(() => t)
  beforeAll(async () => {
    t = await startTestApp()
  })
  afterAll(() => t.close())

  const exists = async (conversationId: string) => (await t.db.prisma.directLineConversation.count({ where: { id: conversationId } })) === 1
  const activityRows = (conversationId: string) => t.db.prisma.directLineActivity.count({ where: { conversationId } })

  it('a conversation the visitor never wrote in goes after an hour; one they wrote in stays and can be resumed', async () => {
    const opened = await c.session()
    // The page joined and the bot greeted, but the visitor never typed.
    expect((await c.post(opened.conversationId, opened.token, { type: 'event', name: 'webchat/join', value: { locale: 'en-US' } })).status).toBe(200)
    expect(await activityRows(opened.conversationId)).toBeGreaterThan(0)
    const used = await c.session()
    expect((await c.say(used.conversationId, used.token, '1')).status).toBe(200)

    t.clock.advance(59 * MINUTE)
    expect(await t.app.webchat.purge()).toBe(0)
    expect(await exists(opened.conversationId)).toBe(true)

    t.clock.advance(2 * MINUTE)
    expect(await t.app.webchat.purge()).toBe(1)
    expect(await exists(opened.conversationId)).toBe(false)
    expect(await activityRows(opened.conversationId)).toBe(0)
    expect(await t.db.prisma.directLineToken.count({ where: { conversationId: opened.conversationId } })).toBe(0)
    expect(await exists(used.conversationId)).toBe(true)

    // The visitor who never wrote starts afresh; the one who did finds their conversation.
    expect((await c.session({ resume: { conversationId: opened.conversationId, resumeKey: opened.resumeKey } })).resumed).toBe(false)
    const back = await c.session({ resume: { conversationId: used.conversationId, resumeKey: used.resumeKey } })
    expect(back).toMatchObject({ conversationId: used.conversationId, resumed: true })
  })

  it('a conversation goes seven days after it was last used; one used since lives on', async () => {
    const idle = await c.session()
    expect((await c.say(idle.conversationId, idle.token, '1')).status).toBe(200)
    const active = await c.session()
    expect((await c.say(active.conversationId, active.token, '1')).status).toBe(200)

    // Day 6: the active visitor comes back (a new token from the resume key) and writes again.
    t.clock.advance(6 * DAY)
    const back = await c.session({ resume: { conversationId: active.conversationId, resumeKey: active.resumeKey } })
    expect(back.resumed).toBe(true)
    expect((await c.say(back.conversationId, back.token, 'WM-800')).status).toBe(200)

    // Just before day 7 both are still there.
    t.clock.advance(DAY - MINUTE)
    await t.app.webchat.purge()
    expect(await exists(idle.conversationId)).toBe(true)

    t.clock.advance(2 * MINUTE)
    await t.app.webchat.purge()
    expect(await exists(idle.conversationId)).toBe(false)
    expect(await activityRows(idle.conversationId)).toBe(0)
    expect((await c.session({ resume: { conversationId: idle.conversationId, resumeKey: idle.resumeKey } })).resumed).toBe(false)
    expect(await exists(active.conversationId)).toBe(true)
    expect((await c.session({ resume: { conversationId: active.conversationId, resumeKey: active.resumeKey } })).resumed).toBe(true)
  })

  it('expired tokens are deleted with the purge; live ones are kept', async () => {
    const old = await c.session()
    expect((await c.say(old.conversationId, old.token, '1')).status).toBe(200)
    t.clock.advance(31 * MINUTE)
    const fresh = await c.session({ resume: { conversationId: old.conversationId, resumeKey: old.resumeKey } })
    expect(fresh.resumed).toBe(true)
    expect(await t.db.prisma.directLineToken.count({ where: { conversationId: old.conversationId } })).toBe(2)
    await t.app.webchat.purge()
    expect(await t.db.prisma.directLineToken.count({ where: { conversationId: old.conversationId } })).toBe(1)
    expect((await c.activities(fresh.conversationId, fresh.token)).status).toBe(200)
  })
})
