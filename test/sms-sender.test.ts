/** Proactive SMS through the real twilio SDK, against a local fake of Twilio's REST API. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSmsSender, SmsSendError, type SmsSender } from '../src/channels/sms/sender.ts'
import { deliver, NotDeliverable } from '../src/notifications/deliver.ts'
import { createTestDatabase, type TestDatabase } from './support/database.ts'
import { FakeTwilioApi } from './fakes/twilio-api.ts'

let twilioApi: FakeTwilioApi
let sender: SmsSender
let db: TestDatabase

beforeAll(async () => {
  twilioApi = await new FakeTwilioApi().start()
  sender = createSmsSender({ accountSid: twilioApi.accountSid, authToken: twilioApi.authToken, from: '+8610000000000', apiUrl: twilioApi.url, whatsappFrom: undefined, whatsappTemplates: {} })!
  db = await createTestDatabase()
})
afterAll(async () => {
  await twilioApi.stop()
  await db.drop()
})

describe('the SMS sender', () => {
  it('sends through the SDK to TWILIO_API_URL with the account’s credentials', async () => {
    const sids = await sender.send('+8613600000001', 'Your technician arrives at 14:00.')
    expect(sids).toEqual([expect.stringMatching(/^SM[0-9a-f]{32}$/)])
    expect(twilioApi.sent.at(-1)).toMatchObject({ to: '+8613600000001', from: '+8610000000000', body: 'Your technician arrives at 14:00.' })
  })

  it('uses a Messaging Service when TWILIO_FROM is an MG… SID', async () => {
    const viaService = createSmsSender({
      accountSid: twilioApi.accountSid,
      authToken: twilioApi.authToken,
      from: `MG${'b'.repeat(32)}`,
      apiUrl: twilioApi.url,
      whatsappFrom: undefined,
      whatsappTemplates: {},
    })!
    await viaService.send('+8613600000002', 'hi')
    expect(twilioApi.sent.at(-1)).toMatchObject({ messagingServiceSid: `MG${'b'.repeat(32)}`, from: undefined })
  })

  it('splits a text over 1,600 characters at line breaks (Twilio error 21617 otherwise)', async () => {
    const count = twilioApi.sent.length
    const lines = Array.from({ length: 40 }, (_, index) => `Line ${index}: ${'x'.repeat(60)}`)
    await sender.send('+8613600000003', lines.join('\n'))
    const parts = twilioApi.sent.slice(count)
    expect(parts.length).toBe(2)
    expect(parts.every((part) => part.body.length <= 1600)).toBe(true)
    expect(parts.map((part) => part.body).join('\n')).toBe(lines.join('\n'))
  })

  it.each<[{ status: number; code?: number }, boolean]>([
    [{ status: 400, code: 21610 }, true],
    [{ status: 400, code: 21211 }, true],
    [{ status: 429, code: 20429 }, false],
    [{ status: 503 }, false],
  ])('reports %j as permanent: %s', async (failure, permanent) => {
    twilioApi.failNext(failure)
    const error = await sender.send('+8613600000004', 'hi').catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(SmsSendError)
    expect((error as SmsSendError).permanent).toBe(permanent)
    expect((error as SmsSendError).code).toBe(failure.code)
  })

  it('is off without an account SID or a sender', () => {
    expect(createSmsSender({ accountSid: undefined, authToken: 'x', from: '+8610000000000', apiUrl: twilioApi.url, whatsappFrom: undefined, whatsappTemplates: {} })).toBeUndefined()
    expect(createSmsSender(undefined)).toBeUndefined()
  })
})

describe('proactive delivery', () => {
  async function identity(optedOutAt: Date | null) {
    const customer = await db.prisma.customer.create({ data: { phone: '+8613600000009' } })
    return db.prisma.channelIdentity.create({ data: { channel: 'sms', address: `+86136${Math.floor(Math.random() * 1e8)}`, customerId: customer.id, optedOutAt } })
  }

  it('reaches a subscribed number', async () => {
    const subscribed = await identity(null)
    await deliver(db.prisma, { sms: sender }, subscribed.id, { text: 'Choose:', choices: [{ value: '1', label: 'Yes' }], numbered: true })
    expect(twilioApi.sent.at(-1)).toMatchObject({ to: subscribed.address, body: 'Choose:\n1 Yes' })
  })

  it('never sends to an opted-out number', async () => {
    const optedOut = await identity(new Date('2026-11-20T00:00:00Z'))
    const count = twilioApi.sent.length
    const error = await deliver(db.prisma, { sms: sender }, optedOut.id, { text: 'hello' }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(NotDeliverable)
    expect((error as NotDeliverable).reason).toBe('opted_out')
    expect(twilioApi.sent.length).toBe(count)
  })
})
