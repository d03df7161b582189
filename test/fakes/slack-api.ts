/**
 * A local stand-in for Slack's Web API (the methods Aftercare calls), for the real WebClient and
 * Bolt to talk to. Records every call with its decoded arguments; answers like Slack does.
 */
import type { Server } from 'node:http'
import express from 'express'
import { listen } from '../support/app.ts'
import { messageBlocksProblem, viewProblem } from './block-kit.ts'
import { FakeSlackOidc } from './slack-oidc.ts'

export const BOT_TOKEN = 'xoxb-test-bot-token'
export const STAFF_CHANNEL = 'C0STAFF0001'

export interface SlackCall {
  method: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  args: Record<string, any>
  /** The `ts` the fake answered with (chat.postMessage, chat.update): the message's id in Slack. */
  ts?: string
}

const JSON_FIELDS = ['blocks', 'view', 'attachments', 'metadata']

/** How a scripted Slack failure answers: an HTTP error, a 429 with Retry-After, or `ok: false`. */
export interface SlackFailure {
  status?: number
  retryAfter?: number
  error?: string
}

/** Methods that post or change messages: the ones an outage takes down. */
const POSTING = new Set(['chat.postMessage', 'chat.update', 'chat.postEphemeral', 'conversations.open'])

export class FakeSlackApi {
  readonly calls: SlackCall[] = []
  /** Every posting call, answered or not, with when it arrived and its HTTP status. */
  readonly attempts: { at: number; method: string; status: number }[] = []
  /** While set, every posting call fails this way (an outage); clear it to recover. */
  outage: SlackFailure | undefined
  private readonly failures: SlackFailure[] = []
  /** Calls refused for their content (Block Kit limits), with Slack's answer. */
  readonly refused: { method: string; args: Record<string, unknown>; error: string }[] = []
  private server: Server | undefined
  private nextTs = 1_770_000_000
  url = ''

  private readonly files = new Map<string, { bytes: Buffer; mimetype: string }>()

  /** A file a user shared, as Slack describes it in a `file_share` event (downloadable with the bot token). */
  hostFile(bytes: Uint8Array, mimetype = 'image/jpeg') {
    const id = `F${Math.random().toString(36).slice(2, 12).toUpperCase()}`
    this.files.set(id, { bytes: Buffer.from(bytes), mimetype })
    const url = `${this.url}/files-pri/T0TEAM0001-${id}/photo.jpg`
    return { id, name: 'photo.jpg', mimetype, size: bytes.length, url_private: url, url_private_download: `${url}?download=1` }
  }

  /** Sign in with Slack (issue 15): served by the same fake, as Slack serves it from slack.com. */
  readonly oidc = new FakeSlackOidc()

  async start(): Promise<this> {
    const app = express()
    await this.oidc.mount(app)
    // Slack's file host: the bot token opens it; without it, Slack answers its sign-in page.
    app.get('/files-pri/:file/:name', (req, res) => {
      const file = this.files.get(String(req.params.file).split('-').pop()!)
      if (req.header('authorization') !== `Bearer ${BOT_TOKEN}` || !file) {
        res.type('text/html').send('<!DOCTYPE html><html><body>Sign in to Slack</body></html>')
        return
      }
      res.type(file.mimetype).send(file.bytes)
    })
    app.post('/api/:method', express.urlencoded({ extended: true, limit: '5mb' }), express.json({ limit: '5mb' }), (req, res) => {
      const method = String(req.params.method)
      if (req.header('authorization') !== `Bearer ${BOT_TOKEN}`) {
        res.json({ ok: false, error: 'invalid_auth' })
        return
      }
      const args: Record<string, unknown> = { ...req.body }
      for (const field of JSON_FIELDS) if (typeof args[field] === 'string') args[field] = JSON.parse(args[field] as string)
      const failure = POSTING.has(method) ? (this.outage ?? this.failures.shift()) : undefined
      if (POSTING.has(method)) this.attempts.push({ at: Date.now(), method, status: failure ? (failure.status ?? 200) : 200 })
      if (failure) {
        if (failure.retryAfter !== undefined) res.setHeader('Retry-After', String(failure.retryAfter))
        if (failure.status && failure.status !== 200) res.status(failure.status).json({ ok: false, error: failure.error ?? 'ratelimited' })
        else res.json({ ok: false, error: failure.error ?? 'internal_error' })
        return
      }
      // What Slack refuses, refused here too (block-kit.ts), with its reason.
      const refusal =
        method === 'views.open' || method === 'views.update' || method === 'views.push'
          ? viewProblem(args.view) && { ok: false, error: 'invalid_arguments', response_metadata: { messages: [`[ERROR] ${viewProblem(args.view)}`] } }
          : POSTING.has(method) && messageBlocksProblem(args.blocks) && { ok: false, error: 'invalid_blocks', errors: [messageBlocksProblem(args.blocks)] }
      if (refusal) {
        this.refused.push({ method, args, error: JSON.stringify(refusal) })
        res.json(refusal)
        return
      }
      const answer = this.answer(method, args)
      this.calls.push({ method, args, ...('ts' in answer && typeof answer.ts === 'string' && { ts: answer.ts }) })
      res.json(answer)
    })
    const { server, url } = await listen(app)
    this.server = server
    this.url = url
    return this
  }

  private answer(method: string, args: Record<string, unknown>) {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://test.slack.com/', team: 'Test', user: 'aftercare', team_id: 'T0TEAM0001', user_id: 'U0BOT00001', bot_id: 'B0BOT00001' }
      case 'chat.postMessage':
        return { ok: true, channel: args.channel, ts: `${this.nextTs++}.000100`, message: { text: args.text } }
      case 'chat.update':
        return { ok: true, channel: args.channel, ts: args.ts }
      case 'views.open':
        return { ok: true, view: { id: 'V0VIEW0001', ...(args.view as object) } }
      case 'users.info':
        return { ok: true, user: { id: args.user, name: 'li.ming', real_name: 'Li Ming', profile: { display_name: 'Li Ming', real_name: 'Li Ming' } } }
      case 'conversations.open':
        // One DM channel per user, as Slack does.
        return { ok: true, channel: { id: `D${String(args.users).slice(1)}` } }
      default:
        return { ok: true }
    }
  }

  /** The next posting calls fail in this order, then calls succeed again. */
  failNext(...failures: SlackFailure[]): void {
    this.failures.push(...failures)
  }

  /** Texts posted to a channel (a DM, or a thread when given), in order. */
  posted(channel: string, threadTs?: string): string[] {
    return this.of('chat.postMessage')
      .filter((call) => call.args.channel === channel && (threadTs === undefined || call.args.thread_ts === threadTs))
      .map((call) => String(call.args.text))
  }

  /** The calls of one method, in order. */
  of(method: string): SlackCall[] {
    return this.calls.filter((call) => call.method === method)
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }
}
