/**
 * The weekly digest for the coordination meeting (§3.3c), posted to the staff channel: last
 * week's headline figures against the agreement's targets, breaches and damages, open complaints.
 */
import { DateTime } from 'luxon'
import type { AgreementReport, Ratio } from './figures.ts'
import { joinMd, md, type Mrkdwn } from '../channels/slack/mrkdwn.ts'

/**
 * What the agreement asks. Every deadline is a promise (a miss costs damages), so their target is
 * all of them; satisfaction follows the track record the agreement quotes (90%); parts are 100%
 * genuine (§2.3).
 */
export const TARGETS = {
  respondedWithin24h: 1,
  installedWithin3WorkingDays: 1,
  diagnosedWithin1h: 1,
  feedbackWithin24h: 1,
  satisfaction: 0.9,
  genuineParts: 1,
} as const

/** Monday to Sunday of the week before `now`, service time. */
export function lastWeek(now: Date, timeZone: string): { from: string; to: string } {
  const monday = DateTime.fromJSDate(now, { zone: timeZone }).startOf('week').minus({ weeks: 1 })
  return { from: monday.toISODate()!, to: monday.plus({ days: 6 }).toISODate()! }
}

function line(label: string, clause: string, figure: Ratio, target: number): Mrkdwn {
  if (figure.value === null) return md`• ${label} (${clause}): nothing to count`
  const met = figure.value >= target
  return md`${met ? ':white_check_mark:' : ':warning:'} ${label} (${clause}): *${(figure.value * 100).toFixed(1)}%* (${figure.numerator}/${figure.denominator}), target ${(target * 100).toFixed(0)}%`
}

/** The digest as Slack mrkdwn (figures only: nothing a customer wrote). */
export function digestText(report: AgreementReport): Mrkdwn {
  const o = report.overall
  const money = (amount: number) => `${amount.toFixed(2)} ${report.currency}`
  return joinMd(
    [
      md`*Weekly service digest* — ${report.period.from} to ${report.period.to}`,
      md`Requests: *${o.requests.total}* (SMS ${o.requests.byChannel.sms}, web chat ${o.requests.byChannel.webchat}, Slack ${o.requests.byChannel.slack}, phone ${o.requests.byChannel.phone}, WhatsApp ${o.requests.byChannel.whatsapp})`,
      line('Responded within 24 h', '§2.2', o.respondedWithin24h, TARGETS.respondedWithin24h),
      line('Installed within 3 working days', '§2.1a', o.installedWithin3WorkingDays, TARGETS.installedWithin3WorkingDays),
      line('Diagnosed within 1 h on site', '§3.1c', o.diagnosedWithin1h, TARGETS.diagnosedWithin1h),
      line('Satisfied (4–5)', '§3.3b', o.satisfaction, TARGETS.satisfaction),
      line('Feedback within 24 h', '§3.3a', o.feedbackWithin24h, TARGETS.feedbackWithin24h),
      line('Genuine parts', '§2.3', o.parts.genuine, TARGETS.genuineParts),
      md`Cycle, request to confirmed fix: ${o.cycleDays.average === null ? '—' : `${o.cycleDays.average.toFixed(2)} days on average`} (${o.cycleDays.count} services)`,
      md`:red_circle: Deadline breaches: *${o.breaches.total}* (response ${o.breaches.byKind.response}, installation ${o.breaches.byKind.installation}, diagnosis ${o.breaches.byKind.diagnosis}, feedback ${o.breaches.byKind.feedback}); non-conforming services ${o.damages.services}, liquidated damages *${money(o.damages.amount)}* (§4.1b, once per service)${o.forceMajeureNotices || o.breaches.excused ? `; force majeure (§4.1c): notices ${o.forceMajeureNotices}, breaches excused ${o.breaches.excused}, ${money(o.damages.waived.amount)} waived` : ''}`,
      md`:speech_balloon: Complaints: ${o.complaints.opened} opened, ${o.complaints.resolved} resolved, *${o.complaints.openAtEnd} open* (§3.3d)`,
    ],
    '\n',
  )
}
