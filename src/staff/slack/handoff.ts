/**
 * The Slack side of a live hand-off: the thread where staff and customer talk (the ticket's
 * thread when the customer has a ticket, else one opened for the hand-off), the conversation so
 * far posted into it, and the customer's messages mirrored there.
 */
import { slackSendError } from '../../channels/slack/send-error.ts'
import type { PrismaClient } from '../../db/client.ts'
import { FINISHED_STATUSES } from '../../tickets/queries.ts'
import { joinMd, md, mention, Mrkdwn, section } from '../../channels/slack/mrkdwn.ts'
import type { SlackMessage, StaffChannel } from './staff-channel.ts'
import { cutText } from '../../text/cut.ts'

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

export function handoffThreads(deps: { prisma: PrismaClient; staff: StaffChannel }): HandoffThreads {
  const { prisma, staff } = deps

  function intro(conversation: { id: string; handoffReason: string | null }, who: string, technician: string | null | undefined): SlackMessage {
    const text = md`:raising_hand: *Hand-off* — the customer (${who}) ${REASONS[conversation.handoffReason ?? ''] ?? 'asks for a person'}.${technician ? md` ${mention(technician)}` : ''} Reply in this thread to talk to them; a reply starting with \`note:\` stays internal.`
    return {
      text,
      blocks: [
        section(text),
        {
          type: 'actions',
          block_id: `handoff:${conversation.id}`,
          elements: [{ type: 'button', action_id: RELEASE_ACTION_ID, text: { type: 'plain_text', text: 'Give back to the bot' }, value: conversation.id }],
        },
      ],
    }
  }

  /** The newest messages, whole lines only: the oldest go first when it is too long for Slack. */
  async function transcript(conversationId: string): Promise<Mrkdwn> {
    const messages = await prisma.message.findMany({
      where: { conversationId, OR: [{ kind: null }, { kind: { notIn: ['staff_mirror'] } }] },
      orderBy: [{ createdAt: 'desc' }, { seq: 'desc' }],
      take: TRANSCRIPT_MESSAGES,
      select: { direction: true, body: true, kind: true },
    })
    const lines: Mrkdwn[] = []
    let length = 0
    for (const message of messages) {
      const who = message.direction === 'inbound' ? '*Customer*' : message.kind === 'staff_reply' ? '*Staff*' : '_Bot_'
      const line = md`${new Mrkdwn(who)}: ${cutText(message.body.replace(/\n/g, ' ⏎ '), 600)}`
      if (length + line.text.length > 2800) break
      lines.unshift(line)
      length += line.text.length + 1
    }
    return joinMd([md`*The conversation so far*`, ...lines], '\n')
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
      thread = { channel: ticket.slackChannel, ts: ticket.slackTs }
      await staff.reply(thread, intro(conversation, who, ticket.technician?.slackUserId))
    } else {
      thread = await staff.post(intro(conversation, who, null))
    }
    await staff.reply(thread, await transcript(conversationId))
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
        const posted = await staff.reply(thread, md`:speech_balloon: *Customer*: ${text}`)
        return posted.ts
      } catch (error) {
        throw slackSendError(error, 'the hand-off message')
      }
    },
  }
}
