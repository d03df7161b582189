/**
 * The ticket service's one way to change a ticket: `apply(action)`. It asks flows/ticket whether
 * the action is legal (409 with the legal ones if not), writes the facts and one TicketEvent,
 * meets or opens deadlines, then dispatches the action's domain event (events.ts) to the
 * follow-ups registered at assembly — notifications, surveys, complaints, damages, Slack —
 * in the same transaction.
 */
import { DateTime } from 'luxon'
import { legalActions, nextStatus, type TicketEvent } from '../../flows/ticket.machine.ts'
import type { Locale } from '../../flows/locale.ts'
import type { Clock } from '../clock.ts'
import type { Prisma, PrismaClient, Tx } from '../db/client.ts'
import { AppError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { TicketActionInput } from './action-input.ts'
import { SYSTEM, type Actor } from './actors.ts'
import { DIAGNOSIS_WINDOW } from './deadlines.ts'
import { appliedTicketInclude, EVENT_OF, type TicketChange, type TicketEvents } from './events.ts'
import { findTicketDetail, type TicketDetail } from './view.ts'

/** §2.3: a genuine part's warranty runs one year from fitting. */
export const PART_WARRANTY_YEARS = 1

export interface TicketServiceDeps {
  prisma: PrismaClient
  clock: Clock
  logger: Logger
  timeZone: string
  /** Where each action's follow-ups listen (registered at assembly: follow-ups.ts). */
  events: TicketEvents
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
  const { prisma, clock, logger, timeZone } = deps

  async function applyIn(tx: Tx, number: string, input: TicketActionInput, actor: Actor) {
    // Row lock: two staff members acting at once take turns, and the second sees the first's result.
    const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Ticket" WHERE number = ${number.toUpperCase()} FOR UPDATE`
    if (!locked) throw new AppError('not_found', `no ticket ${number}`)
    const ticket = await tx.ticket.findUniqueOrThrow({ where: { id: locked.id }, include: appliedTicketInclude })
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
    // The customer's language now (they may have switched since submitting).
    const locale = (ticket.conversation?.locale ?? ticket.locale) as Locale
    let technicianAfter = ticket.technician

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
        technicianAfter = technician
        Object.assign(fields, { technician: technician.name, technicianId: technician.id })
        break
      }
      case 'arrive':
        update.arrivedAt = now
        // §3.1c: a repair is diagnosed within one hour of arrival, at every visit: a visit after a
        // reopen or a rejected fix starts its own hour, and the earlier ones stay on record.
        if (ticket.type === 'repair') {
          const latest = await tx.deadline.findFirst({ where: { ticketId: ticket.id, kind: 'diagnosis' }, orderBy: { visit: 'desc' }, include: { breach: { select: { id: true } } } })
          // A clock still running (arrived, not yet diagnosed nor late) is this visit's.
          if (!latest || latest.metAt || latest.breach) {
            await tx.deadline.create({ data: { ticketId: ticket.id, kind: 'diagnosis', visit: (latest?.visit ?? 0) + 1, startsAt: now, dueAt: new Date(now.getTime() + DIAGNOSIS_WINDOW) } })
          }
        }
        break
      case 'diagnose':
        Object.assign(update, { rootCause: input.rootCause, findings: input.findings, diagnosedAt: now })
        await meet('diagnosis')
        break
      case 'record_parts': {
        const warrantyEndsAt = DateTime.fromJSDate(now, { zone: timeZone }).plus({ years: PART_WARRANTY_YEARS }).toJSDate()
        await tx.partUsage.createMany({ data: input.parts.map((part) => ({ ticketId: ticket.id, ...part, fittedAt: now, warrantyEndsAt })) })
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
        break
      }
      case 'confirm':
        update.completedAt = now
        // §3.3a: the confirm window closed without an answer (the feedback sweep acts as system).
        update.completedUnconfirmed = actor.id === SYSTEM.id
        break
      case 'reject':
        // The follow-ups (a reason of non-conformity, the complaint, staff told) are listeners.
        break
      case 'reopen':
        // No longer a completed service (§3.1f): the cycle ends at the next confirmation.
        update.completedAt = null
        update.closedAt = null
        update.completedUnconfirmed = false
        break
      case 'close':
        update.closedAt = now
        break
      case 'cancel':
        update.cancelledAt = now
        break
      case 'force_majeure':
        // §4.1c: the declaration is the fact; what it excuses, and the notice, follow.
        await tx.forceMajeure.create({
          data: {
            ticketId: ticket.id,
            affects: input.affects ?? [],
            from: input.from ? new Date(input.from) : null,
            to: input.to ? new Date(input.to) : null,
            note: input.note,
            actor: actor.id,
            declaredAt: now,
          },
        })
        break
      case 'reassign': {
        const technician = await findTechnician(tx, input.technician)
        if (technician.id === ticket.technicianId) throw new AppError('conflict', `${technician.name} has ${ticket.number} already`)
        update.technicianId = technician.id
        technicianAfter = technician
        Object.assign(fields, { from: ticket.technician?.name ?? null, technician: technician.name, technicianId: technician.id })
        break
      }
      case 'party_a_breach':
        await tx.partyABreach.create({ data: { ticketId: ticket.id, kind: input.kind, note: input.note, actor: actor.id, at: now } })
        break
      case 'direct_loss':
        await tx.directLoss.create({ data: { ticketId: ticket.id, causedBy: input.causedBy, amount: input.amount, evidence: input.evidence, actor: actor.id, at: now } })
        break
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
    await deps.events.dispatch({ name: EVENT_OF[action], tx, ticket, input, from: ticket.status, to: next, technician: technicianAfter, actor, at: now, locale } as TicketChange)
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
