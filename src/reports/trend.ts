/** Weekly trend of the two figures the dashboard charts over time (§2.2, §3.3b). */
import { DateTime } from 'luxon'
import type { PrismaClient } from '../db/client.ts'
import { ratio, type Ratio } from './figures.ts'
import { inReportSlot } from './query-slots.ts'
import { rollupsCover } from './rollups.ts'

export interface TrendWeek {
  /** Monday of the week, YYYY-MM-DD, service time. */
  week: string
  respondedWithin24h: Ratio
  satisfaction: Ratio
}

/** The last `weeks` weeks up to `now` (the current week included), oldest first. */
export async function weeklyTrend(prisma: PrismaClient, options: { weeks: number; now: Date; timeZone: string; source?: 'rows' }): Promise<TrendWeek[]> {
  const thisWeek = DateTime.fromJSDate(options.now, { zone: options.timeZone }).startOf('week')
  const start = thisWeek.minus({ weeks: options.weeks - 1 })
  const end = thisWeek.plus({ weeks: 1 })
  const zone = options.timeZone
  const { responses, ratings } = await inReportSlot(() =>
    prisma.$transaction(
      async (tx) => {
        if (options.source !== 'rows' && (await rollupsCover(tx, zone))) {
          // Weeks of whole days in the service's zone: the daily rollups answer them.
          const weeks = await tx.$queryRaw<{ week: string; on_time: number; decided: number; satisfied: number; rated: number }[]>`
            SELECT to_char(date_trunc('week', day), 'YYYY-MM-DD') AS week,
              sum("responseOnTime")::int AS on_time, sum("responseDecided")::int AS decided, sum(satisfied)::int AS satisfied, sum(rated)::int AS rated
            FROM "ReportDay" WHERE day >= ${start.toISODate()}::date AND day < ${end.toISODate()}::date
            GROUP BY 1`
          return { responses: weeks, ratings: weeks }
        }
        const responses = await tx.$queryRaw<{ week: string; on_time: number; decided: number }[]>`
          SELECT to_char(date_trunc('week', (deadline_decided_at(d."dueAt", d."metAt") AT TIME ZONE 'UTC') AT TIME ZONE ${zone}), 'YYYY-MM-DD') AS week,
            count(*) FILTER (WHERE d."metAt" IS NOT NULL AND d."metAt" <= d."dueAt")::int AS on_time,
            count(*) FILTER (WHERE d."metAt" IS NOT NULL OR b.id IS NOT NULL)::int AS decided
          FROM "Deadline" d LEFT JOIN "DeadlineBreach" b ON b."deadlineId" = d.id
          WHERE d.kind = 'response' AND deadline_decided_at(d."dueAt", d."metAt") >= ${start.toJSDate()} AND deadline_decided_at(d."dueAt", d."metAt") < ${end.toJSDate()}
          GROUP BY 1`
        const ratings = await tx.$queryRaw<{ week: string; satisfied: number; rated: number }[]>`
          SELECT to_char(date_trunc('week', ("completedAt" AT TIME ZONE 'UTC') AT TIME ZONE ${zone}), 'YYYY-MM-DD') AS week,
            count(*) FILTER (WHERE rating >= 4)::int AS satisfied, count(rating)::int AS rated
          FROM "Feedback" WHERE "completedAt" >= ${start.toJSDate()} AND "completedAt" < ${end.toJSDate()}
          GROUP BY 1`
        return { responses, ratings }
      },
      { isolationLevel: 'RepeatableRead', maxWait: 30_000, timeout: 60_000 },
    ),
  )
  const byWeek = new Map<string, TrendWeek>()
  for (let week = start; week < end; week = week.plus({ weeks: 1 })) {
    byWeek.set(week.toISODate()!, { week: week.toISODate()!, respondedWithin24h: ratio(0, 0), satisfaction: ratio(0, 0) })
  }
  for (const row of responses) {
    const entry = byWeek.get(row.week)
    if (entry) entry.respondedWithin24h = ratio(row.on_time, row.decided)
  }
  for (const row of ratings) {
    const entry = byWeek.get(row.week)
    if (entry) entry.satisfaction = ratio(row.satisfied, row.rated)
  }
  return [...byWeek.values()]
}
