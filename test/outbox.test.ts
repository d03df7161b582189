/**
 * Delivery through the outbox: a notification is a row and a job first; the job calls Twilio
 * after commit, retries what can succeed later, and gives up (telling staff) on what cannot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAFF_CHANNEL } from './fakes/slack-api.ts'
import { connect } from './support/db-faults.ts'
import { queueMessage } from '../src/notifications/outbox.ts'
import { eventually, REPAIR, startWorld, submitBySms, type World } from './support/world.ts'
import { respondTo, alertInTicketThread } from './support/tickets.ts'

let world: World
let phones = 0
const nextPhone = () => `+86138000020${String(phones++).padStart(2, '0')}`

beforeAll(async () => {
  world = await startWorld()
  await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong' }) })
})
afterAll(() => world.close())

const notification = (number: string) =>
  world.t.db.prisma.message.findFirstOrThrow({ where: { kind: 'response_notification', ticket: { number } }, select: { id: true, status: true, attempts: true, lastError: true, providerId: true } })

describe('retries', () => {
  it('retries after Twilio answers 500 twice, then delivers once', async () => {
    const { number, phone } = await submitBySms(world.t, nextPhone(), REPAIR)
    world.twilio.failNext({ status: 500 }, { status: 500 })
    await respondTo(world.t, number)
    const message = await eventually(
      async () => {
        const row = await notification(number)
        return row.status === 'sent' && row
      },
      'delivery after two failures',
      20_000,
    )
    expect(message.attempts).toBe(3)
    expect(message.providerId).toMatch(/^SM/)
    expect(world.twilio.sent.filter((sent) => sent.to === phone.number && sent.body.includes('accepted'))).toHaveLength(1)
  })

  it('gives up after the retry limit, marks the message failed and tells staff', async () => {
    const { number } = await submitBySms(world.t, nextPhone(), REPAIR)
    world.twilio.failNext({ status: 503 }, { status: 503 }, { status: 429, code: 20429 }, { status: 503 })
    await respondTo(world.t, number)
    const message = await eventually(
      async () => {
        const row = await notification(number)
        return row.status === 'failed' && row
      },
      'giving up',
      30_000,
    )
    expect(message.attempts).toBe(4)
    expect(message.lastError).toMatch(/gave up after 4 attempts/)
    await eventually(alertInTicketThread(world, number, 'Could not deliver the response notification'), 'the staff alert in the ticket thread')
  })
})

describe('permanent failures', () => {
  it('Twilio 21610 (opted out): no retry, the number is marked opted out, staff are told', async () => {
    const { number, phone } = await submitBySms(world.t, nextPhone(), REPAIR)
    world.twilio.failNext({ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' })
    await respondTo(world.t, number)
    const message = await eventually(async () => {
      const row = await notification(number)
      return row.status === 'failed' && row
    }, 'the failure')
    expect(message.attempts).toBe(1)
    expect(message.lastError).toContain('error 21610')
    const identity = await world.t.db.prisma.channelIdentity.findFirstOrThrow({ where: { address: phone.number } })
    expect(identity.optedOutAt).not.toBeNull()
    await eventually(alertInTicketThread(world, number, 'recipient opted out'), 'the staff alert in the ticket thread')
  })

  it('a customer who sent STOP is never sent the notification; staff are told', async () => {
    const { number, phone } = await submitBySms(world.t, nextPhone(), REPAIR)
    await phone.say('STOP')
    const before = world.twilio.sent.length
    await respondTo(world.t, number)
    const message = await eventually(async () => {
      const row = await notification(number)
      return row.status === 'failed' && row
    }, 'the refusal')
    expect(message.lastError).toMatch(/opted out of sms/)
    expect(world.twilio.sent.slice(before).filter((sent) => sent.to === phone.number)).toEqual([])
    const alert = await eventually(alertInTicketThread(world, number, 'Could not deliver the response notification'), 'the staff alert in the ticket thread')
    expect(alert.args.channel).toBe(STAFF_CHANNEL)
    expect(alert.args.text).toContain('opted out of sms')
  })
})

describe('a crash between commit and delivery', () => {
  it('loses nothing: the queued job delivers when workers run again', async () => {
    const stopped = await world.restart({ workers: false })
    const { number, phone } = await submitBySms(stopped, nextPhone(), REPAIR)
    await respondTo(world.t, number)
    expect((await notification(number)).status).toBe('queued')
    expect(world.twilio.sent.filter((sent) => sent.to === phone.number)).toEqual([])

    await world.restart({ workers: true })
    await eventually(async () => (await notification(number)).status === 'sent', 'delivery after the restart')
    expect(world.twilio.sent.filter((sent) => sent.to === phone.number)).toHaveLength(1)
  })

  it('two dispatchers claiming the same queued message at the same moment send it once', async () => {
    const paused = await world.restart({ workers: false })
    const { number, phone } = await submitBySms(paused, nextPhone(), REPAIR)
    await respondTo(world.t, number)
    const { id, status } = await notification(number)
    expect(status).toBe('queued')
    // Hold the message's row: both dispatchers find it due, and both claims wait at its lock.
    const holder = await connect(world.t.db.url)
    try {
      await holder.query('BEGIN')
      await holder.query('SELECT 1 FROM "Message" WHERE id = $1 FOR UPDATE', [id])
      const [, second] = await Promise.all([world.restart({ workers: true }), world.another({ workers: true })])
      const claimsWaiting = async () =>
        (await holder.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE '%WITH heads AS%'`)).rows[0].n as number
      await eventually(async () => (await claimsWaiting()) === 2, 'both dispatchers claiming the message')
      await holder.query('COMMIT')
      await eventually(async () => (await notification(number)).status === 'sent', 'the delivery')
      // Stopping an instance waits for its sends in flight: after this, every send has happened.
      await Promise.all([world.restart({ workers: false }), second.close()])
    } finally {
      await holder.end()
    }
    expect((await notification(number)).attempts).toBe(1)
    expect(world.twilio.sent.filter((sent) => sent.to === phone.number).map((sent) => sent.body)).toEqual([expect.stringContaining('accepted')])
    await world.restart({ workers: true })
  })

  it('two instances dispatching one outbox send each message once, in order per customer', async () => {
    const paused = await world.restart({ workers: false })
    const customers = await Promise.all([0, 1, 2, 3, 4, 5].map(() => submitBySms(paused, nextPhone(), ['5', 'Router R1', 'skip', 'How to reset?', 'skip', 'Ed'])))
    for (const { number } of customers) await respondTo(world.t, number)
    // A second message to each customer, written after the first: it must never arrive first.
    for (const { number } of customers) {
      const response = await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify({ action: 'resolve', solution: 'Hold reset for 10 s' }) })
      expect(response.status).toBe(200)
    }
    const queued = await world.t.db.prisma.message.count({ where: { status: 'queued', ticket: { number: { in: customers.map((c) => c.number) } } } })
    expect(queued).toBe(2 * customers.length)

    await Promise.all([world.restart({ workers: true }), world.another({ workers: true })])
    await eventually(async () => (await world.t.db.prisma.message.count({ where: { status: 'queued' } })) === 0, 'the outbox drained', 20_000)
    for (const { phone } of customers) {
      const received = world.twilio.sent.filter((sent) => sent.to === phone.number).map((sent) => sent.body)
      expect(received.filter((body) => body.includes('accepted'))).toHaveLength(1)
      const rows = await world.t.db.prisma.message.findMany({
        where: { status: 'sent', conversation: { identity: { address: phone.number } }, kind: { not: null } },
        orderBy: [{ createdAt: 'asc' }, { seq: 'asc' }],
        select: { body: true },
      })
      expect(received.slice(-rows.length)).toEqual(rows.map((row) => row.body))
    }
  })
})

describe('a text longer than one SMS (issue 18)', () => {
  it('goes as parts of the conversation’s stream: in order, each once, a failed later part retried alone', async () => {
    const { number, phone } = await submitBySms(world.t, nextPhone(), REPAIR)
    const ticket = await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number }, select: { id: true, conversationId: true } })
    const paragraphs = Array.from({ length: 6 }, (_, index) => `Paragraph ${index + 1}: ${'the technician explains what was found and what comes next. '.repeat(7).trim()}`)
    world.twilio.failFirstMatching((form) => form.To === phone.number && form.Body?.startsWith('Paragraph 4') === true, { status: 500 })
    await world.t.db.prisma.$transaction((tx) =>
      queueMessage(tx, { conversationId: ticket.conversationId!, channel: 'sms', kind: 'staff_reply', ticketId: ticket.id, reply: { text: paragraphs.join('\n') }, at: world.t.clock.now() }),
    )
    const parts = await eventually(
      () => {
        const sent = world.twilio.sent.filter((sms) => sms.to === phone.number && sms.body.includes('Paragraph'))
        return sent.length === 2 && sent
      },
      'both parts',
      20_000,
    )
    expect(parts.every((part) => part.body.length <= 1600)).toBe(true)
    expect(parts.map((part) => part.body).join('\n')).toBe(paragraphs.join('\n'))
    // The second part failed once (500) and went again alone: the first was not sent twice.
    const tries = world.twilio.attempts.filter((attempt) => attempt.to === phone.number).slice(-3)
    expect(tries.map((attempt) => attempt.status)).toEqual([201, 500, 201])
    const rows = await world.t.db.prisma.message.findMany({ where: { ticketId: ticket.id, kind: 'staff_reply' }, orderBy: { seq: 'asc' }, select: { status: true, attempts: true } })
    expect(rows).toEqual([
      { status: 'sent', attempts: 1 },
      { status: 'sent', attempts: 2 },
    ])
  })
})
