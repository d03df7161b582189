/**
 * A local stand-in for Slack's Web API (the methods Aftercare calls), for the real WebClient and
 * Bolt to talk to. Records every call with its decoded arguments; answers like Slack does.
 */
import type { Server } from 'node:http'
import express from 'express'
import { listen } from '../support/app.ts'

export const BOT_TOKEN = 'xoxb-test-bot-token'
export const STAFF_CHANNEL = 'C0STAFF0001'

export interface SlackCall {
  method: string
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  args: Record<string, any>
}

const JSON_FIELDS = ['blocks', 'view', 'attachments', 'metadata']

export class FakeSlackApi {
  readonly calls: SlackCall[] = []
  private server: Server | undefined
  private nextTs = 1_770_000_000
  url = ''

  async start(): Promise<this> {
    const app = express()
    app.post('/api/:method', express.urlencoded({ extended: true, limit: '5mb' }), express.json({ limit: '5mb' }), (req, res) => {
      const method = String(req.params.method)
      if (req.header('authorization') !== `Bearer ${BOT_TOKEN}`) {
        res.json({ ok: false, error: 'invalid_auth' })
        return
      }
      const args: Record<string, unknown> = { ...req.body }
      for (const field of JSON_FIELDS) if (typeof args[field] === 'string') args[field] = JSON.parse(args[field] as string)
      this.calls.push({ method, args })
      res.json(this.answer(method, args))
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
