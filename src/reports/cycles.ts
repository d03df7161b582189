/**
 * Cycle time (§3.1f): submission to the customer's confirmation, for services completed in the
 * period, overall, per service type and per technician. A median cannot be summed from daily
 * rollups, so it comes from the rows — read once, in the report's snapshot (exported by the
 * report's transaction), on a connection of its own so it runs beside the report's other queries.
 *
 * Sorting in PostgreSQL was the cost (a year of a million tickets: three scans and three sorts of
 * ~950k rows, 1.3 s of CPU). Instead one scan groups the durations by type and technician as
 * packed float8 (8 bytes each); here each group is sorted once as a typed array and every scope's
 * median is found by merging its groups half-way. The result is percentile_cont(0.5)'s, computed
 * the same way (test/report-rollups.test.ts compares them).
 */
import type { ServiceType } from '../../flows/service-types.ts'
import type { PrismaClient } from '../db/client.ts'
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

interface Group {
  type: ServiceType
  tech: string | null
  total: number
  count: number
  /** The durations in days, float8 big-endian, one after another. */
  days: Uint8Array
}

/**
 * percentile_cont(0.5) of the union of sorted arrays, with PostgreSQL's interpolation in the same
 * float arithmetic: the two middle values are found by merging the arrays' heads (a binary heap),
 * half-way only, instead of sorting everything again for every scope.
 */
export function medianOfSorted(arrays: Float64Array[]): number | null {
  const count = arrays.reduce((sum, values) => sum + values.length, 0)
  if (!count) return null
  const position = 0.5 * (count - 1)
  const lower = Math.floor(position)
  const upper = Math.ceil(position)
  const next = new Int32Array(arrays.length)
  const heap = arrays.map((_, index) => index).filter((index) => arrays[index]!.length > 0)
  const head = (index: number) => arrays[index]![next[index]!]!
  const siftDown = (from: number) => {
    for (let at = from; ; ) {
      const left = 2 * at + 1
      const right = left + 1
      let least = at
      if (left < heap.length && head(heap[left]!) < head(heap[least]!)) least = left
      if (right < heap.length && head(heap[right]!) < head(heap[least]!)) least = right
      if (least === at) return
      ;[heap[at], heap[least]] = [heap[least]!, heap[at]!]
      at = least
    }
  }
  for (let at = (heap.length >> 1) - 1; at >= 0; at--) siftDown(at)
  let low = 0
  for (let taken = 0; ; taken++) {
    const index = heap[0]!
    const value = head(index)
    if (taken === lower) low = value
    if (taken === upper) return low + (value - low) * (position - lower)
    next[index]!++
    if (next[index]! >= arrays[index]!.length) {
      heap[0] = heap[heap.length - 1]!
      heap.pop()
    }
    siftDown(0)
  }
}

/** A group's durations: packed big-endian float8 to a sorted Float64Array. */
function sortedDays(group: Group): Float64Array {
  // A copy of its own (Buffer.alloc never shares the pool): 8-byte aligned for Float64Array.
  const bytes = Buffer.alloc(group.days.byteLength)
  bytes.set(group.days)
  bytes.swap64()
  return new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8).sort()
}

function scopeRow(scope: CycleRow['scope'], key: { type: ServiceType | null; tech: string | null }, groups: Group[], sorted: Map<Group, Float64Array>): CycleRow {
  return {
    scope,
    ...key,
    total: groups.reduce((sum, group) => sum + group.total, 0),
    count: groups.reduce((sum, group) => sum + group.count, 0),
    median: medianOfSorted(groups.map((group) => sorted.get(group)!)),
  }
}

export async function cycleFigures(prisma: PrismaClient, snapshot: string, start: Date, end: Date): Promise<CycleRow[]> {
  // Exported snapshots are ids PostgreSQL made (hex and dashes): safe to inline, and
  // SET TRANSACTION SNAPSHOT takes no parameters.
  if (!/^[0-9A-F-]+$/i.test(snapshot)) throw new Error(`unexpected snapshot id ${snapshot}`)
  const groups = await inMedianSlot(() =>
    prisma.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`SET TRANSACTION SNAPSHOT '${snapshot}'`)
        // date_part gives float8 (EXTRACT gives numeric); the rows come from an index that holds
        // all four columns; grouping by the enum and the uuid themselves hashes, no sort.
        return tx.$queryRaw<Group[]>`
          SELECT type::text AS type, "technicianId"::text AS tech, COALESCE(sum(days), 0)::float8 AS total, count(*)::int AS count,
            string_agg(float8send(days), ''::bytea) AS days
          FROM (SELECT type, "technicianId", date_part('epoch', "completedAt" - "createdAt") / 86400 AS days
                FROM "Ticket" WHERE "completedAt" >= ${start} AND "completedAt" < ${end}) completed
          GROUP BY type, "technicianId"`
      },
      { isolationLevel: 'RepeatableRead', maxWait: 30_000, timeout: 120_000 },
    ),
  )
  if (!groups.length) return []
  const sorted = new Map(groups.map((group) => [group, sortedDays(group)]))
  const by = <K>(key: (group: Group) => K) => {
    const map = new Map<K, Group[]>()
    for (const group of groups) map.set(key(group), [...(map.get(key(group)) ?? []), group])
    return map
  }
  return [
    scopeRow('overall', { type: null, tech: null }, groups, sorted),
    ...[...by((group) => group.type)].map(([type, members]) => scopeRow('type', { type, tech: null }, members, sorted)),
    ...[...by((group) => group.tech)].map(([tech, members]) => scopeRow('technician', { type: null, tech }, members, sorted)),
  ]
}
