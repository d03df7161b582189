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
import { STAFF_ADDRESS_PREFIX, type MediaIntake } from '../../media/intake.ts'
import type { Reply } from '../../channels/types.ts'
import { NOTE } from '../../conversations/staff-replies.ts'

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
  /** Files shared with the reply (issue 14): in a hand-off, they go to the customer. */
  fileUrls?: string[]
}

export type ThreadReplyOutcome = 'relayed' | 'note' | 'ignored' | 'duplicate'

export interface ThreadReplyDeps {
  prisma: PrismaClient
  jobs: JobQueue
  clock: Clock
  logger: Logger
  media?: MediaIntake
  /** A signed link to a file, which the customer's channel fetches (Twilio for an MMS). */
  mediaUrl?(id: string): string
  /** Who the reply is recorded as: the author's account when linked (default `slack:<user>`). */
  actor?: string
}

/** A staff member's files, received like a customer's (checked, stored), as links for the reply. */
async function staffFiles(deps: ThreadReplyDeps, reply: ThreadReply): Promise<NonNullable<Reply['media']>> {
  if (!reply.fileUrls?.length || !deps.media || !deps.mediaUrl) return []
  const message = { channel: 'slack' as const, address: `${STAFF_ADDRESS_PREFIX}${reply.user}`, providerMessageId: `${reply.channel}:${reply.ts}` }
  await deps.media.receive(
    message,
    reply.fileUrls.map((url) => ({ url })),
  )
  const files = await deps.prisma.attachment.findMany({ where: { channel: 'slack', providerMessageId: message.providerMessageId, status: 'stored' }, orderBy: { position: 'asc' } })
  return files.map((file, index) => ({ url: deps.mediaUrl!(file.id), contentType: file.contentType!, name: `photo ${index + 1}` }))
}

export async function handleThreadReply(deps: ThreadReplyDeps, reply: ThreadReply): Promise<ThreadReplyOutcome> {
  // Fetched before the transaction: a download is slow, and a retried event finds them on record.
  // A note's files stay in Slack: internal, like the note.
  const media = NOTE.test(reply.text) ? [] : await staffFiles(deps, reply)
  return deps.prisma.$transaction(async (tx) => {
    // Photos posted in a ticket's thread are the technician's photos of the work: kept with the
    // ticket, and sent with the service record (§3.1e). Linked before anything else, so a retried
    // event that finds the delivery claimed has nothing left undone.
    const ticket = await tx.ticket.findFirst({ where: { slackChannel: reply.channel, slackTs: reply.threadTs }, select: { id: true } })
    if (ticket && media.length) {
      await tx.attachment.updateMany({ where: { channel: 'slack', providerMessageId: `${reply.channel}:${reply.ts}`, ticketId: null }, data: { ticketId: ticket.id } })
    }
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
    if (handoff && !note && (reply.text.trim() || media.length)) {
      await queueMessage(tx, {
        conversationId: handoff.id,
        channel: handoff.identity.channel,
        kind: 'staff_reply',
        ticketId: null,
        reply: { text: `${reply.staffName}: ${reply.text.trim() || (media.length === 1 ? '(a photo)' : `(${media.length} photos)`)}`, ...(media.length && { media }) },
        at: now,
      })
      if (!handoff.handoffAnsweredAt) await tx.conversation.update({ where: { id: handoff.id }, data: { handoffAnsweredAt: now } })
      return 'relayed'
    }
    if (!ticket) return 'ignored'
    await tx.ticketEvent.create({
      data: { ticketId: ticket.id, type: 'note', actor: deps.actor ?? `slack:${reply.user}`, at: new Date(Number(reply.ts) * 1000), data: { text: reply.text.replace(NOTE, '') } },
    })
    return 'note'
  })
}
