import { DateTime } from 'luxon'
import type { Db } from '../db/client.ts'

/** §2.2a: repair quality is guaranteed for 6 months from the repair. */
export const REPAIR_WARRANTY_MONTHS = 6

/**
 * The earlier repair of the same unit whose warranty covers a new fault reported at `at`:
 * the latest repair of that serial number resolved less than 6 months before.
 */
export async function findWarrantyRepair(db: Db, serialNumber: string | null, at: Date, timeZone: string) {
  if (!serialNumber) return null
  const since = DateTime.fromJSDate(at, { zone: timeZone }).minus({ months: REPAIR_WARRANTY_MONTHS }).toJSDate()
  return db.ticket.findFirst({
    // A repair that was reopened or cancelled is not a repair that holds.
    where: { serialNumber, type: 'repair', status: { in: ['resolved', 'completed', 'closed'] }, resolvedAt: { gte: since, lte: at } },
    orderBy: { resolvedAt: 'desc' },
    select: { id: true, number: true },
  })
}
