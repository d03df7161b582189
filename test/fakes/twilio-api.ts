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
  /** An MMS's files (Twilio fetches them from these links). */
  mediaUrls: string[]
  /** WhatsApp outside its 24-hour window: an approved template and its variables instead of a body. */
  contentSid?: string
  contentVariables?: Record<string, string>
}

export interface ScriptedFailure {
  status: number
  code?: number
  message?: string
  /** Sent as Retry-After (seconds), as Twilio does on some 429s. */
  retryAfter?: number
}

/** Every call to the Messages resource, answered or not, with when it arrived. */
export interface SendAttempt {
  at: number
  to: string
  status: number
}

export class FakeTwilioApi {
  readonly sent: SentSms[] = []
  readonly attempts: SendAttempt[] = []
  /** While set, every send fails this way (an outage); clear it to recover. */
  outage: ScriptedFailure | undefined
  private readonly failures: ScriptedFailure[] = []
  private hanging = 0
  private server: Server | undefined
  url = ''

  constructor(
    readonly accountSid = `AC${'a'.repeat(32)}`,
    readonly authToken = 'test-twilio-auth-token',
  ) {}

  /** The next `count` sends are never answered (a provider call in flight when the caller dies). */
  hangNext(count = 1): void {
    this.hanging += count
  }

  private readonly media = new Map<string, { bytes: Buffer; contentType: string }>()
  /** Media requests answered 500 before the files are served (a media host having trouble). */
  mediaFailures = 0
  readonly mediaRequests: { path: string; authorized: boolean }[] = []

  /**
   * Hosts a file as Twilio hosts an MMS's media (basic auth required, as when the account
   * enforces it) and returns its MediaUrl. `contentType` is what Twilio would declare.
   */
  hostMedia(bytes: Uint8Array, contentType = 'image/jpeg'): string {
    const path = `/2010-04-01/Accounts/${this.accountSid}/Messages/MM${randomBytes(16).toString('hex')}/Media/ME${randomBytes(16).toString('hex')}`
    this.media.set(path, { bytes: Buffer.from(bytes), contentType })
    return `${this.url}${path}`
  }

  /** The next sends fail in this order, then sends succeed again. */
  failNext(...failures: ScriptedFailure[]): void {
    this.failures.push(...failures)
  }

  async start(): Promise<this> {
    const app = express()
    app.get('/2010-04-01/Accounts/:sid/Messages/:message/Media/:media', (req, res) => {
      const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`
      const authorized = req.header('authorization') === expected
      this.mediaRequests.push({ path: req.path, authorized })
      if (!authorized) {
        res.status(401).json({ code: 20003, message: 'Authenticate', status: 401 })
        return
      }
      if (this.mediaFailures > 0) {
        this.mediaFailures--
        res.status(500).json({ code: 20500, message: 'Internal Server Error', status: 500 })
        return
      }
      const file = this.media.get(req.path)
      if (!file) {
        res.status(404).json({ code: 20404, message: 'The requested resource was not found', status: 404 })
        return
      }
      res.type(file.contentType).send(file.bytes)
    })
    app.post('/2010-04-01/Accounts/:sid/Messages.json', express.urlencoded({ extended: false }), (req, res) => {
      const expected = `Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`
      if (req.params.sid !== this.accountSid || req.header('authorization') !== expected) {
        res.status(401).json({ code: 20003, message: 'Authenticate', status: 401 })
        return
      }
      if (this.hanging > 0) {
        this.hanging--
        this.attempts.push({ at: Date.now(), to: req.body.To, status: 0 })
        return
      }
      const failure = this.outage ?? this.failures.shift()
      this.attempts.push({ at: Date.now(), to: req.body.To, status: failure?.status ?? 201 })
      if (failure) {
        if (failure.retryAfter !== undefined) res.setHeader('Retry-After', String(failure.retryAfter))
        res.status(failure.status).json({ code: failure.code, message: failure.message ?? `scripted failure ${failure.code ?? failure.status}`, status: failure.status })
        return
      }
      const message: SentSms = {
        to: req.body.To,
        from: req.body.From,
        messagingServiceSid: req.body.MessagingServiceSid,
        body: req.body.Body,
        sid: `SM${randomBytes(16).toString('hex')}`,
        mediaUrls: req.body.MediaUrl === undefined ? [] : [req.body.MediaUrl].flat(),
        ...(req.body.ContentSid && { contentSid: req.body.ContentSid, contentVariables: JSON.parse(req.body.ContentVariables ?? '{}') }),
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
