/**
 * What a staff member's reply in a staff-channel thread means. In the thread of a live hand-off
 * it goes to the customer, on their channel, under the staff member's name (unless it starts
 * with `note:`, which stays internal). In a ticket's thread it is a note on the ticket.
 */
import type { Clock } from '../../clock.ts'
import type { PrismaClient, Tx } from '../../db/client.ts'
import type { JobQueue } from '../../jobs/queue.ts'
import type { Logger } from '../../logger.ts'
import { queueMessage } from '../../notifications/outbox.ts'

const NOTE = /^\s*note\s*:\s*/i

/** Records a provider delivery id; false when it was already there (a retry). */
export async function claimDelivery(tx: Tx, provider: string, id: string): Promise<boolean> {
  return (await tx.$executeRaw`INSERT INTO "ProcessedDelivery" (provider, id) VALUES (${provider}, ${id}) ON CONFLICT DO NOTHING`) === 1
}

export interface ThreadReply {
  eventId: string
  channel: string
  threadTs: string
  ts: string
  user: string
  /** How the customer sees the staff member. */
  staffName: string
  text: string
}

export type ThreadReplyOutcome = 'relayed' | 'note' | 'ignored' | 'duplicate'

export async function handleThreadReply(deps: { prisma: PrismaClient; jobs: JobQueue; clock: Clock; logger: Logger }, reply: ThreadReply): Promise<ThreadReplyOutcome> {
  return deps.prisma.$transaction(async (tx) => {
    if (!(await claimDelivery(tx, 'slack', reply.eventId))) {
      deps.logger.info({ eventId: reply.eventId }, 'Slack retry of a processed event ignored')
      return 'duplicate'
    }
    const now = deps.clock.now()
    const note = NOTE.test(reply.text)
    const handoff = await tx.conversation.findFirst({
      where: { handoffActive: true, handoffChannel: reply.channel, handoffThreadTs: reply.threadTs },
      orderBy: { handoffRequestedAt: 'desc' },
      select: { id: true, handoffAnsweredAt: true, identity: { select: { channel: true } } },
    })
    if (handoff && !note) {
      await queueMessage(tx, {
        conversationId: handoff.id,
        channel: handoff.identity.channel,
        kind: 'staff_reply',
        ticketId: null,
        reply: { text: `${reply.staffName}: ${reply.text}` },
        at: now,
      })
      if (!handoff.handoffAnsweredAt) await tx.conversation.update({ where: { id: handoff.id }, data: { handoffAnsweredAt: now } })
      return 'relayed'
    }
    const ticket = await tx.ticket.findFirst({ where: { slackChannel: reply.channel, slackTs: reply.threadTs }, select: { id: true } })
    if (!ticket) return 'ignored'
    await tx.ticketEvent.create({
      data: { ticketId: ticket.id, type: 'note', actor: `slack:${reply.user}`, at: new Date(Number(reply.ts) * 1000), data: { text: reply.text.replace(NOTE, '') } },
    })
    return 'note'
  })
}
