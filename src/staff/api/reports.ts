/** The agreement's figures over HTTP (§3.1f, §3.3b–d): JSON, CSV, and the dashboard's weekly trend. */
import { Router } from 'express'
import { z } from 'zod'
import type { Clock } from '../../clock.ts'
import type { PrismaClient } from '../../db/client.ts'
import { agreementReport } from '../../reports/agreement.ts'
import { toCsv } from '../../reports/render.ts'
import { weeklyTrend } from '../../reports/trend.ts'
import { parseInput } from './tickets.ts'

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date, YYYY-MM-DD')
const periodQuery = z.object({ from: day, to: day })
const trendQuery = z.object({ weeks: z.coerce.number().int().min(1).max(104).default(12) })

export function reportRoutes(deps: { prisma: PrismaClient; clock: Clock; timeZone: string; currency: string }): Router {
  const router = Router()
  const options = { timeZone: deps.timeZone, currency: deps.currency }

  router.get('/reports/agreement.csv', async (req, res) => {
    const period = parseInput(periodQuery, req.query, 'period')
    const report = await agreementReport(deps.prisma, period, options)
    res.type('text/csv; charset=utf-8').attachment(`aftercare-report-${period.from}-${period.to}.csv`).send(toCsv(report))
  })

  router.get('/reports/agreement', async (req, res) => {
    res.json(await agreementReport(deps.prisma, parseInput(periodQuery, req.query, 'period'), options))
  })

  router.get('/reports/trend', async (req, res) => {
    const { weeks } = parseInput(trendQuery, req.query, 'query')
    res.json({ timeZone: deps.timeZone, weeks: await weeklyTrend(deps.prisma, { weeks, now: deps.clock.now(), timeZone: deps.timeZone }) })
  })
  return router
}
