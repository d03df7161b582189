/**
 * Technicians (§3.1b): who can be assigned, and how to reach them in Slack; and what is on record
 * about each (§3.2d–e): training and assessments, Party A's evaluations and replacement requests
 * (staff are told of those in the staff channel).
 */
import { Router } from 'express'
import { z } from 'zod'
import { Prisma, type PrismaClient } from '../../db/client.ts'
import { AppError } from '../../errors.ts'
import { parseInput } from './tickets.ts'
import { apiActor } from './actor.ts'
import { principal } from '../../http/auth.ts'
import { RECORD_KINDS } from '../../accounts/roles.ts'
import type { Clock } from '../../clock.ts'
import type { JobQueue } from '../../jobs/queue.ts'
import { alertStaff } from '../alerts.ts'

const technicianInput = z.object({
  name: z.string().trim().min(1).max(120),
  phone: z.string().trim().min(3).max(32).optional(),
  slackUserId: z
    .string()
    .regex(/^[UW][A-Z0-9]{6,}$/, 'must be a Slack user id such as U0123456789')
    .optional(),
})

const recordInput = z
  .object({
    kind: z.enum(['training', 'assessment', 'evaluation', 'replacement_request']),
    title: z.string().trim().min(1).max(200).optional(),
    result: z.string().trim().min(1).max(200).optional(),
    rating: z.number().int().min(1).max(5).optional(),
    note: z.string().trim().min(1).max(4000).optional(),
    date: z.iso.date().optional(),
    actor: z.string().max(200).optional(),
  })
  .refine((record) => record.kind !== 'training' || (record.title && record.date), { message: 'a training needs its course (title) and date', path: ['title'] })
  .refine((record) => record.kind !== 'evaluation' || record.rating, { message: 'an evaluation needs a rating from 1 to 5', path: ['rating'] })
  .refine((record) => record.kind !== 'replacement_request' || record.note, { message: 'a replacement request needs its reason (note)', path: ['note'] })

const recordSelect = { kind: true, title: true, result: true, rating: true, note: true, date: true, actor: true, at: true } as const

const select = { id: true, name: true, phone: true, slackUserId: true, active: true, createdAt: true } as const

export function technicianRoutes(prisma: PrismaClient, deps: { jobs: JobQueue; clock: Clock }): Router {
  const router = Router()
  const find = async (id: string) => {
    const technician = /^[0-9a-f-]{36}$/i.test(id) ? await prisma.technician.findUnique({ where: { id }, select: { ...select, records: { orderBy: { at: 'asc' }, select: recordSelect } } }) : null
    if (!technician) throw new AppError('not_found', `no technician ${id}`)
    return technician
  }
  router.get('/technicians/:id', async (req, res) => {
    res.json(await find(req.params.id))
  })
  router.post('/technicians/:id/records', async (req, res) => {
    const { actor: _actor, date, ...input } = parseInput(recordInput, req.body, 'technician record')
    // §3.2d–e: staff record training and assessments; Party A its evaluations and replacement requests.
    const who = principal(res)
    if (who.kind === 'account' && !RECORD_KINDS[who.account.role].includes(input.kind)) throw new AppError('forbidden', `your role cannot record a technician's ${input.kind.replace('_', ' ')}`)
    const technician = await find(req.params.id)
    const record = await prisma.$transaction(async (tx) => {
      const created = await tx.technicianRecord.create({
        data: { technicianId: technician.id, ...input, date: date ? new Date(`${date}T00:00:00Z`) : null, actor: apiActor(res), at: deps.clock.now() },
        select: recordSelect,
      })
      // §3.2e: Party A wants someone else; staff must see it.
      if (input.kind === 'replacement_request') {
        await alertStaff(tx, deps.jobs, null, { kind: 'technician_replacement', technician: technician.name, reason: input.note ?? '' })
      }
      return created
    })
    res.status(201).json(record)
  })
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
