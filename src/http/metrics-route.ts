/**
 * `GET /metrics`: Prometheus's text format, for the admin token or METRICS_TOKEN (a scraper
 * should not hold the admin token). The outbox backlog and the database's state are read at
 * scrape time, from the database itself, so every instance reports the same backlog.
 */
import type { RequestHandler } from 'express'
import { bearerOf, sameToken } from './bearer-auth.ts'
import type { PrismaClient } from '../db/client.ts'
import { AppError } from '../errors.ts'
import type { Metrics } from '../observability/metrics.ts'

export function metricsRoute(deps: { prisma: PrismaClient; metrics: Metrics; tokens: string[]; ping(): Promise<boolean> }): RequestHandler {
  return async (req, res) => {
    const presented = bearerOf(req.header('authorization'))
    if (!deps.tokens.some((token) => sameToken(presented, token))) {
      res.setHeader('WWW-Authenticate', 'Bearer realm="aftercare-metrics"')
      throw new AppError('unauthorized', 'missing or invalid bearer token (METRICS_TOKEN or the admin token)')
    }
    const { metrics } = deps
    const up = await deps.ping()
    metrics.databaseUp.set(up ? 1 : 0)
    if (up) {
      const backlog = await deps.prisma.$queryRaw<{ channel: string; waiting: bigint; oldest: number | null }[]>`
        SELECT CASE WHEN kind = 'staff_mirror' THEN 'slack' ELSE channel::text END AS channel,
               count(*) AS waiting,
               EXTRACT(EPOCH FROM (now() AT TIME ZONE 'UTC') - min("createdAt"))::float8 AS oldest
        FROM "Message" WHERE status = 'queued' GROUP BY 1`
      for (const channel of ['sms', 'webchat', 'slack']) {
        const row = backlog.find((item) => item.channel === channel)
        metrics.outboxBacklog.set({ channel }, Number(row?.waiting ?? 0))
        metrics.outboxOldestSeconds.set({ channel }, Math.max(0, row?.oldest ?? 0))
      }
    }
    res.setHeader('content-type', metrics.registry.contentType)
    res.setHeader('cache-control', 'no-store')
    res.send(await metrics.registry.metrics())
  }
}
