/**
 * A message that will not reach the customer: marked failed, and staff told what to do instead.
 * Shared by the outbox (a provider refused it) and delivery reports (a carrier could not deliver it).
 */
import type { Tx } from '../db/client.ts'
import type { JobQueue } from '../jobs/queue.ts'
import { alertStaff } from '../staff/alerts.ts'

export interface UndeliverableMessage {
  id: string
  conversationId: string
  kind: string | null
  ticketId: string | null
}

export const describeKind = (kind: string | null) => (kind ?? 'message').replace(/_/g, ' ')

export async function markUndeliverable(tx: Tx, jobs: JobQueue, message: UndeliverableMessage, reason: string): Promise<void> {
  await tx.message.update({ where: { id: message.id }, data: { status: 'failed', lastError: reason, leaseUntil: null } })
  // A mirror that cannot reach Slack has no one to alert there; the log says it.
  if (message.kind === 'staff_mirror') return
  if (message.kind === 'feedback_prompt') {
    // §3.3a: the feedback still has to be collected, by phone say.
    const ticket = await tx.ticket.findFirst({
      where: { conversationId: message.conversationId, feedback: { status: { in: ['asked', 'scheduled'] } } },
      orderBy: { completedAt: 'desc' },
      select: { id: true, number: true },
    })
    await alertStaff(tx, jobs, ticket?.id ?? message.ticketId, { kind: 'feedback_needed', number: ticket?.number ?? '', reason })
    return
  }
  await alertStaff(tx, jobs, message.ticketId, { kind: 'delivery_failed', what: describeKind(message.kind), reason })
}
