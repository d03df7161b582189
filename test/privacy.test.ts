/**
 * Erasing a customer's personal data on request (issue 14: "deleting a customer's data deletes
 * their files"): `DELETE /api/customers/:id`. The person's details, conversation and files go; the
 * tickets stay for the agreement's figures (§3.3c, §4.1), anonymous.
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Phone } from './support/sms.ts'
import { startWorld, type World } from './support/world.ts'

const PHOTO = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(400, 5)])
const SHARED = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(300, 6)])

let world: World
beforeAll(async () => {
  world = await startWorld()
})
afterAll(() => world.close())

const hosted = (bytes: Uint8Array, contentType = 'image/jpeg') => ({ url: world.twilio.hostMedia(bytes, contentType), contentType })
const fileOnDisk = (bytes: Buffer) => {
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  return path.join(world.t.config.media.dir, sha256.slice(0, 2), sha256)
}

async function requestWithPhotos(number: string, photos: Buffer[]) {
  const phone = new Phone(world.t.url, number)
  await phone.sayAll(['hi', '1', 'WM-800', 'skip', 'The drum does not turn'])
  await phone.sendMms(
    '',
    photos.map((bytes) => hosted(bytes, bytes === SHARED ? 'image/png' : 'image/jpeg')),
  )
  await phone.sayAll(['88 Century Avenue, Shanghai', 'Li Wei'])
  const ticket = /SR-\d{4}-\d{6}/.exec(await phone.say('YES'))![0]
  return { phone, ticket }
}

describe('erasing a customer (DELETE /api/customers/:id)', () => {
  it('removes their details, conversation and files; keeps the ticket anonymous; another customer’s copy of a shared photo stays', async () => {
    const erased = await requestWithPhotos('+8613700110001', [PHOTO, SHARED])
    const other = await requestWithPhotos('+8613700110002', [SHARED])
    expect(existsSync(fileOnDisk(PHOTO))).toBe(true)

    const found = await world.t.getJson('/api/customers?phone=%2B8613700110001')
    expect(found.items).toHaveLength(1)
    const customer = found.items[0] as { id: string; tickets: { number: string }[] }
    expect(customer.tickets.map((ticket) => ticket.number)).toEqual([erased.ticket])
    const before = await world.t.getJson(`/api/tickets/${erased.ticket}`)
    const files = before.attachments as { id: string; url: string }[]
    expect(files).toHaveLength(2)

    const response = await world.t.admin(`/api/customers/${customer.id}`, { method: 'DELETE' })
    expect(response.status).toBe(200)
    // Two files: the photo only they sent; the shared one's bytes stay for the other customer.
    expect(await response.json()).toEqual({ erased: { tickets: 1, messages: expect.any(Number), files: 1 } })

    const after = await world.t.getJson(`/api/tickets/${erased.ticket}`)
    expect(after).toMatchObject({
      number: erased.ticket,
      type: 'repair',
      productModel: 'WM-800',
      status: 'submitted',
      contactName: '(erased)',
      siteAddress: null,
      description: null,
      channelAddress: '(erased)',
      attachments: [],
    })
    expect(after.customer).toMatchObject({ name: null, phone: null })
    expect(after.events.at(-1)).toMatchObject({ type: 'customer_erased' })
    for (const file of files) expect((await world.t.admin(file.url)).status).toBe(404)
    expect(existsSync(fileOnDisk(PHOTO))).toBe(false)
    expect(existsSync(fileOnDisk(SHARED))).toBe(true)
    const kept = (await world.t.getJson(`/api/tickets/${other.ticket}`)).attachments as { url: string }[]
    expect((await world.t.admin(kept[0]!.url)).status).toBe(200)

    // Nothing of the conversation is left to read; nobody is found by the number any more.
    const conversation = await world.t.db.prisma.conversation.findFirstOrThrow({ where: { tickets: { some: { number: erased.ticket } } }, include: { messages: true } })
    expect(conversation.snapshot).toBeNull()
    expect(new Set(conversation.messages.map((message) => message.body))).toEqual(new Set(['(erased)']))
    expect((await world.t.getJson('/api/customers?phone=%2B8613700110001')).items).toEqual([])

    // Texting again is a new customer, with nothing of the old one.
    expect(await erased.phone.say('hi')).toContain('What can we help you with?')
    expect(await erased.phone.say('STATUS')).toMatch(/^You have no open requests\.\n/)
  })

  it('answers 404 for an unknown customer and 400 for a malformed id', async () => {
    expect((await world.t.admin('/api/customers/7d5c1f0e-0000-4000-8000-000000000000', { method: 'DELETE' })).status).toBe(404)
    expect((await world.t.admin('/api/customers/not-an-id', { method: 'DELETE' })).status).toBe(400)
    expect((await world.t.admin('/api/customers')).status).toBe(400)
    expect((await fetch(`${world.t.url}/api/customers/7d5c1f0e-0000-4000-8000-000000000000`, { method: 'DELETE' })).status).toBe(401)
  })
})
