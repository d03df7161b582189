/** The admin API's customers: finding one by phone number, and erasing their personal data on request. */
import { Router } from 'express'
import { z } from 'zod'
import type { Clock } from '../../clock.ts'
import { eraseCustomer } from '../../customers/erase.ts'
import type { PrismaClient } from '../../db/client.ts'
import { AppError } from '../../errors.ts'
import type { JobQueue } from '../../jobs/queue.ts'
import type { MediaStore } from '../../media/store.ts'
import { apiActor } from './actor.ts'
import { parseInput } from './tickets.ts'

const findQuery = z.object({ phone: z.string().trim().min(3).max(40) })

export function customerRoutes(deps: { prisma: PrismaClient; store: MediaStore; jobs: JobQueue; clock: Clock }): Router {
  const { prisma } = deps
  const router = Router()

  // By the number they gave or texted from: the same person may be several customers until linked.
  router.get('/customers', async (req, res) => {
    const { phone } = parseInput(findQuery, req.query, 'query')
    const items = await prisma.customer.findMany({
      where: { OR: [{ phone }, { identities: { some: { address: { in: [phone, `whatsapp:${phone}`] } } } }] },
      orderBy: { createdAt: 'asc' },
      take: 20,
      select: {
        id: true,
        name: true,
        phone: true,
        locale: true,
        createdAt: true,
        identities: { select: { channel: true, address: true, optedOutAt: true } },
        tickets: { orderBy: { createdAt: 'desc' }, select: { number: true, status: true } },
      },
    })
    res.json({ items })
  })

  router.delete('/customers/:id', async (req, res) => {
    const id = parseInput(z.uuid(), req.params.id, 'customer id')
    const erased = await eraseCustomer(deps, id, { actor: apiActor(res), at: deps.clock.now() })
    if (!erased) throw new AppError('not_found', `no customer ${id}`)
    res.json({ erased })
  })

  return router
}
