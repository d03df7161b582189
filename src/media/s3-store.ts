/**
 * The media store on S3, or anything that speaks its API (MinIO, Cloudflare R2, Ceph…): what
 * several instances share. Objects are named by their SHA-256 under MEDIA_S3_PREFIX, written
 * once (a HEAD first), never public: the bucket needs no policy beyond this app's credentials.
 */
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3'
import { sha256Of, type MediaStore } from './store.ts'

export interface S3StoreConfig {
  bucket: string
  /** Another S3-compatible service (MinIO: http://minio:9000); addressed by path, not by virtual host. */
  endpoint?: string
  region: string
  prefix: string
  /** Without them, the AWS SDK's usual chain (AWS_ACCESS_KEY_ID…, a profile, an instance role). */
  credentials?: { accessKeyId: string; secretAccessKey: string }
}

const SHA256 = /^[0-9a-f]{64}$/
const status = (error: unknown) => (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode

export function s3MediaStore(config: S3StoreConfig): MediaStore {
  // The SDK warns on Node 20 that its releases after January 2027 will need Node 22. The version
  // the lockfile pins supports Node 20 (the README says so where it lists requirements): no
  // warning in every operator's log for a future upgrade. An operator's own setting stands.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true'
  const client = new S3Client({
    region: config.region,
    ...(config.endpoint && { endpoint: config.endpoint, forcePathStyle: true }),
    ...(config.credentials && { credentials: config.credentials }),
    // Checksums only where S3 requires them: many S3-compatible services refuse the newer ones.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  })
  const keyOf = (sha256: string) => {
    if (!SHA256.test(sha256)) throw new Error(`not a SHA-256: ${sha256.slice(0, 80)}`)
    return `${config.prefix}${sha256.slice(0, 2)}/${sha256}`
  }
  return {
    async put(bytes) {
      const sha256 = sha256Of(bytes)
      const Key = keyOf(sha256)
      const exists = await client.send(new HeadObjectCommand({ Bucket: config.bucket, Key })).then(
        () => true,
        (error: unknown) => (status(error) === 404 ? false : Promise.reject(error)),
      )
      if (!exists) await client.send(new PutObjectCommand({ Bucket: config.bucket, Key, Body: bytes, ContentType: 'application/octet-stream' }))
      return sha256
    },
    async get(sha256) {
      try {
        const object = await client.send(new GetObjectCommand({ Bucket: config.bucket, Key: keyOf(sha256) }))
        return object.Body ? Buffer.from(await object.Body.transformToByteArray()) : undefined
      } catch (error) {
        if (status(error) === 404) return undefined
        throw error
      }
    },
    async delete(sha256) {
      await client.send(new DeleteObjectCommand({ Bucket: config.bucket, Key: keyOf(sha256) }))
    },
  }
}
