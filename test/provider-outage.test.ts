/**
 * Providers failing (issue 10, item 6): a 429's Retry-After is honoured, an outage of one
 * provider holds only that provider's messages and spends none of their retries, staff hear of
 * it once after PROVIDER_ALERT_AFTER on a channel that still works (and once on recovery), every
 * failed attempt is logged with the provider's status, and everything is delivered once after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAFF_CHANNEL } from './fakes/slack-api.ts'
import { customerOn } from './support/customers.ts'
import { memoryLogger, type MemoryLog } from './support/logs.ts'
import { eventually, REPAIR, startWorld, submitBySms, type World } from './support/world.ts'
import { respondTo } from './support/tickets.ts'

const ON_CALL = '+8613900000009'
let world: World
let log: MemoryLog
let phones = 0
const nextPhone = () => `+86138000080${String(phones++).padStart(2, '0')}`

beforeAll(async () => {
  log = memoryLogger()
  // Alerts after 3 s of continuous failure instead of 5 minutes; a message's own failures are given up on after 2.
  world = await startWorld({ env: { PROVIDER_ALERT_AFTER: '0.05', PROVIDER_ALERT_PHONES: ON_CALL, OUTBOX_RETRY_LIMIT: '1' }, logger: log.logger })
  await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong' }) })
})
afterAll(() => world.close())

const staffPosts = (containing: string) => world.slack.of('chat.postMessage').filter((call) => call.args.channel === STAFF_CHANNEL && String(call.args.text).includes(containing))
const failureLines = (provider: string) => log.lines.filter((line) => line.msg === 'message delivery failed; will retry' && line.provider === provider)

describe('Retry-After', () => {
  it('Twilio’s 429 with Retry-After: nothing is sent before it, the message goes once after, and it is not held against the message', async () => {
    const { number, phone } = await submitBySms(world.t, nextPhone(), REPAIR)
    world.twilio.failNext({ status: 429, code: 20429, message: 'Too Many Requests', retryAfter: 2 })
    await respondTo(world.t, number)
    await eventually(() => world.twilio.sent.some((sent) => sent.to === phone.number), 'the notification after the wait')
    const attempts = world.twilio.attempts.filter((attempt) => attempt.to === phone.number)
    expect(attempts.map((attempt) => attempt.status)).toEqual([429, 201])
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(2_000)
    const message = await eventually(async () => {
      const row = await world.t.db.prisma.message.findFirstOrThrow({ where: { ticket: { number }, kind: 'response_notification' } })
      return row.status === 'sent' && row
    }, 'the notification recorded as sent')
    expect(message).toMatchObject({ status: 'sent', attempts: 2, strikes: 0 })
    expect(failureLines('sms').some((line) => line.status === 429 && line.retryInSeconds === 2)).toBe(true)
  })

  it('Slack’s 429 on a staff post: the post waits for Retry-After and is made once', async () => {
    const before = world.slack.attempts.length
    world.slack.failNext({ status: 429, retryAfter: 2 })
    const { number } = await submitBySms(world.t, nextPhone(), REPAIR)
    await eventually(() => staffPosts(number).length === 1, 'the new ticket in the staff channel')
    const attempts = world.slack.attempts.slice(before).filter((attempt) => attempt.method === 'chat.postMessage')
    expect(attempts[0]!.status).toBe(429)
    const posted = attempts.find((attempt) => attempt.status === 200)!
    expect(posted.at - attempts[0]!.at).toBeGreaterThanOrEqual(2_000)
    expect(staffPosts(number)).toHaveLength(1)
  })
})

describe('an outage of one provider', () => {
  it('Twilio down: SMS waits without giving up, Slack customers are served, staff are told once, and all is delivered once after', async () => {
    const sms = await Promise.all([0, 1, 2].map(() => submitBySms(world.t, nextPhone(), REPAIR)))
    const slackCustomer = await customerOn('slack', world)
    await slackCustomer.say('hello')
    for (const answer of REPAIR) await slackCustomer.say(answer)
    const slackNumber = /SR-\d{4}-\d{6}/.exec(await slackCustomer.say('YES'))![0]

    world.twilio.outage = { status: 500, code: 20500, message: 'Internal Server Error' }
    for (const { number } of sms) await respondTo(world.t, number)
    await respondTo(world.t, slackNumber)
    // Slack is not held back by Twilio's outage.
    await slackCustomer.waitFor('has been accepted')
    // Staff are told in Slack (Twilio is the one down, so not by SMS).
    await eventually(() => staffPosts('Twilio (SMS) has been failing').length === 1, 'the outage alert', 20_000)
    // Enough attempts that a retry limit of 1 would have given up by now.
    await eventually(() => failureLines('sms').filter((line) => line.status === 500).length >= 5, 'several failed attempts, each logged with its status', 30_000)
    const held = await world.t.db.prisma.message.findMany({ where: { ticket: { number: { in: sms.map((s) => s.number) } }, kind: 'response_notification' }, select: { status: true } })
    expect(held.map((message) => message.status)).toEqual(['queued', 'queued', 'queued'])
    expect(await (await world.t.admin('/metrics')).text()).toMatch(/aftercare_provider_up\{provider="sms"\} 0/)

    world.twilio.outage = undefined
    await eventually(() => staffPosts('Twilio (SMS) is working again').length === 1, 'the recovery notice', 20_000)
    for (const { phone } of sms) {
      await eventually(() => world.twilio.sent.some((sent) => sent.to === phone.number), `the notification to ${phone.number}`, 20_000)
    }
    // Barrier: a later notification goes through, so any duplicate would have gone before it.
    const { number: later, phone: laterPhone } = await submitBySms(world.t, nextPhone(), REPAIR)
    await respondTo(world.t, later)
    await eventually(() => world.twilio.sent.some((sent) => sent.to === laterPhone.number), 'a later notification')
    for (const { phone } of sms) expect(world.twilio.sent.filter((sent) => sent.to === phone.number)).toHaveLength(1)
    expect(staffPosts('Twilio (SMS) has been failing')).toHaveLength(1)
    expect(staffPosts('Twilio (SMS) is working again')).toHaveLength(1)
  })

  it('Slack down: the on-call phone is told by SMS, staff posts wait and are made once Slack is back', async () => {
    world.slack.outage = { status: 503, error: 'service_unavailable' }
    const { number } = await submitBySms(world.t, nextPhone(), REPAIR)
    const customer = await customerOn('slack', world)
    await customer.say('hello').catch(() => '')
    await eventually(() => world.twilio.sent.find((sent) => sent.to === ON_CALL && sent.body.includes('Slack has been failing')), 'the on-call SMS', 30_000)

    world.slack.outage = undefined
    await eventually(() => world.twilio.sent.find((sent) => sent.to === ON_CALL && sent.body.includes('Slack is working again')), 'the recovery SMS', 30_000)
    await eventually(() => staffPosts(number).length === 1, 'the ticket posted once Slack is back', 30_000)
    expect(world.twilio.sent.filter((sent) => sent.to === ON_CALL && sent.body.includes('Slack has been failing'))).toHaveLength(1)
  })
})
