/**
 * Every limit on a public entry point holds, and says so the way the client understands (issue
 * 11): chat sessions and Direct Line posts per client IP (429 with Retry-After); messages per
 * customer identity (on SMS: kept but not processed, the customer told once; on web chat: 429,
 * nothing kept); live hand-offs per customer and per visitor IP; verification codes per phone,
 * per conversation and per day, only to allowed countries, and within an hourly SMS budget whose
 * exhaustion staff hear about once — while notifications to customers still go out. Each app
 * below has small limits of its own (env, as an operator would set them).
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAFF_CHANNEL } from '../fakes/slack-api.ts'
import { startTestApp, type TestApp } from '../support/app.ts'
import { customerOn, type Customer } from '../support/customers.ts'
import { newMessageSid, Phone } from '../support/sms.ts'
import { eventually, REPAIR, startWorld, submitBySms, type World } from '../support/world.ts'

const TOO_FAST = 'You are sending messages faster than we can read them. We have kept them; please wait a minute before sending more.'
const HANDOFF_LIMITED = 'You have asked for a person several times in the last hour.'
const PLEASE_WAIT = /^We have just sent a code\. Please wait (\d+) seconds before asking for another one\.$/
const CODE_LIMIT = 'We have sent as many codes as we can today. Please try again tomorrow.'
const CODE_COUNTRY = 'Sorry, we cannot send codes to numbers in that country.'
const CODES_PAUSED = 'Sorry, we cannot send codes right now. Please try again later.'
const codeSentTo = (phone: string) => `We have texted a 6-digit code to ${phone}. Please send it here (it is valid for 10 minutes), or CANCEL.`

/** A client address of its own for each caller (we are the trusted proxy on loopback). */
let ips = 0
const nextIp = () => `203.0.113.${++ips}`
const retryAfter = (response: Response) => Number(response.headers.get('retry-after'))

describe('web chat and SMS, per client and per customer', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp({ env: { LIMIT_WEBCHAT_SESSIONS: '2/600', LIMIT_DIRECTLINE_POSTS: '4/600', LIMIT_MESSAGES: '3/600' } })
  })
  afterAll(() => t.close())

  const session = (ip: string) => fetch(`${t.url}/webchat/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: '{"locale":"en-US"}' })
  async function chat(ip = nextIp()) {
    const response = await session(ip)
    expect(response.status).toBe(200)
    return (await response.json()) as { conversationId: string; token: string; userId: string }
  }
  const post = (chat: { conversationId: string; token: string }, ip: string, text: string) =>
    fetch(`${t.url}/v3/directline/conversations/${chat.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${chat.token}`, 'content-type': 'application/json', 'x-forwarded-for': ip },
      body: JSON.stringify({ type: 'message', text, channelData: { clientActivityID: randomBytes(6).toString('hex') } }),
    })
  const conversationOf = (address: string) => t.db.prisma.conversation.findFirstOrThrow({ where: { identity: { address } } })

  it('opens only so many chat sessions from one address, then answers 429 with Retry-After; another address is not affected', async () => {
    const ip = nextIp()
    expect((await session(ip)).status).toBe(200)
    expect((await session(ip)).status).toBe(200)
    const refused = await session(ip)
    expect(refused.status).toBe(429)
    expect(retryAfter(refused)).toBeGreaterThan(0)
    // Direct Line's own token endpoint draws on the same allowance.
    const generate = await fetch(`${t.url}/v3/directline/tokens/generate`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: '{}' })
    expect(generate.status).toBe(429)
    expect((await session(nextIp())).status).toBe(200)
  })

  it('takes only so many Direct Line posts from one address, whichever conversations they are for', async () => {
    const [first, second] = [await chat(), await chat()]
    const ip = nextIp()
    for (const text of ['hi', '1']) expect((await post(first, ip, text)).status).toBe(200)
    for (const text of ['hi', '1']) expect((await post(second, ip, text)).status).toBe(200)
    const stored = await t.db.prisma.directLineActivity.count({ where: { conversationId: second.conversationId } })
    // The fifth post from that address is refused, though its conversation has sent only two messages.
    const refused = await post(second, ip, 'WM-800')
    expect(refused.status).toBe(429)
    expect(retryAfter(refused)).toBeGreaterThan(0)
    expect(await t.db.prisma.directLineActivity.count({ where: { conversationId: second.conversationId } })).toBe(stored)
    // The same message from elsewhere goes through.
    expect((await post(second, nextIp(), 'WM-800')).status).toBe(200)
  })

  it('on SMS, a customer over the message limit is told once, nothing more is processed, and every message is kept as throttled', async () => {
    const phone = new Phone(t.url, '+8613800220001')
    expect(await phone.say('hi')).toContain('What can we help you with?')
    await phone.say('1')
    expect(await phone.say('WM-800')).toContain('serial number')
    const before = await conversationOf(phone.number)

    const fourth = newMessageSid()
    expect((await phone.send('SN4455', fourth)).messages).toEqual([TOO_FAST])
    const fifth = newMessageSid()
    const answer = await phone.send('The drum does not turn', fifth)
    expect(answer.status).toBe(200)
    expect(answer.messages).toEqual([])

    const after = await conversationOf(phone.number)
    expect({ state: after.state, version: after.version }).toEqual({ state: before.state, version: before.version })
    const kept = await t.db.prisma.message.findMany({ where: { providerId: { in: [fourth, fifth] } }, orderBy: { createdAt: 'asc' } })
    expect(kept.map((message) => [message.body, message.status])).toEqual([
      ['SN4455', 'throttled'],
      ['The drum does not turn', 'throttled'],
    ])
  })

  it('on SMS, Twilio’s retry of a throttled message gets the same answer and is kept once', async () => {
    const phone = new Phone(t.url, '+8613800220002')
    await phone.sayAll(['hi', '1', 'WM-800'])
    const sid = newMessageSid()
    expect((await phone.send('SN4455', sid)).messages).toEqual([TOO_FAST])
    const silent = newMessageSid()
    expect((await phone.send('The drum does not turn', silent)).messages).toEqual([])

    const retried = await phone.send('SN4455', sid)
    expect(retried.status).toBe(200)
    expect(retried.messages).toEqual([TOO_FAST])
    const retriedSilent = await phone.send('The drum does not turn', silent)
    expect(retriedSilent.status).toBe(200)
    expect(retriedSilent.messages).toEqual([])
    const inbound = await t.db.prisma.message.findMany({ where: { providerId: { in: [sid, silent] } }, include: { replies: true } })
    expect(inbound).toHaveLength(2)
    expect(inbound.find((message) => message.providerId === sid)!.replies.map((reply) => reply.body)).toEqual([TOO_FAST])
  })

  it('a provider’s retry of a message already answered does not count: the customer is still told when they go too fast', async () => {
    const phone = new Phone(t.url, '+8613800220003')
    await phone.say('hi')
    await phone.say('1')
    const third = newMessageSid()
    const answered = await phone.send('WM-800', third)
    // Twilio retries the third message: the same answer, and it is not a fourth message.
    expect((await phone.send('WM-800', third)).messages).toEqual(answered.messages)
    expect((await phone.send('SN4455')).messages).toEqual([TOO_FAST])
  })

  it('on web chat, a visitor over the message limit gets 429 with Retry-After and nothing is stored', async () => {
    const visitor = await chat()
    // Each post from its own address: only the visitor's message limit can refuse.
    for (const text of ['hi', '1', 'WM-800']) expect((await post(visitor, nextIp(), text)).status).toBe(200)
    const conversation = await conversationOf(`directline:${visitor.userId}`)
    const activities = await t.db.prisma.directLineActivity.count({ where: { conversationId: visitor.conversationId } })
    const messages = await t.db.prisma.message.count({ where: { conversationId: conversation.id } })

    const refused = await post(visitor, nextIp(), 'SN4455')
    expect(refused.status).toBe(429)
    expect(retryAfter(refused)).toBeGreaterThan(0)
    expect(await t.db.prisma.directLineActivity.count({ where: { conversationId: visitor.conversationId } })).toBe(activities)
    expect(await t.db.prisma.message.count({ where: { conversationId: conversation.id } })).toBe(messages)
    expect((await conversationOf(`directline:${visitor.userId}`)).version).toBe(conversation.version)
  })
})

describe('live hand-offs (LIMIT_HANDOFFS=1/3600)', () => {
  let world: World
  beforeAll(async () => {
    world = await startWorld({ env: { LIMIT_HANDOFFS: '1/3600' } })
  })
  afterAll(() => world.close())

  const handoffPosts = (address: string) =>
    world.slack.of('chat.postMessage').filter((call) => call.args.channel === STAFF_CHANNEL && String(call.args.text).includes('*Hand-off*') && String(call.args.text).includes(address))

  it('a customer asking again within the hour is answered by the bot, and staff get no second hand-off', async () => {
    const { phone, number } = await submitBySms(world.t, '+8613800330001', REPAIR)
    await eventually(async () => (await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).slackTs, 'the ticket in Slack')
    expect(await phone.say('AGENT')).toContain('I am passing you to a member of our team')
    await eventually(() => handoffPosts(phone.number).length === 1, 'the hand-off in the ticket’s thread')

    const released = await world.workspace.command(`release ${number}`)
    expect(((await released.json()) as { text: string }).text).toBe(`Giving ${number}'s customer back to the bot.`)
    await eventually(() => world.twilio.sent.some((sms) => sms.to === phone.number && sms.body === 'You are back with our assistant.'), 'the customer back with the bot')

    expect(await phone.say('AGENT')).toContain(HANDOFF_LIMITED)
    expect((await world.t.db.prisma.conversation.findFirstOrThrow({ where: { identity: { address: phone.number } } })).handoffActive).toBe(false)
    // Barrier: another customer's hand-off, through the same job queue, reaches Slack after it.
    const other = await submitBySms(world.t, '+8613800330002', REPAIR)
    await other.phone.say('AGENT')
    await eventually(() => handoffPosts(other.phone.number).length === 1, 'the other customer’s hand-off')
    expect(handoffPosts(phone.number)).toHaveLength(1)
  })

  it('on web chat, a second visitor from the same address is refused too (new identities are cheap there)', async () => {
    const first = await customerOn('webchat', world)
    await first.say('hi')
    expect(await first.say('AGENT')).toContain('I am passing you to a member of our team')
    const second = await customerOn('webchat', world)
    await second.say('hi')
    expect(await second.say('AGENT')).toContain(HANDOFF_LIMITED)
  })
})

/** A Slack customer asks for a code to `phone`; returns the bot's answer. */
async function askCode(customer: Customer, phone: string): Promise<string> {
  expect(await customer.say('LINK')).toContain('Which mobile number do you use with us?')
  return customer.say(phone)
}

describe('verification codes: cooldown, daily cap and countries (LINK_COUNTRY_CODES=852)', () => {
  let world: World
  beforeAll(async () => {
    world = await startWorld({ env: { LINK_COUNTRY_CODES: '852', LINK_CODE_COOLDOWN: '3600', LINK_CODES_PER_DAY: '1' } })
  })
  afterAll(() => world.close())
  const codesFor = (phone: string) => world.t.db.prisma.phoneVerification.count({ where: { phone } })

  it('a second code to the same number within the cooldown is refused with how long to wait', async () => {
    const customer = await customerOn('slack', world)
    expect(await askCode(customer, '+85291230001')).toBe(codeSentTo('+85291230001'))
    await eventually(() => world.twilio.sent.some((sms) => sms.to === '+85291230001' && /code: \d{6}/.test(sms.body)), 'the code by SMS')
    const again = await askCode(customer, '+85291230001')
    const seconds = Number(PLEASE_WAIT.exec(again)?.[1])
    expect(seconds).toBeGreaterThan(0)
    expect(seconds).toBeLessThanOrEqual(3600)
    expect(await codesFor('+85291230001')).toBe(1)
  })

  it('one conversation gets only so many codes a day, whatever numbers it asks for', async () => {
    const customer = await customerOn('slack', world)
    expect(await askCode(customer, '+85291230002')).toBe(codeSentTo('+85291230002'))
    expect(await askCode(customer, '+85291230003')).toBe(CODE_LIMIT)
    expect(await codesFor('+85291230003')).toBe(0)
  })

  it('no code goes to a number outside the allowed countries', async () => {
    const customer = await customerOn('slack', world)
    expect(await askCode(customer, '13800138000')).toBe(CODE_COUNTRY)
    expect(await codesFor('+8613800138000')).toBe(0)
    expect(await askCode(customer, '+85291230004')).toBe(codeSentTo('+85291230004'))
  })
})

describe('verification codes: the daily cap per phone number (LINK_CODES_PER_DAY=1)', () => {
  let world: World
  beforeAll(async () => {
    // A cooldown of one second (on the wall clock): the next ask for the number meets the daily cap.
    world = await startWorld({ env: { LINK_CODE_COOLDOWN: '1', LINK_CODES_PER_DAY: '1', LIMIT_MESSAGES: '1000/60' } })
  })
  afterAll(() => world.close())

  it('a number that had its code today gets no other, even asked for from another conversation', async () => {
    const first = await customerOn('slack', world)
    expect(await askCode(first, '+8613800440001')).toBe(codeSentTo('+8613800440001'))
    const second = await customerOn('slack', world)
    // Until the cooldown is over the answer is "please wait"; then it is the daily cap.
    const answer = await eventually(async () => {
      const said = await askCode(second, '+8613800440001')
      return !PLEASE_WAIT.test(said) && said
    }, 'the cooldown to pass')
    expect(answer).toBe(CODE_LIMIT)
    expect(await world.t.db.prisma.phoneVerification.count({ where: { phone: '+8613800440001' } })).toBe(1)
    // The second conversation itself could still have a code: the number was the limit.
    expect(await askCode(second, '+8613800440002')).toBe(codeSentTo('+8613800440002'))
  })

  it('a request refused by one limit spends none of the others: nobody can use up a stranger’s number by asking in vain', async () => {
    const capped = await customerOn('slack', world)
    expect(await askCode(capped, '+8613800440011')).toBe(codeSentTo('+8613800440011'))
    // This conversation has had its code today: asking for a victim's number is refused…
    const refused = await eventually(async () => {
      const said = await askCode(capped, '+8613800440012')
      return !PLEASE_WAIT.test(said) && said
    }, 'the cooldown to pass')
    expect(refused).toBe(CODE_LIMIT)
    // …and the victim's number still gets its code when its owner asks.
    const owner = await customerOn('slack', world)
    expect(await askCode(owner, '+8613800440012')).toBe(codeSentTo('+8613800440012'))
  })
})

describe('verification codes: the hourly SMS budget (VERIFICATION_SMS_PER_HOUR=1)', () => {
  let world: World
  beforeAll(async () => {
    world = await startWorld({ env: { VERIFICATION_SMS_PER_HOUR: '1' } })
    await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong' }) })
  })
  afterAll(() => world.close())

  const budgetPosts = () => world.slack.of('chat.postMessage').filter((call) => String(call.args.text).includes('VERIFICATION_SMS_PER_HOUR'))
  const act = async (number: string, body: object) => {
    const response = await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify(body) })
    expect(response.status, await response.clone().text()).toBe(200)
  }

  it('once spent, codes are refused and staff are told once; notifications to customers still go out', async () => {
    const { phone, number } = await submitBySms(world.t, '+8613800550009', ['5', 'Router R1', 'skip', 'Cannot connect', 'skip', 'Bo'])
    const ticketTs = await eventually(async () => (await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).slackTs, 'the ticket in Slack')

    expect(await askCode(await customerOn('slack', world), '+8613800550001')).toBe(codeSentTo('+8613800550001'))
    expect(await askCode(await customerOn('slack', world), '+8613800550002')).toBe(CODES_PAUSED)
    expect(await world.t.db.prisma.phoneVerification.count({ where: { phone: '+8613800550002' } })).toBe(0)
    const alert = await eventually(() => budgetPosts()[0], 'staff told that the budget is spent')
    expect(alert.args.channel).toBe(STAFF_CHANNEL)
    expect(await askCode(await customerOn('slack', world), '+8613800550003')).toBe(CODES_PAUSED)

    // A ticket notification is not a verification code: it goes out.
    await act(number, { action: 'respond', technician: 'Wang Gong' })
    await eventually(() => world.twilio.sent.some((sms) => sms.to === phone.number && sms.body.includes('has been accepted')), 'the response notification by SMS')
    // Barrier: a later staff alert, through the same job queue as the budget's.
    await act(number, { action: 'resolve', solution: 'Reset the router' })
    await act(number, { action: 'reject', reason: 'barrier' })
    await eventually(() => world.slack.posted(STAFF_CHANNEL, ticketTs).some((text) => text.startsWith(':x:')), 'the later alert')
    expect(budgetPosts()).toHaveLength(1)
  })
})
