/**
 * Slack as staff see it: the staff channel, threads in it, and notes only one person sees.
 * Every post from Aftercare to staff goes through here, and takes only `Mrkdwn` (mrkdwn.ts):
 * customer text is escaped before it can reach Slack. The SDK stays in src/staff/slack.
 */
import type { KnownBlock } from '@slack/types'
import type { WebClient } from '@slack/web-api'
import { slackSendError } from '../../channels/slack/send-error.ts'
import { Mrkdwn } from '../../channels/slack/mrkdwn.ts'

export interface SlackMessage {
  /** The message's text (its notification, and what shows without blocks). */
  text: Mrkdwn
  /** Built with section()/contextBlock() from Mrkdwn, or plain_text elements. */
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
  /** Replies in a thread; `broadcast`: also shown in the channel, for what everyone should see. */
  reply(thread: SlackMessageRef, message: SlackMessage | Mrkdwn, options?: { broadcast?: boolean }): Promise<SlackMessageRef>
  /** A note only `user` sees (in the staff channel unless `channel` is given). */
  ephemeral(user: string, text: Mrkdwn, channel?: string): Promise<void>
}

const render = (message: SlackMessage): { text: string; blocks?: KnownBlock[] } => (message.blocks ? { text: message.text.text, blocks: message.blocks } : { text: message.text.text })
const asMessage = (message: SlackMessage | Mrkdwn): SlackMessage => (message instanceof Mrkdwn ? { text: message } : message)

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
        const posted = await client.chat.postMessage({ channel, ...render(message), unfurl_links: false, unfurl_media: false })
        return { channel: posted.channel ?? channel, ts: posted.ts! }
      }),
    update: (at, message) =>
      call('a staff message update', async () => {
        await client.chat.update({ channel: at.channel, ts: at.ts, ...render(message) })
      }),
    reply: (thread, message, options = {}) =>
      call('a staff thread reply', async () => {
        const body = { channel: thread.channel, thread_ts: thread.ts, ...render(asMessage(message)), unfurl_links: false, unfurl_media: false }
        const posted = await client.chat.postMessage(options.broadcast ? { ...body, reply_broadcast: true } : body)
        return { channel: posted.channel ?? thread.channel, ts: posted.ts! }
      }),
    ephemeral: (user, text, to = channel) =>
      call('a note to one staff member', async () => {
        await client.chat.postEphemeral({ channel: to, user, text: text.text })
      }),
  }
}
