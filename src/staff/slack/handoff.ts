/**
 * The Slack side of a live hand-off: the thread where staff and customer talk (the ticket's
 * thread when the customer has a ticket, else one opened for the hand-off), the conversation so
 * far posted into it, and the customer's messages mirrored there.
 */
import type { KnownBlock } from '@slack/types'
import { slackSendError } from '../../channels/slack/send-error.ts'
import type { WebClient } from '@slack/web-api'
import type { SlackConfig } from '../../config.ts'
import type { PrismaClient } from '../../db/client.ts'
import { FINISHED_STATUSES } from '../../tickets/queries.ts'

export const RELEASE_ACTION_ID = 'handoff_release'
const TRANSCRIPT_MESSAGES = 15

const REASONS: Record<string, string> = {
  customer_asked: 'asks to talk to a person',
  repeated_misses: 'could not get through the questions',
  fix_rejected: 'says the fix did not work',
}

export interface HandoffThreads {
  /** The hand-off's thread, opened (with the conversation so far) if it was not yet. */
  ensure(conversationId: string): Promise<{ channel: string; ts: string }>
  /** Posts one of the customer's messages in the thread. */
  mirror(conversationId: string, text: string): Promise<string | undefined>
}

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

export function handoffThreads(deps: { prisma: PrismaClient; client: WebClient; config: SlackConfig }): HandoffThreads {
  const { prisma, client, config } = deps

  function intro(conversation: { id: string; handoffReason: string | null }, who: string, mention: string): { text: string; blocks: KnownBlock[] } {
    const text = `:raising_hand: *Hand-off* — the customer (${who}) ${REASONS[conversation.handoffReason ?? ''] ?? 'asks for a person'}.${mention} Reply in this thread to talk to them; a reply starting with \`note:\` stays internal.`
    return {
      text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text } },
        {
          type: 'actions',
          block_id: `handoff:${conversation.id}`,
          elements: [{ type: 'button', action_id: RELEASE_ACTION_ID, text: { type: 'plain_text', text: 'Give back to the bot' }, value: conversation.id }],
        },
      ],
    }
  }

  async function transcript(conversationId: string): Promise<string> {
    const messages = await prisma.message.findMany({
      where: { conversationId, OR: [{ kind: null }, { kind: { notIn: ['staff_mirror'] } }] },
      orderBy: [{ createdAt: 'desc' }, { seq: 'desc' }],
      take: TRANSCRIPT_MESSAGES,
      select: { direction: true, body: true, kind: true },
    })
    const lines = messages.reverse().map((message) => `${message.direction === 'inbound' ? '*Customer*' : message.kind === 'staff_reply' ? '*Staff*' : '_Bot_'}: ${escape(message.body).replace(/\n/g, ' ⏎ ')}`)
    return ['*The conversation so far*', ...lines].join('\n').slice(0, 2900)
  }

  async function ensure(conversationId: string) {
    const conversation = await prisma.conversation.findUniqueOrThrow({
      where: { id: conversationId },
      select: { id: true, handoffChannel: true, handoffThreadTs: true, handoffReason: true, identity: { select: { channel: true, address: true, customerId: true } } },
    })
    if (conversation.handoffChannel && conversation.handoffThreadTs) return { channel: conversation.handoffChannel, ts: conversation.handoffThreadTs }
    const who = `${conversation.identity.channel.toUpperCase()} ${conversation.identity.address}`
    const ticket = await prisma.ticket.findFirst({
      where: { customerId: conversation.identity.customerId, status: { notIn: [...FINISHED_STATUSES] }, slackTs: { not: null } },
      orderBy: { createdAt: 'desc' },
      select: { slackChannel: true, slackTs: true, technician: { select: { slackUserId: true } } },
    })
    let thread: { channel: string; ts: string }
    if (ticket?.slackChannel && ticket.slackTs) {
      const mention = ticket.technician?.slackUserId ? ` <@${ticket.technician.slackUserId}>` : ''
      thread = { channel: ticket.slackChannel, ts: ticket.slackTs }
      await client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, ...intro(conversation, who, mention) })
    } else {
      const posted = await client.chat.postMessage({ channel: config.staffChannel, ...intro(conversation, who, '') })
      thread = { channel: posted.channel ?? config.staffChannel, ts: posted.ts! }
    }
    await client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, text: await transcript(conversationId) })
    await prisma.conversation.update({ where: { id: conversationId }, data: { handoffChannel: thread.channel, handoffThreadTs: thread.ts } })
    return thread
  }

  return {
    async ensure(conversationId) {
      try {
        return await ensure(conversationId)
      } catch (error) {
        throw slackSendError(error, 'the hand-off thread')
      }
    },
    async mirror(conversationId, text) {
      try {
        const thread = await ensure(conversationId)
        const posted = await client.chat.postMessage({ channel: thread.channel, thread_ts: thread.ts, text: `:speech_balloon: *Customer*: ${escape(text)}` })
        return posted.ts
      } catch (error) {
        throw slackSendError(error, 'the hand-off message')
      }
    },
  }
}
