/**
 * §3.1a: requests taken by phone. Staff log them through the admin API or Slack's `/aftercare
 * new`, with the conversation's own rules; a caller's mobile then gets the ticket's texts (the
 * confirmation, §3.1b response, resolution, §3.3a survey) and answers by SMS like any customer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAFF_CHANNEL } from './fakes/slack-api.ts'
import { viewSubmission } from './support/slack.ts'
import { Phone } from './support/sms.ts'
import { eventually, startWorld, type World } from './support/world.ts'

let world: World
let phones = 0
const nextPhone = () => `+86137000070${String(phones++).padStart(2, '0')}`
const smsTo = (number: string) => world.twilio.sent.filter((sms) => sms.to === number).map((sms) => sms.body)

beforeAll(async () => {
  world = await startWorld()
  world.t.clock.set('2026-12-01T02:00:00Z')
  await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong' }) })
})
afterAll(() => world.close())

const logCall = (body: object) => world.t.admin('/api/tickets', { method: 'POST', body: JSON.stringify(body) })
const act = async (number: string, body: object) => {
  const response = await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify(body) })
  expect(response.status, await response.clone().text()).toBe(200)
}
const repairCall = (phone: string) => ({
  serviceType: 'repair',
  productModel: 'WM-800',
  serialNumber: 'sn 4455',
  description: 'The drum does not turn',
  siteAddress: '88 Century Avenue, Shanghai',
  contactName: 'Li Wei',
  phone,
  actor: 'Zhao on the hotline',
})

describe('POST /api/tickets (a phone call)', () => {
  it('logs a request as a phone ticket, texts the caller its number, and the texts follow the ticket to the end', async () => {
    const phone = nextPhone()
    const support = { ...repairCall(phone.replace('+86', '+86 ')), serviceType: 'technical support', siteAddress: null, description: 'How do I reset it?' }
    const response = await logCall({ ...support, locale: 'en' })
    expect(response.status, await response.clone().text()).toBe(201)
    const ticket = (await response.json()) as { number: string; channel: string; serialNumber: string; notifiedBySms: boolean; events: { actor: string }[] }
    // The same reading as the chat: the "sn" prefix dropped, upper-cased.
    expect(ticket).toMatchObject({ channel: 'phone', serialNumber: '4455', notifiedBySms: true })
    const row = await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number: ticket.number }, include: { events: true, deadlines: true } })
    expect(row.channelAddress).toBe(phone)
    expect(row.events[0]).toMatchObject({ type: 'submitted', actor: 'api' })
    // §3.1b: the 24-hour response clock runs from the call, as from a text.
    expect(row.deadlines.find((deadline) => deadline.kind === 'response')!.dueAt.toISOString()).toBe('2026-12-02T02:00:00.000Z')

    const confirmation = await eventually(() => smsTo(phone).find((body) => body.includes(ticket.number)), 'the confirmation text')
    expect(confirmation).toContain(`Thank you! Your request number is ${ticket.number}.`)
    // The staff channel gets the ticket like any other, marked as a phone request.
    await eventually(
      () =>
        world.slack
          .of('chat.postMessage')
          .find((call) => call.args.channel === STAFF_CHANNEL && JSON.stringify(call.args.blocks).includes(`${ticket.number}`) && JSON.stringify(call.args.blocks).includes('PHONE')),
      'the staff post',
    )

    await act(ticket.number, { action: 'respond', technician: 'Wang Gong' })
    await eventually(() => smsTo(phone).length >= 2 && smsTo(phone)[1], 'the response notification')
    await act(ticket.number, { action: 'resolve', solution: 'Hold the reset button for 10 seconds' })
    await eventually(() => smsTo(phone).find((body) => body.includes('Hold the reset button')), 'the resolution notification')
    // The caller confirms by text, as a customer who texted in would.
    expect(await new Phone(world.t.url, phone).say('YES')).toBe(`Thank you for confirming. ${ticket.number} is complete.`)
    // §3.3a: the survey follows on the same number.
    world.t.clock.advance(10 * 60_000)
    await world.t.assembled.runSurveys()
    await eventually(() => smsTo(phone).find((body) => body.includes(`our service for ${ticket.number}`)), 'the survey question')
  })

  it('joins the conversation of a caller who has texted before: one customer, one history', async () => {
    const phone = nextPhone()
    const texts = new Phone(world.t.url, phone)
    await texts.say('hi')
    const response = await logCall({ ...repairCall(phone), serviceType: '5', productModel: 'Router R1', siteAddress: undefined, description: 'How do I reset it?' })
    expect(response.status).toBe(201)
    const { number } = (await response.json()) as { number: string }
    const identity = await world.t.db.prisma.channelIdentity.findUniqueOrThrow({ where: { channel_address: { channel: 'sms', address: phone } }, include: { conversation: true } })
    const ticket = await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number } })
    expect(ticket).toMatchObject({ type: 'technical_support', customerId: identity.customerId, conversationId: identity.conversation!.id })
    // STATUS by text lists it.
    expect(await texts.say('STATUS')).toContain(number)
  })

  it('records a landline without texting it', async () => {
    const phone = '+862151234567'
    const response = await logCall({ ...repairCall(phone), notifyBySms: false })
    expect(response.status).toBe(201)
    const { number, notifiedBySms } = (await response.json()) as { number: string; notifiedBySms: boolean }
    expect(notifiedBySms).toBe(false)
    const ticket = await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number }, include: { customer: true } })
    expect(ticket.conversationId).toBeNull()
    expect(ticket.customer.phone).toBe(phone)
    await act(number, { action: 'respond', technician: 'Wang Gong' })
    // Nothing queued for a landline; staff call back.
    expect(await world.t.db.prisma.message.count({ where: { ticketId: ticket.id } })).toBe(0)
    expect(await world.t.db.prisma.channelIdentity.count({ where: { address: phone } })).toBe(0)
  })

  it('refuses what the chat would refuse, naming each field, and logs nothing', async () => {
    const before = await world.t.db.prisma.ticket.count()
    // An installation needs its delivery date (§2.1a); a name needs a letter; a model 2 to 60 characters.
    const response = await logCall({ serviceType: 'installation', productModel: 'X', contactName: '123', siteAddress: '9 Garden Road, Shanghai', phone: nextPhone() })
    expect(response.status).toBe(400)
    const body = (await response.json()) as { error: string; problems: Record<string, string> }
    expect(Object.keys(body.problems).sort()).toEqual(['contactName', 'deliveryDate', 'productModel'])
    expect(body.problems.productModel).toContain('2 to 60 characters')
    for (const bad of [
      { ...repairCall('12'), phone: 'call me' },
      { ...repairCall(nextPhone()), serviceType: 'cleaning' },
      { ...repairCall(nextPhone()), colour: 'red' },
      { ...repairCall(nextPhone()), deliveryDate: 'x'.repeat(100) },
    ]) {
      const refused = await logCall(bad)
      expect(refused.status, JSON.stringify(bad)).toBe(400)
    }
    expect(await world.t.db.prisma.ticket.count()).toBe(before)
  })

  it('counts phone requests in the agreement report', async () => {
    const report = (await world.t.getJson('/api/reports/agreement?from=2026-12-01&to=2026-12-01')) as { overall: { requests: { byChannel: Record<string, number> } } }
    expect(report.overall.requests.byChannel.phone).toBe(await world.t.db.prisma.ticket.count({ where: { channel: 'phone' } }))
    expect(report.overall.requests.byChannel.phone).toBeGreaterThanOrEqual(3)
    expect((await world.t.getJson('/api/tickets?channel=phone')).total).toBe(report.overall.requests.byChannel.phone)
  })
})

describe('/aftercare new in Slack', () => {
  const opened = async (before: number) =>
    eventually(() => world.slack.of('views.open').slice(before)[0]?.args.view as { callback_id: string; blocks: { block_id?: string }[] } | undefined, 'the phone request form')
  const submit = async (view: { callback_id: string; blocks: unknown[] }, values: Record<string, unknown>) => {
    const response = await world.workspace.interaction(viewSubmission({ ...view, private_metadata: '' }, values))
    expect(response.status).toBe(200)
    const text = await response.text()
    return text ? (JSON.parse(text) as { response_action?: string; errors?: Record<string, string> }) : {}
  }
  const typed = (value: string) => ({ type: 'plain_text_input', value })

  it('opens a form Slack accepts, checks it before it closes, and logs the request', async () => {
    const before = world.slack.of('views.open').length
    expect((await world.workspace.command('new')).status).toBe(200)
    const view = await opened(before)
    expect(world.slack.refused).toEqual([])
    expect(view.blocks.map((block) => block.block_id).filter(Boolean)).toEqual(
      expect.arrayContaining(['serviceType', 'productModel', 'serialNumber', 'deliveryDate', 'description', 'siteAddress', 'contactName', 'phone', 'notifyBySms']),
    )
    const phone = nextPhone()
    const values = {
      serviceType: { type: 'static_select', selected_option: { value: 'repair' } },
      productModel: typed('WM-800'),
      serialNumber: typed(''),
      description: typed('Leaks under the door'),
      contactName: typed('Ann Lee'),
      phone: typed(phone),
      notifyBySms: { type: 'checkboxes', selected_options: [{ value: 'yes' }] },
    }
    // A repair is on site: the address is asked for, under its field.
    expect(await submit(view, values)).toEqual({ response_action: 'errors', errors: { siteAddress: expect.stringContaining('full address') } })
    expect(await submit(view, { ...values, siteAddress: typed('1 Main Street, Shanghai'), phone: typed('not a number') })).toEqual({ response_action: 'errors', errors: { phone: expect.any(String) } })
    expect(await submit(view, { ...values, siteAddress: typed('1 Main Street, Shanghai') })).toEqual({})
    const ticket = await eventually(() => world.t.db.prisma.ticket.findFirst({ where: { channel: 'phone', channelAddress: phone } }), 'the ticket from Slack')
    expect(ticket).toMatchObject({ type: 'repair', serialNumber: null, contactName: 'Ann Lee' })
    expect((await world.t.db.prisma.ticketEvent.findFirstOrThrow({ where: { ticketId: ticket.id } })).actor).toBe('slack:U0STAFF001')
    // The staff member is told the number; the caller gets it by text.
    await eventually(() => world.slack.of('chat.postEphemeral').find((call) => String(call.args.text).includes(`Logged ${ticket.number}`)), 'the confirmation to staff')
    await eventually(() => smsTo(phone).find((body) => body.includes(ticket.number)), 'the text to the caller')
  })
})
