import { formatDateTime } from '../../../flows/dates.ts'
import type { StaffAlert } from '../alerts.ts'
import { md, type Mrkdwn } from '../../channels/slack/mrkdwn.ts'

/** An alert as one line of Slack mrkdwn; what customers or providers wrote is escaped. */
export function alertText(alert: StaffAlert, timeZone: string): Mrkdwn {
  const at = (iso: string) => formatDateTime(iso, 'en', timeZone)
  switch (alert.kind) {
    case 'deadline_warning':
      return md`:warning: The ${alert.deadline} deadline is near: due ${at(alert.dueAt)}.`
    case 'deadline_breached':
      if (alert.forceMajeure) return md`:red_circle: The ${alert.deadline} deadline (${at(alert.dueAt)}) was missed — excused by force majeure (§4.1c).`
      return alert.newly
        ? md`:red_circle: The ${alert.deadline} deadline (${at(alert.dueAt)}) was missed: the service does not conform. Liquidated damages (§4.1b, once per service): ${(alert.owed ?? 0).toFixed(2)} ${alert.currency}.`
        : md`:red_circle: The ${alert.deadline} deadline (${at(alert.dueAt)}) was missed; damages for this service are already owed (once per service, §4.1b).`
    case 'force_majeure': {
      const scope = [
        alert.affects.length ? md`the ${alert.affects.join(', ')} deadline${alert.affects.length > 1 ? 's' : ''}` : '',
        alert.from && alert.to ? md`deadlines due ${at(alert.from)} – ${at(alert.to)}` : '',
      ]
        .filter(Boolean)
        .join(' and ')
      return md`:cloud_with_lightning: *Force majeure notice to Party A* (§4.1c): “${alert.note}”. It excuses ${scope} only; other duties stand.${alert.excused.length ? md` Excused now: ${alert.excused.join(', ')}.` : ''}`
    }
    case 'fix_rejected':
      return md`:x: The customer says it is *not fixed*; the ticket is reopened.${alert.reason ? md` “${alert.reason}”` : ''}`
    case 'handoff_requested':
      return md`:raising_hand: The customer (${alert.channel.toUpperCase()} ${alert.address}) asks to talk to a person.`
    case 'delivery_failed':
      return md`:no_entry: Could not deliver the ${alert.what} to the customer: ${alert.reason}. Please reach them another way.`
    case 'handoff_unanswered':
      return md`<!here> :rotating_light: The customer (${alert.channel.toUpperCase()} ${alert.address}) has waited ${alert.minutes} minutes for a person and nobody has answered. Please reply in the hand-off thread.`
    case 'feedback_needed':
      return md`:telephone_receiver: The feedback survey could not reach the customer (${alert.reason}). Please collect their rating another way, by phone say, and record it: \`POST /api/tickets/${alert.number}/feedback\` (§3.3a: within 24 hours of completion).`
    case 'technician_replacement':
      return md`:bust_in_silhouette: *Party A asks to replace technician ${alert.technician}* (§3.2e): “${alert.reason}”`
    case 'provider':
      return md`${alert.text}`
    case 'opted_out':
      return md`:mute: The customer opted out of ${alert.channel.toUpperCase()} messages.`
  }
}
