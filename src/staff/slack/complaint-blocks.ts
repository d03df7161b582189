/** A complaint's message in the staff channel (§3.3d), with what staff can do next. */
import type { KnownBlock, View } from '@slack/types'
import type { Prisma } from '../../db/client.ts'

export const COMPLAINT_ACTION_PREFIX = 'complaint:'
export const COMPLAINT_MODAL_ID = 'complaint_action'

export const complaintInclude = {
  ticket: { select: { number: true, channel: true, channelAddress: true } },
  customer: { select: { phone: true } },
  events: { orderBy: { id: 'asc' }, select: { type: true, actor: true, at: true, data: true } },
} satisfies Prisma.ComplaintInclude

export type ComplaintView = Prisma.ComplaintGetPayload<{ include: typeof complaintInclude }>

const SOURCES: Record<string, string> = {
  low_rating: 'from a low rating',
  keywords: 'from the customer’s words',
  fix_rejected: 'from a rejected fix',
  staff: 'reported by staff',
}

const escape = (text: string) => text.slice(0, 600).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
const who = (actor: string) => (actor.startsWith('slack:') ? `<@${actor.slice(6)}>` : actor)

export function complaintHeadline(complaint: ComplaintView): string {
  return `Complaint ${complaint.number} · ${complaint.status.replace('_', ' ')}${complaint.ticket ? ` · ${complaint.ticket.number}` : ''}`
}

export function complaintBlocks(complaint: ComplaintView): KnownBlock[] {
  const lines = [
    `:warning: *${complaintHeadline(complaint)}* — ${SOURCES[complaint.source]}`,
    complaint.ticket ? `Customer: ${complaint.ticket.channel.toUpperCase()} ${escape(complaint.ticket.channelAddress)}` : '',
    `> ${escape(complaint.text).replace(/\n/g, '\n> ')}`,
    ...complaint.events.filter((event) => event.type === 'more').map((event) => `> ${escape(String((event.data as { text?: string }).text ?? ''))}`),
    ...complaint.events.filter((event) => event.type === 'note').map((event) => `:memo: ${who(event.actor)}: ${escape(String((event.data as { text?: string }).text ?? ''))}`),
    complaint.assignee ? `Taken by ${who(complaint.assignee)}` : '',
    complaint.outcome ? `:white_check_mark: Outcome: ${escape(complaint.outcome)}` : '',
  ].filter(Boolean)
  const blocks: KnownBlock[] = [{ type: 'section', text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 2900) } }]
  if (complaint.status !== 'resolved') {
    const button = (action: string, text: string) => ({ type: 'button' as const, action_id: `${COMPLAINT_ACTION_PREFIX}${action}`, text: { type: 'plain_text' as const, text }, value: complaint.number })
    blocks.push({
      type: 'actions',
      block_id: `complaint:${complaint.number}`,
      elements: [...(complaint.status === 'open' ? [button('take', 'Take it')] : []), button('note', 'Add a note'), button('resolve', 'Resolve')],
    })
  }
  return blocks
}

export function complaintModal(action: 'note' | 'resolve' | 'report', number: string): View {
  const label = action === 'note' ? 'Note' : action === 'resolve' ? 'Outcome (the customer is told)' : 'What is the complaint?'
  return {
    type: 'modal',
    callback_id: COMPLAINT_MODAL_ID,
    private_metadata: JSON.stringify({ number, action }),
    title: { type: 'plain_text', text: action === 'note' ? 'Complaint note' : action === 'resolve' ? 'Resolve complaint' : 'Record a complaint' },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'context', elements: [{ type: 'mrkdwn', text: `*${number}*` }] },
      { type: 'input', block_id: 'text', label: { type: 'plain_text', text: label }, element: { type: 'plain_text_input', action_id: 'value', multiline: true } },
    ],
  }
}
