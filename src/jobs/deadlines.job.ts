/**
 * Watches every open deadline (§2.1a, §2.2, §3.1c): at 75% of its window staff are warned in the
 * ticket's thread; at the deadline, if unmet, a DeadlineBreach records it and, for a response,
 * installation or diagnosis, a reason the service does not conform (§4.1b: damages are owed once
 * per service), excused when a force majeure covers that obligation (§4.1c).
 *
 * A sweep every TIMER_SWEEP_SECONDS (timers.ts, one instance at a time) and one at start-up: time is
 * read from the injectable clock, a deadline met or a ticket cancelled never fires, a deadline
 * that passed while nothing ran fires at the next sweep, and rows are claimed with SKIP LOCKED so
 * overlapping sweeps never double-count.
 */
import type { Clock } from '../clock.ts'
import type { PrismaClient } from '../db/client.ts'
import type { Logger } from '../logger.ts'
import type { Metrics } from '../observability/metrics.ts'
import { alertStaff } from '../staff/alerts.ts'
import type { DeadlineKind } from '../tickets/action-input.ts'
import { excusedDeadline, LATE, recordNonConformity } from '../tickets/conformity.ts'
import { WARNING_AT } from '../tickets/deadlines.ts'
import { QUEUES, type JobQueue } from './queue.ts'

export interface DeadlineSweepDeps {
  prisma: PrismaClient
  jobs: JobQueue
  clock: Clock
  logger: Logger
  currency: string
  /** Counts warnings and breaches by kind, for /metrics. */
  metrics?: Metrics
}

const BATCH = 200

export interface SweepResult {
  warned: number
  breached: number
}

export async function sweepDeadlines(deps: DeadlineSweepDeps): Promise<SweepResult> {
  const { prisma, jobs, clock, logger } = deps
  const now = clock.now()
  const result: SweepResult = { warned: 0, breached: 0 }

  for (;;) {
    const warned = await prisma.$transaction(async (tx) => {
      const due = await tx.$queryRaw<{ id: string; ticketId: string; kind: string; dueAt: Date }[]>`
        SELECT d.id, d."ticketId", d.kind::text AS kind, d."dueAt"
        FROM "Deadline" d JOIN "Ticket" t ON t.id = d."ticketId"
        WHERE d."metAt" IS NULL AND d."warnedAt" IS NULL AND t.status <> 'cancelled'
          AND d."dueAt" > ${now}
          AND d."startsAt" + (d."dueAt" - d."startsAt") * ${WARNING_AT}::float8 <= ${now}
        ORDER BY d."dueAt"
        LIMIT ${BATCH}
        FOR UPDATE OF d SKIP LOCKED`
      for (const deadline of due) {
        await tx.deadline.update({ where: { id: deadline.id }, data: { warnedAt: now } })
        await alertStaff(tx, jobs, deadline.ticketId, { kind: 'deadline_warning', deadline: deadline.kind, dueAt: deadline.dueAt.toISOString() })
      }
      return due
    })
    for (const deadline of warned) deps.metrics?.deadlineWarnings.inc({ kind: deadline.kind })
    result.warned += warned.length
    if (warned.length < BATCH) break
  }

  for (;;) {
    const breached = await prisma.$transaction(async (tx) => {
      const missed = await tx.$queryRaw<{ id: string; ticketId: string; kind: DeadlineKind; dueAt: Date }[]>`
        SELECT d.id, d."ticketId", d.kind::text AS kind, d."dueAt"
        FROM "Deadline" d JOIN "Ticket" t ON t.id = d."ticketId"
        WHERE d."metAt" IS NULL AND d."dueAt" <= ${now} AND t.status <> 'cancelled'
          AND NOT EXISTS (SELECT 1 FROM "DeadlineBreach" b WHERE b."deadlineId" = d.id)
        ORDER BY d."dueAt"
        LIMIT ${BATCH}
        FOR UPDATE OF d, t SKIP LOCKED`
      for (const deadline of missed) {
        // §4.1c: excused only if a force majeure names this obligation or covers its due time.
        const forceMajeure = await excusedDeadline(tx, deadline.ticketId, deadline.kind, deadline.dueAt)
        const before = await tx.damages.findUnique({ where: { ticketId: deadline.ticketId }, select: { excused: true } })
        const breach = await tx.deadlineBreach.create({
          data: { deadlineId: deadline.id, ticketId: deadline.ticketId, kind: deadline.kind, dueAt: deadline.dueAt, breachedAt: now, forceMajeure },
          select: { id: true },
        })
        const reason = LATE[deadline.kind]
        if (reason) await recordNonConformity(tx, { ticketId: deadline.ticketId, kind: reason, at: now, breachId: breach.id, excused: forceMajeure })
        // §4.1b: owed once per service; this breach made them owed if none stood before.
        const after = reason ? await tx.damages.findUnique({ where: { ticketId: deadline.ticketId }, select: { amount: true, excused: true } }) : null
        const newly = Boolean(after && !after.excused && (!before || before.excused))
        await tx.ticketEvent.create({
          data: {
            ticketId: deadline.ticketId,
            type: 'deadline_breached',
            actor: 'system',
            at: now,
            data: { deadline: deadline.kind, dueAt: deadline.dueAt.toISOString(), forceMajeure, ...(after && { damagesOwed: Number(after.amount) }) },
          },
        })
        await jobs.send(QUEUES.slackSync, { ticketId: deadline.ticketId }, { tx, singletonKey: deadline.ticketId })
        await alertStaff(tx, jobs, deadline.ticketId, {
          kind: 'deadline_breached',
          deadline: deadline.kind,
          dueAt: deadline.dueAt.toISOString(),
          forceMajeure,
          newly,
          ...(after && { owed: Number(after.amount) }),
          currency: deps.currency,
        })
      }
      return missed
    })
    for (const deadline of breached) deps.metrics?.deadlineBreaches.inc({ kind: deadline.kind })
    result.breached += breached.length
    if (breached.length < BATCH) break
  }
  if (result.warned || result.breached) logger.info(result, 'deadline sweep')
  return result
}

/** What is kept no longer, once a minute with the sweep. */
export async function housekeeping(deps: { prisma: PrismaClient; clock: Clock }): Promise<void> {
  // Provider retries arrive within minutes; a week of delivery ids is plenty to recognise them.
  await deps.prisma.processedDelivery.deleteMany({ where: { at: { lt: new Date(deps.clock.now().getTime() - 7 * 24 * 3_600_000) } } })
}
