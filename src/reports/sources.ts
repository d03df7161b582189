/**
 * Where the agreement report's summable figures come from, in one shape: either aggregates over
 * the raw rows (any period, any time zone) or sums of the daily rollups (ReportDay, kept by
 * triggers in the service's time zone). Medians and complaints are not summable by day: the
 * report always reads those from the raw rows (agreement.ts).
 */
import type { ServiceType } from '../../flows/service-types.ts'
import type { Tx } from '../db/client.ts'
import { CHANNELS, DEADLINE_KINDS } from './figures.ts'

/** A grouped row's key: the service type and the technician (null before one is assigned). */
export type Key = { type: ServiceType; tech: string | null }

export interface FigureRows {
  requests: (Key & { channel: (typeof CHANNELS)[number]; n: number; warranty: number })[]
  /** Deadlines due in the period: met in time, and decided (met or breached). */
  deadlines: (Key & { kind: string; on_time: number; decided: number })[]
  feedback: (Key & { rated: number; satisfied: number; rating_sum: number; settled: number; in_time: number })[]
  causes: (Key & { cause: string; n: number })[]
  parts: (Key & { fitted: number; genuine: number })[]
  /** Breaches in the period, and those excused by force majeure. */
  breaches: (Key & { kind: string; n: number; excused: number })[]
  /** §4.1b: services that stopped conforming in the period: owing, and waived, with amounts. */
  damages: (Key & { services: number; amount: number; waived_services: number; waived: number })[]
  /** Reasons of non-conformity that arose in the period. */
  reasons: (Key & { reason: string; n: number })[]
  /** §4.1c: force majeure notices given in the period. */
  notices: (Key & { n: number })[]
  /** Opened and resolved in the period, and open at its end; a complaint may have no ticket. */
  complaints: { type: ServiceType | null; tech: string | null; opened: number; resolved: number; open_at_end: number }[]
}

/** Each figure counts what belongs to [start, end) by one instant (see agreement.ts). */
export async function rawRows(tx: Tx, start: Date, end: Date): Promise<FigureRows> {
  const requests = await tx.$queryRaw<FigureRows['requests']>`
    SELECT type::text AS type, "technicianId"::text AS tech, channel::text AS channel, count(*)::int AS n, count(*) FILTER (WHERE warranty)::int AS warranty
    FROM "Ticket" WHERE "createdAt" >= ${start} AND "createdAt" < ${end}
    GROUP BY 1, 2, 3`
  const deadlines = await tx.$queryRaw<FigureRows['deadlines']>`
    SELECT t.type::text AS type, t."technicianId"::text AS tech, d.kind::text AS kind,
      count(*) FILTER (WHERE d."metAt" IS NOT NULL AND d."metAt" <= d."dueAt")::int AS on_time,
      count(*) FILTER (WHERE d."metAt" IS NOT NULL OR b.id IS NOT NULL)::int AS decided
    FROM "Deadline" d JOIN "Ticket" t ON t.id = d."ticketId" LEFT JOIN "DeadlineBreach" b ON b."deadlineId" = d.id
    WHERE deadline_decided_at(d."dueAt", d."metAt") >= ${start} AND deadline_decided_at(d."dueAt", d."metAt") < ${end}
    GROUP BY 1, 2, 3`
  const feedback = await tx.$queryRaw<FigureRows['feedback']>`
    SELECT t.type::text AS type, t."technicianId"::text AS tech,
      count(f.rating)::int AS rated, count(*) FILTER (WHERE f.rating >= 4)::int AS satisfied, COALESCE(sum(f.rating), 0)::int AS rating_sum,
      count(*) FILTER (WHERE f.status IN ('answered', 'missed', 'skipped'))::int AS settled,
      count(*) FILTER (WHERE f."inWindow")::int AS in_time
    FROM "Feedback" f JOIN "Ticket" t ON t.id = f."ticketId"
    WHERE f."completedAt" >= ${start} AND f."completedAt" < ${end}
    GROUP BY 1, 2`
  const causes = await tx.$queryRaw<FigureRows['causes']>`
    SELECT type::text AS type, "technicianId"::text AS tech, "rootCause"::text AS cause, count(*)::int AS n
    FROM "Ticket" WHERE "diagnosedAt" >= ${start} AND "diagnosedAt" < ${end} AND "rootCause" IS NOT NULL
    GROUP BY 1, 2, 3`
  const parts = await tx.$queryRaw<FigureRows['parts']>`
    SELECT t.type::text AS type, t."technicianId"::text AS tech, COALESCE(sum(p.quantity), 0)::int AS fitted, COALESCE(sum(p.quantity) FILTER (WHERE p.genuine), 0)::int AS genuine
    FROM "PartUsage" p JOIN "Ticket" t ON t.id = p."ticketId"
    WHERE p."fittedAt" >= ${start} AND p."fittedAt" < ${end}
    GROUP BY 1, 2`
  const breaches = await tx.$queryRaw<FigureRows['breaches']>`
    SELECT t.type::text AS type, t."technicianId"::text AS tech, b.kind::text AS kind, count(*)::int AS n,
      count(*) FILTER (WHERE b."forceMajeure")::int AS excused
    FROM "DeadlineBreach" b JOIN "Ticket" t ON t.id = b."ticketId"
    WHERE b."breachedAt" >= ${start} AND b."breachedAt" < ${end}
    GROUP BY 1, 2, 3`
  const damages = await tx.$queryRaw<FigureRows['damages']>`
    SELECT t.type::text AS type, t."technicianId"::text AS tech,
      count(*) FILTER (WHERE NOT g.excused)::int AS services, COALESCE(sum(g.amount), 0)::float8 AS amount,
      count(*) FILTER (WHERE g.excused)::int AS waived_services, COALESCE(sum(g.waived), 0)::float8 AS waived
    FROM "Damages" g JOIN "Ticket" t ON t.id = g."ticketId"
    WHERE g.since >= ${start} AND g.since < ${end}
    GROUP BY 1, 2`
  const reasons = await tx.$queryRaw<FigureRows['reasons']>`
    SELECT t.type::text AS type, t."technicianId"::text AS tech, n.kind::text AS reason, count(*)::int AS n
    FROM "NonConformity" n JOIN "Ticket" t ON t.id = n."ticketId"
    WHERE n.at >= ${start} AND n.at < ${end}
    GROUP BY 1, 2, 3`
  const notices = await tx.$queryRaw<FigureRows['notices']>`
    SELECT t.type::text AS type, t."technicianId"::text AS tech, count(*)::int AS n
    FROM "ForceMajeure" m JOIN "Ticket" t ON t.id = m."ticketId"
    WHERE m."declaredAt" >= ${start} AND m."declaredAt" < ${end}
    GROUP BY 1, 2`
  const complaints = await tx.$queryRaw<FigureRows['complaints']>`
    SELECT t.type::text AS type, t."technicianId"::text AS tech,
      count(*) FILTER (WHERE c."openedAt" >= ${start} AND c."openedAt" < ${end})::int AS opened,
      count(*) FILTER (WHERE c."resolvedAt" >= ${start} AND c."resolvedAt" < ${end})::int AS resolved,
      count(*) FILTER (WHERE c."openedAt" < ${end} AND (c."resolvedAt" IS NULL OR c."resolvedAt" >= ${end}))::int AS open_at_end
    FROM "Complaint" c LEFT JOIN "Ticket" t ON t.id = c."ticketId"
    WHERE c."openedAt" < ${end} AND (c."resolvedAt" IS NULL OR c."resolvedAt" >= ${start})
    GROUP BY 1, 2`
  return { requests, deadlines, feedback, causes, parts, breaches, damages, reasons, notices, complaints }
}

interface RollupSums {
  type: ServiceType | null
  tech: string | null
  requestsSms: number
  requestsWebchat: number
  requestsSlack: number
  requestsPhone: number
  requestsWhatsapp: number
  warrantyRepairs: number
  responseOnTime: number
  responseDecided: number
  installationOnTime: number
  installationDecided: number
  diagnosisOnTime: number
  diagnosisDecided: number
  rated: number
  satisfied: number
  ratingSum: number
  feedbackSettled: number
  feedbackInTime: number
  causeProductDefect: number
  causeImproperUse: number
  causeEnvironment: number
  causeWear: number
  causeOther: number
  partsFitted: number
  partsGenuine: number
  breachesResponse: number
  breachesInstallation: number
  breachesDiagnosis: number
  breachesFeedback: number
  forceMajeure: number
  damagedServices: number
  damages: number
  waivedServices: number
  damagesWaived: number
  reasonLateResponse: number
  reasonLateInstallation: number
  reasonLateDiagnosis: number
  reasonFixRejected: number
  reasonRepeatFault: number
  reasonNonGenuinePart: number
  forceMajeureNotices: number
  complaintsOpened: number
  complaintsResolved: number
}

const CAUSE_COLUMNS = { product_defect: 'causeProductDefect', improper_use: 'causeImproperUse', environment: 'causeEnvironment', wear: 'causeWear', other: 'causeOther' } as const
const REASON_COLUMNS = {
  late_response: 'reasonLateResponse',
  late_installation: 'reasonLateInstallation',
  late_diagnosis: 'reasonLateDiagnosis',
  fix_rejected: 'reasonFixRejected',
  repeat_fault: 'reasonRepeatFault',
  non_genuine_part: 'reasonNonGenuinePart',
} as const
const capitalised = <T extends string>(text: T) => (text[0]!.toUpperCase() + text.slice(1)) as Capitalize<T>

/** The rollups of whole days `from`..`to` (service time, both included), in raw rows' shape. */
export async function rollupRows(tx: Tx, from: string, to: string): Promise<FigureRows> {
  // One row per type and technician for the whole period (a year: about 50,000 daily rows summed).
  const sums = await tx.$queryRaw<RollupSums[]>`
    SELECT type::text AS type, "technicianId"::text AS tech,
      sum("requestsSms")::int AS "requestsSms", sum("requestsWebchat")::int AS "requestsWebchat", sum("requestsSlack")::int AS "requestsSlack", sum("requestsPhone")::int AS "requestsPhone", sum("requestsWhatsapp")::int AS "requestsWhatsapp",
      sum("warrantyRepairs")::int AS "warrantyRepairs",
      sum("responseOnTime")::int AS "responseOnTime", sum("responseDecided")::int AS "responseDecided",
      sum("installationOnTime")::int AS "installationOnTime", sum("installationDecided")::int AS "installationDecided",
      sum("diagnosisOnTime")::int AS "diagnosisOnTime", sum("diagnosisDecided")::int AS "diagnosisDecided",
      sum(rated)::int AS rated, sum(satisfied)::int AS satisfied, sum("ratingSum")::int AS "ratingSum",
      sum("feedbackSettled")::int AS "feedbackSettled", sum("feedbackInTime")::int AS "feedbackInTime",
      sum("causeProductDefect")::int AS "causeProductDefect", sum("causeImproperUse")::int AS "causeImproperUse",
      sum("causeEnvironment")::int AS "causeEnvironment", sum("causeWear")::int AS "causeWear", sum("causeOther")::int AS "causeOther",
      sum("partsFitted")::int AS "partsFitted", sum("partsGenuine")::int AS "partsGenuine",
      sum("breachesResponse")::int AS "breachesResponse", sum("breachesInstallation")::int AS "breachesInstallation",
      sum("breachesDiagnosis")::int AS "breachesDiagnosis", sum("breachesFeedback")::int AS "breachesFeedback",
      sum("forceMajeure")::int AS "forceMajeure",
      sum("damagedServices")::int AS "damagedServices", sum(damages)::float8 AS damages, sum("waivedServices")::int AS "waivedServices", sum("damagesWaived")::float8 AS "damagesWaived",
      sum("reasonLateResponse")::int AS "reasonLateResponse", sum("reasonLateInstallation")::int AS "reasonLateInstallation",
      sum("reasonLateDiagnosis")::int AS "reasonLateDiagnosis", sum("reasonFixRejected")::int AS "reasonFixRejected",
      sum("reasonRepeatFault")::int AS "reasonRepeatFault", sum("reasonNonGenuinePart")::int AS "reasonNonGenuinePart",
      sum("forceMajeureNotices")::int AS "forceMajeureNotices",
      sum("complaintsOpened")::int AS "complaintsOpened", sum("complaintsResolved")::int AS "complaintsResolved"
    FROM "ReportDay" WHERE day >= ${from}::date AND day <= ${to}::date
    GROUP BY 1, 2`
  // Open at the end: every complaint opened up to the last day, less those resolved by then.
  const open = await tx.$queryRaw<{ type: ServiceType | null; tech: string | null; open_at_end: number }[]>`
    SELECT type::text AS type, "technicianId"::text AS tech, sum("complaintsOpened" - "complaintsResolved")::int AS open_at_end
    FROM "ReportDay" WHERE day <= ${to}::date AND ("complaintsOpened" <> 0 OR "complaintsResolved" <> 0)
    GROUP BY 1, 2`
  const rows: FigureRows = { requests: [], deadlines: [], feedback: [], causes: [], parts: [], breaches: [], damages: [], reasons: [], notices: [], complaints: [] }
  for (const { type, tech, open_at_end } of open) if (open_at_end) rows.complaints.push({ type, tech, opened: 0, resolved: 0, open_at_end })
  for (const sum of sums) {
    if (sum.complaintsOpened || sum.complaintsResolved) {
      rows.complaints.push({ type: sum.type, tech: sum.tech, opened: sum.complaintsOpened, resolved: sum.complaintsResolved, open_at_end: 0 })
    }
    // Complaints about no ticket have no type, and nothing else.
    if (!sum.type) continue
    const key = { type: sum.type, tech: sum.tech }
    for (const channel of CHANNELS) {
      const n = sum[`requests${capitalised(channel)}`]
      if (n) rows.requests.push({ ...key, channel, n, warranty: 0 })
    }
    // Warranty repairs are summed per key, not per channel: a row of their own adds them up.
    if (sum.warrantyRepairs) rows.requests.push({ ...key, channel: 'sms', n: 0, warranty: sum.warrantyRepairs })
    for (const kind of ['response', 'installation', 'diagnosis'] as const) {
      rows.deadlines.push({ ...key, kind, on_time: sum[`${kind}OnTime`], decided: sum[`${kind}Decided`] })
    }
    rows.feedback.push({ ...key, rated: sum.rated, satisfied: sum.satisfied, rating_sum: sum.ratingSum, settled: sum.feedbackSettled, in_time: sum.feedbackInTime })
    for (const [cause, column] of Object.entries(CAUSE_COLUMNS)) rows.causes.push({ ...key, cause, n: sum[column] })
    rows.parts.push({ ...key, fitted: sum.partsFitted, genuine: sum.partsGenuine })
    // The excused breaches are counted per key, not per kind: they ride on the first kind's row.
    for (const kind of DEADLINE_KINDS) rows.breaches.push({ ...key, kind, n: sum[`breaches${capitalised(kind)}`], excused: kind === 'response' ? sum.forceMajeure : 0 })
    rows.damages.push({ ...key, services: sum.damagedServices, amount: sum.damages, waived_services: sum.waivedServices, waived: sum.damagesWaived })
    for (const [reason, column] of Object.entries(REASON_COLUMNS)) rows.reasons.push({ ...key, reason, n: sum[column] })
    rows.notices.push({ ...key, n: sum.forceMajeureNotices })
  }
  return rows
}

/** §4.1a, §4.1d: few rows, read from the tables whatever the source of the rest. */
export interface ClaimRows {
  partyABreaches: (Key & { kind: string; n: number })[]
  directLosses: (Key & { caused_by: 'party_a' | 'party_b'; n: number; amount: number })[]
}

export async function claimRows(tx: Tx, start: Date, end: Date): Promise<ClaimRows> {
  const partyABreaches = await tx.$queryRaw<ClaimRows['partyABreaches']>`
    SELECT t.type::text AS type, t."technicianId"::text AS tech, p.kind::text AS kind, count(*)::int AS n
    FROM "PartyABreach" p JOIN "Ticket" t ON t.id = p."ticketId"
    WHERE p.at >= ${start} AND p.at < ${end}
    GROUP BY 1, 2, 3`
  const directLosses = await tx.$queryRaw<ClaimRows['directLosses']>`
    SELECT t.type::text AS type, t."technicianId"::text AS tech, l."causedBy"::text AS caused_by, count(*)::int AS n, sum(l.amount)::float8 AS amount
    FROM "DirectLoss" l JOIN "Ticket" t ON t.id = l."ticketId"
    WHERE l.at >= ${start} AND l.at < ${end}
    GROUP BY 1, 2, 3`
  return { partyABreaches, directLosses }
}
