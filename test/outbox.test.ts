/**
 * Delivery through the outbox: a notification is a row and a job first; the job calls Twilio
 * after commit, retries what can succeed later, and gives up (telling staff) on what cannot.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSmsSender } from '../src/channels/sms/sender.ts'
import { createLogger } from '../src/logger.ts'
import { deliverMessageJob } from '../src/jobs/deliver-message.job.ts'
import { createLocks } from '../src/db/locks.ts'
import { eventually, REPAIR, startWorld, submitBySms, type World } from './support/world.ts'

let world: World
let phones = 0
const nextPhone = () => `+86138000020${String(phones++).padStart(2, '0')}`

beforeAll(async () => {
  world = await startWorld()
  await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong' }) })
})
afterAll(() => world.close())

async function respondTo(number: string) {
  const response = await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify({ action: 'respond', technician: 'Wang Gong' }) })
  expect(response.status).toBe(200)
}

const notification = (number: string) =>
  world.t.db.prisma.message.findFirstOrThrow({ where: { kind: 'response_notification', ticket: { number } }, select: { id: true, status: true, attempts: true, lastError: true, providerId: true } })

const slackThreadAlert = (containing: string) => () => world.slack.of('chat.postMessage').find((call) => call.args.thread_ts && String(call.args.text).includes(containing))

describe('retries', () => {
  it('retries after Twilio answers 500 twice, then delivers once', async () => {
    const { number, phone } = await submitBySms(world.t, nextPhone(), REPAIR)
    world.twilio.failNext({ status: 500 }, { status: 500 })
    await respondTo(number)
    const message = await eventually(async () => {
      const row = await notification(number)
      return row.status === 'sent' && row
    }, 'delivery after two failures', 20_000)
    expect(message.attempts).toBe(3)
    expect(message.providerId).toMatch(/^SM/)
    expect(world.twilio.sent.filter((sent) => sent.to === phone.number && sent.body.includes('accepted'))).toHaveLength(1)
  })

  it('gives up after the retry limit, marks the message failed and tells staff', async () => {
    const { number } = await submitBySms(world.t, nextPhone(), REPAIR)
    world.twilio.failNext({ status: 503 }, { status: 503 }, { status: 429, code: 20429 }, { status: 503 })
    await respondTo(number)
    const message = await eventually(async () => {
      const row = await notification(number)
      return row.status === 'failed' && row
    }, 'giving up', 30_000)
    expect(message.attempts).toBe(4)
    expect(message.lastError).toMatch(/gave up after 4 attempts/)
    await eventually(slackThreadAlert('Could not deliver the response notification'), 'the staff alert')
  })
})

describe('permanent failures', () => {
  it('Twilio 21610 (opted out): no retry, the number is marked opted out, staff are told', async () => {
    const { number, phone } = await submitBySms(world.t, nextPhone(), REPAIR)
    world.twilio.failNext({ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' })
    await respondTo(number)
    const message = await eventually(async () => {
      const row = await notification(number)
      return row.status === 'failed' && row
    }, 'the failure')
    expect(message.attempts).toBe(1)
    expect(message.lastError).toContain('error 21610')
    const identity = await world.t.db.prisma.channelIdentity.findFirstOrThrow({ where: { address: phone.number } })
    expect(identity.optedOutAt).not.toBeNull()
    await eventually(slackThreadAlert('recipient opted out'), 'the staff alert')
  })

  it('a customer who sent STOP is never sent the notification; staff are told', async () => {
    const { number, phone } = await submitBySms(world.t, nextPhone(), REPAIR)
    await phone.say('STOP')
    const before = world.twilio.sent.length
    await respondTo(number)
    const message = await eventually(async () => {
      const row = await notification(number)
      return row.status === 'failed' && row
    }, 'the refusal')
    expect(message.lastError).toMatch(/opted out of sms/)
    expect(world.twilio.sent.slice(before).filter((sent) => sent.to === phone.number)).toEqual([])
  })
})

describe('a crash between commit and delivery', () => {
  it('loses nothing: the queued job delivers when workers run again', async () => {
    const stopped = await world.restart({ workers: false })
    const { number, phone } = await submitBySms(stopped, nextPhone(), REPAIR)
    await respondTo(number)
    expect((await notification(number)).status).toBe('queued')
    expect(world.twilio.sent.filter((sent) => sent.to === phone.number)).toEqual([])

    await world.restart({ workers: true })
    await eventually(async () => (await notification(number)).status === 'sent', 'delivery after the restart')
    expect(world.twilio.sent.filter((sent) => sent.to === phone.number)).toHaveLength(1)
  })

  it('a job that runs twice sends once', async () => {
    const { number, phone } = await submitBySms(world.t, nextPhone(), REPAIR)
    await respondTo(number)
    const { id } = await eventually(async () => {
      const row = await notification(number)
      return row.status === 'sent' && row
    }, 'first delivery')
    const { twilio } = world
    const handler = deliverMessageJob({
      prisma: world.t.db.prisma,
      senders: { sms: createSmsSender({ accountSid: twilio.accountSid, authToken: twilio.authToken, from: '+8610000000000', apiUrl: twilio.url }) },
      jobs: world.t.assembled.jobs,
      locks: createLocks(world.t.db.url),
      handoff: undefined,
      clock: world.t.clock,
      logger: createLogger('silent'),
    })
    await handler({ messageId: id }, { id: 'again', retryCount: 0, retryLimit: 3 })
    expect(world.twilio.sent.filter((sent) => sent.to === phone.number)).toHaveLength(1)
  })
})
