/**
 * Sends the outbox. Each instance runs one dispatcher: it claims messages that are due, with a
 * lease, sends them through their channel with a bounded number in flight per provider, and
 * records the outcome. No job per message: the Message rows are the queue.
 *
 * - Order: only the oldest queued message of each conversation's stream (messages to the
 *   customer; hand-off mirrors to staff) can be claimed, so two messages to one customer never
 *   swap, across instances too. A message waiting for a retry holds back those behind it.
 * - Crashes: a claim is a lease of OUTBOX_LEASE_SECONDS (longer than any provider call may
 *   take). A process killed mid-send leaves the lease to run out; another dispatcher then sends
 *   the message again (at-least-once: the provider may have received it).
 * - Failures: see delivery.ts for what each outcome does; provider-health.ts keeps an outage
 *   or a Retry-After to that provider alone.
 */
import type { PrismaClient } from '../db/client.ts'
import { isDatabaseUnavailable } from '../db/errors.ts'
import type { Logger } from '../logger.ts'
import type { OutboxDelivery, ClaimedMessage } from './delivery.ts'
import { PROVIDERS, type Provider, type ProviderHealth } from './provider-health.ts'

export interface DispatcherConfig {
  /** Sends in flight at once per provider, in this instance. */
  concurrency: Record<Provider, number>
  /** How often an idle dispatcher looks for new messages. */
  pollMs: number
  leaseSeconds: number
}

export interface Dispatcher {
  start(): void
  /** Stops claiming and waits for the sends in flight (up to `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>
}

/** PostgreSQL's clock as UTC wall time, the way Prisma stores DateTime columns. */
const NOW = `(now() AT TIME ZONE 'UTC')`

/**
 * Claims the heads of the conversations' streams that are due, at most `$1`/`$2`/`$3` for
 * sms/webchat/slack. The UPDATE re-checks the lease under the row lock: two dispatchers that
 * pick the same head claim it once.
 */
const CLAIM = `
WITH heads AS (
  SELECT DISTINCT ON (m."conversationId", (m.kind IS NOT DISTINCT FROM 'staff_mirror'))
         m.id, m."createdAt", m.seq, m."leaseUntil", m."nextAttemptAt",
         -- WhatsApp goes through Twilio, with SMS: one provider, one concurrency, one health.
         CASE WHEN m.kind = 'staff_mirror' THEN 'slack' WHEN m.channel = 'whatsapp' THEN 'sms' ELSE m.channel::text END AS provider
  FROM "Message" m
  WHERE m.status = 'queued'
  ORDER BY m."conversationId", (m.kind IS NOT DISTINCT FROM 'staff_mirror'), m."createdAt", m.seq
), ready AS (
  SELECT id, provider, row_number() OVER (PARTITION BY provider ORDER BY "createdAt", seq) AS n
  FROM heads
  WHERE ("leaseUntil" IS NULL OR "leaseUntil" < ${NOW}) AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= ${NOW})
)
UPDATE "Message" m
SET "leaseUntil" = ${NOW} + make_interval(secs => $4), attempts = m.attempts + 1
FROM ready r
WHERE m.id = r.id AND m.status = 'queued' AND (m."leaseUntil" IS NULL OR m."leaseUntil" < ${NOW})
  AND r.n <= CASE r.provider WHEN 'sms' THEN $1::int WHEN 'webchat' THEN $2::int ELSE $3::int END
RETURNING m.id, m."conversationId", m.kind, m."ticketId", m.channel::text AS channel, m.body, m.payload, m.attempts, m.strikes, r.provider,
  -- The recipient comes with the message: no lookup per send.
  (SELECT json_build_object('identityId', i.id, 'channel', i.channel, 'address', i.address, 'optedOutAt', i."optedOutAt", 'reference', i.reference, 'locale', c.locale,
     -- WhatsApp: free-form messages only within 24 hours of the customer's last message.
     'lastInboundAt', CASE WHEN i.channel = 'whatsapp' THEN (SELECT max(x."createdAt") FROM "Message" x WHERE x."conversationId" = c.id AND x.direction = 'inbound') END)
   FROM "Conversation" c JOIN "ChannelIdentity" i ON i.id = c."identityId" WHERE c.id = m."conversationId") AS recipient`

/**
 * A claim takes up to this many times a provider's concurrency: the sends after the first wave
 * wait in memory (well inside their lease) instead of costing a claim query each.
 */
const PREFETCH = 4

export function createDispatcher(deps: { prisma: PrismaClient; delivery: OutboxDelivery; health: ProviderHealth; config: DispatcherConfig; logger: Logger }): Dispatcher {
  const { prisma, delivery, health, config, logger } = deps
  const inFlight = new Map<Provider, number>(PROVIDERS.map((provider) => [provider, 0]))
  const waiting = new Map<Provider, ClaimedMessage[]>(PROVIDERS.map((provider) => [provider, []]))
  const sends = new Set<Promise<void>>()
  let stopping = false
  let running: Promise<void> | undefined
  let wake: (() => void) | undefined
  let nextAlertCheck = 0
  let lastOutageLog = 0

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        wake = undefined
        resolve()
      }
      wake = done
    })

  function launch(message: ClaimedMessage) {
    const provider = message.provider
    inFlight.set(provider, inFlight.get(provider)! + 1)
    const send = delivery
      .deliver(message)
      .catch((error: unknown) => logger.error({ err: error, message: message.id }, 'outbox: recording a delivery failed; the lease will run out and it is tried again'))
    const tracked = send.finally(() => {
      inFlight.set(provider, inFlight.get(provider)! - 1)
      sends.delete(tracked)
      pump(provider)
      wake?.()
    })
    sends.add(tracked)
  }

  /** Starts what waits for a provider, up to what its circuit and concurrency allow now. */
  function pump(provider: Provider) {
    const queue = waiting.get(provider)!
    while (queue.length) {
      const allowance = health.allowance(provider, config.concurrency[provider], inFlight.get(provider)!)
      if (allowance.count === 0) return
      // An open circuit lets one probe through; the next waits for its answer.
      if (allowance.probe) health.probing(provider)
      launch(queue.shift()!)
    }
  }

  async function claimDue(): Promise<number> {
    const wanted = Object.fromEntries(
      PROVIDERS.map((provider) => {
        const allowance = health.allowance(provider, config.concurrency[provider], inFlight.get(provider)!)
        const room = allowance.probe ? allowance.count : Math.max(0, config.concurrency[provider] * PREFETCH - inFlight.get(provider)! - waiting.get(provider)!.length)
        return [provider, allowance.count === 0 ? 0 : room]
      }),
    ) as Record<Provider, number>
    if (PROVIDERS.every((provider) => wanted[provider] === 0)) return 0
    const claimed = await prisma.$queryRawUnsafe<ClaimedMessage[]>(CLAIM, wanted.sms, wanted.webchat, wanted.slack, config.leaseSeconds)
    for (const message of claimed) waiting.get(message.provider)!.push(message)
    for (const provider of PROVIDERS) pump(provider)
    return claimed.length
  }

  async function loop() {
    while (!stopping) {
      let claimed = 0
      try {
        if (Date.now() >= nextAlertCheck) {
          nextAlertCheck = Date.now() + 5_000
          await health.checkAlerts()
        }
        claimed = await claimDue()
      } catch (error) {
        // The database is away: messages wait in it, nothing to do but try again.
        if (!isDatabaseUnavailable(error)) logger.error({ err: error }, 'outbox: claiming messages failed')
        else if (Date.now() - lastOutageLog > 60_000) {
          lastOutageLog = Date.now()
          logger.warn('outbox: the database is unavailable; deliveries resume when it is back')
        }
        await sleep(1_000)
        continue
      }
      // Work found: look again as soon as sends make room; otherwise wait for the next poll.
      await sleep(claimed > 0 ? Math.min(config.pollMs, 20) : config.pollMs)
    }
  }

  return {
    start() {
      running ??= loop()
    },
    async stop(timeoutMs = 10_000) {
      stopping = true
      wake?.()
      await running
      // Claimed but not started: their leases run out and another instance (or the next start) sends them.
      for (const queue of waiting.values()) queue.length = 0
      let timer: NodeJS.Timeout | undefined
      await Promise.race([Promise.allSettled([...sends]), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))])
      clearTimeout(timer)
    },
  }
}
