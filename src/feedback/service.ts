/**
 * §3.3a: feedback within 24 hours of completion. When a ticket is completed, a survey is
 * scheduled; after FEEDBACK_DELAY the customer is asked on their channel (the conversation knows
 * a survey is pending and still takes new requests), reminded after FEEDBACK_REMINDER, and the
 * window closes at completion + FEEDBACK_WINDOW. The ticket closes when feedback is in or the
 * window has ended; an answer after it is still stored, marked late.
 */
import type { Channel } from '../channels/types.ts'
import type { ConversationEvent } from '../../flows/conversation.machine.ts'
import type { Clock } from '../clock.ts'
import type { FeedbackConfig } from '../config.ts'
import type { Prisma, PrismaClient, Tx } from '../db/client.ts'
import { AppError } from '../errors.ts'
import type { JobQueue } from '../jobs/queue.ts'
import type { Logger } from '../logger.ts'
import type { MessageKind } from '../notifications/outbox.ts'
import { openComplaint } from '../complaints/service.ts'
import type { TicketService } from '../tickets/apply.ts'
import { SYSTEM } from '../tickets/actors.ts'

/** Raises an event in a customer's conversation from our side (see conversations.raise). */
export type RaiseEvent = (tx: Tx, conversationId: string, event: ConversationEvent, now: Date, kind: MessageKind) => Promise<unknown>

/** Schedules the survey of a ticket the customer just confirmed (called in its transaction). */
export async function scheduleFeedback(tx: Tx, config: FeedbackConfig, ticket: { id: string; channel: Channel }, completedAt: Date): Promise<void> {
  const windowEndsAt = new Date(completedAt.getTime() + config.windowMs)
  const schedule = { status: 'scheduled' as const, channel: ticket.channel, completedAt, askAt: new Date(completedAt.getTime() + config.delayMs), windowEndsAt, askedAt: null, remindedAt: null }
  const existing = await tx.feedback.findUnique({ where: { ticketId: ticket.id }, select: { status: true } })
  // A ticket completed again after a reopen is surveyed again, unless feedback is already in.
  if (!existing) await tx.feedback.create({ data: { ticketId: ticket.id, ...schedule } })
  else if (existing.status !== 'answered') await tx.feedback.update({ where: { ticketId: ticket.id }, data: schedule })
  // §4.1b: feedback not collected in time is a missed deadline like the others.
  const deadline = { startsAt: completedAt, dueAt: windowEndsAt, metAt: null, warnedAt: null }
  const earlier = await tx.deadline.findUnique({ where: { ticketId_kind_visit: { ticketId: ticket.id, kind: 'feedback', visit: 1 } }, include: { breach: { select: { id: true } } } })
  if (!earlier) await tx.deadline.create({ data: { ticketId: ticket.id, kind: 'feedback', ...deadline } })
  else if (!earlier.breach && !earlier.metAt) await tx.deadline.update({ where: { id: earlier.id }, data: deadline })
}

export interface FeedbackInput {
  rating?: number
  comment?: string | null
}

export interface FeedbackService {
  /** The customer's answer (from the conversation), in the turn's transaction. */
  recordFromCustomer(tx: Tx, number: string, input: FeedbackInput, customerActor: string): Promise<void>
  /** Feedback taken another way (by phone), recorded by staff. */
  recordByStaff(number: string, input: Required<Pick<FeedbackInput, 'rating'>> & FeedbackInput, actor: string): Promise<void>
  /**
   * Staff: no survey for this ticket, and why (§3.3a). At the customer's request the follow-up is
   * done (its deadline met); otherwise it stays a follow-up not made, and counts as one.
   */
  skip(number: string, actor: string, why: { reason: string; customerAsked: boolean }): Promise<void>
  /** Staff: ask again now (the window stays where it was). */
  resend(number: string, actor: string): Promise<void>
  /** Asks, reminds and closes windows that are due, and completes fixes nobody answered; runs with the timers. */
  sweep(): Promise<{ asked: number; reminded: number; missed: number; unconfirmed: number }>
}

export function createFeedbackService(deps: {
  prisma: PrismaClient
  jobs: JobQueue
  clock: Clock
  logger: Logger
  config: FeedbackConfig
  tickets: TicketService
  raise: RaiseEvent
}): FeedbackService {
  const { prisma, jobs, clock, logger, config } = deps

  /** Closes a completed ticket once its feedback is settled (answered, missed or skipped). */
  async function closeTicket(tx: Tx, ticketId: string, note: string) {
    const ticket = await tx.ticket.findUniqueOrThrow({ where: { id: ticketId }, select: { number: true, status: true } })
    if (ticket.status === 'completed') await deps.tickets.applyIn(tx, ticket.number, { action: 'close', note }, SYSTEM)
  }

  async function record(tx: Tx, number: string, input: FeedbackInput, source: string) {
    const ticket = await tx.ticket.findUnique({ where: { number: number.toUpperCase() }, select: { id: true, number: true, customerId: true, conversationId: true, feedback: true } })
    if (!ticket) throw new AppError('not_found', `no ticket ${number}`)
    if (!ticket.feedback) throw new AppError('conflict', `${ticket.number} has no feedback to collect: it is not completed`)
    const now = clock.now()
    const feedback = ticket.feedback
    const inWindow = now <= feedback.windowEndsAt
    const data: Prisma.FeedbackUpdateInput = {
      status: 'answered',
      source,
      ...(input.rating !== undefined && { rating: input.rating }),
      ...(input.comment !== undefined && { comment: input.comment }),
      // The first answer decides whether feedback came in time; a later comment does not.
      ...(!feedback.answeredAt && { answeredAt: now, inWindow }),
    }
    await tx.feedback.update({ where: { id: feedback.id }, data })
    if (!feedback.answeredAt && inWindow) await tx.deadline.updateMany({ where: { ticketId: ticket.id, kind: 'feedback', metAt: null }, data: { metAt: now } })
    if (input.rating !== undefined && input.rating <= 2 && (feedback.rating === null || feedback.rating > 2)) {
      await openComplaint(tx, jobs, {
        customerId: ticket.customerId,
        ticketId: ticket.id,
        conversationId: ticket.conversationId,
        source: 'low_rating',
        text: `Rated ${input.rating}/5`,
        actor: source,
        at: now,
      })
    }
    await closeTicket(tx, ticket.id, inWindow ? 'Feedback collected.' : 'Feedback collected after the window.')
    logger.info({ ticket: number, rating: input.rating, inWindow, source }, 'feedback recorded')
  }

  return {
    recordFromCustomer: (tx, number, input, customerActor) => record(tx, number, input, customerActor),

    async recordByStaff(number, input, actor) {
      await prisma.$transaction((tx) => record(tx, number, input, actor))
    },

    async skip(number, actor, why) {
      await prisma.$transaction(async (tx) => {
        const ticket = await tx.ticket.findUnique({ where: { number: number.toUpperCase() }, select: { id: true, feedback: { select: { status: true } } } })
        if (!ticket?.feedback) throw new AppError(ticket ? 'conflict' : 'not_found', ticket ? `${number} has no survey to skip` : `no ticket ${number}`)
        if (ticket.feedback.status === 'answered') throw new AppError('conflict', `${number}'s feedback is in already`)
        const now = clock.now()
        await tx.feedback.update({
          where: { ticketId: ticket.id },
          // The customer declining is a follow-up done in time; a skip of ours is not.
          data: { status: 'skipped', source: actor, skipReason: why.reason, skippedByCustomer: why.customerAsked, inWindow: why.customerAsked },
        })
        if (why.customerAsked) await tx.deadline.updateMany({ where: { ticketId: ticket.id, kind: 'feedback', metAt: null }, data: { metAt: now } })
        await closeTicket(tx, ticket.id, `Survey skipped by ${actor}${why.customerAsked ? ' at the customer’s request' : ''}: ${why.reason}`)
        logger.info({ ticket: number, actor, customerAsked: why.customerAsked }, 'survey skipped')
      })
    },

    async resend(number, actor) {
      await prisma.$transaction(async (tx) => {
        const ticket = await tx.ticket.findUnique({ where: { number: number.toUpperCase() }, select: { id: true, number: true, conversationId: true, feedback: { select: { status: true } } } })
        if (!ticket?.feedback || !ticket.conversationId) throw new AppError(ticket ? 'conflict' : 'not_found', ticket ? `${number} has no survey` : `no ticket ${number}`)
        const now = clock.now()
        await tx.feedback.update({ where: { ticketId: ticket.id }, data: { status: ticket.feedback.status === 'answered' ? 'answered' : 'asked', askedAt: now } })
        await deps.raise(tx, ticket.conversationId, { type: 'FEEDBACK_REQUESTED', number: ticket.number, reminder: false }, now, 'feedback_prompt')
        logger.info({ ticket: number, actor }, 'survey sent again')
      })
    },

    async sweep() {
      const now = clock.now()
      const result = { asked: 0, reminded: 0, missed: 0, unconfirmed: 0 }
      // §3.3a: a fix nobody confirmed or rejected within CONFIRM_WINDOW is completed, unconfirmed,
      // and the customer is told; its survey runs on regardless (it started at the resolution).
      const unanswered = await prisma.ticket.findMany({
        where: { status: 'resolved', resolvedAt: { lte: new Date(now.getTime() - config.confirmWindowMs) } },
        select: { number: true, conversationId: true },
        take: 200,
      })
      for (const ticket of unanswered) {
        await prisma.$transaction(async (tx) => {
          try {
            await deps.tickets.applyIn(tx, ticket.number, { action: 'confirm', note: 'No answer within the confirm window: completed, unconfirmed (§3.3a).' }, SYSTEM)
          } catch (error) {
            // Answered, reopened or cancelled meanwhile, or another sweep was first.
            if (error instanceof AppError && error.code === 'conflict') return
            throw error
          }
          if (ticket.conversationId) await deps.raise(tx, ticket.conversationId, { type: 'RESOLUTION_EXPIRED', number: ticket.number }, now, 'bot_message')
          result.unconfirmed++
        })
      }
      const due = await prisma.feedback.findMany({
        where: {
          windowEndsAt: { gt: now },
          OR: [
            { status: 'scheduled', askAt: { lte: now } },
            { status: 'asked', remindedAt: null, askedAt: { lte: new Date(now.getTime() - config.reminderMs) } },
          ],
        },
        select: { id: true, status: true, ticket: { select: { number: true, conversationId: true } } },
        take: 200,
      })
      for (const feedback of due) {
        if (!feedback.ticket.conversationId) continue
        const reminder = feedback.status === 'asked'
        await prisma.$transaction(async (tx) => {
          // Claimed by its status: an overlapping sweep finds nothing left to do.
          const claimed = await tx.feedback.updateMany({
            where: { id: feedback.id, status: feedback.status, ...(reminder && { remindedAt: null }) },
            data: reminder ? { remindedAt: now } : { status: 'asked', askedAt: now },
          })
          if (!claimed.count) return
          await deps.raise(tx, feedback.ticket.conversationId!, { type: 'FEEDBACK_REQUESTED', number: feedback.ticket.number, reminder }, now, 'feedback_prompt')
          result[reminder ? 'reminded' : 'asked']++
        })
      }
      const expired = await prisma.feedback.findMany({ where: { status: { in: ['scheduled', 'asked'] }, windowEndsAt: { lte: now } }, select: { id: true, ticketId: true }, take: 200 })
      for (const feedback of expired) {
        await prisma.$transaction(async (tx) => {
          const claimed = await tx.feedback.updateMany({ where: { id: feedback.id, status: { in: ['scheduled', 'asked'] } }, data: { status: 'missed', inWindow: false } })
          if (!claimed.count) return
          await closeTicket(tx, feedback.ticketId, 'Feedback not collected in time (§3.3a).')
          result.missed++
        })
      }
      if (result.asked || result.reminded || result.missed || result.unconfirmed) logger.info(result, 'feedback sweep')
      return result
    },
  }
}
