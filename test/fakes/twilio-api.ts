/**
 * A local stand-in for Twilio's REST API (Messages resource), for the real twilio SDK to talk
 * to. It checks the account's Basic auth, records what it was asked to send, and can be
 * scripted to fail the way Twilio does (HTTP status + Twilio error code).
 */
import { randomBytes } from 'node:crypto'
import type { Server } from 'node:http'
import express from 'express'
import { listen } from '../support/app.ts'

export interface SentSms {
  to: string
  from: string | undefined
  messagingServiceSid: string | undefined
  body: string
  sid: string
}

export interface ScriptedFailure {
  status: number
  code?: number
  message?: string
}

export class FakeTwilioApi {
  readonly sent: SentSms[] = []
  private readonly failures: ScriptedFailure[] = []
  private server: Server | undefined
  url = ''

  constructor(
    readonly accountSid = `AC${'a'.repeat(32)}`,
    readonly authToken = 'test-twilio-auth-token',
  ) {}

  /** The next sends fail in this order, then sends succeed again. */
  failNext(...failures: ScriptedFailure[]): void {
    this.failures.push(...failures)
  }

  async start(): Promise<this> {
    const app = express()
    app.post('/2010-04-01/Accounts/:sid/Messages.json', express.urlencoded({ extended: false }), (req, res) => {
      const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`
      if (req.params.sid !== this.accountSid || req.header('authorization') !== expected) {
        res.status(401).json({ code: 20003, message: 'Authenticate', status: 401 })
        return
      }
      const failure = this.failures.shift()
      if (failure) {
        res.status(failure.status).json({ code: failure.code, message: failure.message ?? `scripted failure ${failure.code ?? failure.status}`, status: failure.status })
        return
      }
      const message: SentSms = {
        to: req.body.To,
        from: req.body.From,
        messagingServiceSid: req.body.MessagingServiceSid,
        body: req.body.Body,
        sid: `SM${randomBytes(16).toString('hex')}`,
      }
      this.sent.push(message)
      res.status(201).json({ sid: message.sid, account_sid: this.accountSid, to: message.to, from: message.from ?? null, body: message.body, status: 'queued', num_segments: '1' })
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
