/**
 * A member of staff answering a customer during a live hand-off from the console (issue 15): the
 * same path as a reply in the Slack thread — queued in the outbox under their name, on the
 * customer's channel. (It is not mirrored into the Slack thread yet.)
 */
import type { PrismaClient } from '../db/client.ts'
import type { Clock } from '../clock.ts'
import { AppError } from '../errors.ts'
import { queueMessage } from '../notifications/outbox.ts'

/** `note:` keeps a message internal, as in the Slack thread. */
export const NOTE = /^\s*note\s*:\s*/i

export async function replyToCustomer(deps: { prisma: PrismaClient; clock: Clock }, conversationId: string, reply: { text: string; staffName: string; actor: string }): Promise<'sent' | 'note'> {
  return deps.prisma.$transaction(async (tx) => {
    const conversation = await tx.conversation.findUnique({
      where: { id: conversationId },
      select: { id: true, handoffActive: true, handoffAnsweredAt: true, identity: { select: { channel: true } } },
    })
    if (!conversation) throw new AppError('not_found', `no conversation ${conversationId}`)
    if (!conversation.handoffActive) throw new AppError('conflict', 'this customer is with the bot: a person can answer only during a hand-off')
    const now = deps.clock.now()
    const note = NOTE.test(reply.text)
    if (!note) {
      await queueMessage(tx, { conversationId, channel: conversation.identity.channel, kind: 'staff_reply', ticketId: null, reply: { text: `${reply.staffName}: ${reply.text.trim()}` }, at: now })
      if (!conversation.handoffAnsweredAt) await tx.conversation.update({ where: { id: conversationId }, data: { handoffAnsweredAt: now } })
    } else {
      // A note stays internal, on the customer's latest ticket (as a note in the ticket's Slack thread does).
      const ticket = await tx.ticket.findFirst({ where: { conversationId }, orderBy: { createdAt: 'desc' }, select: { id: true } })
      if (!ticket) throw new AppError('conflict', 'this customer has no ticket to keep a note on')
      await tx.ticketEvent.create({ data: { ticketId: ticket.id, type: 'note', actor: reply.actor, at: now, data: { text: reply.text.replace(NOTE, '') } } })
    }
    return note ? 'note' : 'sent'
  })
}
