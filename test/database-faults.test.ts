/**
 * The database going away under a running app (issue 10): dropped idle connections, a turn
 * whose connection dies mid-transaction on each channel, and one sender's burst beside
 * everyone else. In-process against the shared embedded PostgreSQL; the fault suite
 * (`npm run test:faults`) does the same with real processes and signals.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, holdSender, terminateConnections } from './support/db-faults.ts'
import { Phone, signedSmsRequest } from './support/sms.ts'
import { eventually, REPAIR, startWorld, submitBySms, type World } from './support/world.ts'

let world: World
let phones = 0
const nextPhone = () => `+86138000070${String(phones++).padStart(2, '0')}`

/**
 * A world per describe: the first terminates every connection of every pool, and the turns held
 * mid-transaction below must not depend on how the pools of that world recovered (see the
 * fault suite for that, under load, with real processes).
 */
function ownWorld() {
  beforeAll(async () => {
    world = await startWorld()
    await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong' }) })
  })
  afterAll(() => world.close())
}

const stateOf = (channel: 'sms' | 'slack' | 'webchat', address: string) =>
  world.t.db.prisma.conversation.findFirstOrThrow({ where: { identity: { channel, address } }, select: { state: true, version: true } })

describe('dropped connections', () => {
  ownWorld()
  it('the server survives every pool losing its idle connections, and the next message works', async () => {
    // Warm every pool: a turn (app pool), a notification (outbox), a Slack job (pg-boss), a hand-off mirror (locks pool).
    const { number, phone } = await submitBySms(world.t, nextPhone(), REPAIR)
    await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify({ action: 'respond', technician: 'Wang Gong' }) })
    await eventually(() => world.twilio.sent.some((sent) => sent.to === phone.number), 'the response notification')
    await phone.say('AGENT')
    await phone.say('is anyone there?')
    await eventually(() => world.slack.of('chat.postMessage').some((call) => String(call.args.text).includes('is anyone there?')), 'the mirrored message (locks pool)')

    const admin = await connect(world.t.db.url)
    const terminated = await terminateConnections(admin)
    await admin.end()
    expect(terminated).toBeGreaterThanOrEqual(3)
    // Let the errors of the dropped connections arrive (an unhandled one would end this process).
    await new Promise((resolve) => setTimeout(resolve, 300))

    expect((await fetch(`${world.t.url}/healthz`)).status).toBe(200)
    const other = new Phone(world.t.url, nextPhone())
    expect(await other.say('hi')).toContain('What can we help you with?')
    // A dropped idle connection's error arrives when the process gets to it (later on a loaded machine).
    const dropped = /aftercare_database_connections_dropped_total\{pool="aftercare(-jobs|-locks)?"\} [1-9]/
    const metrics = await eventually(async () => {
      const text = await (await world.t.admin('/metrics')).text()
      return dropped.test(text) && text
    }, 'a dropped connection counted')
    expect(metrics).toMatch(dropped)
  })
})

describe('a connection lost in the middle of a turn', () => {
  ownWorld()
  it('SMS: 503 with Retry-After, the conversation is as it was, and Twilio’s retry continues it', async () => {
    const phone = new Phone(world.t.url, nextPhone())
    await phone.sayAll(['hi', '1'])
    const before = await stateOf('sms', phone.number)
    expect(before.state).toBe('intake.productModel')

    const lock = await holdSender(world.t.db.url, 'sms', phone.number)
    const sid = `SM${randomBytes(16).toString('hex')}`
    const pending = phone.send('WM-800', sid)
    await lock.untilWaiting()
    expect(await lock.terminateWaiting()).toBe(1)
    const failed = await pending
    await lock.release()

    expect(failed.status).toBe(503)
    expect(failed.body).not.toMatch(/start again|went wrong/i)
    const after = await stateOf('sms', phone.number)
    expect(after).toEqual(before)
    expect(await world.t.db.prisma.message.count({ where: { providerId: sid } })).toBe(0)

    const retried = await phone.send('WM-800', sid)
    expect(retried.status).toBe(200)
    expect(retried.messages.join('\n')).toMatch(/serial number/i)
    expect((await stateOf('sms', phone.number)).state).toBe('intake.serialNumber')
  })

  it('the 503 carries Retry-After', async () => {
    const phone = new Phone(world.t.url, nextPhone())
    await phone.say('hi')
    const lock = await holdSender(world.t.db.url, 'sms', phone.number)
    const pending = fetchRaw(phone, '1')
    await lock.untilWaiting()
    await lock.terminateWaiting()
    const response = await pending
    await lock.release()
    expect(response.status).toBe(503)
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  // Retried: in a minority of full-suite runs a turn here stalled ~10 s before reaching the
  // database (nothing in pg_stat_activity), not explained yet (issue 10's note). Each attempt has
  // its own sender and event, and releases what it holds, so a retry starts clean.
  it('Slack: 503, and Slack’s retry of the same event is answered once', { retry: 2 }, async () => {
    const id = randomBytes(3).toString('hex').toUpperCase()
    const user = `U0FAULT${id}`
    const channel = `D0FAULT${id}`
    const eventId = `Ev0FAULT${id}`
    const address = `T0TEAM0001:${user}`
    const event = { type: 'message', channel, channel_type: 'im', user, team: 'T0TEAM0001', text: 'hello', ts: '1797000000.000100', event_ts: '1797000000.000100' }
    const lock = await holdSender(world.t.db.url, 'slack', address)
    try {
      const pending = world.workspace.event(event, { eventId })
      await lock.untilWaiting()
      await lock.terminateWaiting()
      const failed = await pending
      await lock.release()
      expect(failed.status).toBe(503)
    } finally {
      await lock.release()
    }
    expect(world.slack.posted(channel)).toEqual([])

    const retried = await world.workspace.event(event, { eventId, retryNum: 1 })
    expect(retried.status).toBe(200)
    // Once the retry's answer is posted, a second retry changes nothing.
    expect(world.slack.posted(channel)).toHaveLength(1)
    expect((await world.workspace.event(event, { eventId, retryNum: 2 })).status).toBe(200)
    expect(world.slack.posted(channel)).toHaveLength(1)
    expect(world.slack.posted(channel)[0]).toContain('What can we help you with?')
  })

  it('web chat: the built-in Direct Line answers 503, and the client’s retry gets the replies once', { retry: 2 }, async () => {
    const session = (await (await fetch(`${world.t.url}/webchat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as {
      conversationId: string
      token: string
      userId: string
    }
    const post = (activity: object) =>
      fetch(`${world.t.url}/v3/directline/conversations/${session.conversationId}/activities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
        body: JSON.stringify(activity),
      })
    const hello = { type: 'message', text: 'hello', channelData: { clientActivityID: 'client-fault-1' } }
    const lock = await holdSender(world.t.db.url, 'webchat', `directline:${session.userId}`)
    try {
      const pending = post(hello)
      await lock.untilWaiting()
      await lock.terminateWaiting()
      const failed = await pending
      await lock.release()
      expect(failed.status).toBe(503)
      expect(Number(failed.headers.get('retry-after'))).toBeGreaterThan(0)
    } finally {
      await lock.release()
    }

    expect((await post(hello)).status).toBe(200)
    expect((await post(hello)).status).toBe(200)
    const list = (await (await fetch(`${world.t.url}/v3/directline/conversations/${session.conversationId}/activities`, { headers: { authorization: `Bearer ${session.token}` } })).json()) as {
      activities: { from: { role: string }; text?: string }[]
    }
    const fromBot = list.activities.filter((activity) => activity.from.role === 'bot').map((activity) => activity.text)
    expect(fromBot).toEqual(['Hello! This is the after-sales service desk. What can we help you with?'])
    expect(list.activities.filter((activity) => activity.from.role === 'user')).toHaveLength(1)
  })
})

describe('one sender’s burst', () => {
  ownWorld()
  it('waits in the process, not in the pool: another customer is answered while one sender’s messages wait; beyond 20 they are refused at once', async () => {
    const busy = new Phone(world.t.url, nextPhone())
    await busy.say('hi')
    const lock = await holdSender(world.t.db.url, 'sms', busy.number)
    const burst = Array.from({ length: 25 }, (_, index) => busy.send(`message ${index}`))
    await lock.untilWaiting()

    // The test database's pool has 10 connections: before the fix, the burst held all of them.
    const other = new Phone(world.t.url, nextPhone())
    const answer = await other.send('hi')
    expect(answer.status).toBe(200)
    expect(answer.messages.join('\n')).toContain('What can we help you with?')
    const admin = await connect(world.t.db.url)
    const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND application_name <> 'test-faults'`)
    await admin.end()
    expect(rows[0].n).toBe(1)

    await lock.release()
    const statuses = (await Promise.all(burst)).map((response) => response.status)
    expect(statuses.filter((status) => status === 200)).toHaveLength(20)
    expect(statuses.filter((status) => status === 503)).toHaveLength(5)
  })
})

/** The raw response of an SMS webhook, headers included. */
function fetchRaw(phone: Phone, body: string): Promise<Response> {
  const request = signedSmsRequest({ MessageSid: `SM${randomBytes(16).toString('hex')}`, AccountSid: `AC${'0'.repeat(32)}`, From: phone.number, To: '+861000000000', Body: body, NumMedia: '0' })
  return fetch(world.t.url + request.path, request.init)
}
