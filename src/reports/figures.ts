/**
 * The agreement's figures (§3.1f, §3.3b–d) as plain data: every share states its numerator and
 * denominator, so a reader can check it and a report can be summed across periods.
 */
import { ROOT_CAUSES, type RootCause } from '../tickets/action-input.ts'
import { SERVICE_TYPES, type ServiceType } from '../../flows/service-types.ts'

export interface Ratio {
  numerator: number
  denominator: number
  /** numerator / denominator, or null when there is nothing to divide by. */
  value: number | null
}

export const ratio = (numerator: number, denominator: number): Ratio => ({ numerator, denominator, value: denominator ? numerator / denominator : null })

/** How requests reached us: the customers' channels, and §3.1a phone calls that staff logged. */
export const CHANNELS = ['sms', 'webchat', 'slack', 'phone', 'whatsapp'] as const
export const DEADLINE_KINDS = ['response', 'installation', 'diagnosis', 'feedback'] as const
export const PARTY_A_BREACH_KINDS = ['late_product_data', 'late_parts', 'visit_prevented'] as const
export const NON_CONFORMITIES = ['late_response', 'late_installation', 'late_diagnosis', 'fix_rejected', 'repeat_fault', 'non_genuine_part'] as const

export interface Figures {
  /** Requests submitted in the period. */
  requests: { total: number; byType: Record<ServiceType, number>; byChannel: Record<(typeof CHANNELS)[number], number> }
  /** §2.2: response deadlines decided in the period (met in time: the day met; missed: the day due), met in time. */
  respondedWithin24h: Ratio
  /** §2.1a */
  installedWithin3WorkingDays: Ratio
  /** §3.1c */
  diagnosedWithin1h: Ratio
  /** Submission → the customer's confirmation, for services completed in the period: total days / services. */
  cycleDays: { total: number; count: number; average: number | null; median: number | null }
  /** §3.3b: ratings of 4 or 5 over ratings received, for services completed in the period. */
  satisfaction: Ratio
  averageRating: Ratio
  /** §3.3a: feedback collected within 24 h over completed services whose feedback is settled. */
  feedbackWithin24h: Ratio
  /** §3.2c: diagnoses in the period by root cause, and the share each party answers for. */
  rootCauses: { byCause: Record<RootCause, number>; partyA: Ratio; partyB: Ratio }
  /** §2.3: parts fitted in the period (quantities), share genuine. */
  parts: { fitted: number; genuine: Ratio }
  /** §2.2a: warranty repairs among repairs requested in the period. */
  warrantyRepairs: Ratio
  /** §3.3d */
  complaints: { opened: number; resolved: number; openAtEnd: number }
  /** Deadlines breached in the period, and how many of them force majeure excused (§4.1c). */
  breaches: {
    byKind: Record<(typeof DEADLINE_KINDS)[number], number>
    total: number
    excused: number
  }
  /**
   * §4.1b: services that stopped conforming in the period (dated by their first reason): those
   * owing damages (10% of their value, once per service) and the amount; those whose every reason
   * force majeure excused, and the amount waived; the reasons that arose in the period.
   */
  damages: {
    services: number
    amount: number
    waived: { services: number; amount: number }
    byReason: Record<(typeof NON_CONFORMITIES)[number], number>
  }
  /** §4.1c: force majeure notices given to Party A in the period. */
  forceMajeureNotices: number
  /** §4.1a: Party A's breaches recorded in the period, by kind. */
  partyABreaches: { byKind: Record<(typeof PARTY_A_BREACH_KINDS)[number], number>; total: number }
  /** §4.1d: direct losses recorded in the period, by the party that caused them. */
  directLosses: { partyA: { count: number; amount: number }; partyB: { count: number; amount: number } }
}

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((key) => [key, 0])) as Record<K, number>

export function emptyFigures(): Figures {
  return {
    requests: { total: 0, byType: zeros(SERVICE_TYPES), byChannel: zeros(CHANNELS) },
    respondedWithin24h: ratio(0, 0),
    installedWithin3WorkingDays: ratio(0, 0),
    diagnosedWithin1h: ratio(0, 0),
    cycleDays: { total: 0, count: 0, average: null, median: null },
    satisfaction: ratio(0, 0),
    averageRating: ratio(0, 0),
    feedbackWithin24h: ratio(0, 0),
    rootCauses: { byCause: zeros(ROOT_CAUSES), partyA: ratio(0, 0), partyB: ratio(0, 0) },
    parts: { fitted: 0, genuine: ratio(0, 0) },
    warrantyRepairs: ratio(0, 0),
    complaints: { opened: 0, resolved: 0, openAtEnd: 0 },
    breaches: { byKind: zeros(DEADLINE_KINDS), total: 0, excused: 0 },
    damages: { services: 0, amount: 0, waived: { services: 0, amount: 0 }, byReason: zeros(NON_CONFORMITIES) },
    forceMajeureNotices: 0,
    partyABreaches: { byKind: zeros(PARTY_A_BREACH_KINDS), total: 0 },
    directLosses: { partyA: { count: 0, amount: 0 }, partyB: { count: 0, amount: 0 } },
  }
}

export interface AgreementReport {
  period: { from: string; to: string; timeZone: string; start: string; end: string }
  /**
   * Where the summable figures came from: the daily rollups (kept in the same transaction as
   * every change, so never behind), or the raw rows while the rollups are being built or are
   * in another time zone. Both give the same figures.
   */
  source: 'rollups' | 'rows'
  currency: string
  overall: Figures
  byType: Record<ServiceType, Figures>
  byTechnician: { technician: { id: string; name: string }; figures: Figures }[]
}
