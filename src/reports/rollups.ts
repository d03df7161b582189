/**
 * The daily rollups behind the agreement report (ReportDay; the SQL is in the migration
 * `report_rollups`). Triggers keep them in the same transaction as every change to a ticket, a
 * deadline, a breach, feedback or a part, as delta rows; `compactRollups` merges each day's deltas
 * into one row per type and technician. They are built once for the service's time zone, in the
 * background at start-up (a million tickets: seconds); until then, or for another zone, reports
 * read the raw rows and give the same figures.
 */
import type { PrismaClient, Tx } from '../db/client.ts'
import type { Logger } from '../logger.ts'

/** True when the rollups are built in this time zone (inside a report's snapshot). */
export async function rollupsCover(tx: Tx, timeZone: string): Promise<boolean> {
  const [setting] = await tx.$queryRaw<{ timeZone: string }[]>`SELECT "timeZone" FROM "ReportSetting" WHERE id = 1`
  return setting?.timeZone === timeZone
}

/** Rebuilds every day from the raw rows in `timeZone`. Changes wait for it; reports do not. */
export async function rebuildRollups(prisma: PrismaClient, timeZone: string): Promise<void> {
  await prisma.$transaction(
    async (tx) => {
      await tx.$executeRaw`SET LOCAL work_mem = '64MB'`
      await tx.$executeRaw`SELECT report_rebuild(${timeZone})`
    },
    { maxWait: 30_000, timeout: 30 * 60_000 },
  )
}

/** Merges the deltas the triggers appended; returns the rows written. Cheap when there are none. */
export async function compactRollups(prisma: PrismaClient): Promise<number> {
  const [result] = await prisma.$queryRaw<{ rows: number }[]>`SELECT report_compact() AS rows`
  return result?.rows ?? 0
}

/**
 * At start-up: builds the rollups when they are missing or in another zone (SERVICE_TIMEZONE
 * changed). Does not wait for it: reports read the raw rows meanwhile.
 */
export function ensureRollups(prisma: PrismaClient, timeZone: string, logger: Logger): Promise<void> {
  return (async () => {
    const [setting] = await prisma.$queryRaw<{ timeZone: string }[]>`SELECT "timeZone" FROM "ReportSetting" WHERE id = 1`
    if (setting?.timeZone === timeZone) return
    const started = Date.now()
    logger.info({ timeZone, was: setting?.timeZone ?? null }, 'building the report rollups; reports read the raw rows until they are ready')
    await rebuildRollups(prisma, timeZone)
    logger.info({ timeZone, ms: Date.now() - started }, 'report rollups built')
  })().catch((error: unknown) => {
    logger.error({ err: error }, 'building the report rollups failed; reports read the raw rows (slower), the next start tries again')
  })
}
