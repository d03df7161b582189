/**
 * A bot reply as a Bot Framework activity: text, the conversation's locale, and menus as
 * suggested actions (buttons in Web Chat and Teams). A button shows its label in the transcript
 * and sends its value, the same answer a customer could type.
 */
import type { Activity, CardAction } from 'botbuilder'
import type { Locale } from '../../../flows/locale.ts'
import type { Reply } from '../types.ts'

/**
 * Which reply this is (the n-th answer to one message): the same turn, sent again after a
 * retried request, yields the same keys, so the built-in Direct Line stores each reply once.
 */
const REPLY_KEY = 'aftercareReplyKey'

export const replyKey = (activity: { channelData?: unknown }): string | undefined => {
  const key = (activity.channelData as Record<string, unknown> | undefined)?.[REPLY_KEY]
  return typeof key === 'string' && key.length <= 200 ? `reply:${key}` : undefined
}

export function toActivity(reply: Reply, locale: Locale, key?: string): Partial<Activity> {
  const actions: CardAction[] = (reply.choices ?? []).map((choice) => ({
    type: 'messageBack',
    title: choice.label,
    text: choice.value,
    displayText: choice.label,
    value: choice.value,
  }))
  return {
    type: 'message',
    text: reply.text,
    textFormat: 'plain',
    locale,
    ...(actions.length && { suggestedActions: { to: [], actions } }),
    ...(reply.media?.length && { attachments: reply.media.map((file) => ({ contentType: file.contentType, contentUrl: file.url, name: file.name })) }),
    ...(key && { channelData: { [REPLY_KEY]: key } }),
  }
}
