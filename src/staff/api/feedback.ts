/** The admin API for feedback (§3.3a) and the complaint register (§3.3d). */
import { Router } from 'express'
import { z } from 'zod'
import { apiActor } from './actor.ts'
import type { ComplaintService } from '../../complaints/service.ts'
import type { PrismaClient } from '../../db/client.ts'
import { AppError } from '../../errors.ts'
import type { FeedbackService } from '../../feedback/service.ts'
import { complaintInclude } from '../slack/complaint-blocks.ts'
import { parseInput } from './tickets.ts'

const page = { page: z.coerce.number().int().min(1).default(1), pageSize: z.coerce.number().int().min(1).max(100).default(25) }

const feedbackQuery = z.object({
  status: z.enum(['scheduled', 'asked', 'answered', 'missed', 'skipped']).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  ...page,
})
const staffFeedback = z.object({ rating: z.number().int().min(1).max(5), comment: z.string().trim().max(2000).optional(), actor: z.string().optional() })
const surveyAction = z.discriminatedUnion('action', [
  /** §3.3a: a skip needs its reason; `customerAsked` when the customer declined the survey. */
  z.object({ action: z.literal('skip'), reason: z.string().trim().min(1).max(2000), customerAsked: z.boolean().default(false), actor: z.string().optional() }),
  z.object({ action: z.literal('resend'), actor: z.string().optional() }),
])
const complaintQuery = z.object({ status: z.enum(['open', 'in_progress', 'resolved']).optional(), source: z.enum(['low_rating', 'keywords', 'fix_rejected', 'staff']).optional(), ...page })
const complaintReport = z.object({ ticket: z.string().min(1).max(40), text: z.string().trim().min(1).max(4000), actor: z.string().optional() })
const complaintAction = z.discriminatedUnion('action', [
  z.object({ action: z.literal('take'), actor: z.string().optional() }),
  z.object({ action: z.literal('note'), text: z.string().trim().min(1).max(4000), actor: z.string().optional() }),
  z.object({ action: z.literal('resolve'), outcome: z.string().trim().min(1).max(4000), actor: z.string().optional() }),
])

export function feedbackRoutes(deps: { prisma: PrismaClient; feedback: FeedbackService; complaints: ComplaintService }): Router {
  const { prisma } = deps
  const router = Router()

  router.get('/feedback', async (req, res) => {
    const query = parseInput(feedbackQuery, req.query, 'query')
    const where = {
      ...(query.status && { status: query.status }),
      ...((query.from || query.to) && { completedAt: { ...(query.from && { gte: new Date(query.from) }), ...(query.to && { lt: new Date(query.to) }) } }),
    }
    const [total, rows] = await Promise.all([
      prisma.feedback.count({ where }),
      prisma.feedback.findMany({
        where,
        orderBy: { completedAt: 'desc' },
        skip: (query.page - 1) * query.pageSize,
        take: query.pageSize,
        include: { ticket: { select: { number: true, type: true } } },
      }),
    ])
    const items = rows.map(({ id: _id, ticketId: _ticketId, createdAt: _createdAt, ticket, ...feedback }) => ({ ticket: ticket.number, type: ticket.type, ...feedback }))
    res.json({ items, page: query.page, pageSize: query.pageSize, total })
  })

  /** Feedback taken another way (by phone): staff are its source. */
  router.post('/tickets/:number/feedback', async (req, res) => {
    const input = parseInput(staffFeedback, req.body, 'feedback')
    await deps.feedback.recordByStaff(req.params.number, { rating: input.rating, comment: input.comment ?? null }, `staff:${apiActor(res)}`)
    res.json(await prisma.feedback.findFirstOrThrow({ where: { ticket: { number: req.params.number.toUpperCase() } }, omit: { id: true, ticketId: true } }))
  })

  router.post('/tickets/:number/survey', async (req, res) => {
    const input = parseInput(surveyAction, req.body, 'survey action')
    if (input.action === 'skip') await deps.feedback.skip(req.params.number, apiActor(res), { reason: input.reason, customerAsked: input.customerAsked })
    else await deps.feedback.resend(req.params.number, apiActor(res))
    res.json(await prisma.feedback.findFirstOrThrow({ where: { ticket: { number: req.params.number.toUpperCase() } }, omit: { id: true, ticketId: true } }))
  })

  const complaintJson = (complaint: NonNullable<Awaited<ReturnType<typeof findComplaint>>>) => {
    const { id: _id, seq: _seq, customerId: _customerId, ticketId: _ticketId, conversationId: _conversationId, slackChannel: _c, slackTs: _t, customer: _customer, ...rest } = complaint
    return { ...rest, ticket: complaint.ticket?.number ?? null }
  }
  const findComplaint = (number: string) => prisma.complaint.findUnique({ where: { number: number.toUpperCase() }, include: complaintInclude })

  router.get('/complaints', async (req, res) => {
    const query = parseInput(complaintQuery, req.query, 'query')
    const where = { ...(query.status && { status: query.status }), ...(query.source && { source: query.source }) }
    const [total, rows] = await Promise.all([
      prisma.complaint.count({ where }),
      prisma.complaint.findMany({ where, orderBy: { openedAt: 'desc' }, skip: (query.page - 1) * query.pageSize, take: query.pageSize, include: complaintInclude }),
    ])
    res.json({ items: rows.map(complaintJson), page: query.page, pageSize: query.pageSize, total })
  })

  router.get('/complaints/:number', async (req, res) => {
    const complaint = await findComplaint(req.params.number)
    if (!complaint) throw new AppError('not_found', `no complaint ${req.params.number}`)
    res.json(complaintJson(complaint))
  })

  /** A staff member's report (§3.3d). */
  router.post('/complaints', async (req, res) => {
    const input = parseInput(complaintReport, req.body, 'complaint')
    const number = await deps.complaints.report(input.ticket, input.text, apiActor(res))
    res.status(201).json(complaintJson((await findComplaint(number))!))
  })

  router.post('/complaints/:number/actions', async (req, res) => {
    const { actor: _actor, ...input } = parseInput(complaintAction, req.body, 'complaint action')
    await deps.complaints.act(req.params.number, input, apiActor(res))
    res.json(complaintJson((await findComplaint(req.params.number))!))
  })

  return router
}
