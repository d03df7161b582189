import type { TicketSummary } from '../../flows/conversation.machine.ts'
import type { Db } from '../db/client.ts'

/** Statuses in which there is nothing left to do for the customer. */
export const FINISHED_STATUSES = ['completed', 'closed', 'cancelled'] as const

/** A customer's unfinished tickets, newest first, each with its next unmet deadline. */
export async function openTicketsOf(db: Db, customerId: string, limit = 10): Promise<TicketSummary[]> {
  const tickets = await db.ticket.findMany({
    where: { customerId, status: { notIn: [...FINISHED_STATUSES] } },
    orderBy: { createdAt: 'desc' },
    take: limit,
    select: {
      number: true,
      type: true,
      status: true,
      deadlines: { where: { metAt: null }, orderBy: { dueAt: 'asc' }, take: 1, select: { kind: true, dueAt: true } },
    },
  })
  return tickets.map((ticket) => ({
    number: ticket.number,
    type: ticket.type,
    status: ticket.status,
    nextDeadline: ticket.deadlines[0] ? { kind: ticket.deadlines[0].kind, dueAt: ticket.deadlines[0].dueAt.toISOString() } : null,
  }))
}
