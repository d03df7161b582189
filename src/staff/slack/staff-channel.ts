/**
 * The staff channel as the jobs use it: post a message, update it in place, reply in a thread.
 * The Slack SDK stays in src/staff/slack; jobs only see these three calls.
 */
import type { KnownBlock } from '@slack/types'
import type { WebClient } from '@slack/web-api'
import { slackSendError } from '../../channels/slack/send-error.ts'

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

/** Failures come out as SendError (status, Retry-After), so the jobs can log them and honour Slack's rate limits. */
export function createStaffChannel(client: WebClient, channel: string): StaffChannel {
  const call = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    try {
      return await work()
    } catch (error) {
      throw slackSendError(error, what)
    }
  }
  return {
    post: (message) =>
      call('a staff channel post', async () => {
        const posted = await client.chat.postMessage({ channel, ...message, unfurl_links: false })
        return { channel: posted.channel ?? channel, ts: posted.ts! }
      }),
    update: (at, message) =>
      call('a staff message update', async () => {
        await client.chat.update({ channel: at.channel, ts: at.ts, ...message })
      }),
    reply: (thread, text, options = {}) =>
      call('a staff thread reply', async () => {
        const at = { channel: thread.channel, thread_ts: thread.ts, text }
        await client.chat.postMessage(options.broadcast ? { ...at, reply_broadcast: true } : at)
      }),
  }
}
