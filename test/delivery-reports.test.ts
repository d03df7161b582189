/**
 * Issue 18: delivery confirmed, not assumed. Every SMS and WhatsApp message goes with a
 * StatusCallback; the fake Twilio calls it as Twilio does (signed over PUBLIC_URL, 'sent' then the
 * carrier's outcome), and what the carrier did reaches the message, the ticket's trail and staff.
 */
import twilio from 'twilio'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PUBLIC_URL } from './support/app.ts'
import { eventually, REPAIR, startWorld, submitBySms, type World } from './support/world.ts'
import { respondTo, alertInTicketThread } from './support/tickets.ts'

let world: World
let phones = 0
const nextPhone = () => `+86138000031${String(phones++).padStart(2, '0')}`

beforeAll(async () => {
  world = await startWorld()
  world.twilio.reportDeliveryTo = world.t.url
  await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong' }) })
})
afterAll(() => world.close())

const notification = (number: string) =>
  world.t.db.prisma.message.findFirstOrThrow({
    where: { kind: 'response_notification', ticket: { number } },
    select: { id: true, status: true, attempts: true, strikes: true, providerId: true, providerIds: true, deliveryStatus: true, deliveryError: true, deliveredAt: true },
  })

const trail = async (number: string) =>
  ((await world.t.getJson(`/api/tickets/${number}`)) as { events: { type: string; data: { text?: string } }[] }).events.filter((event) => event.type.startsWith('notification_'))

describe('Twilio status callbacks (issue 18)', () => {
  it('every send asks for a report at PUBLIC_URL/twilio/status; "delivered" reaches the message and the ticket’s trail', async () => {
    const { number, phone } = await submitBySms(world.t, nextPhone(), REPAIR)
    await respondTo(world.t, number)
    const row = await eventually(async () => {
      const message = await notification(number)
      return message.deliveryStatus === 'delivered' && message
    }, 'the delivery report')
    expect(row.status).toBe('sent')
    expect(row.deliveredAt).not.toBeNull()
    expect(row.providerIds).toEqual([row.providerId])
    const sent = world.twilio.sent.find((message) => message.sid === row.providerId)
    expect(sent?.to).toBe(phone.number)
    expect(sent?.statusCallback).toBe(`${PUBLIC_URL}/twilio/status`)
    expect(await trail(number)).toEqual([{ type: 'notification_delivered', actor: 'system', at: expect.any(String), data: { text: 'response notification by SMS: delivered', messageId: row.id } }])
  })

  it('a report repeated or late changes nothing: "sent" after "delivered", "delivered" twice', async () => {
    const { number } = await submitBySms(world.t, nextPhone(), REPAIR)
    await respondTo(world.t, number)
    const row = await eventually(async () => {
      const message = await notification(number)
      return message.deliveryStatus === 'delivered' && message
    }, 'the delivery report')
    expect(await world.twilio.reportDelivery(row.providerId!, 'delivered')).toBe(204)
    expect(await world.twilio.reportDelivery(row.providerId!, 'sent')).toBe(204)
    expect((await notification(number)).deliveryStatus).toBe('delivered')
    expect(await trail(number)).toHaveLength(1)
  })

  it('an unreachable handset (30003): on the trail, sent again with backoff, then delivered', async () => {
    const phone = nextPhone()
    world.twilio.outcomes.set(phone, { status: 'undelivered', errorCode: 30003 })
    const { number } = await submitBySms(world.t, phone, REPAIR)
    await respondTo(world.t, number)
    await eventually(async () => (await notification(number)).strikes === 1, 'the first report counted against the message')
    world.twilio.outcomes.delete(phone) // the phone is back on
    const row = await eventually(
      async () => {
        const message = await notification(number)
        return message.deliveryStatus === 'delivered' && message
      },
      'the second send delivered',
      15_000,
    )
    expect(row.attempts).toBe(2)
    expect(world.twilio.sent.filter((sent) => sent.to === phone && sent.body.includes('accepted'))).toHaveLength(2)
    expect((await trail(number)).map((event) => event.data.text)).toEqual([
      'response notification by SMS: not delivered (error 30003: unreachable handset (off or out of coverage)); sending again',
      'response notification by SMS: delivered',
    ])
  })

  it('an unknown number (30005): failed for good, on the trail, staff told to reach the customer another way', async () => {
    const phone = nextPhone()
    world.twilio.outcomes.set(phone, { status: 'undelivered', errorCode: 30005 })
    const { number } = await submitBySms(world.t, phone, REPAIR)
    await respondTo(world.t, number)
    const row = await eventually(async () => {
      const message = await notification(number)
      return message.status === 'failed' && message
    }, 'the failure')
    expect(row.deliveryError).toBe('error 30005: unknown or inactive number')
    expect(world.twilio.sent.filter((sent) => sent.to === phone && sent.body.includes('accepted'))).toHaveLength(1)
    expect((await trail(number)).map((event) => event.data.text)).toEqual(['response notification by SMS: not delivered (error 30005: unknown or inactive number)'])
    await eventually(alertInTicketThread(world, number, 'Could not deliver the response notification'), 'the staff alert')
  })

  it('refuses what Twilio did not sign (403) and malformed reports (400); an id not ours is answered 204, doing nothing', async () => {
    const params = { MessageSid: `SM${'0'.repeat(32)}`, MessageStatus: 'delivered', AccountSid: world.twilio.accountSid }
    const post = (body: Record<string, string>, signature: string) =>
      fetch(`${world.t.url}/twilio/status`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature }, body: new URLSearchParams(body) })
    const sign = (body: Record<string, string>) => twilio.getExpectedTwilioSignature(world.twilio.authToken, `${PUBLIC_URL}/twilio/status`, body)
    expect((await post(params, 'forged')).status).toBe(403)
    expect((await post({ ...params, MessageStatus: 'exploded' }, sign({ ...params, MessageStatus: 'exploded' }))).status).toBe(400)
    expect((await post(params, sign(params))).status).toBe(204)
  })
})

describe('what the fake Twilio refuses, as Twilio does (issue 18)', () => {
  it('a body over 1,600 characters (21617) and a WhatsApp recipient with an SMS sender (21910)', async () => {
    const send = (body: Record<string, string>) =>
      fetch(`${world.twilio.url}/2010-04-01/Accounts/${world.twilio.accountSid}/Messages.json`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from(`${world.twilio.accountSid}:${world.twilio.authToken}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(body),
      }).then(async (response) => ({ status: response.status, code: ((await response.json()) as { code?: number }).code }))
    expect(await send({ To: '+8613800000000', From: '+8610000000000', Body: 'x'.repeat(1601) })).toEqual({ status: 400, code: 21617 })
    expect(await send({ To: 'whatsapp:+8613800000000', From: '+14155238886', Body: 'hi' })).toEqual({ status: 400, code: 21910 })
    expect((await send({ To: 'whatsapp:+8613800000000', From: 'whatsapp:+14155238886', Body: 'hi' })).status).toBe(201)
  })
})
