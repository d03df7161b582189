/**
 * A local stand-in for the Bot Framework Connector (or the Emulator) that a bot answers to:
 * records every activity posted to /v3/conversations/…, answers with an id.
 */
import type { Server } from 'node:http'
import express from 'express'
import { listen } from '../support/app.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type PostedActivity = { path: string; body: any }

export class FakeBotConnector {
  readonly received: PostedActivity[] = []
  readonly fileRequests: string[] = []
  private readonly files = new Map<string, { bytes: Buffer; contentType: string }>()

  /** Serves the bytes as the channel would; returns the attachment's contentUrl. */
  hostFile(bytes: Buffer, contentType: string): string {
    const id = `att-${this.files.size + 1}`
    this.files.set(id, { bytes, contentType })
    return `${this.url}/attachments/${id}`
  }
  private server: Server | undefined
  url = ''

  async start(): Promise<this> {
    const app = express()
    // Attachments a channel hosts (Azure Direct Line's uploads, the Emulator's), fetched by the bot.
    app.get('/attachments/:id', (req, res) => {
      const file = this.files.get(req.params.id)
      this.fileRequests.push(req.params.id)
      if (!file) return void res.status(404).end()
      res.type(file.contentType).send(file.bytes)
    })
    app.post('/v3/conversations/*path', express.json(), (req, res) => {
      this.received.push({ path: req.path, body: req.body })
      res.json({ id: `reply-${this.received.length}` })
    })
    const { server, url } = await listen(app)
    this.server = server
    this.url = url
    return this
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }
}
