/**
 * The complaint register (§3.3d): complaints open from a low rating, from complaint words in a
 * message, from a rejected fix, or from staff. Each is posted to Slack for staff to take, note
 * and resolve; the customer is told it was received, and later its outcome.
 */
import type { Locale } from '../../flows/locale.ts'
import { copyFor } from '../../flows/copy.ts'
import type { Clock } from '../clock.ts'
import type { Prisma, PrismaClient, Tx } from '../db/client.ts'
import { AppError } from '../errors.ts'
import { QUEUES, type JobQueue } from '../jobs/queue.ts'
import type { Logger } from '../logger.ts'
import { queueMessage } from '../notifications/outbox.ts'

export type ComplaintSource = 'low_rating' | 'keywords' | 'fix_rejected' | 'staff'

export interface NewComplaint {
  customerId: string
  ticketId: string | null
  conversationId: string | null
  source: ComplaintSource
  text: string
  actor: string
  at: Date
}

export type ComplaintAction = { action: 'take' } | { action: 'note'; text: string } | { action: 'resolve'; outcome: string }

/** Whether a message reads as a complaint: one of the words, anywhere. */
export function soundsLikeComplaint(text: string, keywords: string[]): boolean {
  const lower = text.toLowerCase()
  return keywords.some((word) => lower.includes(word))
}

/** Tells the customer, in their conversation and language. */
async function tellCustomer(tx: Tx, _jobs: JobQueue, complaint: { conversationId: string | null; ticketId: string | null }, text: (locale: Locale) => string, at: Date) {
  if (!complaint.conversationId) return
  const conversation = await tx.conversation.findUnique({ where: { id: complaint.conversationId }, select: { locale: true, identity: { select: { channel: true } } } })
  if (!conversation) return
  await queueMessage(tx, {
    conversationId: complaint.conversationId,
    channel: conversation.identity.channel,
    kind: 'bot_message',
    ticketId: complaint.ticketId,
    reply: { text: text(conversation.locale as Locale) },
    at,
  })
}

/**
 * Opens a complaint, or, when the customer already has one open about the same ticket, adds
 * this to it: several angry messages are one complaint. Returns its number.
 */
export async function openComplaint(tx: Tx, jobs: JobQueue, complaint: NewComplaint): Promise<string> {
  const open = await tx.complaint.findFirst({
    where: { customerId: complaint.customerId, ticketId: complaint.ticketId, status: { in: ['open', 'in_progress'] } },
    orderBy: { openedAt: 'desc' },
    select: { id: true, number: true },
  })
  if (open) {
    await tx.complaintEvent.create({ data: { complaintId: open.id, type: 'more', actor: complaint.actor, at: complaint.at, data: { source: complaint.source, text: complaint.text } } })
    await jobs.send(QUEUES.complaintSync, { complaintId: open.id }, { tx, singletonKey: open.id })
    return open.number
  }
  const [row] = await tx.$queryRaw<{ seq: number }[]>`SELECT nextval(pg_get_serial_sequence('"Complaint"', 'seq'))::int AS seq`
  const number = `CP-${complaint.at.getUTCFullYear()}-${String(row!.seq).padStart(6, '0')}`
  const created = await tx.complaint.create({
    data: {
      seq: row!.seq,
      number,
      customerId: complaint.customerId,
      ticketId: complaint.ticketId,
      conversationId: complaint.conversationId,
      source: complaint.source,
      text: complaint.text,
      openedAt: complaint.at,
      events: { create: { type: 'opened', actor: complaint.actor, at: complaint.at, data: { source: complaint.source, text: complaint.text } } },
    },
    select: { id: true },
  })
  await jobs.send(QUEUES.complaintSync, { complaintId: created.id }, { tx, singletonKey: created.id })
  await tellCustomer(tx, jobs, complaint, (locale) => copyFor(locale).complaintReceived(number), complaint.at)
  return number
}

export interface ComplaintService {
  act(number: string, action: ComplaintAction, actor: string): Promise<void>
  report(ticketNumber: string, text: string, actor: string): Promise<string>
}

export function createComplaintService(deps: { prisma: PrismaClient; jobs: JobQueue; clock: Clock; logger: Logger }): ComplaintService {
  const { prisma, jobs, clock, logger } = deps
  return {
    async act(number, action, actor) {
      await prisma.$transaction(async (tx) => {
        const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Complaint" WHERE number = ${number.toUpperCase()} FOR UPDATE`
        if (!locked) throw new AppError('not_found', `no complaint ${number}`)
        const complaint = await tx.complaint.findUniqueOrThrow({ where: { id: locked.id } })
        if (complaint.status === 'resolved') throw new AppError('conflict', `${complaint.number} is resolved`, { status: complaint.status, legalActions: [] })
        const now = clock.now()
        const update: Prisma.ComplaintUpdateInput = {}
        if (action.action === 'take') Object.assign(update, { status: 'in_progress', assignee: actor, takenAt: now })
        if (action.action === 'resolve') {
          Object.assign(update, { status: 'resolved', outcome: action.outcome, resolvedAt: now, assignee: complaint.assignee ?? actor })
          await tellCustomer(tx, jobs, complaint, (locale) => copyFor(locale).complaintOutcome(complaint.number, action.outcome), now)
        }
        await tx.complaint.update({ where: { id: complaint.id }, data: update })
        const { action: type, ...data } = action
        await tx.complaintEvent.create({ data: { complaintId: complaint.id, type, actor, at: now, data: data as Prisma.InputJsonValue } })
        await jobs.send(QUEUES.complaintSync, { complaintId: complaint.id }, { tx, singletonKey: complaint.id })
        logger.info({ complaint: complaint.number, action: type, actor }, 'complaint action')
      })
    },
    async report(ticketNumber, text, actor) {
      return prisma.$transaction(async (tx) => {
        const ticket = await tx.ticket.findUnique({ where: { number: ticketNumber.toUpperCase() }, select: { id: true, customerId: true, conversationId: true } })
        if (!ticket) throw new AppError('not_found', `no ticket ${ticketNumber}`)
        return openComplaint(tx, jobs, { customerId: ticket.customerId, ticketId: ticket.id, conversationId: ticket.conversationId, source: 'staff', text, actor, at: clock.now() })
      })
    },
  }
}
