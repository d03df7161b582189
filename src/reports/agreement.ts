/**
 * The agreement's figures for a period, computed in SQL aggregates (a few hundred rows come
 * back whatever the number of tickets), overall, per service type and per technician.
 *
 * Each figure counts what belongs to the period by one instant: requests by submission,
 * deadlines by when they were due, cycle and feedback by completion, root causes by diagnosis,
 * parts by fitting, complaints and breaches by when they happened.
 */
import { DateTime } from 'luxon'
import { SERVICE_TYPES, type ServiceType } from '../../flows/service-types.ts'
import type { PrismaClient } from '../db/client.ts'
import { AppError } from '../errors.ts'
import { RESPONSIBLE_PARTY, ROOT_CAUSES } from '../tickets/action-input.ts'
import { emptyFigures, ratio, type AgreementReport, type Figures } from './figures.ts'
import { inReportSlot } from './query-slots.ts'

export interface Period {
  /** First day, YYYY-MM-DD, in the service's time zone. */
  from: string
  /** Last day, included. */
  to: string
}

/** Years PostgreSQL and every time zone agree on; luxon alone would accept year 0. */
const DAY = /^(19|2\d)\d{2}-\d{2}-\d{2}$/
/** A leap year. Longer periods are better asked for year by year (a year of 1M tickets takes seconds). */
const MAX_DAYS = 366

/** The instants that bound a period of whole days in a time zone: [start, end). */
export function periodBounds(period: Period, timeZone: string): { start: Date; end: Date } {
  const day = (text: string) => (DAY.test(text) ? DateTime.fromFormat(text, 'yyyy-MM-dd', { zone: timeZone }) : DateTime.invalid('not YYYY-MM-DD'))
  const start = day(period.from)
  const end = day(period.to).plus({ days: 1 })
  if (!start.isValid || !end.isValid) throw new AppError('bad_request', 'from and to must be dates, YYYY-MM-DD, between 1900 and 2999')
  if (end <= start) throw new AppError('bad_request', 'to must not be before from')
  if (end.diff(start, 'days').days > MAX_DAYS + 1) throw new AppError('bad_request', `a report covers at most ${MAX_DAYS} days: ask for one year at a time`)
  return { start: start.toJSDate(), end: end.toJSDate() }
}

type Key = { type: ServiceType; tech: string | null }

/** Adds a grouped row's numbers into the overall, per-type and per-technician figures. */
function rollUp<R extends Key>(rows: R[], scopes: Scopes, add: (figures: Figures, row: R) => void) {
  for (const row of rows) {
    add(scopes.overall, row)
    add(scopes.byType[row.type], row)
    const technician = row.tech ? scopes.byTechnician.get(row.tech) : undefined
    if (technician) add(technician, row)
  }
}

interface Scopes {
  overall: Figures
  byType: Record<ServiceType, Figures>
  byTechnician: Map<string, Figures>
}

const add = (target: { numerator: number; denominator: number }, numerator: number, denominator: number) => {
  target.numerator += numerator
  target.denominator += denominator
}

export async function agreementReport(prisma: PrismaClient, period: Period, options: { timeZone: string; currency: string }): Promise<AgreementReport> {
  const { start, end } = periodBounds(period, options.timeZone)
  const technicians = await prisma.technician.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true } })
  const scopes: Scopes = {
    overall: emptyFigures(),
    byType: Object.fromEntries(SERVICE_TYPES.map((type) => [type, emptyFigures()])) as Record<ServiceType, Figures>,
    byTechnician: new Map(technicians.map((technician) => [technician.id, emptyFigures()])),
  }

  const [requests, deadlines, cycles, feedback, causes, parts, complaints, breaches] = await Promise.all([
    inReportSlot(() => prisma.$queryRaw<(Key & { channel: 'sms' | 'webchat' | 'slack'; n: number; warranty: number })[]>`
      SELECT type::text AS type, "technicianId"::text AS tech, channel::text AS channel, count(*)::int AS n, count(*) FILTER (WHERE warranty)::int AS warranty
      FROM "Ticket" WHERE "createdAt" >= ${start} AND "createdAt" < ${end}
      GROUP BY 1, 2, 3`),
    // A deadline is decided once met or breached; met at or before it is due is in time.
    inReportSlot(() => prisma.$queryRaw<(Key & { kind: string; on_time: number; decided: number })[]>`
      SELECT t.type::text AS type, t."technicianId"::text AS tech, d.kind::text AS kind,
        count(*) FILTER (WHERE d."metAt" IS NOT NULL AND d."metAt" <= d."dueAt")::int AS on_time,
        count(*) FILTER (WHERE d."metAt" IS NOT NULL OR b.id IS NOT NULL)::int AS decided
      FROM "Deadline" d JOIN "Ticket" t ON t.id = d."ticketId" LEFT JOIN "DeadlineBreach" b ON b."deadlineId" = d.id
      WHERE d."dueAt" >= ${start} AND d."dueAt" < ${end}
      GROUP BY 1, 2, 3`),
    // The median cannot be summed from groups: one grouping set per scope.
    inReportSlot(() => prisma.$queryRaw<{ type: ServiceType | null; tech: string | null; scope: number; total: number; count: number; median: number | null }[]>`
      SELECT type::text AS type, "technicianId"::text AS tech, GROUPING(type, "technicianId")::int AS scope,
        COALESCE(sum(EXTRACT(EPOCH FROM ("completedAt" - "createdAt")) / 86400), 0)::float8 AS total,
        count(*)::int AS count,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM ("completedAt" - "createdAt")) / 86400)::float8 AS median
      FROM "Ticket" WHERE "completedAt" >= ${start} AND "completedAt" < ${end}
      GROUP BY GROUPING SETS ((), (type), ("technicianId"))`),
    inReportSlot(() => prisma.$queryRaw<(Key & { rated: number; satisfied: number; rating_sum: number; settled: number; in_time: number })[]>`
      SELECT t.type::text AS type, t."technicianId"::text AS tech,
        count(f.rating)::int AS rated, count(*) FILTER (WHERE f.rating >= 4)::int AS satisfied, COALESCE(sum(f.rating), 0)::int AS rating_sum,
        count(*) FILTER (WHERE f.status IN ('answered', 'missed', 'skipped'))::int AS settled,
        count(*) FILTER (WHERE f."inWindow")::int AS in_time
      FROM "Feedback" f JOIN "Ticket" t ON t.id = f."ticketId"
      WHERE f."completedAt" >= ${start} AND f."completedAt" < ${end}
      GROUP BY 1, 2`),
    inReportSlot(() => prisma.$queryRaw<(Key & { cause: string; n: number })[]>`
      SELECT type::text AS type, "technicianId"::text AS tech, "rootCause"::text AS cause, count(*)::int AS n
      FROM "Ticket" WHERE "diagnosedAt" >= ${start} AND "diagnosedAt" < ${end} AND "rootCause" IS NOT NULL
      GROUP BY 1, 2, 3`),
    inReportSlot(() => prisma.$queryRaw<(Key & { fitted: number; genuine: number })[]>`
      SELECT t.type::text AS type, t."technicianId"::text AS tech, COALESCE(sum(p.quantity), 0)::int AS fitted, COALESCE(sum(p.quantity) FILTER (WHERE p.genuine), 0)::int AS genuine
      FROM "PartUsage" p JOIN "Ticket" t ON t.id = p."ticketId"
      WHERE p."fittedAt" >= ${start} AND p."fittedAt" < ${end}
      GROUP BY 1, 2`),
    inReportSlot(() => prisma.$queryRaw<{ type: ServiceType | null; tech: string | null; opened: number; resolved: number; open_at_end: number }[]>`
      SELECT t.type::text AS type, t."technicianId"::text AS tech,
        count(*) FILTER (WHERE c."openedAt" >= ${start} AND c."openedAt" < ${end})::int AS opened,
        count(*) FILTER (WHERE c."resolvedAt" >= ${start} AND c."resolvedAt" < ${end})::int AS resolved,
        count(*) FILTER (WHERE c."openedAt" < ${end} AND (c."resolvedAt" IS NULL OR c."resolvedAt" >= ${end}))::int AS open_at_end
      FROM "Complaint" c LEFT JOIN "Ticket" t ON t.id = c."ticketId"
      WHERE c."openedAt" < ${end} AND (c."resolvedAt" IS NULL OR c."resolvedAt" >= ${start})
      GROUP BY 1, 2`),
    inReportSlot(() => prisma.$queryRaw<(Key & { kind: string; n: number; damages: number; fm: number; waived: number })[]>`
      SELECT t.type::text AS type, t."technicianId"::text AS tech, b.kind::text AS kind, count(*)::int AS n,
        COALESCE(sum(b.damages), 0)::float8 AS damages,
        count(*) FILTER (WHERE b."forceMajeure")::int AS fm,
        COALESCE(sum(round(b."serviceValue" * 0.10, 2)) FILTER (WHERE b."forceMajeure"), 0)::float8 AS waived
      FROM "DeadlineBreach" b JOIN "Ticket" t ON t.id = b."ticketId"
      WHERE b."breachedAt" >= ${start} AND b."breachedAt" < ${end}
      GROUP BY 1, 2, 3`),
  ])

  rollUp(requests, scopes, (figures, row) => {
    figures.requests.total += row.n
    figures.requests.byType[row.type] += row.n
    figures.requests.byChannel[row.channel] += row.n
    if (row.type === 'repair') add(figures.warrantyRepairs, row.warranty, row.n)
  })
  const deadlineFigure = { response: 'respondedWithin24h', installation: 'installedWithin3WorkingDays', diagnosis: 'diagnosedWithin1h' } as const
  rollUp(deadlines, scopes, (figures, row) => {
    const figure = deadlineFigure[row.kind as keyof typeof deadlineFigure]
    if (figure) add(figures[figure], row.on_time, row.decided)
  })
  for (const row of cycles) {
    const figures = row.scope === 3 ? scopes.overall : row.scope === 1 ? scopes.byType[row.type!] : row.tech ? scopes.byTechnician.get(row.tech) : undefined
    if (figures) figures.cycleDays = { total: row.total, count: row.count, average: row.count ? row.total / row.count : null, median: row.median }
  }
  rollUp(feedback, scopes, (figures, row) => {
    add(figures.satisfaction, row.satisfied, row.rated)
    add(figures.averageRating, row.rating_sum, row.rated)
    add(figures.feedbackWithin24h, row.in_time, row.settled)
  })
  rollUp(causes, scopes, (figures, row) => {
    figures.rootCauses.byCause[row.cause as keyof Figures['rootCauses']['byCause']] += row.n
  })
  rollUp(parts, scopes, (figures, row) => {
    figures.parts.fitted += row.fitted
    add(figures.parts.genuine, row.genuine, row.fitted)
  })
  for (const row of complaints) {
    // A complaint without a ticket counts overall only.
    const targets = [scopes.overall, ...(row.type ? [scopes.byType[row.type]] : []), ...(row.tech && scopes.byTechnician.has(row.tech) ? [scopes.byTechnician.get(row.tech)!] : [])]
    for (const figures of targets) {
      figures.complaints.opened += row.opened
      figures.complaints.resolved += row.resolved
      figures.complaints.openAtEnd += row.open_at_end
    }
  }
  rollUp(breaches, scopes, (figures, row) => {
    figures.breaches.byKind[row.kind as keyof Figures['breaches']['byKind']] += row.n
    figures.breaches.total += row.n
    figures.breaches.damages += row.damages
    figures.breaches.forceMajeure.count += row.fm
    figures.breaches.forceMajeure.damagesWaived += row.waived
  })

  // Values follow from the summed numerators and denominators; money to the cent.
  const finish = (figures: Figures) => {
    for (const key of ['respondedWithin24h', 'installedWithin3WorkingDays', 'diagnosedWithin1h', 'satisfaction', 'averageRating', 'feedbackWithin24h', 'warrantyRepairs'] as const) {
      figures[key] = ratio(figures[key].numerator, figures[key].denominator)
    }
    figures.parts.genuine = ratio(figures.parts.genuine.numerator, figures.parts.genuine.denominator)
    const diagnosed = Object.values(figures.rootCauses.byCause).reduce((sum, n) => sum + n, 0)
    const attributedTo = (party: 'A' | 'B') => ROOT_CAUSES.filter((cause) => RESPONSIBLE_PARTY[cause] === party).reduce((sum, cause) => sum + figures.rootCauses.byCause[cause], 0)
    figures.rootCauses.partyA = ratio(attributedTo('A'), diagnosed)
    figures.rootCauses.partyB = ratio(attributedTo('B'), diagnosed)
    figures.breaches.damages = Math.round(figures.breaches.damages * 100) / 100
    figures.breaches.forceMajeure.damagesWaived = Math.round(figures.breaches.forceMajeure.damagesWaived * 100) / 100
    return figures
  }

  return {
    period: { from: period.from, to: period.to, timeZone: options.timeZone, start: start.toISOString(), end: end.toISOString() },
    currency: options.currency,
    overall: finish(scopes.overall),
    byType: Object.fromEntries(SERVICE_TYPES.map((type) => [type, finish(scopes.byType[type])])) as Record<ServiceType, Figures>,
    byTechnician: technicians.map((technician) => ({ technician, figures: finish(scopes.byTechnician.get(technician.id)!) })),
  }
}
