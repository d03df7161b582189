/**
 * The media store's contract (issue 14), held by both adapters: the local directory and S3 (the
 * real AWS SDK against a local S3-compatible fake). Content-addressed, written once, read back
 * whole, deleted; names that are not SHA-256 refused. Then the app on S3: an MMS photo lands in
 * the bucket and is served from it.
 */
import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { s3MediaStore } from '../src/media/s3-store.ts'
import { localMediaStore, sha256Of, type MediaStore } from '../src/media/store.ts'
import { FakeS3, S3_ACCESS_KEY, S3_SECRET_KEY } from './fakes/s3.ts'
import { Phone } from './support/sms.ts'
import { startWorld } from './support/world.ts'

let s3: FakeS3
beforeAll(async () => {
  s3 = await new FakeS3().start()
})
afterAll(() => s3.stop())

const adapters: [string, () => Promise<MediaStore>][] = [
  ['local directory', async () => localMediaStore(await mkdtemp(path.join(tmpdir(), 'aftercare-media-')))],
  ['S3', async () => s3MediaStore({ bucket: s3.bucket, endpoint: s3.url, region: 'us-east-1', prefix: 'test/', credentials: { accessKeyId: S3_ACCESS_KEY, secretAccessKey: S3_SECRET_KEY } })],
]

describe.each(adapters)('the %s store', (_name, make) => {
  it('keeps bytes under their SHA-256, once, and gives them back whole', async () => {
    const store = await make()
    const bytes = Buffer.concat([Buffer.from('ffd8ff', 'hex'), Buffer.alloc(70_000, 3)])
    const sha256 = await store.put(bytes)
    expect(sha256).toBe(sha256Of(bytes))
    expect(await store.put(bytes)).toBe(sha256)
    expect((await store.get(sha256))!.equals(bytes)).toBe(true)
    expect(await store.get(sha256Of(Buffer.from('never stored')))).toBeUndefined()
    await store.delete(sha256)
    expect(await store.get(sha256)).toBeUndefined()
    await expect(store.get('../../etc/passwd')).rejects.toThrow('not a SHA-256')
  })
})

describe('on S3', () => {
  it('writes an object once however often the same photo arrives', async () => {
    const store = adapters[1]![1]
    const bytes = Buffer.from('%PDF-1.7 twice')
    const before = s3.requests.filter((request) => request.method === 'PUT').length
    await (await store()).put(bytes)
    await (await store()).put(bytes)
    expect(s3.requests.filter((request) => request.method === 'PUT').length - before).toBe(1)
  })

  it('refuses to work with credentials the service does not know', async () => {
    const store = s3MediaStore({ bucket: s3.bucket, endpoint: s3.url, region: 'us-east-1', prefix: 'test/', credentials: { accessKeyId: 'AKIAWRONGWRONGWRONG1', secretAccessKey: 'x' } })
    await expect(store.put(Buffer.from('x'))).rejects.toThrow()
  })

  it('the app keeps an MMS photo in the bucket and serves it from there', async () => {
    const world = await startWorld({ env: { MEDIA_S3_BUCKET: s3.bucket, MEDIA_S3_ENDPOINT: s3.url, MEDIA_S3_ACCESS_KEY_ID: S3_ACCESS_KEY, MEDIA_S3_SECRET_ACCESS_KEY: S3_SECRET_KEY } })
    try {
      const photo = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.from('on s3')])
      const phone = new Phone(world.t.url, '+8613700009999')
      expect(await phone.sendMms('', [{ url: world.twilio.hostMedia(photo, 'image/png'), contentType: 'image/png' }])).toMatch(/^Photo received/)
      expect(s3.objects.get(`aftercare/media/${sha256Of(photo).slice(0, 2)}/${sha256Of(photo)}`)?.equals(photo)).toBe(true)
      const attachment = await world.t.db.prisma.attachment.findFirstOrThrow({ where: { address: phone.number } })
      const served = await world.t.admin(`/api/attachments/${attachment.id}`)
      expect(Buffer.from(await served.arrayBuffer()).equals(photo)).toBe(true)
    } finally {
      await world.close()
    }
  })
})
