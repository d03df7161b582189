/**
 * The agreement's follow-ups of ticket actions, as listeners of their domain events (events.ts),
 * registered once at assembly. Each runs in the action's transaction.
 */
import type { FeedbackConfig } from '../config.ts'
import { openComplaint } from '../complaints/service.ts'
import { scheduleFeedback } from '../feedback/service.ts'
import { QUEUES, type JobQueue } from '../jobs/queue.ts'
import { queueMessage } from '../notifications/outbox.ts'
import { resolutionNotice, resolutionNotification, responseNotification } from '../notifications/templates.ts'
import { alertStaff } from '../staff/alerts.ts'
import { declareForceMajeure, recordNonConformity } from './conformity.ts'
import type { TicketService } from './apply.ts'
import { SYSTEM } from './actors.ts'
import { STAFF_ADDRESS_PREFIX } from '../media/intake.ts'
import type { TicketChange, TicketEvents } from './events.ts'
import { loadServiceRecord } from '../records/record.ts'

export interface FollowUpDeps {
  jobs: JobQueue
  timeZone: string
  feedback: FeedbackConfig
  /** The ticket service (built after the listeners are registered). */
  tickets(): TicketService
  /** A signed link to a stored file, which the customer's channel can fetch. */
  mediaUrl?(id: string): string
  /** Issue 18: the customer's signed link to the printable service record. */
  recordUrl?(ticketId: string, at: Date): string
}

/** At most this many of the technician's photos go with the service record (an MMS carries 10). */
const RECORD_PHOTOS = 5

/** Queues a message to the customer on the channel the ticket came from, if it has a conversation. */
async function notifyCustomer(change: Pick<TicketChange, 'tx' | 'ticket' | 'at'>, kind: 'response_notification' | 'resolution_notification', reply: Parameters<typeof queueMessage>[1]['reply']) {
  const { ticket } = change
  if (!ticket.conversationId || !ticket.conversation) return
  await queueMessage(change.tx, { conversationId: ticket.conversationId, channel: ticket.conversation.identity.channel, kind, ticketId: ticket.id, reply, at: change.at })
}

export function registerFollowUps(events: TicketEvents, deps: FollowUpDeps): void {
  const { jobs, timeZone } = deps

  // §3.1b: the customer hears that the request was accepted, who comes and when.
  events.on('ticket.responded', async (change) => {
    const { ticket, input } = change
    const appointmentAt = input.appointmentAt ? new Date(input.appointmentAt) : null
    await notifyCustomer(
      change,
      'response_notification',
      responseNotification({ number: ticket.number, type: ticket.type, category: input.category ?? ticket.category, technician: change.technician!, appointmentAt }, change.locale, timeZone),
    )
  })

  // §3.1e: the service record goes to the customer with the resolution.
  events.on('ticket.resolved', async (change) => {
    const { ticket, tx } = change
    // Issue 14: the technician's photos (posted in the ticket's thread) go with the record.
    const photos = deps.mediaUrl
      ? await tx.attachment.findMany({
          where: { ticketId: ticket.id, status: 'stored', address: { startsWith: STAFF_ADDRESS_PREFIX } },
          orderBy: [{ createdAt: 'asc' }, { position: 'asc' }],
          take: RECORD_PHOTOS,
          select: { id: true, contentType: true },
        })
      : []
    const record = (await loadServiceRecord(tx, ticket.id))!
    // Issue 18: by SMS and WhatsApp, what was done and the question, the record behind its link (a
    // whole record was up to 220 segments); chat channels show the record itself, with the link to print.
    const link = deps.recordUrl?.(ticket.id, change.at)
    const channel = ticket.conversation?.identity.channel
    const reply = link && (channel === 'sms' || channel === 'whatsapp') ? resolutionNotice(record, change.locale, link) : resolutionNotification(record, change.locale, timeZone, link)
    const media = photos.map((photo, index) => ({ url: deps.mediaUrl!(photo.id), contentType: photo.contentType!, name: `photo ${index + 1}` }))
    await notifyCustomer(change, 'resolution_notification', media.length ? { ...reply, media } : reply)
  })

  // §3.3a: every service resolved is followed up, whether or not the customer ever confirms it:
  // the survey is scheduled at the resolution (a resolution after a reopen schedules it again).
  events.on('ticket.resolved', async ({ tx, ticket, at }) => {
    if (ticket.conversation) await scheduleFeedback(tx, deps.feedback, { id: ticket.id, channel: ticket.conversation.identity.channel }, at)
  })

  // Feedback that came in before the confirmation closes the ticket now.
  events.on('ticket.confirmed', async ({ tx, ticket }) => {
    const feedback = await tx.feedback.findUnique({ where: { ticketId: ticket.id }, select: { status: true } })
    if (feedback && ['answered', 'missed', 'skipped'].includes(feedback.status)) {
      await deps.tickets().applyIn(tx, ticket.number, { action: 'close', note: 'Feedback was already in.' }, SYSTEM)
    }
  })

  events.on('ticket.rejected', async ({ tx, ticket, input, actor, at }) => {
    // §4.1b: a fix the customer rejects is a service that does not conform.
    await recordNonConformity(tx, { ticketId: ticket.id, kind: 'fix_rejected', at, detail: input.reason ?? null })
    await alertStaff(tx, jobs, ticket.id, { kind: 'fix_rejected', reason: input.reason ?? null })
    // §3.3d: and a complaint in the register.
    await openComplaint(tx, jobs, {
      customerId: ticket.customerId,
      ticketId: ticket.id,
      conversationId: ticket.conversationId,
      source: 'fix_rejected',
      text: input.reason ?? 'The customer says the fix did not work.',
      actor: actor.id,
      at,
    })
  })

  // §2.3, §4.1b: a part that is not genuine makes the service non-conforming.
  events.on('ticket.parts_recorded', async ({ tx, ticket, input, at }) => {
    for (const part of input.parts.filter((part) => !part.genuine)) {
      await recordNonConformity(tx, { ticketId: ticket.id, kind: 'non_genuine_part', at, detail: `${part.partNumber} ${part.name}: ${part.reason}` })
    }
  })

  // §2.3: the same part fitted on this unit less than a year ago failed again: the repair is a
  // parts-warranty repair, linked to the service that fitted it.
  events.on('ticket.parts_recorded', async ({ tx, ticket, input, at }) => {
    if (!ticket.serialNumber || ticket.partsWarranty) return
    const earlier = await tx.partUsage.findFirst({
      where: { partNumber: { in: input.parts.map((part) => part.partNumber) }, genuine: true, warrantyEndsAt: { gt: at }, ticket: { serialNumber: ticket.serialNumber, id: { not: ticket.id } } },
      orderBy: { fittedAt: 'desc' },
      select: { partNumber: true, ticket: { select: { id: true, number: true } } },
    })
    if (!earlier) return
    await tx.ticket.update({ where: { id: ticket.id }, data: { partsWarranty: true, partsWarrantyOfId: earlier.ticket.id } })
    await tx.ticketEvent.create({ data: { ticketId: ticket.id, type: 'parts_warranty', actor: 'system', at, data: { part: earlier.partNumber, fittedOn: earlier.ticket.number } } })
  })

  // §4.1c: what the event prevented is excused, and Party A is told (the staff channel carries it).
  events.on('ticket.force_majeure_declared', async ({ tx, ticket, input }) => {
    const excused = await declareForceMajeure(tx, ticket.id, input)
    await alertStaff(tx, jobs, ticket.id, { kind: 'force_majeure', note: input.note, affects: input.affects ?? [], from: input.from ?? null, to: input.to ?? null, excused })
  })

  // Every action changes the ticket's message in the Slack staff channel.
  events.onEvery(async ({ tx, ticket }) => {
    await jobs.send(QUEUES.slackSync, { ticketId: ticket.id }, { tx, singletonKey: ticket.id })
  })
}
