/**
 * The business calendar behind working-day deadlines (§2.1a): weekends off, public holidays
 * off, make-up working days on (China moves weekend days to build long holidays), all in the
 * service's time zone.
 */
import { DateTime } from 'luxon'

export interface Holidays {
  /** Days off that would otherwise be working days, as YYYY-MM-DD. */
  holidays: ReadonlySet<string>
  /** Weekend days that are working days, as YYYY-MM-DD. */
  workdays: ReadonlySet<string>
}

export const noHolidays: Holidays = { holidays: new Set(), workdays: new Set() }

export class BusinessCalendar {
  constructor(
    readonly timeZone: string,
    private readonly days: Holidays = noHolidays,
  ) {}

  /** Whether a calendar day (YYYY-MM-DD) is a working day. */
  isWorkingDay(isoDate: string): boolean {
    if (this.days.workdays.has(isoDate)) return true
    if (this.days.holidays.has(isoDate)) return false
    const weekday = DateTime.fromISO(isoDate, { zone: this.timeZone }).weekday
    return weekday <= 5
  }

  /** The calendar day (YYYY-MM-DD) of an instant, in the service's time zone. */
  dayOf(instant: Date): string {
    return DateTime.fromJSDate(instant, { zone: this.timeZone }).toISODate()!
  }

  /** Midnight starting a calendar day, service time. */
  startOfDay(isoDate: string): Date {
    return DateTime.fromISO(isoDate, { zone: this.timeZone }).startOf('day').toJSDate()
  }

  /**
   * The end of the n-th working day after `isoDate` (the day itself does not count): the
   * deadline is met by anything before midnight at the end of that day, service time.
   */
  endOfWorkingDaysAfter(isoDate: string, n: number): Date {
    let day = DateTime.fromISO(isoDate, { zone: this.timeZone }).startOf('day')
    let counted = 0
    while (counted < n) {
      day = day.plus({ days: 1 })
      if (this.isWorkingDay(day.toISODate()!)) counted++
    }
    return day.plus({ days: 1 }).toJSDate()
  }
}
