/**
 * A local stand-in for Twilio's REST API (Messages resource), for the real twilio SDK to talk
 * to. It checks the account's Basic auth, records what it was asked to send, and can be
 * scripted to fail the way Twilio does (HTTP status + Twilio error code).
 */
import { randomBytes } from 'node:crypto'
import type { Server } from 'node:http'
import express from 'express'
import twilio from 'twilio'
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
  /** Where Twilio would report the message's delivery. */
  statusCallback?: string
}

/** A delivery report as the carrier's outcome for one recipient (the default: delivered). */
export interface DeliveryOutcome {
  status: 'delivered' | 'undelivered' | 'failed'
  errorCode?: number
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
  /**
   * Issue 18: when set, each accepted message's StatusCallback is called as Twilio does ('sent', then the
   * outcome), signed over the URL given, but sent to this base (the app's own address: the URL given is
   * PUBLIC_URL, as behind a proxy).
   */
  reportDeliveryTo: string | undefined
  /** The carrier's outcome per recipient (E.164, without whatsapp:); absent: delivered. */
  readonly outcomes = new Map<string, DeliveryOutcome>()
  /** Every status callback made, with our app's answer. */
  readonly callbacks: { sid: string; status: string; errorCode?: number; answer: number }[] = []
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

  private readonly matched: { match: (body: Record<string, string>) => boolean; failure: ScriptedFailure }[] = []
  /** The first send whose form matches fails this way (a later part of a long text, say). */
  failFirstMatching(match: (body: Record<string, string>) => boolean, failure: ScriptedFailure): void {
    this.matched.push({ match, failure })
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
      const matching = this.matched.findIndex((entry) => entry.match(req.body))
      const failure = this.outage ?? (matching >= 0 ? this.matched.splice(matching, 1)[0]!.failure : this.failures.shift())
      this.attempts.push({ at: Date.now(), to: req.body.To, status: failure?.status ?? 201 })
      if (failure) {
        if (failure.retryAfter !== undefined) res.setHeader('Retry-After', String(failure.retryAfter))
        res.status(failure.status).json({ code: failure.code, message: failure.message ?? `scripted failure ${failure.code ?? failure.status}`, status: failure.status })
        return
      }
      // What Twilio refuses at once: bodies over 1,600 characters, and a WhatsApp pair that is not one.
      if (typeof req.body.Body === 'string' && req.body.Body.length > 1600) {
        this.attempts.push({ at: Date.now(), to: req.body.To, status: 400 })
        res.status(400).json({ code: 21617, message: 'The concatenated message body exceeds the 1600 character limit.', status: 400 })
        return
      }
      if (!req.body.MessagingServiceSid && String(req.body.To).startsWith('whatsapp:') !== String(req.body.From ?? '').startsWith('whatsapp:')) {
        this.attempts.push({ at: Date.now(), to: req.body.To, status: 400 })
        res.status(400).json({ code: 21910, message: 'Invalid From and To pair. From and To should be of the same channel', status: 400 })
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
        ...(req.body.StatusCallback && { statusCallback: req.body.StatusCallback }),
      }
      this.sent.push(message)
      if (message.statusCallback && this.reportDeliveryTo) {
        const outcome = this.outcomes.get(message.to.replace(/^whatsapp:/, '')) ?? { status: 'delivered' }
        // After the 201, as Twilio does: the reports race nothing of the send itself.
        setTimeout(() => void this.reportDelivery(message.sid, 'sent').then(() => this.reportDelivery(message.sid, outcome.status, outcome.errorCode)), 20)
      }
      res.status(201).json({ sid: message.sid, account_sid: this.accountSid, to: message.to, from: message.from ?? null, body: message.body, status: 'queued', num_segments: '1' })
    })
    const { server, url } = await listen(app)
    this.server = server
    this.url = url
    return this
  }

  /** Calls a sent message's StatusCallback as Twilio would (tests also call it to repeat or reorder reports). */
  async reportDelivery(sid: string, status: string, errorCode?: number): Promise<number> {
    const message = this.sent.find((sent) => sent.sid === sid)
    if (!message?.statusCallback || !this.reportDeliveryTo) throw new Error(`no status callback for ${sid}`)
    const params: Record<string, string> = {
      AccountSid: this.accountSid,
      ApiVersion: '2010-04-01',
      From: message.from ?? '',
      MessageSid: sid,
      MessageStatus: status,
      SmsSid: sid,
      SmsStatus: status,
      To: message.to,
      ...(errorCode !== undefined && { ErrorCode: String(errorCode) }),
    }
    const given = new URL(message.statusCallback)
    const response = await fetch(this.reportDeliveryTo + given.pathname + given.search, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(this.authToken, message.statusCallback, params) },
      body: new URLSearchParams(params),
    }).catch(() => undefined)
    this.callbacks.push({ sid, status, ...(errorCode !== undefined && { errorCode }), answer: response?.status ?? 0 })
    return response?.status ?? 0
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }
}
