/**
 * The ticket's message in the staff channel, as Block Kit: what it is, where it stands, what is
 * due, and a button for each next legal action. Re-rendered and updated in place on every change.
 */
import type { KnownBlock } from '@slack/types'
import { formatDateTime } from '../../../flows/dates.ts'
import { legalActions } from '../../../flows/ticket.machine.ts'
import { attachmentSender, type TicketDetail } from '../../tickets/view.ts'
import { ROOT_CAUSE_LABELS, SERVICE_LABELS } from '../../tickets/labels.ts'
import { ACTION_LABELS, CUSTOMER_ONLY_ACTIONS, PRIMARY_ACTIONS } from './labels.ts'
import { clipMd, contextBlock, joinMd, link, md, mention, plain, quote, section, type Mrkdwn } from '../../channels/slack/mrkdwn.ts'
import { cutText } from '../../text/cut.ts'

export const ACTION_ID_PREFIX = 'ticket_action:'
export const MORE_ACTION_ID = 'ticket_more'

const when = (date: Date, timeZone: string) => formatDateTime(date, 'en', timeZone)
/** Long customer texts are cut (the admin API has them whole); Slack refuses a section over 3,000 characters. */
const short = (text: string, max = 400) => cutText(text, max)

/** A one-line summary, also the notification text of the message. */
export function ticketHeadline(ticket: TicketDetail): Mrkdwn {
  return md`${ticket.number} · ${SERVICE_LABELS[ticket.type]} · ${ticket.status.replace('_', ' ')}`
}

const fileLinks = (files: { id: string; contentType: string | null }[], mediaUrl: (id: string) => string) =>
  joinMd(
    files.map((file, index) => link(mediaUrl(file.id), file.contentType === 'application/pdf' ? `PDF ${index + 1}` : `photo ${index + 1}`)),
    ' · ',
  )

export function ticketBlocks(ticket: TicketDetail, timeZone: string, mediaUrl?: (id: string) => string): KnownBlock[] {
  const facts: Mrkdwn[] = [md`*${short(ticket.productModel)}*${ticket.serialNumber ? md` · S/N ${short(ticket.serialNumber)}` : ''}`]
  // §3.2a: kept as the customer wrote it; staff check the model with Party A.
  if (ticket.productListed === false) facts.push(md`:grey_question: Model not in the product catalogue`)
  if (ticket.warrantyOf) facts.push(md`:shield: Warranty repair (§2.2a) of ${ticket.warrantyOf.number}`)
  if (ticket.description) facts.push(quote(short(ticket.description)))
  // Issue 14: the customer's photos, as signed links (Slack cannot show files it cannot fetch).
  const files = ticket.attachments.filter((file) => file.status === 'stored' && attachmentSender(file.address) === 'customer')
  if (files.length && mediaUrl) facts.push(md`:frame_with_picture: ${files.length === 1 ? 'Photo' : 'Photos'}: ${fileLinks(files, mediaUrl)}`)
  if (ticket.deliveryDate) facts.push(md`:package: Delivered ${ticket.deliveryDate.toISOString().slice(0, 10)}`)
  if (ticket.siteAddress) facts.push(md`:round_pushpin: ${short(ticket.siteAddress)}`)
  facts.push(md`:bust_in_silhouette: ${short(ticket.contactName)} · ${ticket.channel.toUpperCase()} ${short(ticket.channelAddress)}`)
  if (ticket.technician) {
    const who = ticket.technician.slackUserId ? mention(ticket.technician.slackUserId) : plain(ticket.technician.name)
    facts.push(md`:wrench: ${who}${ticket.appointmentAt ? ` · appointment ${when(ticket.appointmentAt, timeZone)}` : ''}`)
  }
  if (ticket.category) facts.push(md`Confirmed as: ${short(ticket.category)}`)
  if (ticket.rootCause) facts.push(md`Root cause: ${ROOT_CAUSE_LABELS[ticket.rootCause]}${ticket.findings ? ` — ${short(ticket.findings)}` : ''}`)
  if (ticket.parts.length) facts.push(md`Parts: ${ticket.parts.map((part) => `${short(part.name)} ${short(part.partNumber)} ×${part.quantity}${part.genuine ? '' : ' (not genuine)'}`).join(', ')}`)
  if (ticket.solution) facts.push(md`Solution: ${short(ticket.solution)}`)
  const ofTheWork = ticket.attachments.filter((file) => file.status === 'stored' && attachmentSender(file.address) === 'staff')
  if (ofTheWork.length && mediaUrl) facts.push(md`:camera: Technician's ${ofTheWork.length === 1 ? 'photo' : 'photos'}: ${fileLinks(ofTheWork, mediaUrl)}`)

  const open = ticket.deadlines.filter((deadline) => !deadline.metAt)
  const times: Mrkdwn[] = [
    ...open.map((deadline) => md`:alarm_clock: ${deadline.kind} due ${when(deadline.dueAt, timeZone)}`),
    ...ticket.breaches.map((breach) => md`:red_circle: ${breach.kind} deadline missed${breach.forceMajeure ? ' (force majeure)' : ''}`),
  ]
  // §4.1b: once per service, with its reasons.
  if (ticket.damages) {
    const reasons = ticket.nonConformities.map((reason) => `${reason.kind.replace(/_/g, ' ')}${reason.excused ? ' (excused)' : ''}`).join(', ')
    times.push(
      ticket.damages.excused
        ? md`:scales: Damages waived (force majeure): ${Number(ticket.damages.waived).toFixed(2)} · ${reasons}`
        : md`:scales: Damages owed: ${Number(ticket.damages.amount).toFixed(2)} (10% of ${Number(ticket.damages.value).toFixed(2)}, once) · ${reasons}`,
    )
  }
  for (const breach of ticket.partyABreaches) times.push(md`:factory: Party A breach (§4.1a): ${breach.kind.replace(/_/g, ' ')} — ${short(breach.note)}`)
  for (const loss of ticket.directLosses)
    times.push(md`:moneybag: Direct loss (§4.1d) caused by ${loss.causedBy === 'party_a' ? 'Party A' : 'Party B'}: ${Number(loss.amount).toFixed(2)} — ${short(loss.evidence)}`)
  for (const event of ticket.forceMajeures) times.push(md`:cloud_with_lightning: Force majeure (${event.affects.join(', ') || 'a period'}): ${short(event.note)}`)

  const legal = legalActions(ticket.type, ticket.status).filter((action) => !CUSTOMER_ONLY_ACTIONS.includes(action))
  const primary = legal.filter((action) => PRIMARY_ACTIONS.includes(action))
  const more: { value: string; label: string }[] = legal.filter((action) => !PRIMARY_ACTIONS.includes(action)).map((action) => ({ value: action, label: ACTION_LABELS[action] }))
  // Not steps of the process, but things staff do with a ticket.
  if (ticket.feedback && ['scheduled', 'asked', 'missed'].includes(ticket.feedback.status)) {
    more.push({ value: 'survey_resend', label: 'Send the survey again' }, { value: 'survey_skip', label: 'Skip the survey' })
  }
  more.push({ value: 'complaint', label: 'Record a complaint' })
  if (ticket.feedback)
    facts.push(md`Feedback: ${ticket.feedback.status}${ticket.feedback.rating ? ` · ${ticket.feedback.rating}/5` : ''}${ticket.feedback.comment ? ` — ${short(ticket.feedback.comment, 200)}` : ''}`)

  const blocks: KnownBlock[] = [section(md`*${ticketHeadline(ticket)}*`), section(clipMd(joinMd(facts, '\n'), 2900))]
  if (times.length) blocks.push(contextBlock([joinMd(times, '   ')]))
  if (primary.length || more.length) {
    blocks.push({
      type: 'actions',
      block_id: `ticket:${ticket.number}`,
      elements: [
        ...primary.map((action, index) => ({
          type: 'button' as const,
          action_id: `${ACTION_ID_PREFIX}${action}`,
          text: { type: 'plain_text' as const, text: ACTION_LABELS[action] },
          value: ticket.number,
          ...(index === 0 && { style: 'primary' as const }),
        })),
        ...moreElement(more, ticket.number),
      ],
    })
  }
  return blocks
}

/**
 * The actions that are not buttons. Slack's overflow menu takes 2 to 5 options (a completed
 * ticket has 7: it was refused with invalid_blocks, and the message stuck on "resolved"): one
 * action is a button, more than five a select menu, which takes up to 100.
 */
function moreElement(more: { value: string; label: string }[], number: string) {
  const options = more.map((item) => ({ text: { type: 'plain_text' as const, text: item.label }, value: `${item.value}|${number}` }))
  if (!options.length) return []
  if (options.length === 1) return [{ type: 'button' as const, action_id: MORE_ACTION_ID, text: options[0]!.text, value: options[0]!.value }]
  if (options.length <= 5) return [{ type: 'overflow' as const, action_id: MORE_ACTION_ID, options }]
  return [{ type: 'static_select' as const, action_id: MORE_ACTION_ID, placeholder: { type: 'plain_text' as const, text: 'More…' }, options }]
}
