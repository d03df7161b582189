/**
 * Cycle time (§3.1f): submission to the customer's confirmation, for services completed in the
 * period, overall, per service type and per technician. A median cannot be summed from daily
 * rollups, so it is computed from the rows: one query per scope, each on its own connection and
 * in parallel, all in the report's snapshot (exported by the report's transaction).
 */
import type { ServiceType } from '../../flows/service-types.ts'
import { Prisma, type PrismaClient } from '../db/client.ts'
import { inMedianSlot } from './query-slots.ts'

export interface CycleRow {
  /** Set for the per-type scope. */
  type: ServiceType | null
  /** Set for the per-technician scope (null there: services with no technician). */
  tech: string | null
  scope: 'overall' | 'type' | 'technician'
  total: number
  count: number
  median: number | null
}

const SCOPES = ['overall', 'type', 'technician'] as const

export async function cycleFigures(prisma: PrismaClient, snapshot: string, start: Date, end: Date): Promise<CycleRow[]> {
  // Exported snapshots are ids PostgreSQL made (hex and dashes): safe to inline, and
  // SET TRANSACTION SNAPSHOT takes no parameters.
  if (!/^[0-9A-F-]+$/i.test(snapshot)) throw new Error(`unexpected snapshot id ${snapshot}`)
  const perScope = await Promise.all(SCOPES.map((scope) => inMedianSlot(() => cyclesOf(prisma, scope, snapshot, start, end))))
  return perScope.flat()
}

function cyclesOf(prisma: PrismaClient, scope: CycleRow['scope'], snapshot: string, start: Date, end: Date): Promise<CycleRow[]> {
  // Only the key and the duration: date_part gives float8 (EXTRACT gives numeric, several times
  // slower to sort), the rows come from an index that holds all four columns, and the key is the
  // enum or the uuid itself (sorting a million texts by collation took longer than the medians).
  const key = { overall: Prisma.sql`NULL::text`, type: Prisma.sql`type`, technician: Prisma.sql`"technicianId"` }[scope]
  const grouped = scope !== 'overall'
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SET TRANSACTION SNAPSHOT '${snapshot}'`)
      // A year of a million tickets sorts in memory (about 100 MB), not on disk.
      await tx.$executeRaw`SET LOCAL work_mem = '128MB'`
      const rows = await tx.$queryRaw<{ key: string | null; total: number; count: number; median: number | null }[]>`
        SELECT key::text AS key, total, count, median FROM (
          SELECT ${grouped ? Prisma.sql`key` : Prisma.sql`NULL::text`} AS key, COALESCE(sum(days), 0)::float8 AS total, count(*)::int AS count,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY days)::float8 AS median
          FROM (SELECT ${key} AS key, date_part('epoch', "completedAt" - "createdAt") / 86400 AS days
                FROM "Ticket" WHERE "completedAt" >= ${start} AND "completedAt" < ${end}) completed
          ${grouped ? Prisma.sql`GROUP BY key` : Prisma.empty}
        ) figures`
      return rows.map(({ key, ...figures }) => ({ ...figures, scope, type: scope === 'type' ? (key as ServiceType) : null, tech: scope === 'technician' ? key : null }))
    },
    { isolationLevel: 'RepeatableRead', maxWait: 30_000, timeout: 120_000 },
  )
}
