/**
 * How each provider is doing, so that an outage slows only that provider, staff hear of it, and
 * a provider that comes back gets its backlog at once.
 *
 * Per instance, a circuit breaker: after failures in a row on different messages (an outage,
 * not one bad message) or a 429 with Retry-After, the provider's circuit opens; the outbox then
 * sends it nothing but one probe every few seconds, and failures during the outage are not
 * held against the messages waiting. The first success closes the circuit.
 *
 * Across instances, one `ProviderStatus` row per provider says since when it has been failing
 * and whether staff were told: after PROVIDER_ALERT_AFTER of continuous failure, staff are told
 * once (in the Slack staff channel unless Slack is the one failing, and by SMS to
 * PROVIDER_ALERT_PHONES unless Twilio is), and once more when it recovers.
 */
import type { Prisma, PrismaClient } from '../db/client.ts'
import type { SendError } from '../channels/types.ts'
import type { SmsSender } from '../channels/sms/sender.ts'
import type { JobQueue } from '../jobs/queue.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../observability/metrics.ts'
import { alertStaff } from '../staff/alerts.ts'

export const PROVIDERS = ['sms', 'webchat', 'slack'] as const
export type Provider = (typeof PROVIDERS)[number]

export const PROVIDER_NAMES: Record<Provider, string> = { sms: 'Twilio (SMS)', webchat: 'the web chat connector', slack: 'Slack' }

/** The outbox messages a provider carries: hand-off mirrors go to Slack whatever the customer's channel. */
export function messagesFor(provider: Provider): Prisma.MessageWhereInput {
  return provider === 'slack' ? { OR: [{ channel: 'slack' }, { kind: 'staff_mirror' }] } : { channel: provider, OR: [{ kind: null }, { kind: { not: 'staff_mirror' } }] }
}

/** Failures in a row, on at least two messages, that open a circuit. */
const OPEN_AFTER_FAILURES = 3
/** Probes while a circuit is open: the first after 2 s, then doubling up to 10 s (a recovered provider is found within 10 s). */
const FIRST_PROBE_MS = 2_000
const MAX_PROBE_MS = 10_000

/** PostgreSQL's clock as UTC wall time, the way Prisma stores DateTime columns. */
const NOW = `(now() AT TIME ZONE 'UTC')`

interface Circuit {
  state: 'closed' | 'open'
  failures: number
  failedMessages: Set<string>
  /** While open: when the next probe may go. */
  probeAt: number
  probeDelay: number
  probing: boolean
  /** The shared status may say failing (unknown at start): the next success clears it. */
  maybeFailing: boolean
}

export interface ProviderHealthDeps {
  prisma: PrismaClient
  jobs: JobQueue
  logger: Logger
  metrics: Metrics
  /** Continuous failure for this long makes an alert. */
  alertAfterMs: number
  /** On-call numbers told by SMS when a provider other than Twilio fails. */
  alertPhones: string[]
  sms: SmsSender | undefined
  /** Whether the Slack staff channel exists (Slack is configured). */
  slack: boolean
}

export interface ProviderHealth {
  /** How many sends the outbox may start for this provider now: up to its concurrency, one probe, or none. */
  allowance(provider: Provider, concurrency: number, inFlight: number): { count: number; probe: boolean }
  /** Call when a probe is started (only one at a time). */
  probing(provider: Provider): void
  /**
   * For one call outside the outbox (a staff job): go now (`waitMs` 0, perhaps as the circuit's
   * probe), or come back after `waitMs` — a Retry-After holds every call to the provider.
   */
  admit(provider: Provider): { waitMs: number; probe: boolean }
  /** A probe that ended without reaching the provider (the caller failed first). */
  abandonProbe(provider: Provider): void
  /** A send succeeded. `recovered`: the circuit was open, delayed messages may go now. */
  succeeded(provider: Provider): Promise<{ recovered: boolean }>
  /** A send failed in a way a retry can fix. `counted`: held against the message (false during an outage or rate limit). */
  failed(provider: Provider, error: SendError, messageKey: string): Promise<{ counted: boolean }>
  /** Alerts staff of providers failing for PROVIDER_ALERT_AFTER (called every few seconds). */
  checkAlerts(): Promise<void>
}

export function createProviderHealth(deps: ProviderHealthDeps): ProviderHealth {
  const { prisma, logger, metrics } = deps
  const circuits = new Map<Provider, Circuit>()
  const circuit = (provider: Provider): Circuit => {
    let found = circuits.get(provider)
    if (!found) {
      found = { state: 'closed', failures: 0, failedMessages: new Set(), probeAt: 0, probeDelay: FIRST_PROBE_MS, probing: false, maybeFailing: true }
      circuits.set(provider, found)
    }
    return found
  }

  function open(provider: Provider, c: Circuit, waitMs: number, why: string) {
    if (c.state === 'closed') logger.warn({ provider, reason: why }, `${PROVIDER_NAMES[provider]} is failing: holding its messages, probing every few seconds`)
    c.state = 'open'
    c.probeAt = Date.now() + waitMs
    metrics.providerUp.set({ provider }, 0)
  }

  async function tell(provider: Provider, text: string) {
    if (deps.slack && provider !== 'slack') {
      await prisma.$transaction((tx) => alertStaff(tx, deps.jobs, null, { kind: 'provider', text })).catch((error: unknown) => logger.error({ err: error }, 'could not queue the provider alert'))
    }
    if (deps.sms && provider !== 'sms') {
      for (const phone of deps.alertPhones) {
        await deps.sms.send(phone, `Aftercare: ${text}`).catch((error: unknown) => logger.error({ err: error, phone }, 'could not text the provider alert'))
      }
    }
  }

  return {
    allowance(provider, concurrency, inFlight) {
      const c = circuit(provider)
      if (c.state === 'closed') return { count: Math.max(0, concurrency - inFlight), probe: false }
      return { count: !c.probing && Date.now() >= c.probeAt ? 1 : 0, probe: true }
    },

    probing(provider) {
      circuit(provider).probing = true
    },

    admit(provider) {
      const c = circuit(provider)
      if (c.state === 'closed') return { waitMs: 0, probe: false }
      const now = Date.now()
      if (!c.probing && now >= c.probeAt) {
        c.probing = true
        return { waitMs: 0, probe: true }
      }
      return { waitMs: Math.max(c.probeAt - now, 1_000), probe: false }
    },

    abandonProbe(provider) {
      circuit(provider).probing = false
    },

    async succeeded(provider) {
      const c = circuit(provider)
      const recovered = c.state === 'open'
      c.state = 'closed'
      c.failures = 0
      c.failedMessages.clear()
      c.probing = false
      c.probeDelay = FIRST_PROBE_MS
      metrics.providerUp.set({ provider }, 1)
      if (recovered) logger.info({ provider }, `${PROVIDER_NAMES[provider]} is answering again: sending what waited`)
      if (!c.maybeFailing && !recovered) return { recovered }
      c.maybeFailing = false
      const [cleared] = await prisma.$queryRawUnsafe<{ alertedAt: Date | null; failingSince: Date }[]>(
        `UPDATE "ProviderStatus" p SET "failingSince" = NULL, "alertedAt" = NULL, "updatedAt" = ${NOW}
         FROM (SELECT provider, "alertedAt", "failingSince" FROM "ProviderStatus" WHERE provider = $1 FOR UPDATE) old
         WHERE p.provider = old.provider AND old."failingSince" IS NOT NULL
         RETURNING old."alertedAt" AS "alertedAt", old."failingSince" AS "failingSince"`,
        provider,
      )
      if (cleared?.alertedAt) {
        const minutes = Math.max(1, Math.round((Date.now() - cleared.failingSince.getTime()) / 60_000))
        await tell(provider, `:white_check_mark: ${PROVIDER_NAMES[provider]} is working again after about ${minutes} min; waiting messages are going out.`)
      }
      return { recovered }
    },

    async failed(provider, error, messageKey) {
      const c = circuit(provider)
      c.maybeFailing = true
      const wasOpen = c.state === 'open'
      c.probing = false
      let counted = !wasOpen
      if (error.retryAfterSeconds !== undefined) {
        // The provider said when: nothing goes to it before then, and the message is not to blame.
        open(provider, c, error.retryAfterSeconds * 1000, error.message)
        counted = false
      } else if (wasOpen) {
        c.probeDelay = Math.min(c.probeDelay * 2, MAX_PROBE_MS)
        c.probeAt = Date.now() + c.probeDelay
      } else {
        c.failures++
        c.failedMessages.add(messageKey)
        if (c.failures >= OPEN_AFTER_FAILURES && c.failedMessages.size >= 2) {
          open(provider, c, FIRST_PROBE_MS, error.message)
          counted = false
        }
      }
      await prisma.$executeRawUnsafe(
        `INSERT INTO "ProviderStatus" (provider, "failingSince", "lastError", "updatedAt") VALUES ($1, ${NOW}, $2, ${NOW})
         ON CONFLICT (provider) DO UPDATE SET "failingSince" = COALESCE("ProviderStatus"."failingSince", EXCLUDED."failingSince"), "lastError" = EXCLUDED."lastError", "updatedAt" = EXCLUDED."updatedAt"`,
        provider,
        error.message.slice(0, 500),
      )
      return { counted }
    },

    async checkAlerts() {
      // Failing for long enough, and still failing lately (not one failure long ago and no traffic since).
      const recentSeconds = Math.max(deps.alertAfterMs / 1000, 60)
      const due = await prisma.$queryRawUnsafe<{ provider: Provider; failingSince: Date; lastError: string | null }[]>(
        `UPDATE "ProviderStatus" SET "alertedAt" = ${NOW}
         WHERE "alertedAt" IS NULL AND "failingSince" IS NOT NULL
           AND "failingSince" <= ${NOW} - make_interval(secs => $1) AND "updatedAt" >= ${NOW} - make_interval(secs => $2)
         RETURNING provider, "failingSince", "lastError"`,
        deps.alertAfterMs / 1000,
        recentSeconds,
      )
      for (const status of due) {
        const waiting = await prisma.message.count({ where: { status: 'queued', ...messagesFor(status.provider) } })
        const minutes = Math.max(1, Math.round((Date.now() - status.failingSince.getTime()) / 60_000))
        logger.error({ provider: status.provider, since: status.failingSince, lastError: status.lastError, waiting }, `${PROVIDER_NAMES[status.provider]} has failed for ${minutes} min`)
        await tell(
          status.provider,
          `:rotating_light: ${PROVIDER_NAMES[status.provider]} has been failing for ${minutes} min (${status.lastError ?? 'no answer'}). ${waiting} customer message(s) are waiting and will go out when it recovers.`,
        )
      }
    },
  }
}
