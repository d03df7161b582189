/** Notifications to Slack customers arrive as direct messages from the app. */
import type { WebClient } from '@slack/web-api'
import { SendError, type Reply } from '../types.ts'
import { renderSlack } from './render.ts'
import { slackSendError } from './send-error.ts'

export interface SlackCustomerSender {
  /** `address` is `team:user`. */
  send(address: string, reply: Reply): Promise<string[]>
}

/** DM channels known, so that a notification costs one Web API call, not two (bounded: oldest go first). */
const DM_CACHE_SIZE = 10_000

export function createSlackCustomerSender(client: WebClient): SlackCustomerSender {
  const channels = new Map<string, string>()
  async function dmChannel(user: string): Promise<string> {
    const known = channels.get(user)
    if (known) return known
    const opened = await client.conversations.open({ users: user })
    const channel = opened.channel!.id!
    if (channels.size >= DM_CACHE_SIZE) channels.delete(channels.keys().next().value!)
    channels.set(user, channel)
    return channel
  }
  return {
    async send(address, reply) {
      const user = address.split(':')[1]
      if (!user) throw new SendError(`not a Slack customer address: ${address}`, true)
      try {
        const channel = await dmChannel(user)
        const posted = await client.chat.postMessage({ channel, ...renderSlack(reply) }).catch((error: unknown) => {
          // The DM was closed or the channel id went stale: open it again next time.
          channels.delete(user)
          throw error
        })
        return posted.ts ? [`slack:${posted.channel}:${posted.ts}`] : []
      } catch (error) {
        // The user left, the app was removed, or it may not DM them: permanent, as Slack says.
        throw slackSendError(error, 'the direct message')
      }
    },
  }
}
