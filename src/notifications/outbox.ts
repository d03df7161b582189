/**
 * The outbox: a proactive message is a row first, written in the transaction of the change that
 * causes it. The row is the queue: once the transaction commits, a dispatcher (dispatcher.ts)
 * claims it and calls the provider, never inside a transaction.
 */
import type { Channel } from '../channels/types.ts'
import type { Reply } from '../../flows/conversation.machine.ts'
import type { Prisma, Tx } from '../db/client.ts'
import { renderSms, splitForSms } from '../channels/sms/render.ts'

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

/**
 * Queues a message to the customer's identity that opened `conversationId`. Returns the (first) message id.
 *
 * A text too long for one SMS (Twilio takes 1,600 characters) is queued as several messages of the
 * conversation's stream (issue 18): the dispatcher sends a stream's messages one after another, so
 * the parts arrive in order, and a part that fails is retried alone, never resending the ones before.
 */
export async function queueMessage(tx: Tx, message: { conversationId: string; channel: Channel; kind: MessageKind; ticketId: string | null; reply: Reply; at: Date }): Promise<string> {
  const parts = partsOf(message.channel, message.reply)
  let first: string | undefined
  for (const reply of parts) {
    const row = await tx.message.create({
      data: {
        conversationId: message.conversationId,
        direction: 'outbound',
        channel: message.channel,
        status: 'queued',
        kind: message.kind,
        ticketId: message.ticketId,
        body: reply.text,
        payload: reply as unknown as Prisma.InputJsonValue,
        createdAt: message.at,
      },
      select: { id: true },
    })
    first ??= row.id
  }
  return first!
}

/** SMS and WhatsApp: the reply as texts within Twilio's limit; files with the first, choices with the last. */
function partsOf(channel: Channel, reply: Reply): Reply[] {
  if (channel !== 'sms' && channel !== 'whatsapp') return [reply]
  const texts = splitForSms(renderSms(reply))
  if (texts.length === 1) return [reply]
  return texts.map((text, index) => ({
    text,
    ...(index === 0 && reply.media && { media: reply.media }),
    ...(index === texts.length - 1 && reply.choices && { choices: reply.choices }),
  }))
}
