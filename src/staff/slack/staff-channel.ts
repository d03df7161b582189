/**
 * The staff channel as the jobs use it: post a message, update it in place, reply in a thread.
 * The Slack SDK stays in src/staff/slack; jobs only see these three calls.
 */
import type { KnownBlock } from '@slack/types'
import type { WebClient } from '@slack/web-api'

export interface SlackMessage {
  text: string
  blocks?: KnownBlock[]
}

/** Where a message is: its channel and timestamp (a thread is named by its first message). */
export interface SlackMessageRef {
  channel: string
  ts: string
}

export interface StaffChannel {
  /** Posts to the staff channel (links not unfurled); returns where the message went. */
  post(message: SlackMessage): Promise<SlackMessageRef>
  update(at: SlackMessageRef, message: SlackMessage): Promise<void>
  /** `broadcast`: also shown in the channel, for what everyone should see. */
  reply(thread: SlackMessageRef, text: string, options?: { broadcast?: boolean }): Promise<void>
}

export function createStaffChannel(client: WebClient, channel: string): StaffChannel {
  return {
    async post(message) {
      const posted = await client.chat.postMessage({ channel, ...message, unfurl_links: false })
      return { channel: posted.channel ?? channel, ts: posted.ts! }
    },
    async update(at, message) {
      await client.chat.update({ channel: at.channel, ts: at.ts, ...message })
    },
    async reply(thread, text, options = {}) {
      const at = { channel: thread.channel, thread_ts: thread.ts, text }
      await client.chat.postMessage(options.broadcast ? { ...at, reply_broadcast: true } : at)
    },
  }
}
