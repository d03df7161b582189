/**
 * The agreement report's daily rollups (src/reports/rollups.ts, issue 12) give exactly the figures
 * of a straightforward aggregate over the raw rows: on a drawn history, kept by the triggers
 * through inserts, updates, reassignments, waivers and deletions, compacted or not, rebuilt in
 * other time zones, for periods of a day, a month, 30 days and a year.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { seedHistory } from '../src/db/seed.ts'
import { agreementReport, periodBounds, type Period } from '../src/reports/agreement.ts'
import { compactRollups, rebuildRollups } from '../src/reports/rollups.ts'
import { weeklyTrend } from '../src/reports/trend.ts'
import { createTestDatabase, type TestDatabase } from './support/database.ts'

const NOW = new Date('2026-11-27T04:00:00Z')
const PERIODS: Period[] = [
  { from: '2026-11-27', to: '2026-11-27' },
  { from: '2026-10-29', to: '2026-11-27' },
  // New York leaves summer time inside this one.
  { from: '2026-11-01', to: '2026-11-30' },
  { from: '2026-03-01', to: '2026-03-31' },
  { from: '2025-11-28', to: '2026-11-27' },
]

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(() => db.drop())

/** The fast path and the raw rows, period by period: the same report but for where it came from. */
async function expectSameFigures(timeZone: string) {
  for (const period of PERIODS) {
    const fast = await agreementReport(db.prisma, period, { timeZone, currency: 'CNY' })
    const raw = await agreementReport(db.prisma, period, { timeZone, currency: 'CNY', source: 'rows' })
    expect(fast.source).toBe('rollups')
    expect(raw.source).toBe('rows')
    expect({ ...fast, source: undefined }, `${period.from}..${period.to} in ${timeZone}`).toEqual({ ...raw, source: undefined })
  }
  // The medians are taken in JavaScript from the packed durations: they must be PostgreSQL's.
  const year = periodBounds(PERIODS[4]!, timeZone)
  const [expected] = await db.prisma.$queryRaw<{ median: number | null }[]>`
    SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY date_part('epoch', "completedAt" - "createdAt") / 86400)::float8 AS median
    FROM "Ticket" WHERE "completedAt" >= ${year.start} AND "completedAt" < ${year.end}`
  const report = await agreementReport(db.prisma, PERIODS[4]!, { timeZone, currency: 'CNY' })
  expect(report.overall.cycleDays.median).toBe(expected!.median)
  const trend = (source?: 'rows') => weeklyTrend(db.prisma, { weeks: 12, now: NOW, timeZone, source })
  expect(await trend()).toEqual(await trend('rows'))
}

const run = (sql: string) => db.prisma.$executeRawUnsafe(sql)

it('match the raw rows through every kind of change, compaction, and rebuilds in other time zones', async () => {
  // Built before the history exists: every figure below arrives through the triggers.
  await rebuildRollups(db.prisma, 'Asia/Shanghai')
  await seedHistory(db.url, { tickets: 600, now: NOW })
  const overall = await agreementReport(db.prisma, PERIODS[4]!, { timeZone: 'Asia/Shanghai', currency: 'CNY' })
  // The drawn history has something in every figure: an empty report would prove nothing.
  expect(overall.overall.requests.total).toBeGreaterThan(500)
  expect(overall.overall.breaches.total).toBeGreaterThan(5)
  expect(overall.overall.breaches.excused).toBeGreaterThan(0)
  expect(overall.overall.damages.services).toBeGreaterThan(5)
  expect(overall.overall.parts.fitted).toBeGreaterThan(0)
  expect(overall.overall.complaints.opened).toBeGreaterThan(5)
  await expectSameFigures('Asia/Shanghai')

  // Changes of every kind the service makes, and some it never does (deletions).
  await run(`UPDATE "Ticket" SET "technicianId" = (SELECT id FROM "Technician" ORDER BY name LIMIT 1) WHERE seq % 7 = 0`)
  await run(`UPDATE "Ticket" SET type = 'maintenance' WHERE seq % 11 = 0 AND type = 'repair'`)
  await run(`UPDATE "Ticket" SET "rootCause" = 'wear', "diagnosedAt" = "diagnosedAt" + interval '20 hours' WHERE seq % 5 = 0 AND "diagnosedAt" IS NOT NULL`)
  await run(`UPDATE "Ticket" SET "createdAt" = "createdAt" - interval '9 hours', channel = 'slack', warranty = NOT warranty WHERE seq % 13 = 0`)
  await run(`UPDATE "Deadline" SET "metAt" = "dueAt" - interval '1 hour' WHERE "metAt" IS NULL AND id::text < '8'`)
  await run(`UPDATE "Deadline" SET "metAt" = "dueAt" + interval '2 hours' WHERE "metAt" IS NOT NULL AND id::text < '3'`)
  await run(`UPDATE "DeadlineBreach" SET "forceMajeure" = true WHERE id::text < '6'`)
  await run(`UPDATE "NonConformity" SET excused = true WHERE id::text < '7'`)
  await run(`UPDATE "Ticket" SET "serviceValue" = 999.99 WHERE seq % 3 = 0`)
  await run(`INSERT INTO "NonConformity" (id, "ticketId", kind, at, detail) SELECT gen_random_uuid(), id, 'fix_rejected', "createdAt" + interval '3 days', 'x' FROM "Ticket" WHERE seq % 9 = 0`)
  await run(
    `INSERT INTO "ForceMajeure" (id, "ticketId", affects, note, actor, "declaredAt") SELECT gen_random_uuid(), id, '{response}', 'x', 'system', "createdAt" + interval '1 day' FROM "Ticket" WHERE seq % 23 = 0`,
  )
  await run(`DELETE FROM "NonConformity" WHERE "breachId" IN (SELECT id FROM "DeadlineBreach" WHERE id::text > 'e')`)
  await run(`DELETE FROM "DeadlineBreach" WHERE id::text > 'e'`)
  await run(`DELETE FROM "NonConformity" WHERE kind = 'non_genuine_part' AND id::text > 'd'`)
  await run(`UPDATE "Feedback" SET status = 'answered', rating = 3, "inWindow" = false WHERE status = 'missed'`)
  await run(`UPDATE "Feedback" SET rating = 5 WHERE rating = 1`)
  await run(`UPDATE "PartUsage" SET quantity = quantity + 2, genuine = NOT genuine WHERE id::text < '5'`)
  await run(`DELETE FROM "PartUsage" WHERE id::text > 'd'`)
  await run(`UPDATE "Complaint" SET status = 'resolved', "resolvedAt" = "openedAt" + interval '30 hours' WHERE seq % 3 = 0 AND "resolvedAt" IS NULL`)
  await run(`UPDATE "Complaint" SET "resolvedAt" = NULL, status = 'open' WHERE seq % 5 = 0`)
  // A complaint about no particular ticket counts overall only.
  await run(`UPDATE "Complaint" SET "ticketId" = NULL WHERE seq % 4 = 0`)
  await run(`DELETE FROM "Complaint" WHERE seq % 7 = 0`)
  await expectSameFigures('Asia/Shanghai')
  expect(await compactRollups(db.prisma)).toBeGreaterThan(0)
  const [left] = await db.prisma.$queryRaw<{ deltas: number }[]>`SELECT count(*)::int AS deltas FROM "ReportDay" WHERE NOT compacted`
  expect(left?.deltas).toBe(0)
  await expectSameFigures('Asia/Shanghai')

  // Another time zone: reports read the raw rows until the rollups are rebuilt in it.
  const before = await agreementReport(db.prisma, PERIODS[1]!, { timeZone: 'America/New_York', currency: 'CNY' })
  expect(before.source).toBe('rows')
  for (const timeZone of ['America/New_York', 'Asia/Kolkata']) {
    await rebuildRollups(db.prisma, timeZone)
    await expectSameFigures(timeZone)
  }
  // Changes after a rebuild are kept too.
  await run(`UPDATE "Ticket" SET "technicianId" = NULL WHERE seq % 17 = 0`)
  await run(`UPDATE "Deadline" SET "metAt" = NULL WHERE id::text < '1'`)
  await expectSameFigures('Asia/Kolkata')
})
