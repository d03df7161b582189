/** The admin API's view of conversations: where each customer stands, and who asked for a person. */
import { Router } from 'express'
import { z } from 'zod'
import type { PrismaClient } from '../../db/client.ts'
import { AppError } from '../../errors.ts'
import { parseInput } from './tickets.ts'
import { apiActorOf } from './actor.ts'
import { replyToCustomer } from '../../conversations/staff-replies.ts'
import type { Clock } from '../../clock.ts'

const listQuery = z.object({
  handoff: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  /** Customers talking with a person now. */
  active: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
})

const summarySelect = {
  id: true,
  state: true,
  locale: true,
  handoffActive: true,
  handoffRequestedAt: true,
  handoffReason: true,
  lastMessageAt: true,
  identity: { select: { channel: true, address: true, optedOutAt: true, customerId: true } },
} as const

const replyInput = z.object({ text: z.string().trim().min(1).max(1500) }).strict()

export function conversationRoutes(prisma: PrismaClient, deps: { clock: Clock; endHandoff(conversationId: string, by: string): Promise<boolean> }): Router {
  const router = Router()

  /** Issue 15: a person answers a customer waiting in a hand-off (`note: …` stays internal). */
  router.post('/conversations/:id/replies', async (req, res) => {
    const id = parseInput(z.uuid(), req.params.id, 'conversation id')
    const { text } = parseInput(replyInput, req.body, 'reply')
    const actor = apiActorOf(res)
    const outcome = await replyToCustomer({ prisma, clock: deps.clock }, id, { text, staffName: actor.name ?? 'Service desk', actor: actor.id })
    res.status(201).json({ outcome })
  })

  /** Gives the customer back to the bot. */
  router.post('/conversations/:id/release', async (req, res) => {
    const id = parseInput(z.uuid(), req.params.id, 'conversation id')
    const released = await deps.endHandoff(id, apiActorOf(res).id)
    if (!released) throw new AppError('conflict', 'this customer is not talking with staff')
    res.json({ released })
  })

  router.get('/conversations', async (req, res) => {
    const query = parseInput(listQuery, req.query, 'query')
    const where = {
      ...(query.handoff === undefined ? {} : { handoffRequestedAt: query.handoff ? { not: null } : null }),
      ...(query.active !== undefined && { handoffActive: query.active }),
    }
    const [total, items] = await Promise.all([
      prisma.conversation.count({ where }),
      prisma.conversation.findMany({
        where,
        orderBy: [{ lastMessageAt: { sort: 'desc', nulls: 'last' } }, { id: 'asc' }],
        skip: (query.page - 1) * query.pageSize,
        take: query.pageSize,
        select: summarySelect,
      }),
    ])
    res.json({ items, page: query.page, pageSize: query.pageSize, total })
  })

  router.get('/conversations/:id', async (req, res) => {
    const id = parseInput(z.uuid(), req.params.id, 'conversation id')
    const conversation = await prisma.conversation.findUnique({
      where: { id },
      select: {
        ...summarySelect,
        // The latest messages, shown oldest first.
        messages: { orderBy: [{ createdAt: 'desc' }, { seq: 'desc' }], take: 200, select: { direction: true, body: true, createdAt: true } },
        tickets: { orderBy: { createdAt: 'desc' }, select: { number: true, status: true } },
      },
    })
    if (!conversation) throw new AppError('not_found', `no conversation ${id}`)
    res.json({ ...conversation, messages: conversation.messages.reverse() })
  })

  return router
}
