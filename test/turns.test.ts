/**
 * One sender's messages at the same moment on two instances (issue 12): ordinary turns save in
 * one statement over the conversation's version, without the sender's lock, so the two must
 * still apply one after the other — nothing lost, nothing applied twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TestApp } from './support/app.ts'
import { Phone } from './support/sms.ts'
import { eventually, REPAIR, startWorld, type World } from './support/world.ts'
import { STAFF_CHANNEL } from './fakes/slack-api.ts'

let world: World
let other: TestApp
beforeAll(async () => {
  world = await startWorld()
  other = await world.another()
})
afterAll(() => world.close())

describe('one sender on two instances at once', () => {
  it('both messages are applied, one after the other, every time', async () => {
    for (let round = 0; round < 12; round++) {
      const number = `+86138000990${String(round).padStart(2, '0')}`
      const here = new Phone(world.t.url, number)
      const there = new Phone(other.url, number)
      await here.sayAll(['hi', '1'])
      const before = await world.t.db.prisma.conversation.findFirstOrThrow({ where: { identity: { address: number } } })
      // The model and the serial number, sent at the same moment to different instances.
      const [a, b] = await Promise.all([here.send('WM-800'), there.send('SN4455')])
      expect([a.status, b.status]).toEqual([200, 200])
      const after = await world.t.db.prisma.conversation.findFirstOrThrow({ where: { identity: { address: number } } })
      expect(after.version).toBe(before.version + 2)
      // Whichever came first was the model; the other then answered the next question.
      expect(['intake.description']).toContain(after.state)
      const inbound = await world.t.db.prisma.message.count({ where: { conversationId: after.id, direction: 'inbound' } })
      expect(inbound).toBe(4)
    }
  })

  it('a YES sent to both at once submits one ticket, written whole, posted to staff once', async () => {
    for (let round = 0; round < 6; round++) {
      const number = `+86138000991${String(round).padStart(2, '0')}`
      const here = new Phone(world.t.url, number)
      const there = new Phone(other.url, number)
      await here.sayAll(['hi', ...REPAIR])
      const [a, b] = await Promise.all([here.send('YES'), there.send('YES')])
      expect([a.status, b.status]).toEqual([200, 200])
      const tickets = await world.t.db.prisma.ticket.findMany({ where: { channelAddress: number }, include: { events: true, deadlines: true } })
      expect(tickets).toHaveLength(1)
      const [ticket] = tickets
      expect(ticket!.events.map((event) => event.type)).toEqual(['submitted'])
      expect(ticket!.deadlines.map((deadline) => deadline.kind)).toEqual(['response'])
      expect([...a.messages, ...b.messages].filter((text) => text.includes(ticket!.number))).toHaveLength(1)
      await eventually(
        () => world.slack.of('chat.postMessage').some((call) => call.args.channel === STAFF_CHANNEL && JSON.stringify(call.args.blocks ?? []).includes(ticket!.number)),
        'the staff post',
      )
    }
    // Each ticket's message was posted once (a job for a number read but not written finds no ticket).
    const posts = world.slack
      .of('chat.postMessage')
      .filter((call) => call.args.channel === STAFF_CHANNEL)
      .map((call) => /SR-\d{4}-\d{6}/.exec(JSON.stringify(call.args.blocks ?? []))?.[0])
    expect(new Set(posts).size).toBe(posts.length)
  })
})
