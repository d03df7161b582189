/**
 * §4.1b–c: why a service does not conform, and the force majeure that excuses some of it.
 * Each reason is a NonConformity row; a trigger keeps the service's Damages from them (10% of
 * the value once, whatever the number of reasons; waived when every reason is excused). A force
 * majeure excuses only the obligations it names, or the deadlines due within its period.
 */
import type { Tx } from '../db/client.ts'
import type { DeadlineKind } from './action-input.ts'

export type NonConformityKind = 'late_response' | 'late_installation' | 'late_diagnosis' | 'fix_rejected' | 'repeat_fault' | 'non_genuine_part'

/** The deadlines whose lateness makes a service non-conforming (a late survey does not: §3.3a is ours to report, not the service's quality). */
export const LATE: Partial<Record<DeadlineKind, NonConformityKind>> = { response: 'late_response', installation: 'late_installation', diagnosis: 'late_diagnosis' }

export async function recordNonConformity(tx: Tx, reason: { ticketId: string; kind: NonConformityKind; at: Date; detail?: string | null; breachId?: string; excused?: boolean }) {
  await tx.nonConformity.create({
    data: { ticketId: reason.ticketId, kind: reason.kind, at: reason.at, detail: reason.detail?.slice(0, 2000) ?? null, breachId: reason.breachId ?? null, excused: reason.excused ?? false },
  })
}

/** Whether a force majeure declared on the ticket covers this deadline. */
export async function excusedDeadline(tx: Tx, ticketId: string, kind: DeadlineKind, dueAt: Date): Promise<boolean> {
  const [covered] = await tx.$queryRaw<{ covered: boolean }[]>`
    SELECT EXISTS (
      SELECT 1 FROM "ForceMajeure" WHERE "ticketId" = ${ticketId}::uuid
        AND (${kind}::"DeadlineKind" = ANY (affects) OR ("from" <= ${dueAt} AND "to" >= ${dueAt}))
    ) AS covered`
  return Boolean(covered?.covered)
}

export interface ForceMajeureInput {
  note: string
  affects?: DeadlineKind[]
  from?: string
  to?: string
}

/**
 * Excuses what a force majeure just declared covers among the breaches already on record (and
 * their reasons); later breaches are checked against it as they happen (excusedDeadline).
 * @returns the kinds of the breaches it excused now
 */
export async function declareForceMajeure(tx: Tx, ticketId: string, input: ForceMajeureInput): Promise<DeadlineKind[]> {
  const from = input.from ? new Date(input.from) : null
  const to = input.to ? new Date(input.to) : null
  const breaches = await tx.deadlineBreach.findMany({ where: { ticketId, forceMajeure: false }, select: { id: true, kind: true, dueAt: true } })
  const covered = breaches.filter((breach) => input.affects?.includes(breach.kind) || (from && to && breach.dueAt >= from && breach.dueAt <= to))
  if (!covered.length) return []
  const ids = covered.map((breach) => breach.id)
  await tx.deadlineBreach.updateMany({ where: { id: { in: ids } }, data: { forceMajeure: true } })
  await tx.nonConformity.updateMany({ where: { breachId: { in: ids } }, data: { excused: true } })
  return covered.map((breach) => breach.kind)
}
