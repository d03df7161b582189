/**
 * Delivers outbox messages after their transaction committed: to the customer on their channel,
 * or (a hand-off mirror) to the staff thread in Slack. One conversation's messages go out one
 * worker at a time, oldest first, so a customer and staff read them in the order written.
 *
 * Network errors, 429 and 5xx are thrown so pg-boss retries with backoff (later messages wait
 * behind). Permanent refusals (opted out, invalid number) and exhausted retries mark the message
 * failed and tell staff, without throwing; the queue moves on.
 */
import { SendError, type Reply } from '../channels/types.ts'
import type { Clock } from '../clock.ts'
import type { PrismaClient } from '../db/client.ts'
import { outboxLock, type Locks } from '../db/locks.ts'
import type { Logger } from '../logger.ts'
import { deliver, NotDeliverable, type Senders } from '../notifications/deliver.ts'
import { alertStaff } from '../staff/alerts.ts'
import type { HandoffThreads } from '../staff/slack/handoff.ts'
import type { JobHandler, JobQueue } from './queue.ts'

export interface DeliverMessageDeps {
  prisma: PrismaClient
  senders: Senders
  jobs: JobQueue
  locks: Locks
  /** Where hand-off mirrors go; undefined when Slack is off. */
  handoff: HandoffThreads | undefined
  clock: Clock
  logger: Logger
}

const describe = (kind: string | null) => (kind ?? 'message').replace(/_/g, ' ')

const outboxSelect = {
  id: true,
  status: true,
  kind: true,
  ticketId: true,
  channel: true,
  body: true,
  payload: true,
  createdAt: true,
  conversationId: true,
  conversation: { select: { identityId: true } },
} as const

export function deliverMessageJob(deps: DeliverMessageDeps): JobHandler<{ messageId: string }> {
  const { prisma, senders, jobs, clock, logger } = deps
  type Outbound = NonNullable<Awaited<ReturnType<typeof prisma.message.findUnique<{ where: { id: string }; select: typeof outboxSelect }>>>>

  async function giveUp(message: Outbound, reason: string, optedOut: boolean) {
    await prisma.$transaction(async (tx) => {
      await tx.message.update({ where: { id: message.id }, data: { status: 'failed', lastError: reason, attempts: { increment: 1 } } })
      if (optedOut) await tx.channelIdentity.update({ where: { id: message.conversation.identityId }, data: { optedOutAt: clock.now() } })
      // A mirror that cannot reach Slack has no one to alert there; the log says it.
      if (message.kind === 'feedback_prompt') {
        // §3.3a: the feedback still has to be collected, by phone say.
        const ticket = await tx.ticket.findFirst({ where: { conversationId: message.conversationId, feedback: { status: { in: ['asked', 'scheduled'] } } }, orderBy: { completedAt: 'desc' }, select: { id: true, number: true } })
        await alertStaff(tx, jobs, ticket?.id ?? message.ticketId, { kind: 'feedback_needed', number: ticket?.number ?? '', reason })
      } else if (message.kind !== 'staff_mirror') {
        await alertStaff(tx, jobs, message.ticketId, { kind: 'delivery_failed', what: describe(message.kind), reason })
      }
    })
    logger.warn({ message: message.id, kind: message.kind }, 'message delivery failed for good')
  }

  async function send(message: Outbound): Promise<string[]> {
    if (message.kind === 'staff_mirror') {
      if (!deps.handoff) throw new NotDeliverable('channel_off', 'Slack is off: nowhere to mirror the customer’s message')
      const ts = await deps.handoff.mirror(message.conversationId, message.body)
      return ts ? [`slack:${ts}`] : []
    }
    const reply = (message.payload as unknown as Reply | null) ?? { text: message.body }
    return deliver(prisma, senders, message.conversation.identityId, reply)
  }

  /** Sends one message; throws only when a retry could succeed. */
  async function deliverOne(message: Outbound, job: { retryCount: number; retryLimit: number }) {
    try {
      const providerIds = await send(message)
      await prisma.message.update({
        where: { id: message.id },
        data: { status: 'sent', sentAt: clock.now(), providerId: providerIds[0] ?? null, attempts: { increment: 1 }, lastError: null },
      })
      logger.info({ message: message.id, kind: message.kind, channel: message.channel }, 'message delivered')
    } catch (error) {
      if (error instanceof NotDeliverable) return giveUp(message, error.message, false)
      // Twilio 21610: the number opted out at the carrier (STOP, or CANCEL under Twilio's defaults).
      if (error instanceof SendError && error.permanent) return giveUp(message, error.message, message.channel === 'sms' && error.code === 21610)
      const reason = (error as Error).message
      if (job.retryCount >= job.retryLimit) return giveUp(message, `gave up after ${job.retryCount + 1} attempts: ${reason}`, false)
      await prisma.message.update({ where: { id: message.id }, data: { attempts: { increment: 1 }, lastError: reason } })
      logger.warn({ message: message.id, attempt: job.retryCount + 1 }, 'message delivery failed; will retry')
      throw error
    }
  }

  return async ({ messageId }, job) => {
    const message = await prisma.message.findUnique({ where: { id: messageId }, select: outboxSelect })
    // Already handled by an earlier run of this job, or by the job of a later message.
    if (!message || message.status !== 'queued') return
    await deps.locks.withLock(outboxLock(message.conversationId), async () => {
      // Everything of this conversation still queued up to this message, oldest first.
      const due = await prisma.message.findMany({
        where: { conversationId: message.conversationId, direction: 'outbound', status: 'queued', createdAt: { lte: message.createdAt } },
        orderBy: [{ createdAt: 'asc' }, { seq: 'asc' }],
        select: outboxSelect,
      })
      for (const item of due) await deliverOne(item, item.id === message.id ? job : { retryCount: 0, retryLimit: Number.MAX_SAFE_INTEGER })
    })
  }
}
