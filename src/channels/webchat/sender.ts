/**
 * Notifications to web-chat customers: a proactive message through the stored conversation
 * reference. For conversations of our built-in Direct Line the reply goes to this instance's
 * connector, whichever instance served the visitor before.
 */
import type { CloudAdapter, ConversationReference } from 'botbuilder'
import type { Locale } from '../../../flows/locale.ts'
import { parseRetryAfter, SendError, type Reply } from '../types.ts'
import { toActivity } from './activities.ts'
import type { Activity, DirectLineStore } from './directline/store.ts'
import type { ServiceUrlPolicy } from './service-urls.ts'

export class WebchatSendError extends SendError {
  override name = 'WebchatSendError'
}

export interface WebchatSender {
  send(reference: Record<string, unknown>, reply: Reply, locale: Locale): Promise<string[]>
}

export function createWebchatSender(deps: { adapter: CloudAdapter; appId: string; store: DirectLineStore; serviceUrls: ServiceUrlPolicy; botName: string }): WebchatSender {
  const ended = () => new WebchatSendError('the visitor’s web chat conversation has ended (kept 7 days after last use)', true)
  return {
    async send(stored, reply, locale) {
      const reference = { ...stored } as Partial<ConversationReference>
      const conversationId = reference.conversation?.id
      if (reference.channelId === 'directline' && !deps.appId) {
        // The built-in Direct Line is ours: the reply goes straight into its store (the page
        // streams it), as our connector would put it — no HTTP round trip through the SDK.
        if (!conversationId) throw ended()
        try {
          const { activity } = await deps.store.append(conversationId, { ...toActivity(reply, locale), from: { id: 'bot', name: deps.botName, role: 'bot' } } as Activity, { fromBot: true })
          return [String(activity.id)]
        } catch (error) {
          // The conversation was purged (a foreign key to nothing).
          if ((error as { code?: string }).code === 'P2003') throw ended()
          throw error
        }
      } else if (!reference.serviceUrl || !deps.serviceUrls.trusted(reference.serviceUrl)) {
        // A reference that points anywhere else than a channel we trust is never used.
        throw new WebchatSendError('the conversation’s serviceUrl is not a trusted Bot Framework host', true)
      }
      const ids: string[] = []
      try {
        await deps.adapter.continueConversationAsync(deps.appId, reference, async (context) => {
          const sent = await context.sendActivity(toActivity(reply, locale))
          if (sent?.id) ids.push(sent.id)
        })
      } catch (error) {
        const status = (error as { statusCode?: number }).statusCode
        const headers = (error as { response?: { headers?: { get?(name: string): unknown } } }).response?.headers
        // 4xx other than 429: the conversation is gone or the bot may not write to it.
        const permanent = status !== undefined && status >= 400 && status < 500 && status !== 429
        throw new WebchatSendError(`the web chat channel refused the message${status ? ` (HTTP ${status})` : ''}: ${(error as Error).message}`, permanent, {
          status,
          retryAfterSeconds: status === 429 ? parseRetryAfter(headers?.get?.('retry-after')) : undefined,
        })
      }
      return ids
    },
  }
}
