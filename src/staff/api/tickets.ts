/** The admin API's ticket endpoints. */
import { Router } from 'express'
import { z } from 'zod'
import { SERVICE_TYPES } from '../../../flows/service-types.ts'
import type { Prisma, PrismaClient } from '../../db/client.ts'
import { AppError } from '../../errors.ts'
import { normalizePhone } from '../../channels/sms/receiver.ts'
import { ticketActionInput } from '../../tickets/action-input.ts'
import type { TicketService } from '../../tickets/apply.ts'
import { findTicketDetail, ticketJson } from '../../tickets/view.ts'
import { phoneRequestInput, type PhoneRequests } from '../../tickets/phone-requests.ts'
import { apiActor, apiActorOf } from './actor.ts'
import { principal } from '../../http/auth.ts'
import { TECHNICIAN_ACTIONS } from '../../accounts/roles.ts'
import type { Clock } from '../../clock.ts'
import { inScope, shownTo, ticketScope } from './visibility.ts'

const STATUSES = ['submitted', 'responded', 'on_site', 'diagnosed', 'repairing', 'testing', 'shipped', 'resolved', 'completed', 'closed', 'reopened', 'cancelled'] as const
const CHANNELS = ['sms', 'webchat', 'slack', 'phone', 'whatsapp'] as const

const commaList = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.enum(values)).min(1))

const listQuery = z.object({
  status: commaList(STATUSES).optional(),
  channel: commaList(CHANNELS).optional(),
  type: commaList(SERVICE_TYPES).optional(),
  phone: z.string().min(3).max(32).transform(normalizePhone).optional(),
  q: z.string().trim().min(1).max(100).optional(),
  /** The assigned technician's name. */
  technician: z.string().trim().min(1).max(120).optional(),
  /** An open deadline due within this many hours (0: overdue now). */
  dueWithin: z.coerce
    .number()
    .min(0)
    .max(24 * 90)
    .optional(),
  /** A deadline was missed (§4.1). */
  breached: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  sort: z.enum(['newest', 'oldest']).default('newest'),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
})

/** Parses a query or body with zod; a mismatch is the caller's 400. */
export function parseInput<T>(schema: z.ZodType<T>, input: unknown, what: string): T {
  const parsed = schema.safeParse(input)
  if (!parsed.success) {
    throw new AppError('bad_request', `invalid ${what}: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`).join('; ')}`)
  }
  return parsed.data
}

const summarySelect = {
  number: true,
  type: true,
  status: true,
  productModel: true,
  serialNumber: true,
  contactName: true,
  channel: true,
  warranty: true,
  technician: { select: { name: true } },
  createdAt: true,
  updatedAt: true,
  deadlines: { where: { metAt: null }, orderBy: { dueAt: 'asc' }, take: 1, select: { kind: true, dueAt: true } },
} satisfies Prisma.TicketSelect

type SummaryRow = Prisma.TicketGetPayload<{ select: typeof summarySelect }>

const toSummary = ({ deadlines, technician, ...ticket }: SummaryRow) => ({ ...ticket, technician: technician?.name ?? null, nextDeadline: deadlines[0] ?? null })

export function ticketRoutes(prisma: PrismaClient, tickets: TicketService, phone: PhoneRequests, clock: Clock): Router {
  const router = Router()

  /** §3.1a: a request taken by phone. 201 with the ticket; 400 names each field to correct. */
  router.post('/tickets', async (req, res) => {
    const { actor: _actor, ...body } = (req.body ?? {}) as { actor?: unknown }
    const input = parseInput(phoneRequestInput, body, 'request')
    const logged = await phone.log(input, apiActor(res))
    const ticket = await findTicketDetail(prisma, logged.number)
    res.status(201).json({ ...shownTo(res, ticketJson(ticket!)), notifiedBySms: logged.notifiedBySms })
  })

  router.get('/tickets', async (req, res) => {
    const query = parseInput(listQuery, req.query, 'query')
    const where: Prisma.TicketWhereInput = {
      ...ticketScope(res),
      ...(query.status && { status: { in: query.status } }),
      ...(query.channel && { channel: { in: query.channel } }),
      ...(query.type && { type: { in: query.type } }),
      ...(query.phone && {
        OR: [{ customer: { phone: query.phone } }, { channel: { in: ['sms', 'phone'] }, channelAddress: query.phone }, { channel: 'whatsapp', channelAddress: `whatsapp:${query.phone}` }],
      }),
      ...(query.technician && { technician: { name: { equals: query.technician, mode: 'insensitive' } } }),
      ...(query.dueWithin !== undefined && { deadlines: { some: { metAt: null, dueAt: { lte: new Date(clock.now().getTime() + query.dueWithin * 3_600_000) } } } }),
      ...(query.breached !== undefined && { breaches: query.breached ? { some: {} } : { none: {} } }),
      ...(query.q && {
        AND: [
          {
            OR: [
              { number: { equals: query.q.toUpperCase() } },
              { productModel: { contains: query.q, mode: 'insensitive' } },
              { serialNumber: { contains: query.q.toUpperCase() } },
              { contactName: { contains: query.q, mode: 'insensitive' } },
              { description: { contains: query.q, mode: 'insensitive' } },
              { siteAddress: { contains: query.q, mode: 'insensitive' } },
            ],
          },
        ],
      }),
    }
    const [total, rows] = await Promise.all([
      prisma.ticket.count({ where }),
      prisma.ticket.findMany({
        where,
        orderBy: query.sort === 'newest' ? [{ createdAt: 'desc' }, { seq: 'desc' }] : [{ createdAt: 'asc' }, { seq: 'asc' }],
        skip: (query.page - 1) * query.pageSize,
        take: query.pageSize,
        select: summarySelect,
      }),
    ])
    res.json({ items: rows.map(toSummary), page: query.page, pageSize: query.pageSize, total })
  })

  router.get('/tickets/:number', async (req, res) => {
    const ticket = await findTicketDetail(prisma, req.params.number)
    if (!ticket || !inScope(res, ticket)) throw new AppError('not_found', `no ticket ${req.params.number}`)
    res.json(shownTo(res, ticketJson(ticket)))
  })

  /** The conversation the ticket came from, for staff reading what the customer said. */
  router.get('/tickets/:number/conversation', async (req, res) => {
    const ticket = await prisma.ticket.findUnique({ where: { number: req.params.number.toUpperCase() }, select: { conversationId: true } })
    if (!ticket) throw new AppError('not_found', `no ticket ${req.params.number}`)
    if (!ticket.conversationId) return res.json({ id: null, handoffActive: false, messages: [] })
    const conversation = await prisma.conversation.findUniqueOrThrow({
      where: { id: ticket.conversationId },
      select: { id: true, handoffActive: true, messages: { orderBy: [{ createdAt: 'desc' }, { seq: 'desc' }], take: 200, select: { direction: true, body: true, createdAt: true } } },
    })
    res.json({ ...conversation, messages: conversation.messages.reverse() })
  })

  /** `{ "action": "respond", …fields }`: one step of the service process, recorded as the caller. */
  router.post('/tickets/:number/actions', async (req, res) => {
    const { actor: _ignored, ...body } = (req.body ?? {}) as { actor?: unknown }
    const input = parseInput(ticketActionInput, body, 'action')
    const who = principal(res)
    // A technician works the tickets assigned to them, on site; dispatching them is the desk's.
    if (who.kind === 'account' && who.account.role === 'technician') {
      const assigned = await prisma.ticket.findUnique({ where: { number: req.params.number.toUpperCase() }, select: { technicianId: true } })
      if (!assigned || assigned.technicianId !== who.account.technicianId) throw new AppError('not_found', `no ticket ${req.params.number}`)
      if (!TECHNICIAN_ACTIONS.has(input.action)) throw new AppError('forbidden', `a technician cannot ${input.action} a ticket; ask the service desk`)
    }
    const ticket = await tickets.apply(req.params.number, input, apiActorOf(res))
    res.json(shownTo(res, ticketJson(ticket)))
  })

  return router
}
