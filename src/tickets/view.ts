/** Reading a ticket with everything staff see about it (admin API, Slack). */
import type { Db, Prisma } from '../db/client.ts'
import { STAFF_ADDRESS_PREFIX } from '../media/intake.ts'
import { legalActions } from '../../flows/ticket.machine.ts'

export const ticketDetailInclude = {
  customer: { select: { id: true, name: true, phone: true, locale: true } },
  technician: { select: { id: true, name: true, phone: true, slackUserId: true } },
  warrantyOf: { select: { number: true, resolvedAt: true } },
  partsWarrantyOf: { select: { number: true } },
  deadlines: { orderBy: { dueAt: 'asc' }, select: { kind: true, startsAt: true, dueAt: true, metAt: true, warnedAt: true } },
  breaches: { orderBy: { breachedAt: 'asc' }, select: { kind: true, dueAt: true, breachedAt: true, forceMajeure: true } },
  nonConformities: { orderBy: { at: 'asc' }, select: { kind: true, at: true, excused: true, detail: true } },
  damages: { select: { value: true, amount: true, waived: true, excused: true, since: true } },
  forceMajeures: { orderBy: { declaredAt: 'asc' }, select: { affects: true, from: true, to: true, note: true, actor: true, declaredAt: true } },
  partyABreaches: { orderBy: { at: 'asc' }, select: { kind: true, note: true, actor: true, at: true } },
  directLosses: { orderBy: { at: 'asc' }, select: { causedBy: true, amount: true, evidence: true, actor: true, at: true } },
  parts: { orderBy: { fittedAt: 'asc' }, select: { partNumber: true, name: true, quantity: true, genuine: true, reason: true, fittedAt: true, warrantyEndsAt: true } },
  events: { orderBy: { id: 'asc' }, select: { type: true, actor: true, at: true, data: true } },
  feedback: {
    select: {
      status: true,
      channel: true,
      completedAt: true,
      askAt: true,
      askedAt: true,
      remindedAt: true,
      answeredAt: true,
      windowEndsAt: true,
      rating: true,
      comment: true,
      inWindow: true,
      source: true,
    },
  },
  complaints: { orderBy: { openedAt: 'asc' }, select: { number: true, source: true, status: true, text: true, openedAt: true, resolvedAt: true, outcome: true } },
  attachments: { orderBy: [{ createdAt: 'asc' }, { position: 'asc' }], select: { id: true, status: true, contentType: true, bytes: true, refusal: true, createdAt: true, address: true } },
} satisfies Prisma.TicketInclude

export type TicketDetail = Prisma.TicketGetPayload<{ include: typeof ticketDetailInclude }>

export function findTicketDetail(db: Db, number: string): Promise<TicketDetail | null> {
  return db.ticket.findUnique({ where: { number: number.toUpperCase() }, include: ticketDetailInclude })
}

/** The JSON shape of a ticket in the admin API: internal ids out, money as numbers. */
export function ticketJson(ticket: TicketDetail) {
  const {
    id: _id,
    seq: _seq,
    customerId: _c,
    conversationId: _v,
    warrantyOfId: _w,
    partsWarrantyOfId: _pw,
    technicianId: _t,
    slackChannel: _sc,
    slackTs: _st,
    nonConformities,
    damages,
    ...rest
  } = ticket
  return {
    ...rest,
    serviceValue: Number(ticket.serviceValue),
    deliveryDate: ticket.deliveryDate?.toISOString().slice(0, 10) ?? null,
    // §4.1b: owed once for the service, with every reason; null while it conforms.
    damages: damages && {
      value: Number(damages.value),
      amount: Number(damages.amount),
      waived: Number(damages.waived),
      excused: damages.excused,
      since: damages.since,
      reasons: nonConformities,
    },
    directLosses: ticket.directLosses.map((loss) => ({ ...loss, amount: Number(loss.amount) })),
    events: ticket.events.map((event) => ({ ...event })),
    /** What can be done to it now (the console's forms, Slack's buttons). */
    legalActions: legalActions(ticket.type, ticket.status),
    // Issue 14: the customer's files and the technician's, each served at its `url` with the admin token.
    attachments: ticket.attachments.map(({ address, ...file }) => ({ ...file, from: attachmentSender(address), url: file.status === 'stored' ? `/api/attachments/${file.id}` : null })),
  }
}

/** Who sent a file: the customer, or staff (photos of the work, posted in the ticket's thread). */
export const attachmentSender = (address: string): 'customer' | 'staff' => (address.startsWith(STAFF_ADDRESS_PREFIX) ? 'staff' : 'customer')
