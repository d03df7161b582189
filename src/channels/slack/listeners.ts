/**
 * Slack as a customer channel: a direct message to the app, or a mention of it in a channel it is
 * in (other than the staff channel), goes through the same conversations path as SMS. A button
 * pressed in one of the bot's replies is the same answer as typing it. The customer is the Slack
 * team + user; replies go back to the DM, or to the thread where the app was mentioned.
 */
import type { App, BlockAction, ButtonAction } from '@slack/bolt'
import type { WebClient } from '@slack/web-api'
import type { Logger } from '../../logger.ts'
import type { Inbound, TurnResult } from '../types.ts'
import { CHOICE_ACTION_PREFIX, renderSlack } from './render.ts'
import { slackTextToPlain } from './mrkdwn.ts'
import { fileUrls, type SharedFile } from './files.ts'
import type { MediaIntake } from '../../media/intake.ts'

export interface SlackCustomerDeps {
  handle(inbound: Inbound): Promise<TurnResult>
  staffChannel: string
  now(): Date
  logger: Logger
  /** Files shared in a direct message are received before the turn. */
  media?: MediaIntake
}

interface Where {
  channel: string
  /** Set when the conversation happens in a thread of a shared channel. */
  threadTs?: string
}

async function answer(client: WebClient, where: Where, turn: TurnResult, logger: Logger) {
  for (const reply of turn.replies) {
    await client.chat.postMessage({ channel: where.channel, ...(where.threadTs && { thread_ts: where.threadTs }), ...renderSlack(reply) }).catch((error: unknown) => {
      logger.error({ err: error }, 'could not post a reply to a Slack customer')
    })
  }
}

/** `<@U0BOT> my dryer is broken` → `my dryer is broken`. */
const withoutMentions = (text: string) => text.replace(/<@[A-Z0-9]+(\|[^>]*)?>/g, '').trim()

export function registerSlackCustomerListeners(app: App, deps: SlackCustomerDeps): void {
  const inbound = (team: string, user: string, providerMessageId: string, text: string, where: Where): Inbound => ({
    channel: 'slack',
    address: `${team}:${user}`,
    providerMessageId,
    text,
    receivedAt: deps.now(),
    reference: { team, user, ...where },
  })

  // Direct messages to the app, with files or without. Bolt already drops our own messages; bots and edits are skipped.
  app.event('message', async ({ event, body, client }) => {
    if (event.channel_type !== 'im' || (event.subtype !== undefined && event.subtype !== 'file_share') || ('bot_id' in event && event.bot_id)) return
    const user = 'user' in event ? event.user : undefined
    if (!user) return
    const team = ('team' in event && typeof event.team === 'string' && event.team) || (body as { team_id?: string }).team_id || 'T'
    const where = { channel: event.channel }
    const message = inbound(team, user, `${event.channel}:${event.ts}`, slackTextToPlain('text' in event ? (event.text ?? '') : ''), where)
    const urls = fileUrls('files' in event ? (event.files as SharedFile[] | undefined) : undefined)
    const media =
      urls.length && deps.media
        ? await deps.media.receive(
            { channel: 'slack', address: message.address, providerMessageId: message.providerMessageId },
            urls.map((url) => ({ url })),
          )
        : undefined
    const turn = await deps.handle({ ...message, ...(media && { media }) })
    if (!turn.duplicate) await answer(client, where, turn, deps.logger)
  })

  // A mention in a channel: the conversation continues in that thread.
  app.event('app_mention', async ({ event, body, client }) => {
    if (event.channel === deps.staffChannel || event.bot_id || !event.user) return
    const team = event.user_team ?? event.team ?? (body as { team_id?: string }).team_id ?? 'T'
    const where = { channel: event.channel, threadTs: event.thread_ts ?? event.ts }
    const turn = await deps.handle(inbound(team, event.user, `${event.channel}:${event.ts}`, slackTextToPlain(withoutMentions(event.text)), where))
    if (!turn.duplicate) await answer(client, where, turn, deps.logger)
  })

  app.action<BlockAction<ButtonAction>>(new RegExp(`^${CHOICE_ACTION_PREFIX}`), async ({ ack, body, action, client }) => {
    await ack()
    const channel = body.channel?.id ?? body.container?.channel_id
    if (!channel || channel === deps.staffChannel) return
    const message = body.message as { ts?: string; thread_ts?: string } | undefined
    const where = { channel, ...(message?.thread_ts && { threadTs: message.thread_ts }) }
    const team = body.user.team_id ?? body.team?.id ?? 'T'
    // The press itself is the message: Slack retries carry the same action_ts.
    const turn = await deps.handle(inbound(team, body.user.id, `${channel}:action:${action.action_ts}`, action.value ?? '', where))
    if (!turn.duplicate) await answer(client, where, turn, deps.logger)
  })
}
