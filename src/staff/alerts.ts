/**
 * Things staff must know about, posted in the ticket's Slack thread (or the staff channel when
 * there is no ticket). Queued in the caller's transaction like any other follow-up work.
 */
import type { Tx } from '../db/client.ts'
import { QUEUES, type JobQueue } from '../jobs/queue.ts'

export type StaffAlert =
  | { kind: 'delivery_failed'; what: string; reason: string }
  | { kind: 'fix_rejected'; reason: string | null }
  | { kind: 'handoff_requested'; channel: string; address: string }
  | { kind: 'deadline_warning'; deadline: string; dueAt: string }
  /** `owed`: the service's damages after this breach (once per service, §4.1b); `newly`: this breach made them owed. */
  | { kind: 'deadline_breached'; deadline: string; dueAt: string; forceMajeure: boolean; owed?: number; newly?: boolean; currency: string }
  /** §4.1c: the notice to Party A, with what it excused. */
  | { kind: 'force_majeure'; note: string; affects: string[]; from: string | null; to: string | null; excused: string[] }
  | { kind: 'opted_out'; channel: string }
  | { kind: 'handoff_unanswered'; channel: string; address: string; minutes: number }
  | { kind: 'feedback_needed'; number: string; reason: string }
  /** §3.2e: Party A asks for a technician to be replaced. */
  | { kind: 'technician_replacement'; technician: string; reason: string }
  /** A provider down or back (our own words, no customer text). */
  | { kind: 'provider'; text: string }

export interface StaffAlertJob {
  ticketId: string | null
  /** For hand-off alerts: post in the hand-off's thread when it has one. */
  conversationId?: string
  alert: StaffAlert
}

export async function alertStaff(tx: Tx, jobs: JobQueue, ticketId: string | null, alert: StaffAlert, options: { conversationId?: string } = {}): Promise<void> {
  await jobs.send(QUEUES.staffAlert, { ticketId, alert, ...options } satisfies StaffAlertJob, { tx })
}
