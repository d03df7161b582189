import { DateTime } from 'luxon'

/** §2.2a: repair quality is guaranteed for 6 months from the repair. */
export const REPAIR_WARRANTY_MONTHS = 6

/**
 * The earliest resolution of a repair whose warranty still covers a fault reported at `at`: the
 * new ticket is a warranty claim on the latest repair of the unit resolved since (a repair that
 * was reopened or cancelled is not a repair that holds). Months count in the service's zone.
 */
export function warrantyCoversSince(at: Date, timeZone: string): Date {
  return DateTime.fromJSDate(at, { zone: timeZone }).minus({ months: REPAIR_WARRANTY_MONTHS }).toJSDate()
}
