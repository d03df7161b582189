/**
 * The SMS channel end to end (§3.1a): signed Twilio webhooks in, TwiML out, tickets in
 * PostgreSQL. Talks HTTP to the real app on a test database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from './support/app.ts'
import { newMessageSid, Phone, signedSmsRequest } from './support/sms.ts'

let t: TestApp
beforeAll(async () => {
  t = await startTestApp()
})
afterAll(() => t.close())

let nextNumber = 1000
const newPhone = () => new Phone(t.url, `+8613800${String(nextNumber++).padStart(6, '0')}`)

async function counts() {
  const [messages, tickets, identities] = await Promise.all([t.db.prisma.message.count(), t.db.prisma.ticket.count(), t.db.prisma.channelIdentity.count()])
  return { messages, tickets, identities }
}

describe('a repair request by SMS', () => {
  it('guides the customer step by step and ends with a ticket the admin API lists', async () => {
    const phone = newPhone()
    const greeting = await phone.say('hello')
    expect(greeting).toContain('What can we help you with?')
    expect(greeting).toContain('1 Repair')
    expect(greeting).toContain('6 Training')

    expect(await phone.say('1')).toContain('Which product')
    expect(await phone.say('WM-800')).toContain('serial number')
    expect(await phone.say('sn 4455-AB')).toContain('describe the problem')
    expect(await phone.say('The drum does not turn and it beeps')).toContain('send a photo of the fault')
    expect(await phone.say('SKIP')).toContain('Where should our technician come')
    expect(await phone.say('88 Century Avenue, Pudong, Shanghai')).toContain('contact name')
    const summary = await phone.say('Li Wei')
    expect(summary).toContain('1 Service: Repair')
    expect(summary).toContain('3 Serial number: 4455-AB')
    expect(summary).toContain('4 Problem: The drum does not turn and it beeps')
    expect(summary).toContain('Reply YES to submit')

    const done = await phone.say('YES')
    const number = /SR-2026-\d{6}/.exec(done)?.[0]
    expect(number).toBeDefined()
    // Submitted 10:00 Shanghai time on Wed 25 Nov: §2.2 response due 24 hours later.
    expect(done).toContain('We will respond by Thu 26 Nov, 10:00 Beijing time.')

    const list = await t.getJson(`/api/tickets?phone=${encodeURIComponent(phone.number)}`)
    expect(list.total).toBe(1)
    expect(list.items[0]).toMatchObject({ number, type: 'repair', status: 'submitted', productModel: 'WM-800', serialNumber: '4455-AB', channel: 'sms' })
    expect(list.items[0].nextDeadline).toEqual({ kind: 'response', dueAt: '2026-11-26T02:00:00.000Z' })

    const ticket = await t.getJson(`/api/tickets/${number}`)
    expect(ticket).toMatchObject({
      description: 'The drum does not turn and it beeps',
      siteAddress: '88 Century Avenue, Pudong, Shanghai',
      contactName: 'Li Wei',
      channelAddress: phone.number,
      locale: 'en',
      warranty: false,
    })
    expect(ticket.events).toEqual([expect.objectContaining({ type: 'submitted', actor: expect.stringMatching(/^customer:/) })])
  })

  it('keeps the conversation going after submission: STATUS lists the open ticket with its deadline', async () => {
    const phone = newPhone()
    await phone.sayAll(['4', 'X200', 'skip', 'filter cartridge FC-2, two of them', 'skip', 'Zhang San', 'yes'])
    const status = await phone.say('STATUS')
    expect(status).toMatch(/Your requests:\nSR-2026-\d{6} - Spare parts - received - response due Thu 26 Nov, 10:00 Beijing time/)
  })
})

describe('the webhook refuses what is not Twilio and stores nothing', () => {
  it('answers 403 to a missing or wrong signature', async () => {
    const before = await counts()
    const unsigned = await fetch(`${t.url}/twilio/sms`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ MessageSid: newMessageSid(), From: '+8613900000001', Body: 'hi' }).toString(),
    })
    expect(unsigned.status).toBe(403)
    expect(await unsigned.json()).toEqual({ error: 'invalid Twilio signature' })

    const wrongKey = signedSmsRequest({ MessageSid: newMessageSid(), From: '+8613900000001', Body: 'hi' }, { authToken: 'someone-elses-token' })
    expect((await fetch(t.url + wrongKey.path, wrongKey.init)).status).toBe(403)

    // A valid signature over different parameters (a tampered body) fails too.
    const tampered = signedSmsRequest({ MessageSid: newMessageSid(), From: '+8613900000001', Body: 'hi' })
    tampered.init.body = tampered.init.body.replace('hi', 'bye')
    expect((await fetch(t.url + tampered.path, tampered.init)).status).toBe(403)
    expect(await counts()).toEqual(before)
  })

  it('answers 400 to a signed request without the fields of a message', async () => {
    const before = await counts()
    const noSid = signedSmsRequest({ From: '+8613900000002', Body: 'hi' })
    const response = await fetch(t.url + noSid.path, noSid.init)
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: expect.stringMatching(/malformed Twilio webhook/) })
    const badSid = signedSmsRequest({ MessageSid: 'not-a-sid', From: '+8613900000002', Body: 'hi' })
    expect((await fetch(t.url + badSid.path, badSid.init)).status).toBe(400)
    expect(await counts()).toEqual(before)
  })

  it('answers 413 to an oversized body', async () => {
    const before = await counts()
    const huge = signedSmsRequest({ MessageSid: newMessageSid(), From: '+8613900000003', Body: 'x'.repeat(100_000) })
    const response = await fetch(t.url + huge.path, huge.init)
    expect(response.status).toBe(413)
    expect(await response.json()).toEqual({ error: 'request body too large' })
    expect(await counts()).toEqual(before)
  })
})

describe('Twilio retries and bursts', () => {
  it('processes a MessageSid once: the retry gets the same answer and changes nothing', async () => {
    const phone = newPhone()
    await phone.say('hi')
    const sid = newMessageSid()
    const first = await phone.send('2', sid)
    const before = await counts()
    const retry = await phone.send('2', sid)
    expect(retry.status).toBe(200)
    expect(retry.body).toBe(first.body)
    expect(await counts()).toEqual(before)
    // The conversation did not move twice: the next answer is taken as the product model.
    expect(await phone.say('Oven K9')).toContain('serial number')
  })

  it('processes two messages from one number that arrive together one after the other', async () => {
    const phone = newPhone()
    await phone.say('hi')
    const [a, b] = await Promise.all([phone.send('1'), phone.send('Fridge F100')])
    expect(a.status).toBe(200)
    expect(b.status).toBe(200)
    // Each got its own answer: whichever came first answered the menu, the other the next question.
    expect(a.messages.length).toBeGreaterThan(0)
    expect(b.messages.length).toBeGreaterThan(0)
    const answers = [...a.messages, ...b.messages].join('\n')
    expect(answers).toContain('Which product')
    expect(answers).toMatch(/serial number|Please reply with a number/)
    const conversation = await t.db.prisma.conversation.findFirstOrThrow({ where: { identity: { address: phone.number } } })
    expect(conversation.version).toBe(3)
    expect(await t.db.prisma.message.count({ where: { conversationId: conversation.id, direction: 'inbound' } })).toBe(3)
  })
})

describe('language', () => {
  it('is Chinese when the very first message is a Chinese command word', async () => {
    const phone = newPhone()
    expect(await phone.say('人工')).toContain('已通知我们的工作人员')
  })
})

describe('opting out', () => {
  it('STOP marks the number opted out, START opts back in, HELP answers', async () => {
    const phone = newPhone()
    await phone.say('hi')
    expect(await phone.say('STOP')).toContain('unsubscribed')
    const identity = () => t.db.prisma.channelIdentity.findFirstOrThrow({ where: { address: phone.number } })
    expect((await identity()).optedOutAt).not.toBeNull()
    expect(await phone.say('START')).toContain('subscribed again')
    expect((await identity()).optedOutAt).toBeNull()
    expect(await phone.say('停止')).toContain('退订')
    expect((await identity()).optedOutAt).not.toBeNull()
    expect(await phone.say('HELP')).toContain('Choose the kind of service')
  })
})
