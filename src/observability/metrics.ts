/**
 * What operators alert on, in Prometheus's format (prom-client), one registry per running
 * instance (tests run several in one process). Counters are incremented where things happen;
 * the outbox backlog and the database's state are read when /metrics is scraped.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

export interface Metrics {
  registry: Registry
  /** Inbound turns by channel and outcome: ok, duplicate, reset (a bug of ours), unavailable (database), refused (sender queue full), throttled (over the message limit). */
  turns: Counter<'channel' | 'outcome'>
  turnSeconds: Histogram<'channel'>
  /** Outbox sends by provider, result (sent, retry, rate_limited, failed, gave_up) and HTTP status ("none" without an answer). */
  deliveryAttempts: Counter<'provider' | 'result' | 'status'>
  /** 1 while a provider's circuit is closed, 0 while it is failing. */
  providerUp: Gauge<'provider'>
  deadlineWarnings: Counter<'kind'>
  deadlineBreaches: Counter<'kind'>
  connectionsDropped: Counter<'pool'>
  embeddedRestarts: Counter
  /** Set by the scrape: queued messages and the age of the oldest, per channel. */
  outboxBacklog: Gauge<'channel'>
  outboxOldestSeconds: Gauge<'channel'>
  databaseUp: Gauge
}

export function createMetrics(options: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry()
  // Process figures (memory, CPU, event-loop lag) only for the real server: tests make many registries.
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry, prefix: 'aftercare_' })
  const registers = [registry]
  return {
    registry,
    turns: new Counter({ name: 'aftercare_turns_total', help: 'Inbound messages processed, by channel and outcome', labelNames: ['channel', 'outcome'], registers }),
    turnSeconds: new Histogram({
      name: 'aftercare_turn_duration_seconds',
      help: 'Time to process one inbound message, including the wait behind the same sender',
      labelNames: ['channel'],
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    deliveryAttempts: new Counter({ name: 'aftercare_delivery_attempts_total', help: 'Outbox sends, by provider, result and HTTP status', labelNames: ['provider', 'result', 'status'], registers }),
    providerUp: new Gauge({ name: 'aftercare_provider_up', help: '1 while the provider accepts messages, 0 while it is failing', labelNames: ['provider'], registers }),
    deadlineWarnings: new Counter({ name: 'aftercare_deadline_warnings_total', help: 'Deadlines at 75% of their window (staff warned)', labelNames: ['kind'], registers }),
    deadlineBreaches: new Counter({ name: 'aftercare_deadline_breaches_total', help: 'Deadlines missed (§4.1b)', labelNames: ['kind'], registers }),
    connectionsDropped: new Counter({ name: 'aftercare_database_connections_dropped_total', help: 'Pooled database connections the server or network ended', labelNames: ['pool'], registers }),
    embeddedRestarts: new Counter({ name: 'aftercare_embedded_postgres_restarts_total', help: 'Times the embedded PostgreSQL exited and was started again', registers }),
    outboxBacklog: new Gauge({ name: 'aftercare_outbox_backlog', help: 'Messages queued for delivery, by channel (staff_mirror counts under slack)', labelNames: ['channel'], registers }),
    outboxOldestSeconds: new Gauge({ name: 'aftercare_outbox_oldest_age_seconds', help: 'Age of the oldest undelivered message, by channel', labelNames: ['channel'], registers }),
    databaseUp: new Gauge({ name: 'aftercare_database_up', help: '1 when the database answers', registers }),
  }
}
