/**
 * One claimed outbox message, sent and recorded: to the customer on their channel, or (a
 * hand-off mirror) to the staff thread in Slack.
 *
 * - Sent: marked sent with the provider's id.
 * - Refused for good (opted out, invalid number, channel off): marked failed, staff told.
 * - Failed in a way a retry can fix (network, 5xx, 429): tried again after Retry-After when the
 *   provider gave one, else with exponential backoff from OUTBOX_RETRY_DELAY. A failure counts
 *   against the message (OUTBOX_RETRY_LIMIT) only while its provider otherwise works: during an
 *   outage messages wait for the provider instead of being given up on.
 * Every failed attempt is logged with the provider's status.
 */
import { SendError, type Reply, type Channel } from '../channels/types.ts'
import type { Clock } from '../clock.ts'
import type { PrismaClient } from '../db/client.ts'
import { batched } from '../db/batch.ts'
import { outboxLock, type Locks } from '../db/locks.ts'
import type { JobQueue } from '../jobs/queue.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../observability/metrics.ts'
import type { HandoffThreads } from '../staff/slack/handoff.ts'
import { deliverTo, NotDeliverable, type Recipient, type Senders } from './deliver.ts'
import { messagesFor, type Provider, type ProviderHealth } from './provider-health.ts'
import { markUndeliverable } from './undeliverable.ts'

/** A message as the dispatcher claimed it, with its recipient. */
export interface ClaimedMessage {
  id: string
  conversationId: string
  recipient: Recipient & { identityId: string }
  kind: string | null
  ticketId: string | null
  channel: Channel
  body: string
  payload: unknown
  /** Including this one. */
  attempts: number
  strikes: number
  provider: Provider
}

export interface OutboxDelivery {
  deliver(message: ClaimedMessage): Promise<void>
}

export interface RetryPolicy {
  /** Failures held against one message before it is given up on. */
  retryLimit: number
  retryDelaySeconds: number
}

/** A send that takes longer than this is abandoned as failed (retried); longer than any SDK timeout of ours. */
export const SEND_TIMEOUT_MS = 20_000
const MAX_BACKOFF_SECONDS = 3600

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SendError(`no answer within ${ms / 1000} s`, false)), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}

export function createOutboxDelivery(deps: {
  prisma: PrismaClient
  senders: Senders
  jobs: JobQueue
  locks: Locks
  /** Where hand-off mirrors go; undefined when Slack is off. */
  handoff: HandoffThreads | undefined
  health: ProviderHealth
  policy: RetryPolicy
  clock: Clock
  logger: Logger
  metrics: Metrics
}): OutboxDelivery {
  const { prisma, senders, jobs, clock, logger, metrics, health } = deps

  // Sent messages are recorded a few at a time: one statement for up to 200, within 10 ms.
  // Every part's id (a long SMS is several messages), as one string: unnest takes no ragged arrays.
  const recordSent = batched<{ id: string; providerIds: string[]; sentAt: Date }>(
    (items) =>
      prisma.$executeRaw`
        UPDATE "Message" m SET status = 'sent', "sentAt" = v.sent_at, "providerId" = v.provider_ids[1], "providerIds" = v.provider_ids,
          "deliveryStatus" = NULL, "lastError" = NULL, "leaseUntil" = NULL, "nextAttemptAt" = NULL
        FROM (SELECT id, string_to_array(ids, ' ') AS provider_ids, sent_at
          FROM unnest(${items.map((item) => item.id)}::uuid[], ${items.map((item) => item.providerIds.join(' '))}::text[], ${items.map((item) => item.sentAt.toISOString())}::timestamp[]) AS u(id, ids, sent_at)) v
        WHERE m.id = v.id`,
    { maxItems: 200, maxWaitMs: 10 },
  )

  async function send(message: ClaimedMessage): Promise<string[]> {
    if (message.kind === 'staff_mirror') {
      const handoff = deps.handoff
      if (!handoff) throw new NotDeliverable('channel_off', 'Slack is off: nowhere to mirror the customer’s message')
      // Under the conversation's lock: the hand-off thread job may be opening the same thread.
      const ts = await deps.locks.withLock(outboxLock(message.conversationId), () => handoff.mirror(message.conversationId, message.body))
      return ts ? [`slack:${ts}`] : []
    }
    const reply = (message.payload as Reply | null) ?? { text: message.body }
    return deliverTo(senders, message.recipient, reply, message.kind ?? undefined, clock.now())
  }

  async function giveUp(message: ClaimedMessage, reason: string, optedOut: boolean) {
    await prisma.$transaction(async (tx) => {
      await markUndeliverable(tx, jobs, message, reason)
      if (optedOut) await tx.channelIdentity.update({ where: { id: message.recipient.identityId }, data: { optedOutAt: clock.now() } })
    })
    logger.warn({ message: message.id, kind: message.kind, provider: message.provider, reason }, 'message delivery failed for good')
  }

  async function retryLater(message: ClaimedMessage, error: SendError) {
    const { counted } = await health.failed(message.provider, error, message.id)
    const strikes = message.strikes + (counted ? 1 : 0)
    const status = error.status ?? 'none'
    if (counted && strikes > deps.policy.retryLimit) {
      metrics.deliveryAttempts.inc({ provider: message.provider, result: 'gave_up', status })
      return giveUp(message, `gave up after ${message.attempts} attempts: ${error.message}`, false)
    }
    // Retry-After when the provider said; backoff for a message's own failures; none during an outage (the circuit paces it).
    const delaySeconds = error.retryAfterSeconds ?? (counted ? Math.min(deps.policy.retryDelaySeconds * 2 ** (strikes - 1), MAX_BACKOFF_SECONDS) : 0)
    // The database's clock, as in the dispatcher's claim: instances may disagree on the time.
    await prisma.$executeRawUnsafe(
      `UPDATE "Message" SET strikes = $2, "lastError" = $3, "leaseUntil" = NULL, "nextAttemptAt" = (now() AT TIME ZONE 'UTC') + make_interval(secs => $4) WHERE id = $1::uuid`,
      message.id,
      strikes,
      error.message,
      delaySeconds,
    )
    metrics.deliveryAttempts.inc({ provider: message.provider, result: error.retryAfterSeconds !== undefined ? 'rate_limited' : 'retry', status })
    logger.warn(
      {
        message: message.id,
        kind: message.kind,
        provider: message.provider,
        status: error.status,
        code: error.code,
        attempt: message.attempts,
        retryInSeconds: delaySeconds,
        heldAgainstMessage: counted,
        error: error.message,
      },
      'message delivery failed; will retry',
    )
  }

  return {
    async deliver(message) {
      let providerIds: string[]
      try {
        providerIds = await withTimeout(send(message), SEND_TIMEOUT_MS)
      } catch (error) {
        if (error instanceof NotDeliverable) {
          metrics.deliveryAttempts.inc({ provider: message.provider, result: 'failed', status: 'none' })
          return giveUp(message, error.message, false)
        }
        const failure = error instanceof SendError ? error : new SendError((error as Error)?.message ?? String(error), false)
        if (failure.permanent) {
          metrics.deliveryAttempts.inc({ provider: message.provider, result: 'failed', status: failure.status ?? 'none' })
          // Twilio 21610: the number opted out at the carrier (STOP, or CANCEL under Twilio's defaults).
          return giveUp(message, failure.message, message.channel === 'sms' && failure.code === 21610)
        }
        return retryLater(message, failure)
      }
      await recordSent({ id: message.id, providerIds, sentAt: clock.now() })
      metrics.deliveryAttempts.inc({ provider: message.provider, result: 'sent', status: 'ok' })
      logger.info({ message: message.id, kind: message.kind, channel: message.channel }, 'message delivered')
      const { recovered } = await health.succeeded(message.provider)
      if (recovered) await expedite(message.provider)
    },
  }

  /** A provider is back: what was delayed by its outage goes now. */
  async function expedite(provider: Provider) {
    await prisma.message.updateMany({
      where: { status: 'queued', nextAttemptAt: { not: null }, ...messagesFor(provider) },
      data: { nextAttemptAt: null },
    })
  }
}
