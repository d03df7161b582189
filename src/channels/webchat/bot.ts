/**
 * The bot's turn for Bot Framework channels: a message (typed or a button) or the page's
 * "joined" event becomes one Inbound through the same conversations path as SMS; the replies go
 * back as activities with buttons. The conversation reference is kept for notifications.
 */
import { TurnContext } from 'botbuilder'
import type { Locale } from '../../../flows/locale.ts'
import { LOCALES } from '../../../flows/locale.ts'
import type { MediaSummary } from '../../../flows/input.ts'
import type { Inbound, TurnResult } from '../types.ts'
import { toActivity } from './activities.ts'
import { activityFiles } from './attachments.ts'
import type { ServiceUrlPolicy } from './service-urls.ts'
import type { MediaIntake } from '../../media/intake.ts'

export const JOIN_EVENT = 'webchat/join'

export interface WebchatBotDeps {
  handle(inbound: Inbound): Promise<TurnResult>
  now(): Date
  /** Files of activities from other Bot Framework channels (Azure Direct Line, the Emulator). */
  media?: MediaIntake
  serviceUrls?: ServiceUrlPolicy
}

/** The customer on a Bot Framework channel: the channel and the user's id on it. */
export const addressOf = (activity: { channelId: string; from: { id: string } }) => `${activity.channelId}:${activity.from.id}`

function localeFrom(value: unknown): Locale | undefined {
  if (typeof value !== 'string') return undefined
  if (value.toLowerCase().startsWith('zh')) return 'zh-CN'
  return (LOCALES as readonly string[]).includes(value) ? (value as Locale) : value.toLowerCase().startsWith('en') ? 'en' : undefined
}

export function webchatBot(deps: WebchatBotDeps) {
  return async (context: TurnContext): Promise<void> => {
    const activity = context.activity
    const joined = activity.type === 'event' && activity.name === JOIN_EVENT
    if (activity.type !== 'message' && !joined) return
    const text = activity.type === 'message' ? (activity.text ?? (typeof activity.value === 'string' ? activity.value : '')) : ''
    const value = activity.value as { locale?: unknown } | undefined
    // Set by our own Direct Line only (the Bot Framework endpoint drops it from callers): an upload's files, already received.
    const ours = (activity.channelData as { aftercare?: { messageId?: string; media?: MediaSummary } } | undefined)?.aftercare
    const providerMessageId = ours?.messageId ?? activity.id ?? `${activity.conversation.id}:${activity.timestamp?.toString() ?? deps.now().toISOString()}`
    const address = addressOf(activity)
    // Another channel's files are fetched here, before the turn (ours were received at upload).
    const theirs = !ours && deps.media && deps.serviceUrls ? activityFiles(activity.attachments, deps.serviceUrls) : []
    const media = ours?.media ?? (theirs.length ? await deps.media!.receive({ channel: 'webchat', address, providerMessageId }, theirs) : undefined)
    const turn = await deps.handle({
      channel: 'webchat',
      address,
      providerMessageId,
      ...(media && { media }),
      text,
      receivedAt: deps.now(),
      ...(joined && { intent: 'start' as const }),
      localeHint: localeFrom(joined ? value?.locale : activity.locale),
      reference: TurnContext.getConversationReference(activity) as Record<string, unknown>,
      // Set by our own Direct Line only (the Bot Framework endpoint drops it from callers).
      clientIp: typeof (activity.channelData as { clientIp?: unknown } | undefined)?.clientIp === 'string' ? (activity.channelData as { clientIp: string }).clientIp : undefined,
    })
    // A retried message gets the same replies with the same keys (see toActivity).
    const message = activity.id
    for (const [index, reply] of turn.replies.entries()) await context.sendActivity(toActivity(reply, turn.locale, message && `${message}#${index}`))
  }
}
