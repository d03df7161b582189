/**
 * WhatsApp through the same Twilio account and webhook (issue 14): a channel of its own, from
 * `whatsapp:` numbers; free text within WhatsApp's 24-hour window, an approved template after it
 * (or a clear failure staff hear of); photos like an MMS's; STOP is not an SMS opt-out here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAFF_CHANNEL } from './fakes/slack-api.ts'
import { Phone } from './support/sms.ts'
import { eventually, REPAIR, startWorld, WHATSAPP_NUMBER, type World } from './support/world.ts'

const TEMPLATE = `HX${'a'.repeat(32)}`
const HOUR = 3_600_000
let world: World
let phones = 0
const nextWhatsapp = () => new Phone(world.t.url, `whatsapp:+86137000095${String(phones++).padStart(2, '0')}`)
const to = (phone: Phone) => world.twilio.sent.filter((sent) => sent.to === phone.number)

beforeAll(async () => {
  world = await startWorld({ env: { TWILIO_WHATSAPP_TEMPLATES: `response_notification=${TEMPLATE}` } })
  world.t.clock.set('2026-12-01T02:00:00Z')
  await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong' }) })
})
afterAll(() => world.close())

async function submit(phone: Phone) {
  await phone.sayAll(['hi', ...REPAIR])
  return /SR-\d{4}-\d{6}/.exec(await phone.say('YES'))![0]
}
const act = async (number: string, body: object) => {
  const response = await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify(body) })
  expect(response.status, await response.clone().text()).toBe(200)
}

describe('WhatsApp', () => {
  it('is a channel of its own: the ticket, the customer’s number, free text from our WhatsApp sender within the window', async () => {
    const phone = nextWhatsapp()
    const number = await submit(phone)
    const ticket = await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number }, include: { customer: true } })
    expect(ticket).toMatchObject({ channel: 'whatsapp', channelAddress: phone.number.slice('whatsapp:'.length) })
    expect(ticket.customer.phone).toBe(phone.number.slice('whatsapp:'.length))
    await act(number, { action: 'respond', technician: 'Wang Gong' })
    const sent = await eventually(() => to(phone).find((message) => message.body?.includes('has been accepted')), 'the response notification')
    expect(sent.from).toBe(`whatsapp:${WHATSAPP_NUMBER}`)
    expect(sent.contentSid).toBeUndefined()
    const report = (await world.t.getJson('/api/reports/agreement?from=2026-12-01&to=2026-12-01')) as { overall: { requests: { byChannel: Record<string, number> } } }
    expect(report.overall.requests.byChannel.whatsapp).toBeGreaterThanOrEqual(1)
  })

  it('after 24 hours of silence: the approved template where there is one; otherwise the message fails and staff are told', async () => {
    const phone = nextWhatsapp()
    const number = await submit(phone)
    world.t.clock.advance(25 * HOUR)
    await act(number, { action: 'respond', technician: 'Wang Gong' })
    const templated = await eventually(() => to(phone).find((message) => message.contentSid), 'the templated notification')
    expect(templated).toMatchObject({ contentSid: TEMPLATE, from: `whatsapp:${WHATSAPP_NUMBER}` })
    expect(templated.contentVariables!['1']).toContain(`Your request ${number} has been accepted.`)
    // No template for the resolution notification: it cannot go out; staff hear why.
    await act(number, { action: 'arrive' })
    await act(number, { action: 'diagnose', rootCause: 'wear', findings: 'Belt worn' })
    await act(number, { action: 'test', passed: true })
    await act(number, { action: 'resolve', solution: 'Belt replaced' })
    const failed = await eventually(
      () =>
        world.t.db.prisma.message.findFirst({ where: { ticketId: { not: null }, kind: 'resolution_notification', status: 'failed', conversation: { identity: { address: phone.number.slice(9) } } } }),
      'the failed notification',
    )
    expect(failed.lastError).toContain("outside WhatsApp's 24-hour window")
    await eventually(() => world.slack.of('chat.postMessage').some((call) => call.args.channel === STAFF_CHANNEL && String(call.args.text).includes('TWILIO_WHATSAPP_TEMPLATES')), 'staff told')
  })

  it('takes photos like an MMS, and STOP is only a word here', async () => {
    const phone = nextWhatsapp()
    const photo = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(50, 4)])
    expect(await phone.sendMms('', [{ url: world.twilio.hostMedia(photo), contentType: 'image/jpeg' }])).toMatch(/^Photo received/)
    expect(await world.t.db.prisma.attachment.findFirstOrThrow({ where: { address: phone.number.slice(9) } })).toMatchObject({ channel: 'whatsapp', status: 'stored' })
    await phone.say('STOP')
    expect((await world.t.db.prisma.channelIdentity.findFirstOrThrow({ where: { channel: 'whatsapp', address: phone.number.slice(9) } })).optedOutAt).toBeNull()
  })
})
