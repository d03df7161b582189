/**
 * Delivers one outbox message after its transaction committed. Network errors, 429 and 5xx are
 * thrown so pg-boss retries with backoff; permanent refusals (opted out, invalid number) and
 * exhausted retries mark the message failed and tell staff, without throwing.
 */
import { SendError, type Reply } from '../channels/types.ts'
import type { Clock } from '../clock.ts'
import type { PrismaClient } from '../db/client.ts'
import type { Logger } from '../logger.ts'
import { deliver, NotDeliverable, type Senders } from '../notifications/deliver.ts'
import { alertStaff } from '../staff/alerts.ts'
import type { JobHandler, JobQueue } from './queue.ts'

export interface DeliverMessageDeps {
  prisma: PrismaClient
  senders: Senders
  jobs: JobQueue
  clock: Clock
  logger: Logger
}

const describe = (kind: string | null) => (kind ?? 'message').replace(/_/g, ' ')

export function deliverMessageJob(deps: DeliverMessageDeps): JobHandler<{ messageId: string }> {
  const { prisma, senders, jobs, clock, logger } = deps

  async function giveUp(message: { id: string; kind: string | null; ticketId: string | null; identityId: string; channel: string }, reason: string, optedOut: boolean) {
    await prisma.$transaction(async (tx) => {
      await tx.message.update({ where: { id: message.id }, data: { status: 'failed', lastError: reason, attempts: { increment: 1 } } })
      if (optedOut) await tx.channelIdentity.update({ where: { id: message.identityId }, data: { optedOutAt: clock.now() } })
      await alertStaff(tx, jobs, message.ticketId, { kind: 'delivery_failed', what: describe(message.kind), reason })
    })
    logger.warn({ message: message.id, reason }, 'message delivery failed for good')
  }

  return async ({ messageId }, job) => {
    const message = await prisma.message.findUnique({
      where: { id: messageId },
      select: { id: true, status: true, kind: true, ticketId: true, channel: true, body: true, payload: true, conversation: { select: { identityId: true } } },
    })
    // Already handled by an earlier run of this job (jobs can run twice).
    if (!message || message.status !== 'queued') return
    const target = { ...message, identityId: message.conversation.identityId }
    const reply = (message.payload as unknown as Reply | null) ?? { text: message.body }
    try {
      const providerIds = await deliver(prisma, senders, target.identityId, reply)
      await prisma.message.update({
        where: { id: message.id },
        data: { status: 'sent', sentAt: clock.now(), providerId: providerIds[0] ?? null, attempts: { increment: 1 }, lastError: null },
      })
      logger.info({ message: message.id, kind: message.kind, channel: message.channel }, 'message delivered')
    } catch (error) {
      if (error instanceof NotDeliverable) return giveUp(target, error.message, false)
      // Twilio 21610: the number opted out at the carrier (STOP, or CANCEL under Twilio's defaults).
      if (error instanceof SendError && error.permanent) return giveUp(target, error.message, message.channel === 'sms' && error.code === 21610)
      const reason = (error as Error).message
      if (job.retryCount >= job.retryLimit) return giveUp(target, `gave up after ${job.retryCount + 1} attempts: ${reason}`, false)
      await prisma.message.update({ where: { id: message.id }, data: { attempts: { increment: 1 }, lastError: reason } })
      logger.warn({ message: message.id, attempt: job.retryCount + 1, reason }, 'message delivery failed; will retry')
      throw error
    }
  }
}
