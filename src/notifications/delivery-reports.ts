/**
 * Issue 18: what the carrier did with a message after the provider took it. Twilio answers 201
 * when it queues a message; whether it reached the phone comes later, to our status callback.
 *
 * - Statuses only move forward (queued → sent → delivered → read; or undelivered/failed), so a
 *   report that arrives late or twice changes nothing.
 * - Delivered: recorded on the message, and on the ticket's trail for a ticket's notifications
 *   (§3.1: the customer was told).
 * - Undelivered or failed: on the trail with the carrier's reason. When a later try can succeed
 *   (the handset was off, the network congested) the message goes back to the outbox with the
 *   same backoff and limit as a refused send; otherwise it is failed and staff are told to reach
 *   the customer another way (the notification is part of the agreement).
 */
import type { Clock } from '../clock.ts'
import type { PrismaClient } from '../db/client.ts'
import type { JobQueue } from '../jobs/queue.ts'
import type { Logger } from '../logger.ts'
import type { RetryPolicy } from './delivery.ts'
import { describeKind, markUndeliverable } from './undeliverable.ts'

export const DELIVERY_STATUSES = ['accepted', 'scheduled', 'queued', 'sending', 'sent', 'delivered', 'read', 'undelivered', 'failed', 'canceled'] as const
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number]

/** How far along a status is; a report never moves a message back. */
const RANK: Record<DeliveryStatus, number> = { accepted: 0, scheduled: 0, queued: 1, sending: 2, sent: 3, delivered: 4, read: 5, undelivered: 6, failed: 6, canceled: 6 }

/** Carrier errors a later try can get past (Twilio's 30xxx): the message is sent again. */
const TRANSIENT: Record<number, string> = {
  30001: 'queue overflow',
  30003: 'unreachable handset (off or out of coverage)',
  30008: 'unknown carrier error',
  30017: 'carrier network congestion',
}

/** The rest: the number or content is the problem, or WhatsApp's rules; staff must step in. */
const PERMANENT: Record<number, string> = {
  30002: 'account suspended',
  30004: 'blocked by the recipient',
  30005: 'unknown or inactive number',
  30006: 'landline or unreachable carrier',
  30007: 'filtered by the carrier (spam)',
  30034: 'unregistered A2P 10DLC number',
  63016: 'outside WhatsApp’s 24-hour window, and not a template',
  63024: 'not a WhatsApp user',
}

export interface DeliveryReport {
  providerId: string
  status: DeliveryStatus
  errorCode?: number
}

export interface DeliveryReports {
  /** Applies one report; returns what it changed (`ignored`: unknown id, or not a step forward). */
  record(report: DeliveryReport): Promise<'ignored' | 'recorded' | 'retrying' | 'failed'>
}

const reasonOf = (code: number | undefined) => (code === undefined ? 'no reason given' : `error ${code}: ${TRANSIENT[code] ?? PERMANENT[code] ?? 'see Twilio’s error dictionary'}`)

export function createDeliveryReports(deps: { prisma: PrismaClient; jobs: JobQueue; policy: RetryPolicy; clock: Clock; logger: Logger }): DeliveryReports {
  const { prisma, jobs, clock, logger } = deps
  return {
    async record(report) {
      return prisma.$transaction(async (tx) => {
        const [message] = await tx.$queryRaw<
          { id: string; conversationId: string; kind: string | null; ticketId: string | null; channel: string; status: string; strikes: number; deliveryStatus: string | null }[]
        >`SELECT id, "conversationId", kind, "ticketId", channel::text AS channel, status::text AS status, strikes, "deliveryStatus"
          FROM "Message" WHERE "providerIds" @> ARRAY[${report.providerId}]::text[] AND direction = 'outbound' FOR UPDATE`
        if (message?.status !== 'sent') return 'ignored'
        const was = (message.deliveryStatus ?? 'accepted') as DeliveryStatus
        if (RANK[report.status] <= RANK[was]) return 'ignored'
        const now = clock.now()
        const what = `${describeKind(message.kind)} by ${message.channel === 'whatsapp' ? 'WhatsApp' : 'SMS'}`
        const trail = (type: string, text: string) =>
          message.ticketId ? tx.ticketEvent.create({ data: { ticketId: message.ticketId, type, actor: 'system', at: now, data: { text, messageId: message.id } } }) : undefined

        if (report.status !== 'undelivered' && report.status !== 'failed' && report.status !== 'canceled') {
          const delivered = report.status === 'delivered' || report.status === 'read'
          await tx.message.update({ where: { id: message.id }, data: { deliveryStatus: report.status, ...(delivered && was !== 'delivered' && { deliveredAt: now }) } })
          if (delivered && RANK[was] < RANK.delivered) await trail('notification_delivered', `${what}: delivered`)
          return 'recorded'
        }

        const reason = reasonOf(report.errorCode)
        await tx.message.update({ where: { id: message.id }, data: { deliveryStatus: report.status, deliveryError: reason } })
        const transient = report.errorCode !== undefined && report.errorCode in TRANSIENT
        if (transient && message.strikes < deps.policy.retryLimit) {
          const strikes = message.strikes + 1
          const delaySeconds = Math.min(deps.policy.retryDelaySeconds * 2 ** (strikes - 1), 3600)
          // Back to the outbox: the dispatcher sends it again when it is due (the database's clock, as it claims).
          await tx.$executeRaw`UPDATE "Message" SET status = 'queued', strikes = ${strikes}, "lastError" = ${`not delivered (${reason}); sending again`},
            "nextAttemptAt" = (now() AT TIME ZONE 'UTC') + make_interval(secs => ${delaySeconds}) WHERE id = ${message.id}::uuid`
          await trail('notification_undelivered', `${what}: not delivered (${reason}); sending again`)
          logger.warn({ message: message.id, kind: message.kind, code: report.errorCode, retryInSeconds: delaySeconds }, 'message not delivered; sending again')
          return 'retrying'
        }
        await trail('notification_undelivered', `${what}: not delivered (${reason})`)
        await markUndeliverable(tx, jobs, message, `the carrier could not deliver it (${reason})`)
        logger.warn({ message: message.id, kind: message.kind, code: report.errorCode }, 'message not delivered; staff told')
        return 'failed'
      })
    },
  }
}
