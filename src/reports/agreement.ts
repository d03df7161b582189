/**
 * The agreement's figures for a period, computed in SQL aggregates (a few hundred rows come
 * back whatever the number of tickets), overall, per service type and per technician.
 *
 * Each figure counts what belongs to the period by one instant: requests by submission,
 * deadlines by when they were decided (met in time: when met; else when due), cycle and feedback by completion, root causes by diagnosis,
 * parts by fitting, complaints and breaches by when they happened.
 */
import { DateTime } from 'luxon'
import { SERVICE_TYPES, type ServiceType } from '../../flows/service-types.ts'
import type { PrismaClient } from '../db/client.ts'
import { AppError } from '../errors.ts'
import { RESPONSIBLE_PARTY, ROOT_CAUSES } from '../tickets/action-input.ts'
import { emptyFigures, ratio, type AgreementReport, type Figures } from './figures.ts'
import { inReportSlot } from './query-slots.ts'
import { rollupsCover } from './rollups.ts'
import { cycleFigures } from './cycles.ts'
import { claimRows, rawRows, rollupRows, type Key } from './sources.ts'

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
/** A year over a large history read from the raw rows (no rollups yet) takes seconds. */
const REPORT_TIMEOUT_MS = 120_000

/** The instants that bound a period of whole days in a time zone: [start, end). */
export function periodBounds(period: Period, timeZone: string): { start: Date; end: Date } {
  const day = (text: string) => (DAY.test(text) ? DateTime.fromFormat(text, 'yyyy-MM-dd', { zone: timeZone }) : DateTime.invalid('not YYYY-MM-DD'))
  const start = day(period.from)
  const end = day(period.to).plus({ days: 1 })
  if (!start.isValid || !end.isValid) throw new AppError('bad_request', 'from and to must be dates, YYYY-MM-DD, between 1900 and 2999')
  if (end <= start) throw new AppError('bad_request', 'to must not be before from')
  if (end.diff(start, 'days').days > MAX_DAYS) throw new AppError('bad_request', `a report covers at most ${MAX_DAYS} days: ask for one year at a time`)
  return { start: start.toJSDate(), end: end.toJSDate() }
}

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

export interface ReportOptions {
  timeZone: string
  currency: string
  /** `rows` reads the raw rows even where rollups exist (to check one against the other). */
  source?: 'rows'
}

export async function agreementReport(prisma: PrismaClient, period: Period, options: ReportOptions): Promise<AgreementReport> {
  const { start, end } = periodBounds(period, options.timeZone)
  // One snapshot for every figure (REPEATABLE READ), on one connection held in a report slot.
  const { source, technicians, rows, claims, cycles } = await inReportSlot(() =>
    prisma.$transaction(
      async (tx) => {
        // The cycle-time medians sort every service completed in the period, once per scope: on
        // connections of their own, in parallel, in this transaction's snapshot.
        const [exported] = await tx.$queryRaw<{ snapshot: string }[]>`SELECT pg_export_snapshot() AS snapshot`
        const medians = cycleFigures(prisma, exported!.snapshot, start, end)
        // Awaited below, but never left to reject unobserved if something else fails first.
        medians.catch(() => undefined)
        const technicians = await tx.technician.findMany({ orderBy: { name: 'asc' }, select: { id: true, name: true } })
        const source = options.source !== 'rows' && (await rollupsCover(tx, options.timeZone)) ? ('rollups' as const) : ('rows' as const)
        const rows = source === 'rollups' ? await rollupRows(tx, period.from, period.to) : await rawRows(tx, start, end)
        const claims = await claimRows(tx, start, end)
        const cycles = await medians
        return { source, technicians, rows, claims, cycles }
      },
      { isolationLevel: 'RepeatableRead', maxWait: 30_000, timeout: REPORT_TIMEOUT_MS },
    ),
  )
  const { requests, deadlines, feedback, causes, parts, breaches, damages, reasons, notices, complaints } = rows
  const scopes: Scopes = {
    overall: emptyFigures(),
    byType: Object.fromEntries(SERVICE_TYPES.map((type) => [type, emptyFigures()])) as Record<ServiceType, Figures>,
    byTechnician: new Map(technicians.map((technician) => [technician.id, emptyFigures()])),
  }

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
    const figures = row.scope === 'overall' ? scopes.overall : row.scope === 'type' ? scopes.byType[row.type!] : row.tech ? scopes.byTechnician.get(row.tech) : undefined
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
    figures.breaches.excused += row.excused
  })
  rollUp(damages, scopes, (figures, row) => {
    figures.damages.services += row.services
    figures.damages.amount += row.amount
    figures.damages.waived.services += row.waived_services
    figures.damages.waived.amount += row.waived
  })
  rollUp(reasons, scopes, (figures, row) => {
    figures.damages.byReason[row.reason as keyof Figures['damages']['byReason']] += row.n
  })
  rollUp(notices, scopes, (figures, row) => {
    figures.forceMajeureNotices += row.n
  })
  rollUp(claims.partyABreaches, scopes, (figures, row) => {
    figures.partyABreaches.byKind[row.kind as keyof Figures['partyABreaches']['byKind']] += row.n
    figures.partyABreaches.total += row.n
  })
  rollUp(claims.directLosses, scopes, (figures, row) => {
    const party = figures.directLosses[row.caused_by === 'party_a' ? 'partyA' : 'partyB']
    party.count += row.n
    party.amount += row.amount
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
    figures.damages.amount = Math.round(figures.damages.amount * 100) / 100
    figures.damages.waived.amount = Math.round(figures.damages.waived.amount * 100) / 100
    for (const party of [figures.directLosses.partyA, figures.directLosses.partyB]) party.amount = Math.round(party.amount * 100) / 100
    return figures
  }

  return {
    period: { from: period.from, to: period.to, timeZone: options.timeZone, start: start.toISOString(), end: end.toISOString() },
    source,
    currency: options.currency,
    overall: finish(scopes.overall),
    byType: Object.fromEntries(SERVICE_TYPES.map((type) => [type, finish(scopes.byType[type])])) as Record<ServiceType, Figures>,
    byTechnician: technicians.map((technician) => ({ technician, figures: finish(scopes.byTechnician.get(technician.id)!) })),
  }
}
