/**
 * A local stand-in for an S3-compatible object store (path-style, as MinIO is addressed), for
 * the real AWS SDK: PUT, GET, HEAD, DELETE of objects in one bucket. It refuses requests not
 * signed with AWS Signature V4 for its access key, and answers errors in S3's XML.
 */
import type { Server } from 'node:http'
import express from 'express'
import { listen } from '../support/app.ts'

export const S3_ACCESS_KEY = 'AKIAFAKEFAKEFAKE0001'
export const S3_SECRET_KEY = 'fake-secret-key-for-tests-only-0000000000'

const error = (code: string, message: string) => `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`

export class FakeS3 {
  readonly objects = new Map<string, Buffer>()
  readonly requests: { method: string; key: string }[] = []
  private server: Server | undefined
  url = ''

  constructor(readonly bucket = 'aftercare-media') {}

  async start(): Promise<this> {
    const app = express()
    app.use(express.raw({ type: () => true, limit: '50mb' }))
    app.all(/^\/([^/]+)\/(.+)$/, (req, res) => {
      const [bucket, key] = [req.params[0]!, decodeURIComponent(req.params[1]!)]
      this.requests.push({ method: req.method, key })
      res.type('application/xml')
      if (!String(req.header('authorization') ?? '').startsWith(`AWS4-HMAC-SHA256 Credential=${S3_ACCESS_KEY}/`)) {
        res.status(403).send(error('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'))
        return
      }
      if (bucket !== this.bucket) {
        res.status(404).send(error('NoSuchBucket', 'The specified bucket does not exist'))
        return
      }
      const object = this.objects.get(key)
      switch (req.method) {
        case 'PUT':
          this.objects.set(key, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0))
          res.setHeader('ETag', '"etag"')
          res.status(200).end()
          return
        case 'HEAD':
          if (!object) res.status(404).end()
          else res.setHeader('Content-Length', String(object.length)).status(200).end()
          return
        case 'GET':
          if (!object) res.status(404).send(error('NoSuchKey', 'The specified key does not exist.'))
          else res.type('application/octet-stream').send(object)
          return
        case 'DELETE':
          this.objects.delete(key)
          res.status(204).end()
          return
        default:
          res.status(405).send(error('MethodNotAllowed', 'not here'))
      }
    })
    const { server, url } = await listen(app)
    this.server = server
    this.url = url
    return this
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve())
  }
}
