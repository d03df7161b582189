/**
 * The agreement's deadlines, computed from the facts of a ticket. Pure: times and the
 * business calendar come in as arguments.
 */
import type { DeadlineKind } from '../../flows/copy.ts'
import type { ServiceType } from '../../flows/service-types.ts'
import type { BusinessCalendar } from './calendar.ts'

export const HOUR = 3_600_000
/** §2.2, §3.1b: respond within 24 hours of the request (calendar hours). */
export const RESPONSE_WINDOW = 24 * HOUR
/** §2.1a: install within 3 working days of the product's arrival. */
export const INSTALLATION_WORKING_DAYS = 3
/** §3.1c: diagnose within 1 hour of arriving on site. */
export const DIAGNOSIS_WINDOW = 1 * HOUR

export interface DeadlineDue {
  kind: DeadlineKind
  /** When the window opened (staff are warned at 75% of it). */
  startsAt: Date
  dueAt: Date
}

/** §3.1: staff hear of a deadline when three quarters of its window have passed. */
export const WARNING_AT = 0.75

export function warningTime(deadline: { startsAt: Date; dueAt: Date }): Date {
  return new Date(deadline.startsAt.getTime() + WARNING_AT * (deadline.dueAt.getTime() - deadline.startsAt.getTime()))
}

/** The deadlines that start when a request is submitted. */
export function deadlinesAtSubmission(request: { type: ServiceType; submittedAt: Date; deliveryDate: string | null }, calendar: BusinessCalendar): DeadlineDue[] {
  const deadlines: DeadlineDue[] = [{ kind: 'response', startsAt: request.submittedAt, dueAt: new Date(request.submittedAt.getTime() + RESPONSE_WINDOW) }]
  if (request.type === 'installation' && request.deliveryDate) {
    // The 3 working days count from the delivery, or from the request when the customer asks
    // after the product arrived: a deadline cannot run out before we heard of the job.
    const requestDay = calendar.dayOf(request.submittedAt)
    const from = request.deliveryDate > requestDay ? request.deliveryDate : requestDay
    const delivered = calendar.startOfDay(request.deliveryDate)
    deadlines.push({
      kind: 'installation',
      startsAt: delivered > request.submittedAt ? delivered : request.submittedAt,
      dueAt: calendar.endOfWorkingDaysAfter(from, INSTALLATION_WORKING_DAYS),
    })
  }
  return deadlines
}
