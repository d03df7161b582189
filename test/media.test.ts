/**
 * Issue 14: photos of the fault by MMS — fetched from Twilio's media host with the account's
 * credentials, checked from their bytes, stored, kept with the request, shown to staff (API with
 * the token, signed links in Slack) — and the limits that refuse what they should, with a clear
 * message while the words of the message still count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAFF_CHANNEL } from './fakes/slack-api.ts'
import { Phone } from './support/sms.ts'
import { eventually, startWorld, type World } from './support/world.ts'

const PNG = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'), Buffer.alloc(200, 7)])
const JPEG = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(300, 9)])
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(100, 32)])
/** A Windows program with a .jpg name and an image type declared. */
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(500, 0)])
const MAX_BYTES = 4096

let world: World
let phones = 0
const nextPhone = () => new Phone(world.t.url, `+86137000090${String(phones++).padStart(2, '0')}`)

beforeAll(async () => {
  world = await startWorld({ env: { MEDIA_MAX_BYTES: String(MAX_BYTES) } })
})
afterAll(() => world.close())

const hosted = (bytes: Uint8Array, contentType = 'image/jpeg') => ({ url: world.twilio.hostMedia(bytes, contentType), contentType })
const attachmentsOf = async (number: string) =>
  ((await world.t.getJson(`/api/tickets/${number}`)) as { attachments: { id: string; status: string; contentType: string | null; bytes: number | null; refusal: string | null; url: string | null }[] })
    .attachments

describe('photos by MMS', () => {
  it('a photo alone starts a request; it goes with the ticket to staff, behind the token or a signed link', async () => {
    const phone = nextPhone()
    const answer = await phone.sendMms('', [hosted(PNG, 'image/png')])
    expect(answer).toMatch(/^Photo received, thank you\.\n/)
    expect(answer).toContain('What can we help you with')
    // Fetched from Twilio's media host with the account's credentials.
    expect(world.twilio.mediaRequests.at(-1)).toMatchObject({ authorized: true })
    // Another photo (and a PDF) mid-intake: acknowledged, the question asked again.
    await phone.say('1')
    expect(await phone.sendMms('', [hosted(JPEG), hosted(PDF, 'application/pdf')])).toMatch(/^2 photos received, thank you\.\nWhich product is it\?/)
    await phone.sayAll(['WM-800', 'skip'])
    // The photos already sent answer the photo step: it is not asked.
    expect(await phone.say('The drum does not turn')).toContain('Where should our technician come')
    await phone.sayAll(['88 Century Avenue, Shanghai', 'Li Wei'])
    const number = /SR-\d{4}-\d{6}/.exec(await phone.say('YES'))![0]

    const files = await attachmentsOf(number)
    expect(files.map((file) => [file.status, file.contentType, file.bytes])).toEqual([
      ['stored', 'image/png', PNG.length],
      ['stored', 'image/jpeg', JPEG.length],
      ['stored', 'application/pdf', PDF.length],
    ])
    const png = await world.t.admin(files[0]!.url!)
    expect(png.status).toBe(200)
    expect(png.headers.get('content-type')).toBe('image/png')
    expect(png.headers.get('x-content-type-options')).toBe('nosniff')
    expect(Buffer.from(await png.arrayBuffer()).equals(PNG)).toBe(true)
    expect((await fetch(`${world.t.url}${files[0]!.url}`)).status).toBe(401)

    // Staff see the photos in the ticket's message, as links that work without the token, for a while.
    const post = await eventually(
      () => world.slack.of('chat.postMessage').find((call) => call.args.channel === STAFF_CHANNEL && JSON.stringify(call.args.blocks ?? []).includes(number)),
      'the staff post',
    )
    const links = [...JSON.stringify(post.args.blocks).matchAll(/<(https:\/\/aftercare\.example\.test\/media\/[^|>]+)\|(photo|PDF) \d>/g)].map((match) => match[1]!.replace(/\\u0026|&amp;/g, '&'))
    expect(links).toHaveLength(3)
    const local = (link: string) => `${world.t.url}${new URL(link).pathname}${new URL(link).search}`
    const viaLink = await fetch(local(links[0]!))
    expect(viaLink.status).toBe(200)
    expect(Buffer.from(await viaLink.arrayBuffer()).equals(PNG)).toBe(true)
    const tampered = new URL(local(links[0]!))
    tampered.searchParams.set('expires', String(Number(tampered.searchParams.get('expires')) + 1))
    expect((await fetch(tampered)).status).toBe(403)
    const otherFile = new URL(local(links[0]!))
    otherFile.pathname = `/media/${files[1]!.id}`
    expect((await fetch(otherFile)).status).toBe(403)
  })

  it('the photo step after the description takes an MMS; the summary counts it and the ticket keeps it', async () => {
    const phone = nextPhone()
    await phone.sayAll(['hi', '1', 'WM-800', 'skip'])
    expect(await phone.say('The drum does not turn')).toContain('Can you send a photo of the fault, the display or the nameplate?')
    // A wrong answer in words is hinted; the photo answers.
    expect(await phone.say('it is in the kitchen')).toContain('Please send a photo')
    expect(await phone.sendMms('the nameplate', [hosted(JPEG)])).toBe('Photo received, thank you.\nWhere should our technician come? Please send the full address.')
    await phone.say('88 Century Avenue, Shanghai')
    expect(await phone.say('Li Wei')).toContain('Photos: 1')
    const number = /SR-\d{4}-\d{6}/.exec(await phone.say('YES'))![0]
    expect((await attachmentsOf(number)).map((file) => [file.status, file.contentType])).toEqual([['stored', 'image/jpeg']])
  })

  it('refuses what it should, says why, and still reads the words', async () => {
    const phone = nextPhone()
    await phone.sayAll(['hi', '1'])
    // A program with an image's name and type, and a photo over MEDIA_MAX_BYTES: refused; the model still counts.
    const answer = await phone.sendMms('WM-800', [hosted(EXE), hosted(Buffer.concat([JPEG, Buffer.alloc(MAX_BYTES)]))])
    expect(answer).toMatch(/^We could not take a file you sent: we take photos \(JPEG, PNG, HEIC, WebP\) and PDFs of up to 4 KB, 5 per message\.\n.*serial number/s)
    // Six at once: five kept, one refused.
    const six = await phone.sendMms(
      '',
      Array.from({ length: 6 }, () => hosted(JPEG)),
    )
    expect(six).toMatch(/^5 photos received, thank you\.\nWe could not take a file you sent/)
    await phone.sayAll(['skip', 'It leaks', '1 Main Street, Shanghai', 'Ann Lee'])
    const number = /SR-\d{4}-\d{6}/.exec(await phone.say('YES'))![0]
    const files = await attachmentsOf(number)
    expect(files.map((file) => file.refusal)).toEqual(['type', 'too_large', null, null, null, null, null, 'too_many'])
    expect(files.filter((file) => file.status === 'refused').every((file) => file.url === null)).toBe(true)
  })

  it('a media host that fails: the customer is answered, the file is fetched later', async () => {
    const phone = nextPhone()
    await phone.say('hi')
    world.twilio.mediaFailures = 1
    expect(await phone.sendMms('', [hosted(PNG, 'image/png')])).toMatch(/^Photo received/)
    const pending = await world.t.db.prisma.attachment.findFirstOrThrow({ where: { address: phone.number } })
    expect(pending.status).toBe('pending')
    expect(await world.t.assembled.app.media.retryPending()).toBe(true)
    expect(await world.t.db.prisma.attachment.findUniqueOrThrow({ where: { id: pending.id } })).toMatchObject({ status: 'stored', contentType: 'image/png', sourceUrl: null })
  })

  it('a retried webhook is the same message: nothing fetched again, the same answer', async () => {
    const phone = nextPhone()
    await phone.say('hi')
    const file = hosted(JPEG)
    const first = await phone.send('', `SM${'b'.repeat(32)}`, [file])
    const requests = world.twilio.mediaRequests.length
    const retry = await phone.send('', `SM${'b'.repeat(32)}`, [file])
    expect(retry.messages).toEqual(first.messages)
    expect(world.twilio.mediaRequests.length).toBe(requests)
    expect(await world.t.db.prisma.attachment.count({ where: { address: phone.number } })).toBe(1)
  })
})

describe('orphans', () => {
  it('a file whose message never reached a conversation is removed after a day; one a ticket holds stays', async () => {
    const phone = nextPhone()
    await phone.say('hi')
    const intake = world.t.assembled.app.media
    // Received, but its turn never ran (as when the database failed mid-turn and Twilio gave up).
    await intake.receive({ channel: 'sms', address: phone.number, providerMessageId: `SM${'c'.repeat(32)}` }, [{ bytes: Buffer.concat([PNG, Buffer.from('orphan')]) }])
    const orphan = await world.t.db.prisma.attachment.findFirstOrThrow({ where: { providerMessageId: `SM${'c'.repeat(32)}` } })
    const kept = await world.t.db.prisma.attachment.count()
    expect(await intake.purgeOrphans()).toBe(0)
    await world.t.db.prisma.attachment.updateMany({ where: { createdAt: { lt: new Date(Date.now() + 60_000) } }, data: { createdAt: new Date(Date.now() - 2 * 86_400_000) } })
    expect(await intake.purgeOrphans()).toBe(1)
    expect(await world.t.db.prisma.attachment.findUnique({ where: { id: orphan.id } })).toBeNull()
    expect(await world.t.db.prisma.attachment.count()).toBe(kept - 1)
    expect(await world.t.assembled.app.media.retryPending()).toBe(true)
  })
})

describe('the technician’s photos (§3.1e, issue 14)', () => {
  it('photos posted in the ticket’s thread are kept with the ticket and go with the service record; a note’s stay in Slack', async () => {
    await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Zhao Gong' }) })
    const phone = nextPhone()
    await phone.sayAll(['hi', '5', 'Router R1', 'skip', 'How do I reset it?', 'skip', 'Ann'])
    const number = /SR-\d{4}-\d{6}/.exec(await phone.say('YES'))![0]
    const ticketTs = await eventually(async () => (await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).slackTs, 'the ticket in Slack')
    const act = async (body: object) => expect((await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify(body) })).status).toBe(200)
    await act({ action: 'respond', technician: 'Zhao Gong' })

    let ts = 1_790_000_000
    const post = (text: string, bytes: Buffer, type: string) =>
      world.workspace.event({
        type: 'message',
        subtype: 'file_share',
        channel: STAFF_CHANNEL,
        user: 'U0TECH0009',
        text,
        ts: `${ts++}.000100`,
        thread_ts: ticketTs,
        channel_type: 'channel',
        files: [world.slack.hostFile(bytes, type)],
      })
    expect((await post('Reset done, lights green', PNG, 'image/png')).status).toBe(200)
    expect((await post('note: the router was in a damp cupboard', JPEG, 'image/jpeg')).status).toBe(200)

    // Staff see it on the ticket, marked as theirs; the customer's own files are marked as the customer's.
    const kept = await eventually(async () => {
      const files = await attachmentsOf(number)
      return files.length ? files : undefined
    }, 'the technician’s photo on the ticket')
    expect(kept.map((file) => [file.status, file.contentType, (file as { from?: string }).from])).toEqual([['stored', 'image/png', 'staff']])

    await act({ action: 'resolve', solution: 'Reset to factory settings' })
    const record = await eventually(() => world.twilio.sent.find((sms) => sms.to === phone.number && sms.body.includes('service record')), 'the service record')
    expect(record.mediaUrls).toHaveLength(1)
    const link = new URL(record.mediaUrls[0]!)
    expect(link.origin).toBe('https://aftercare.example.test')
    const served = await fetch(`${world.t.url}${link.pathname}${link.search}`)
    expect(Buffer.from(await served.arrayBuffer()).equals(PNG)).toBe(true)
  })
})
