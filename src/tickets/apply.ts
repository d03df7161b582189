/**
 * The ticket service's one way to change a ticket: `apply(action)`. It asks flows/ticket whether
 * the action is legal (409 with the legal ones if not), writes the facts and one TicketEvent,
 * meets or opens deadlines, and queues what follows (customer notification, Slack update,
 * staff alerts) in the same transaction.
 */
import { DateTime } from 'luxon'
import { legalActions, nextStatus, type TicketEvent } from '../../flows/ticket.machine.ts'
import type { Locale } from '../../flows/locale.ts'
import type { Clock } from '../clock.ts'
import { Prisma, type PrismaClient, type Tx } from '../db/client.ts'
import { AppError } from '../errors.ts'
import { QUEUES, type JobQueue } from '../jobs/queue.ts'
import type { Logger } from '../logger.ts'
import { queueMessage } from '../notifications/outbox.ts'
import { resolutionNotification, responseNotification } from '../notifications/templates.ts'
import { alertStaff } from '../staff/alerts.ts'
import type { TicketActionInput } from './action-input.ts'
import type { Actor } from './actors.ts'
import { DIAGNOSIS_WINDOW } from './deadlines.ts'
import { declareForceMajeure, recordNonConformity } from './conformity.ts'
import type { FeedbackConfig } from '../config.ts'
import { openComplaint } from '../complaints/service.ts'
import { scheduleFeedback } from '../feedback/service.ts'
import { findTicketDetail, type TicketDetail } from './view.ts'

/** §2.3: a genuine part's warranty runs one year from fitting. */
export const PART_WARRANTY_YEARS = 1

export interface TicketServiceDeps {
  prisma: PrismaClient
  jobs: JobQueue
  clock: Clock
  logger: Logger
  timeZone: string
  feedback: FeedbackConfig
}

export interface TicketService {
  /** Applies an action in its own transaction and returns the ticket as it now is. */
  apply(number: string, input: TicketActionInput, actor: Actor): Promise<TicketDetail>
  /** Applies an action inside the caller's transaction (a customer's turn). */
  applyIn(tx: Tx, number: string, input: TicketActionInput, actor: Actor): Promise<{ status: string }>
}

const toEvent = (input: TicketActionInput): TicketEvent => (input.action === 'test' ? { type: 'test', passed: input.passed } : { type: input.action })

async function findTechnician(tx: Tx, reference: string) {
  const byId = /^[0-9a-f-]{36}$/i.test(reference) ? await tx.technician.findUnique({ where: { id: reference } }) : null
  const technician =
    byId ??
    (await tx.technician.findFirst({
      where: { active: true, OR: [{ slackUserId: reference }, { name: { equals: reference, mode: 'insensitive' } }] },
    }))
  if (!technician) throw new AppError('bad_request', `no technician "${reference}": add one with POST /api/technicians`)
  return technician
}

export function createTicketService(deps: TicketServiceDeps): TicketService {
  const { prisma, jobs, clock, logger, timeZone } = deps

  async function applyIn(tx: Tx, number: string, input: TicketActionInput, actor: Actor) {
    // Row lock: two staff members acting at once take turns, and the second sees the first's result.
    const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Ticket" WHERE number = ${number.toUpperCase()} FOR UPDATE`
    if (!locked) throw new AppError('not_found', `no ticket ${number}`)
    const ticket = await tx.ticket.findUniqueOrThrow({ where: { id: locked.id }, include: { technician: true, parts: true, conversation: { select: { locale: true, identity: { select: { channel: true } } } } } })
    const next = nextStatus(ticket.type, ticket.status, toEvent(input))
    if (!next) {
      throw new AppError('conflict', `cannot ${input.action} ${ticket.number}: it is ${ticket.status}`, {
        status: ticket.status,
        legalActions: legalActions(ticket.type, ticket.status),
      })
    }
    const now = clock.now()
    const { action, ...fields } = input
    const update: Prisma.TicketUncheckedUpdateInput = { status: next, updatedAt: now }
    const meet = (kind: 'response' | 'installation' | 'diagnosis') => tx.deadline.updateMany({ where: { ticketId: ticket.id, kind, metAt: null }, data: { metAt: now } })
    const notify = async (kind: 'response_notification' | 'resolution_notification', reply: Parameters<typeof queueMessage>[1]['reply']) => {
      if (!ticket.conversationId || !ticket.conversation) return
      await queueMessage(tx, { conversationId: ticket.conversationId, channel: ticket.conversation.identity.channel, kind, ticketId: ticket.id, reply, at: now })
    }
    // The customer's language now (they may have switched since submitting).
    const locale = (ticket.conversation?.locale ?? ticket.locale) as Locale

    switch (input.action) {
      case 'respond': {
        const technician = await findTechnician(tx, input.technician)
        Object.assign(update, {
          technicianId: technician.id,
          appointmentAt: input.appointmentAt ? new Date(input.appointmentAt) : null,
          category: input.category ?? ticket.category,
          respondedAt: now,
        })
        await meet('response')
        await notify(
          'response_notification',
          responseNotification(
            { number: ticket.number, type: ticket.type, category: input.category ?? ticket.category, technician, appointmentAt: input.appointmentAt ? new Date(input.appointmentAt) : null },
            locale,
            timeZone,
          ),
        )
        Object.assign(fields, { technician: technician.name, technicianId: technician.id })
        break
      }
      case 'arrive':
        update.arrivedAt = now
        // §3.1c: a repair is diagnosed within one hour of arrival; a new visit after a reopen
        // starts a new hour (an earlier breach stays on record).
        if (ticket.type === 'repair') {
          const window = { startsAt: now, dueAt: new Date(now.getTime() + DIAGNOSIS_WINDOW), metAt: null, warnedAt: null }
          const earlier = await tx.deadline.findUnique({ where: { ticketId_kind: { ticketId: ticket.id, kind: 'diagnosis' } }, include: { breach: { select: { id: true } } } })
          if (!earlier) await tx.deadline.create({ data: { ticketId: ticket.id, kind: 'diagnosis', ...window } })
          else if (earlier.metAt && !earlier.breach) await tx.deadline.update({ where: { id: earlier.id }, data: window })
        }
        break
      case 'diagnose':
        Object.assign(update, { rootCause: input.rootCause, findings: input.findings, diagnosedAt: now })
        await meet('diagnosis')
        break
      case 'record_parts': {
        const warrantyEndsAt = DateTime.fromJSDate(now, { zone: timeZone }).plus({ years: PART_WARRANTY_YEARS }).toJSDate()
        await tx.partUsage.createMany({ data: input.parts.map((part) => ({ ticketId: ticket.id, ...part, fittedAt: now, warrantyEndsAt })) })
        // §2.3, §4.1b: a part that is not genuine makes the service non-conforming.
        for (const part of input.parts.filter((part) => !part.genuine)) {
          await recordNonConformity(tx, { ticketId: ticket.id, kind: 'non_genuine_part', at: now, detail: `${part.partNumber} ${part.name}` })
        }
        break
      }
      case 'test':
        if (input.passed) update.testedAt = now
        break
      case 'ship':
        Object.assign(update, { shippedAt: now, shipment: [input.carrier, input.tracking].filter(Boolean).join(' ') || null })
        break
      case 'resolve': {
        Object.assign(update, { solution: input.solution, resolvedAt: now })
        // §2.1a: the installation is done when it is resolved.
        await meet('installation')
        const parts = await tx.partUsage.findMany({ where: { ticketId: ticket.id }, orderBy: { fittedAt: 'asc' } })
        await notify(
          'resolution_notification',
          resolutionNotification(
            {
              number: ticket.number,
              type: ticket.type,
              productModel: ticket.productModel,
              serialNumber: ticket.serialNumber,
              problem: ticket.description,
              category: ticket.category,
              rootCause: ticket.rootCause,
              findings: ticket.findings,
              solution: input.solution,
              parts,
              requestedAt: ticket.createdAt,
              resolvedAt: now,
              technician: ticket.technician?.name ?? null,
            },
            locale,
            timeZone,
          ),
        )
        break
      }
      case 'confirm':
        update.completedAt = now
        // §3.3a: the customer is asked for feedback once the service has ended.
        if (ticket.conversation) await scheduleFeedback(tx, deps.feedback, { id: ticket.id, channel: ticket.conversation.identity.channel }, now)
        break
      case 'reject':
        // §4.1b: a fix the customer rejects is a service that does not conform.
        await recordNonConformity(tx, { ticketId: ticket.id, kind: 'fix_rejected', at: now, detail: input.reason ?? null })
        await alertStaff(tx, jobs, ticket.id, { kind: 'fix_rejected', reason: input.reason ?? null })
        // §3.3d: a rejected fix is a complaint in the register.
        await openComplaint(tx, jobs, {
          customerId: ticket.customerId,
          ticketId: ticket.id,
          conversationId: ticket.conversationId,
          source: 'fix_rejected',
          text: input.reason ?? 'The customer says the fix did not work.',
          actor: actor.id,
          at: now,
        })
        break
      case 'reopen':
        // No longer a completed service (§3.1f): the cycle ends at the next confirmation.
        update.completedAt = null
        update.closedAt = null
        break
      case 'close':
        update.closedAt = now
        break
      case 'cancel':
        update.cancelledAt = now
        break
      case 'force_majeure': {
        const excused = await declareForceMajeure(tx, ticket.id, input, actor.id, now)
        Object.assign(fields, { excused })
        // §4.1c: the other party is told (the staff channel carries the notice to Party A).
        await alertStaff(tx, jobs, ticket.id, { kind: 'force_majeure', note: input.note, affects: input.affects ?? [], from: input.from ?? null, to: input.to ?? null, excused })
        break
      }
      case 'set_service_value':
        // The service's damages follow (a trigger recomputes them from its reasons).
        update.serviceValue = input.value
        break
    }

    await tx.ticket.update({ where: { id: ticket.id }, data: update })
    await tx.ticketEvent.create({
      data: {
        ticketId: ticket.id,
        type: action,
        actor: actor.id,
        at: now,
        data: { from: ticket.status, to: next, ...fields, ...(actor.name && { actorName: actor.name }) } as Prisma.InputJsonValue,
      },
    })
    await jobs.send(QUEUES.slackSync, { ticketId: ticket.id }, { tx, singletonKey: ticket.id })
    logger.info({ ticket: ticket.number, action, from: ticket.status, to: next, actor: actor.id }, 'ticket action')
    return { status: next }
  }

  return {
    applyIn,
    async apply(number, input, actor) {
      await prisma.$transaction((tx) => applyIn(tx, number, input, actor), { maxWait: 10_000, timeout: 20_000 })
      return (await findTicketDetail(prisma, number))!
    },
  }
}
