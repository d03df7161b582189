/** The admin API: bearer auth, ticket lists and filters, ticket detail, hand-offs, errors. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from './support/app.ts'
import { Phone } from './support/sms.ts'

let t: TestApp
const numbers: Record<string, string> = {}

async function submit(phoneNumber: string, answers: string[]) {
  const phone = new Phone(t.url, phoneNumber)
  await phone.sayAll(['hi', ...answers])
  return /SR-\d{4}-\d{6}/.exec(await phone.say('YES'))![0]
}

beforeAll(async () => {
  t = await startTestApp()
  numbers.repair = await submit('+8613900000001', ['1', 'WM-800', 'SN5551', 'Leaks under the door', 'skip', '1 Main Street', 'Ann Lee'])
  t.clock.advance(60_000)
  numbers.parts = await submit('+8613900000002', ['4', 'Mixer M2', 'skip', 'Blade 7781', 'skip', 'Bo Chen'])
  t.clock.advance(60_000)
  numbers.install = await submit('+8613900000001', ['2', 'AC-35', 'skip', 'today', '9 Garden Road', 'Ann Lee'])
})
afterAll(() => t.close())

describe('authentication', () => {
  it('refuses requests without the bearer token, or with a wrong one (401)', async () => {
    const none = await fetch(`${t.url}/api/tickets`)
    expect(none.status).toBe(401)
    expect(none.headers.get('www-authenticate')).toContain('Bearer')
    expect(await none.json()).toEqual({ error: 'missing or invalid bearer token' })
    const wrong = await fetch(`${t.url}/api/tickets`, { headers: { authorization: 'Bearer nope' } })
    expect(wrong.status).toBe(401)
  })

  it('leaves /healthz open and reports the database', async () => {
    const response = await fetch(`${t.url}/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 'ok', database: 'up' })
  })
})

describe('GET /api/tickets', () => {
  const list = async (query = '') => t.getJson(`/api/tickets${query}`)

  it('lists newest first with the next deadline of each', async () => {
    const body = await list()
    expect(body.total).toBe(3)
    expect(body.items.map((item: { number: string }) => item.number)).toEqual([numbers.install, numbers.parts, numbers.repair])
    expect(body.items[0].nextDeadline.kind).toBe('response')
  })

  it('filters by status, channel, type, phone and free text', async () => {
    expect((await list('?status=submitted')).total).toBe(3)
    expect((await list('?status=completed,closed')).total).toBe(0)
    expect((await list('?channel=sms')).total).toBe(3)
    expect((await list('?channel=webchat')).total).toBe(0)
    expect((await list('?type=spare_parts')).items.map((item: { number: string }) => item.number)).toEqual([numbers.parts])
    expect((await list(`?phone=${encodeURIComponent('+86 139-0000-0001')}`)).total).toBe(2)
    // A "+" typed straight into the URL arrives as a space: the number is still found.
    expect((await list('?phone=+8613900000001')).total).toBe(2)
    expect((await list('?q=mixer')).items.map((item: { number: string }) => item.number)).toEqual([numbers.parts])
    expect((await list('?q=sn5551')).items.map((item: { number: string }) => item.number)).toEqual([numbers.repair])
    expect((await list(`?q=${numbers.install!.toLowerCase()}`)).total).toBe(1)
    expect((await list('?q=garden')).total).toBe(1)
  })

  it('paginates', async () => {
    const first = await list('?pageSize=2')
    const second = await list('?pageSize=2&page=2')
    expect(first).toMatchObject({ page: 1, pageSize: 2, total: 3 })
    expect(first.items).toHaveLength(2)
    expect(second.items.map((item: { number: string }) => item.number)).toEqual([numbers.repair])
  })

  it('answers 400 with the reason for a bad filter', async () => {
    const response = await t.admin('/api/tickets?status=lost&pageSize=1000')
    expect(response.status).toBe(400)
    const { error } = (await response.json()) as { error: string }
    expect(error).toMatch(/status/)
    expect(error).toMatch(/pageSize/)
  })
})

describe('GET /api/tickets/:number', () => {
  it('returns every collected field, the deadlines and the event trail', async () => {
    const response = await t.admin(`/api/tickets/${numbers.repair}`)
    expect(response.status).toBe(200)
    const ticket = (await response.json()) as { deadlines: unknown; events: unknown[] }
    expect(ticket).toMatchObject({
      number: numbers.repair,
      type: 'repair',
      status: 'submitted',
      productModel: 'WM-800',
      serialNumber: 'SN5551',
      description: 'Leaks under the door',
      siteAddress: '1 Main Street',
      contactName: 'Ann Lee',
      channel: 'sms',
      channelAddress: '+8613900000001',
      customer: { phone: '+8613900000001', locale: 'en' },
    })
    expect(ticket.deadlines).toEqual([{ kind: 'response', startsAt: '2026-11-25T02:00:00.000Z', dueAt: '2026-11-26T02:00:00.000Z', metAt: null, warnedAt: null }])
    expect(ticket.events).toHaveLength(1)
  })

  it('answers 404 for an unknown ticket, and for an unknown endpoint', async () => {
    const unknown = await t.admin('/api/tickets/SR-2026-999999')
    expect(unknown.status).toBe(404)
    expect(await unknown.json()).toEqual({ error: 'no ticket SR-2026-999999' })
    const garbled = await t.admin('/api/tickets/%E0%A4%A')
    expect(garbled.status).toBe(400)
    const nowhere = await t.admin('/api/nowhere')
    expect(nowhere.status).toBe(404)
    expect(await nowhere.json()).toEqual({ error: 'no such endpoint' })
  })
})

describe('hand-off requests', () => {
  it('shows conversations where the customer asked for a person', async () => {
    const phone = new Phone(t.url, '+8613900000003')
    await phone.sayAll(['hi', '1'])
    expect(await phone.say('AGENT')).toContain('asked a member of our team')
    const body = await t.getJson('/api/conversations?handoff=true')
    expect(body.total).toBe(1)
    expect(body.items[0]).toMatchObject({ state: 'intake.productModel', handoffReason: 'customer_asked', identity: { channel: 'sms', address: '+8613900000003' } })
    const detail = await t.getJson(`/api/conversations/${body.items[0].id}`)
    expect(detail.messages.map((message: { direction: string; body: string }) => `${message.direction}: ${message.body.split('\n')[0]}`)).toEqual([
      'inbound: hi',
      'outbound: Hello! This is the after-sales service desk. What can we help you with?',
      'inbound: 1',
      'outbound: Which product is it? Please send the model as printed on its label (for example X200).',
      'inbound: AGENT',
      'outbound: I have asked a member of our team to contact you. Meanwhile you can carry on here.',
      'outbound: Which product is it? Please send the model as printed on its label (for example X200).',
    ])
    expect((await t.admin('/api/conversations/not-a-uuid')).status).toBe(400)
    expect((await t.admin('/api/conversations/00000000-0000-4000-8000-000000000000')).status).toBe(404)
  })
})
