/**
 * The outbox: a proactive message is a row first, written in the transaction of the change that
 * causes it. The row is the queue: once the transaction commits, a dispatcher (dispatcher.ts)
 * claims it and calls the provider, never inside a transaction.
 */
import type { Channel } from '../channels/types.ts'
import type { Reply } from '../../flows/conversation.machine.ts'
import type { Prisma, Tx } from '../db/client.ts'

export type MessageKind =
  | 'response_notification'
  | 'resolution_notification'
  /** The bot speaking unprompted (back from a hand-off, a delay notice). */
  | 'bot_message'
  /** During a hand-off: a staff member's reply, to the customer. */
  | 'staff_reply'
  /** During a hand-off: the customer's message, to the staff thread in Slack. */
  | 'staff_mirror'
  /** A code proving a phone number, texted to it. */
  | 'verification_code'
  /** §3.3a: the rating question and its reminder. */
  | 'feedback_prompt'
  /** §3.1a: a request staff logged from a phone call, confirmed to the caller's mobile. */
  | 'request_logged'

/** Queues a message to the customer's identity that opened `conversationId`. Returns the message id. */
export async function queueMessage(tx: Tx, message: { conversationId: string; channel: Channel; kind: MessageKind; ticketId: string | null; reply: Reply; at: Date }): Promise<string> {
  const row = await tx.message.create({
    data: {
      conversationId: message.conversationId,
      direction: 'outbound',
      channel: message.channel,
      status: 'queued',
      kind: message.kind,
      ticketId: message.ticketId,
      body: message.reply.text,
      payload: message.reply as unknown as Prisma.InputJsonValue,
      createdAt: message.at,
    },
    select: { id: true },
  })
  return row.id
}
