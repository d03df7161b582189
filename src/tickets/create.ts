/**
 * A new ticket in status `submitted`, with its deadlines (§2.2, §2.1a), its warranty link (§2.2a),
 * whether its model is listed (§3.2a) and its first event, in two statements: `prepareTicket`
 * reads what the writes need (the number, the warranty repair, the catalogue), `ticketWrites`
 * writes it all as CTEs of one statement (submit.ts adds the Slack post's job). The conversation's
 * fast path (fast-turn.ts) embeds them in the statement that saves the turn.
 */
import { randomUUID } from 'node:crypto'
import type { Submission } from '../../flows/intake.ts'
import type { Locale } from '../../flows/locale.ts'
import { modelKey } from '../../flows/products.ts'
import type { Channel } from '../channels/types.ts'
import { Prisma, type Db } from '../db/client.ts'
import type { BusinessCalendar } from './calendar.ts'
import { deadlinesAtSubmission, type DeadlineDue } from './deadlines.ts'
import { formatTicketNumber } from './numbers.ts'
import { warrantyCoversSince } from './warranty.ts'

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
  deadlines: DeadlineDue[]
  warrantyOf: { id: string; number: string } | null
}

/** A ticket ready to be written: everything the writes need that the database had to say. */
export interface PreparedTicket extends CreatedTicketRecord {
  seq: number
  /** §3.2a: null without a catalogue. */
  listed: boolean | null
}

/** One statement: the next number, the earlier repair this one claims warranty on, the catalogue's word on the model. */
export async function prepareTicket(db: Db, submission: Submission, at: Date, calendar: BusinessCalendar): Promise<PreparedTicket> {
  const serial = submission.serviceType === 'repair' ? submission.serialNumber : null
  const [row] = await db.$queryRaw<{ seq: number; listed: boolean | null; warrantyOf: { id: string; number: string } | null }[]>`
    SELECT nextval(pg_get_serial_sequence('"Ticket"', 'seq'))::int AS seq,
      CASE WHEN EXISTS (SELECT 1 FROM "Product") THEN EXISTS (SELECT 1 FROM "Product" WHERE key = ${modelKey(submission.productModel)}) END AS listed,
      (SELECT json_build_object('id', id, 'number', number) FROM "Ticket"
        WHERE ${serial}::text IS NOT NULL AND "serialNumber" = ${serial}::text AND type = 'repair' AND status IN ('resolved', 'completed', 'closed')
          AND "resolvedAt" >= ${warrantyCoversSince(at, calendar.timeZone)} AND "resolvedAt" <= ${at}
        ORDER BY "resolvedAt" DESC LIMIT 1) AS "warrantyOf"`
  return {
    id: randomUUID(),
    seq: row!.seq,
    number: formatTicketNumber(calendar.dayOf(at).slice(0, 4), row!.seq),
    listed: row!.listed,
    warrantyOf: row!.warrantyOf,
    deadlines: deadlinesAtSubmission({ type: submission.serviceType, submittedAt: at, deliveryDate: submission.deliveryDate }, calendar),
  }
}

/**
 * The ticket's writes as CTEs (`ticket`, `event`, `deadlines`, `conformity`, `files`) for a WITH clause
 * that defines `gate` first: they happen only if `gate` yields a row.
 */
export function ticketWrites(ticket: PreparedTicket, input: NewTicket): Prisma.Sql {
  const { submission, at } = input
  const deadlines = JSON.stringify(ticket.deadlines.map((deadline) => ({ kind: deadline.kind, startsAt: deadline.startsAt.toISOString(), dueAt: deadline.dueAt.toISOString() })))
  const eventData = JSON.stringify({ channel: input.channel, ...(ticket.warrantyOf && { warrantyOf: ticket.warrantyOf.number }) })
  return Prisma.sql`
    ticket AS (
      INSERT INTO "Ticket" (id, seq, number, "customerId", "conversationId", type, "productModel", "serialNumber", description, "deliveryDate", "siteAddress",
        "contactName", channel, "channelAddress", locale, warranty, "productListed", "serviceValue", "warrantyOfId", "createdAt", "updatedAt")
      SELECT ${ticket.id}::uuid, ${ticket.seq}::int, ${ticket.number}, ${input.customerId}::uuid, ${input.conversationId}::uuid, ${submission.serviceType}::"ServiceType",
        ${submission.productModel}, ${submission.serialNumber}::text, ${submission.description}::text, ${submission.deliveryDate}::date, ${submission.siteAddress}::text,
        ${submission.contactName}, ${input.channel}::"RequestChannel", ${input.channelAddress}, ${input.locale}, ${ticket.warrantyOf !== null}, ${ticket.listed}::boolean,
        ${input.serviceValue}::numeric, ${ticket.warrantyOf?.id ?? null}::uuid, ${at}, ${at}
      FROM gate
      RETURNING id
    ), event AS (
      INSERT INTO "TicketEvent" ("ticketId", type, actor, at, data)
      SELECT id, 'submitted', ${input.actor}, ${at}, ${eventData}::jsonb FROM ticket
    ), deadlines AS (
      INSERT INTO "Deadline" (id, "ticketId", kind, "startsAt", "dueAt")
      SELECT gen_random_uuid(), ticket.id, (d->>'kind')::"DeadlineKind", (d->>'startsAt')::timestamp, (d->>'dueAt')::timestamp
      FROM ticket, jsonb_array_elements(${deadlines}::jsonb) AS d
    ), conformity AS (
      -- §2.2a, §4.1b: the earlier repair did not hold; that service no longer conforms.
      INSERT INTO "NonConformity" (id, "ticketId", kind, at, detail, excused)
      SELECT gen_random_uuid(), ${ticket.warrantyOf?.id ?? null}::uuid, 'repeat_fault', ${at}, ${ticket.number}, false
      FROM ticket WHERE ${ticket.warrantyOf?.id ?? null}::uuid IS NOT NULL
    ), files AS (
      -- Issue 14: the photos the customer sent that are on no ticket yet go with this one.
      UPDATE "Attachment" a SET "ticketId" = ticket.id FROM ticket
      WHERE a.channel = ${input.channel === 'phone' ? 'sms' : input.channel}::"Channel" AND a.address = ${input.channelAddress} AND a."ticketId" IS NULL
    )`
}
