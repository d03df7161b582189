import type { Submission } from '../../flows/intake.ts'
import type { Locale } from '../../flows/locale.ts'
import type { Channel } from '../channels/types.ts'
import type { Tx } from '../db/client.ts'
import type { BusinessCalendar } from './calendar.ts'
import { deadlinesAtSubmission } from './deadlines.ts'
import { formatTicketNumber } from './numbers.ts'
import { modelKey } from '../../flows/products.ts'
import { recordNonConformity } from './conformity.ts'
import { findWarrantyRepair } from './warranty.ts'

export interface NewTicket {
  submission: Submission
  customerId: string
  conversationId: string | null
  /** How the request reached us: a customer's channel, or a phone call staff logged (§3.1a). */
  channel: Channel | 'phone'
  channelAddress: string
  locale: Locale
  /** Who submitted it, for the audit trail: `customer:<identity id>`, `staff:<name>`. */
  actor: string
  at: Date
  /** §4.1b: from the price list for the service type. */
  serviceValue: number
}

export interface CreatedTicketRecord {
  id: string
  number: string
  deadlines: { kind: string; dueAt: Date }[]
  warrantyOf: { id: string; number: string } | null
}

/**
 * Creates a ticket in status `submitted` with its deadlines (§2.2, §2.1a), its warranty link
 * (§2.2a) and its first event. Runs inside the caller's transaction.
 */
export async function createTicket(tx: Tx, input: NewTicket, calendar: BusinessCalendar): Promise<CreatedTicketRecord> {
  const { submission, at } = input
  // §3.2a: whether the model is in the catalogue (null without one), in the same round trip.
  const [row] = await tx.$queryRaw<{ seq: number; listed: boolean | null }[]>`
    SELECT nextval(pg_get_serial_sequence('"Ticket"', 'seq'))::int AS seq,
      CASE WHEN EXISTS (SELECT 1 FROM "Product") THEN EXISTS (SELECT 1 FROM "Product" WHERE key = ${modelKey(submission.productModel)}) END AS listed`
  const number = formatTicketNumber(calendar.dayOf(at).slice(0, 4), row!.seq)
  const warrantyOf = submission.serviceType === 'repair' ? await findWarrantyRepair(tx, submission.serialNumber, at, calendar.timeZone) : null
  const deadlines = deadlinesAtSubmission({ type: submission.serviceType, submittedAt: at, deliveryDate: submission.deliveryDate }, calendar)

  const ticket = await tx.ticket.create({
    data: {
      seq: row!.seq,
      number,
      customerId: input.customerId,
      conversationId: input.conversationId,
      type: submission.serviceType,
      productModel: submission.productModel,
      serialNumber: submission.serialNumber,
      description: submission.description,
      deliveryDate: submission.deliveryDate ? new Date(`${submission.deliveryDate}T00:00:00Z`) : null,
      siteAddress: submission.siteAddress,
      contactName: submission.contactName,
      channel: input.channel,
      channelAddress: input.channelAddress,
      locale: input.locale,
      warranty: warrantyOf !== null,
      productListed: row!.listed,
      serviceValue: input.serviceValue,
      warrantyOfId: warrantyOf?.id ?? null,
      createdAt: at,
      updatedAt: at,
      events: {
        create: {
          type: 'submitted',
          actor: input.actor,
          at,
          data: { channel: input.channel, ...(warrantyOf ? { warrantyOf: warrantyOf.number } : {}) },
        },
      },
      deadlines: { create: deadlines.map((deadline) => ({ kind: deadline.kind, startsAt: deadline.startsAt, dueAt: deadline.dueAt })) },
    },
    select: { id: true, number: true },
  })
  // §2.2a, §4.1b: the earlier repair did not hold; that service no longer conforms.
  if (warrantyOf) await recordNonConformity(tx, { ticketId: warrantyOf.id, kind: 'repeat_fault', at, detail: ticket.number })
  return { id: ticket.id, number: ticket.number, deadlines, warrantyOf }
}
