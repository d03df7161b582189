/** Technicians (§3.1b): who can be assigned, and how to reach them in Slack. */
import { Router } from 'express'
import { z } from 'zod'
import { Prisma, type PrismaClient } from '../../db/client.ts'
import { AppError } from '../../errors.ts'
import { parseInput } from './tickets.ts'

const technicianInput = z.object({
  name: z.string().trim().min(1).max(120),
  phone: z.string().trim().min(3).max(32).optional(),
  slackUserId: z.string().regex(/^[UW][A-Z0-9]{6,}$/, 'must be a Slack user id such as U0123456789').optional(),
})

const select = { id: true, name: true, phone: true, slackUserId: true, active: true, createdAt: true } as const

export function technicianRoutes(prisma: PrismaClient): Router {
  const router = Router()
  router.get('/technicians', async (_req, res) => {
    res.json({ items: await prisma.technician.findMany({ orderBy: { name: 'asc' }, select }) })
  })
  router.post('/technicians', async (req, res) => {
    const input = parseInput(technicianInput, req.body, 'technician')
    try {
      res.status(201).json(await prisma.technician.create({ data: input, select }))
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') throw new AppError('conflict', `a technician with Slack user ${input.slackUserId} exists already`)
      throw error
    }
  })
  return router
}
