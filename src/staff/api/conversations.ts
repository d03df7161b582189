/** The admin API's view of conversations: where each customer stands, and who asked for a person. */
import { Router } from 'express'
import { z } from 'zod'
import type { PrismaClient } from '../../db/client.ts'
import { AppError } from '../../errors.ts'
import { parseInput } from './tickets.ts'

const listQuery = z.object({
  handoff: z.enum(['true', 'false']).transform((value) => value === 'true').optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
})

const summarySelect = {
  id: true,
  state: true,
  locale: true,
  handoffRequestedAt: true,
  handoffReason: true,
  lastMessageAt: true,
  identity: { select: { channel: true, address: true, optedOutAt: true, customerId: true } },
} as const

export function conversationRoutes(prisma: PrismaClient): Router {
  const router = Router()

  router.get('/conversations', async (req, res) => {
    const query = parseInput(listQuery, req.query, 'query')
    const where = query.handoff === undefined ? {} : { handoffRequestedAt: query.handoff ? { not: null } : null }
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
