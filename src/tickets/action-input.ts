/**
 * What each ticket action needs, parsed once at the boundary (admin API body, Slack modal) and
 * trusted afterwards. Clause references say why a field exists.
 */
import { z } from 'zod'

const text = (max: number) => z.string().trim().min(1).max(max)

export const ROOT_CAUSES = ['product_defect', 'improper_use', 'environment', 'wear', 'other'] as const
export type RootCause = (typeof ROOT_CAUSES)[number]

/** §3.2c: product defects are the manufacturer's (Party A); improper use and environment the service company's (Party B). */
export const RESPONSIBLE_PARTY: Record<RootCause, 'A' | 'B' | null> = {
  product_defect: 'A',
  improper_use: 'B',
  environment: 'B',
  wear: null,
  other: null,
}

/** §4.1a: what Party A can fail to do. */
export const PARTY_A_BREACHES = ['late_product_data', 'late_parts', 'visit_prevented'] as const

/** The obligations with a deadline (§2.1a, §2.2, §3.1c, §3.3a). */
export const DEADLINE_KINDS = ['response', 'installation', 'diagnosis', 'feedback'] as const
export type DeadlineKind = (typeof DEADLINE_KINDS)[number]

export const partInput = z
  .object({
    partNumber: text(60),
    name: text(120),
    quantity: z.number().int().min(1).max(10_000),
    /** §2.3: original parts are 100% genuine; anything else is recorded as such, with why. */
    genuine: z.boolean(),
    reason: text(500).optional(),
  })
  .refine((part) => part.genuine || part.reason, { message: 'a part that is not genuine needs a reason (§2.3)', path: ['reason'] })
export type PartInput = z.infer<typeof partInput>

export const ticketActionInput = z.discriminatedUnion('action', [
  /** §3.1b: problem confirmed, technician arranged, appointment made. */
  z.object({ action: z.literal('respond'), technician: text(120), appointmentAt: z.iso.datetime({ offset: true }).optional(), category: text(200).optional(), note: text(2000).optional() }),
  /** §3.1c: on site; the 1-hour diagnosis clock starts. */
  z.object({ action: z.literal('arrive'), note: text(2000).optional() }),
  z.object({ action: z.literal('diagnose'), rootCause: z.enum(ROOT_CAUSES), findings: text(4000) }),
  z.object({ action: z.literal('record_parts'), parts: z.array(partInput).min(1).max(50) }),
  /** §3.1d: the functional test; a failure goes back to repair. */
  z.object({ action: z.literal('test'), passed: z.boolean(), notes: text(2000).optional() }),
  z.object({ action: z.literal('ship'), carrier: text(120).optional(), tracking: text(120).optional(), note: text(2000).optional() }),
  /** §3.1e: the fix; the customer receives the service record. */
  z.object({ action: z.literal('resolve'), solution: text(4000) }),
  /** The customer confirmed the fix (by phone, when staff record it). */
  z.object({ action: z.literal('confirm'), note: text(2000).optional() }),
  /** The customer says it is not fixed. */
  z.object({ action: z.literal('reject'), reason: text(2000).optional() }),
  z.object({ action: z.literal('reopen'), reason: text(2000) }),
  z.object({ action: z.literal('close'), note: text(2000).optional() }),
  z.object({ action: z.literal('cancel'), reason: text(2000) }),
  /**
   * §4.1c: an event that prevented some obligations: the deadlines it names, or every deadline
   * due within its period. It excuses those alone, and Party A is notified.
   */
  z
    .object({
      action: z.literal('force_majeure'),
      note: text(2000),
      affects: z.array(z.enum(DEADLINE_KINDS)).min(1).max(DEADLINE_KINDS.length).optional(),
      from: z.iso.datetime({ offset: true }).optional(),
      to: z.iso.datetime({ offset: true }).optional(),
    })
    .refine((input) => input.affects || (input.from && input.to), { message: 'name the deadlines it prevented (affects), or the period it lasted (from and to)', path: ['affects'] })
    .refine((input) => !input.from || !input.to || Date.parse(input.from) <= Date.parse(input.to), { message: 'from must not be after to', path: ['to'] }),
  /** §3.2e: another technician takes the service over, and why. */
  z.object({ action: z.literal('reassign'), technician: text(120), reason: text(2000) }),
  /** §4.1a: Party A did not do its part on this service. */
  z.object({ action: z.literal('party_a_breach'), kind: z.enum(PARTY_A_BREACHES), note: text(2000) }),
  /** §4.1d: a direct loss one party caused the other, with its evidence. */
  z.object({ action: z.literal('direct_loss'), causedBy: z.enum(['party_a', 'party_b']), amount: z.number().positive().max(100_000_000), evidence: text(2000) }),
  /** §4.1b: the value liquidated damages are computed from. */
  z.object({ action: z.literal('set_service_value'), value: z.number().min(0).max(100_000_000), note: text(2000).optional() }),
])
export type TicketActionInput = z.infer<typeof ticketActionInput>
