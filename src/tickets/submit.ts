/**
 * A new request becomes a ticket, whoever took it (the conversation, or staff from a phone call):
 * the ticket with its deadlines and first event, and its message in the staff channel posted by a
 * job after commit — the job written in the ticket's own statement.
 */
import type { ServiceType } from '../../flows/service-types.ts'
import { Prisma, type Tx } from '../db/client.ts'
import { QUEUES, type JobQueue } from '../jobs/queue.ts'
import type { Logger } from '../logger.ts'
import type { BusinessCalendar } from './calendar.ts'
import { prepareTicket, ticketWrites, type CreatedTicketRecord, type NewTicket, type PreparedTicket } from './create.ts'

export interface SubmitDeps {
  jobs: JobQueue
  calendar: BusinessCalendar
  logger: Logger
  /** §4.1b: price list per service type, copied onto each new ticket. */
  serviceValues: Record<ServiceType, number>
}

/** The ticket's writes and its Slack post's job, as CTEs of one statement whose WITH defines `gate` first. */
export async function submissionWrites(deps: Pick<SubmitDeps, 'jobs'>, ticket: PreparedTicket, input: NewTicket): Promise<Prisma.Sql> {
  const job = await deps.jobs.insertion(QUEUES.slackSync, { ticketId: ticket.id }, { singletonKey: ticket.id })
  return Prisma.sql`${ticketWrites(ticket, input)}, slack_job AS (${job})`
}

/** The ticket as a new request makes it: `serviceValue` from the price list. */
export const newTicket = (deps: Pick<SubmitDeps, 'serviceValues'>, input: Omit<NewTicket, 'serviceValue'>): NewTicket => ({ ...input, serviceValue: deps.serviceValues[input.submission.serviceType] })

/** Creates the ticket inside the caller's transaction, in two statements. */
export async function submitTicket(tx: Tx, deps: SubmitDeps, input: Omit<NewTicket, 'serviceValue'>): Promise<CreatedTicketRecord> {
  const full = newTicket(deps, input)
  const ticket = await prepareTicket(tx, full.submission, full.at, deps.calendar)
  await tx.$executeRaw`WITH gate AS (SELECT 1), ${await submissionWrites(deps, ticket, full)} SELECT 1`
  deps.logger.info({ ticket: ticket.number, channel: input.channel }, 'ticket submitted')
  return ticket
}

/** The created ticket as the conversation (and the customer's confirmation) shows it. */
export function createdTicket(ticket: CreatedTicketRecord) {
  const due = (kind: string) => ticket.deadlines.find((deadline) => deadline.kind === kind)?.dueAt.toISOString() ?? null
  return { number: ticket.number, responseDueAt: due('response')!, installationDueAt: due('installation'), warrantyOf: ticket.warrantyOf?.number ?? null }
}
