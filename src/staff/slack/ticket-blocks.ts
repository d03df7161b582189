/**
 * The ticket's message in the staff channel, as Block Kit: what it is, where it stands, what is
 * due, and a button for each next legal action. Re-rendered and updated in place on every change.
 */
import type { KnownBlock } from '@slack/types'
import { formatDateTime } from '../../../flows/dates.ts'
import { legalActions } from '../../../flows/ticket.machine.ts'
import type { TicketDetail } from '../../tickets/view.ts'
import { ROOT_CAUSE_LABELS, SERVICE_LABELS } from '../../tickets/labels.ts'
import { ACTION_LABELS, CUSTOMER_ONLY_ACTIONS, PRIMARY_ACTIONS } from './labels.ts'

export const ACTION_ID_PREFIX = 'ticket_action:'
export const MORE_ACTION_ID = 'ticket_more'

const when = (date: Date, timeZone: string) => formatDateTime(date, 'en', timeZone)
/** Slack refuses a section over 3,000 characters: long texts are cut (the admin API has them whole). */
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text)
const escape = (text: string, max = 400) => clip(text, max).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** A one-line summary, also the notification text of the message. */
export function ticketHeadline(ticket: TicketDetail): string {
  return `${ticket.number} · ${SERVICE_LABELS[ticket.type]} · ${ticket.status.replace('_', ' ')}`
}

export function ticketBlocks(ticket: TicketDetail, timeZone: string): KnownBlock[] {
  const facts: string[] = [`*${escape(ticket.productModel)}*${ticket.serialNumber ? ` · S/N ${escape(ticket.serialNumber)}` : ''}`]
  if (ticket.warrantyOf) facts.push(`:shield: Warranty repair (§2.2a) of ${ticket.warrantyOf.number}`)
  if (ticket.description) facts.push(`> ${escape(ticket.description).replace(/\n/g, '\n> ')}`)
  if (ticket.deliveryDate) facts.push(`:package: Delivered ${ticket.deliveryDate.toISOString().slice(0, 10)}`)
  if (ticket.siteAddress) facts.push(`:round_pushpin: ${escape(ticket.siteAddress)}`)
  facts.push(`:bust_in_silhouette: ${escape(ticket.contactName)} · ${ticket.channel.toUpperCase()} ${escape(ticket.channelAddress)}`)
  if (ticket.technician) {
    const mention = ticket.technician.slackUserId ? `<@${ticket.technician.slackUserId}>` : escape(ticket.technician.name)
    facts.push(`:wrench: ${mention}${ticket.appointmentAt ? ` · appointment ${when(ticket.appointmentAt, timeZone)}` : ''}`)
  }
  if (ticket.category) facts.push(`Confirmed as: ${escape(ticket.category)}`)
  if (ticket.rootCause) facts.push(`Root cause: ${ROOT_CAUSE_LABELS[ticket.rootCause]}${ticket.findings ? ` — ${escape(ticket.findings)}` : ''}`)
  if (ticket.parts.length) facts.push(`Parts: ${ticket.parts.map((part) => `${escape(part.name)} ${escape(part.partNumber)} ×${part.quantity}${part.genuine ? '' : ' (not genuine)'}`).join(', ')}`)
  if (ticket.solution) facts.push(`Solution: ${escape(ticket.solution)}`)

  const open = ticket.deadlines.filter((deadline) => !deadline.metAt)
  const times = [
    ...open.map((deadline) => `:alarm_clock: ${deadline.kind} due ${when(deadline.dueAt, timeZone)}`),
    ...ticket.breaches.map((breach) => `:red_circle: ${breach.kind} deadline missed${breach.forceMajeure ? ' (force majeure)' : ''} · damages ${Number(breach.damages)}`),
  ]
  if (ticket.forceMajeure) times.push(`:cloud_with_lightning: Force majeure: ${escape(ticket.forceMajeureNote ?? '')}`)

  const legal = legalActions(ticket.type, ticket.status).filter((action) => !CUSTOMER_ONLY_ACTIONS.includes(action))
  const primary = legal.filter((action) => PRIMARY_ACTIONS.includes(action))
  const more: { value: string; label: string }[] = legal.filter((action) => !PRIMARY_ACTIONS.includes(action)).map((action) => ({ value: action, label: ACTION_LABELS[action] }))
  // Not steps of the process, but things staff do with a ticket.
  if (ticket.feedback && ['scheduled', 'asked', 'missed'].includes(ticket.feedback.status)) {
    more.push({ value: 'survey_resend', label: 'Send the survey again' }, { value: 'survey_skip', label: 'Skip the survey' })
  }
  more.push({ value: 'complaint', label: 'Record a complaint' })
  if (ticket.feedback) facts.push(`Feedback: ${ticket.feedback.status}${ticket.feedback.rating ? ` · ${ticket.feedback.rating}/5` : ''}${ticket.feedback.comment ? ` — ${escape(ticket.feedback.comment, 200)}` : ''}`)

  const blocks: KnownBlock[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${ticketHeadline(ticket)}*` } },
    { type: 'section', text: { type: 'mrkdwn', text: clip(facts.join('\n'), 2900) } },
  ]
  if (times.length) blocks.push({ type: 'context', elements: [{ type: 'mrkdwn', text: times.join('   ') }] })
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
        ...(more.length
          ? [
              {
                type: 'overflow' as const,
                action_id: MORE_ACTION_ID,
                options: more.map((item) => ({ text: { type: 'plain_text' as const, text: item.label }, value: `${item.value}|${ticket.number}` })),
              },
            ]
          : []),
      ],
    })
  }
  return blocks
}
