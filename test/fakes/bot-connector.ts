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
  private server: Server | undefined
  url = ''

  async start(): Promise<this> {
    const app = express()
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
