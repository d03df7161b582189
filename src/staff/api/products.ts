/** §3.2a: the product catalogue in the admin API — list it, import Party A's CSV. */
import express, { Router } from 'express'
import { z } from 'zod'
import type { PrismaClient, Prisma } from '../../db/client.ts'
import { AppError } from '../../errors.ts'
import type { Catalogue } from '../../products/catalogue.ts'
import { parseInput } from './tickets.ts'

const listQuery = z.object({
  q: z.string().trim().min(1).max(100).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(50),
})

export function productRoutes(prisma: PrismaClient, catalogue: Catalogue): Router {
  const router = Router()

  router.get('/products', async (req, res) => {
    const query = parseInput(listQuery, req.query, 'query')
    const where: Prisma.ProductWhereInput = query.q ? { OR: [{ model: { contains: query.q, mode: 'insensitive' } }, { name: { contains: query.q, mode: 'insensitive' } }] } : {}
    const [total, items] = await Promise.all([
      prisma.product.count({ where }),
      prisma.product.findMany({
        where,
        orderBy: { model: 'asc' },
        skip: (query.page - 1) * query.pageSize,
        take: query.pageSize,
        select: { model: true, name: true, manualUrl: true, warrantyMonths: true, updatedAt: true },
      }),
    ])
    res.json({ items, page: query.page, pageSize: query.pageSize, total })
  })

  /** The CSV as the body (`text/csv`): models added or updated, all or nothing; 400 lists each line's problem. */
  router.post('/products/import', express.text({ type: ['text/csv', 'text/plain', 'application/csv'], limit: '4mb' }), async (req, res) => {
    if (typeof req.body !== 'string') throw new AppError('bad_request', 'send the CSV as the body, with Content-Type: text/csv')
    res.json(await catalogue.import(req.body))
  })

  return router
}
