/**
 * Erasing a customer's personal data on request (privacy law; issue 14's "deleting a customer's
 * data deletes their files").
 *
 * What identifies or describes the person goes: their name and phone number, their addresses on
 * every channel, the conversation (its state, transcript and web chat history), the contact name,
 * site address and fault description on their tickets, survey comments, complaint texts, phone
 * verifications, and every file they sent or that was kept with their tickets, bytes included.
 *
 * What the agreement must still be able to report stays (§3.3c, §4.1): the tickets themselves with
 * their service, product, deadlines, breaches, damages and ratings, anonymous from then on. Messages
 * still waiting in the outbox are not sent. The Slack ticket messages are rewritten without the
 * person's details.
 */
import { Prisma, type PrismaClient } from '../db/client.ts'
import { QUEUES, type JobQueue } from '../jobs/queue.ts'
import type { MediaStore } from '../media/store.ts'

export const ERASED = '(erased)'

export interface Erasure {
  tickets: number
  messages: number
  files: number
}

export async function eraseCustomer(deps: { prisma: PrismaClient; store: MediaStore; jobs: JobQueue }, customerId: string, who: { actor: string; at: Date }): Promise<Erasure | undefined> {
  const { prisma, store, jobs } = deps
  const outcome = await prisma.$transaction(async (tx) => {
    // Locked: a message arriving meanwhile waits, then finds the identity gone.
    const [customer] = await tx.$queryRaw<{ id: string; phone: string | null }[]>`SELECT id, phone FROM "Customer" WHERE id = ${customerId}::uuid FOR UPDATE`
    if (!customer) return undefined
    const identities = await tx.channelIdentity.findMany({ where: { customerId }, select: { id: true, channel: true, address: true, conversation: { select: { id: true } } } })
    const conversationIds = identities.flatMap((identity) => (identity.conversation ? [identity.conversation.id] : []))
    // A turn under way finishes first (turns lock their conversation), and none writes after.
    if (conversationIds.length) await tx.$queryRaw`SELECT id FROM "Conversation" WHERE id = ANY(${conversationIds}::uuid[]) FOR UPDATE`
    const tickets = await tx.ticket.findMany({ where: { customerId }, select: { id: true } })
    const ticketIds = tickets.map((ticket) => ticket.id)

    // Files: everything kept with their tickets (the technician's photos show their home too) and
    // everything they sent, kept or not yet linked.
    const files = await tx.attachment.findMany({
      where: { OR: [{ ticketId: { in: ticketIds } }, ...identities.map((identity) => ({ channel: identity.channel, address: identity.address }))] },
      select: { id: true, sha256: true },
    })
    await tx.attachment.deleteMany({ where: { id: { in: files.map((file) => file.id) } } })

    const messages = await tx.message.updateMany({ where: { conversationId: { in: conversationIds } }, data: { body: ERASED, payload: Prisma.DbNull } })
    // Not sent after all: the person asked to be forgotten.
    await tx.message.updateMany({ where: { conversationId: { in: conversationIds }, status: 'queued' }, data: { status: 'failed', lastError: 'customer data erased', leaseUntil: null } })
    await tx.phoneVerification.deleteMany({ where: { conversationId: { in: conversationIds } } })
    await tx.conversation.updateMany({
      where: { id: { in: conversationIds } },
      data: { snapshot: Prisma.DbNull, state: 'idle', handoffActive: false, handoffReason: null },
    })
    // The web chat's own history of the visitor (activities and tokens go with the conversation).
    const webchatUsers = identities.filter((identity) => identity.channel === 'webchat').map((identity) => identity.address)
    if (webchatUsers.length) await tx.directLineConversation.deleteMany({ where: { userId: { in: webchatUsers } } })
    // The identities stay as anonymous rows (tickets and messages point at them), opted out so
    // that nothing is ever sent to them again, under an address nobody can have.
    for (const identity of identities) {
      await tx.channelIdentity.update({ where: { id: identity.id }, data: { address: `erased:${identity.id}`, reference: Prisma.DbNull, optedOutAt: who.at } })
    }

    await tx.ticket.updateMany({ where: { customerId }, data: { contactName: ERASED, siteAddress: null, description: null, channelAddress: ERASED } })
    await tx.feedback.updateMany({ where: { ticketId: { in: ticketIds } }, data: { comment: null } })
    const complaints = await tx.complaint.updateManyAndReturn({ where: { customerId }, data: { text: ERASED }, select: { id: true } })
    for (const complaint of complaints) await jobs.send(QUEUES.complaintSync, { complaintId: complaint.id }, { tx, singletonKey: complaint.id })
    await tx.customer.update({ where: { id: customerId }, data: { name: null, phone: null, erasedAt: who.at } })
    for (const ticketId of ticketIds) {
      await tx.ticketEvent.create({ data: { ticketId, type: 'customer_erased', actor: who.actor, at: who.at, data: {} } })
      await jobs.send(QUEUES.slackSync, { ticketId }, { tx, singletonKey: ticketId })
    }
    return { tickets: ticketIds.length, messages: messages.count, files }
  })
  if (!outcome) return undefined

  // The bytes, once no row of anyone else's points at them (the same photo sent twice is one file).
  let removed = 0
  for (const sha256 of new Set(outcome.files.flatMap((file) => (file.sha256 ? [file.sha256] : [])))) {
    if ((await prisma.attachment.count({ where: { sha256 } })) > 0) continue
    await store.delete(sha256)
    removed++
  }
  return { tickets: outcome.tickets, messages: outcome.messages, files: removed }
}
