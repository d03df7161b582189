/** Notifications to Slack customers arrive as direct messages from the app. */
import type { WebClient } from '@slack/web-api'
import { SendError, type Reply } from '../types.ts'
import { renderSlack } from './render.ts'
import { slackSendError } from './send-error.ts'

export interface SlackCustomerSender {
  /** `address` is `team:user`. */
  send(address: string, reply: Reply): Promise<string[]>
}

export function createSlackCustomerSender(client: WebClient): SlackCustomerSender {
  return {
    async send(address, reply) {
      const user = address.split(':')[1]
      if (!user) throw new SendError(`not a Slack customer address: ${address}`, true)
      try {
        const opened = await client.conversations.open({ users: user })
        const posted = await client.chat.postMessage({ channel: opened.channel!.id!, ...renderSlack(reply) })
        return posted.ts ? [`slack:${posted.channel}:${posted.ts}`] : []
      } catch (error) {
        // The user left, the app was removed, or it may not DM them: permanent, as Slack says.
        throw slackSendError(error, 'the direct message')
      }
    },
  }
}
