/**
 * A new request becomes a ticket, whoever took it (the conversation, or staff from a phone call):
 * the ticket with its deadlines and first event, and its message in the staff channel posted by a
 * job after commit. Runs inside the caller's transaction.
 */
import type { ServiceType } from '../../flows/service-types.ts'
import type { Tx } from '../db/client.ts'
import { QUEUES, type JobQueue } from '../jobs/queue.ts'
import type { Logger } from '../logger.ts'
import type { BusinessCalendar } from './calendar.ts'
import { createTicket, type CreatedTicketRecord, type NewTicket } from './create.ts'

export interface SubmitDeps {
  jobs: JobQueue
  calendar: BusinessCalendar
  logger: Logger
  /** §4.1b: price list per service type, copied onto each new ticket. */
  serviceValues: Record<ServiceType, number>
}

export async function submitTicket(tx: Tx, deps: SubmitDeps, input: Omit<NewTicket, 'serviceValue'>): Promise<CreatedTicketRecord> {
  const ticket = await createTicket(tx, { ...input, serviceValue: deps.serviceValues[input.submission.serviceType] }, deps.calendar)
  await deps.jobs.send(QUEUES.slackSync, { ticketId: ticket.id }, { tx, singletonKey: ticket.id })
  deps.logger.info({ ticket: ticket.number, channel: input.channel }, 'ticket submitted')
  return ticket
}

/** The created ticket as the conversation (and the customer's confirmation) shows it. */
export function createdTicket(ticket: CreatedTicketRecord) {
  const due = (kind: string) => ticket.deadlines.find((deadline) => deadline.kind === kind)?.dueAt.toISOString() ?? null
  return { number: ticket.number, responseDueAt: due('response')!, installationDueAt: due('installation'), warrantyOf: ticket.warrantyOf?.number ?? null }
}
