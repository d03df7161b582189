/** A complaint's message in the staff channel (§3.3d), with what staff can do next. */
import type { KnownBlock, View } from '@slack/types'
import type { Prisma } from '../../db/client.ts'
import { clipMd, contextBlock, joinMd, md, mention, plain, quote, section, type Mrkdwn } from '../../channels/slack/mrkdwn.ts'

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

const short = (text: string) => text.slice(0, 600)
const who = (actor: string) => (actor.startsWith('slack:') ? mention(actor.slice(6)) : plain(actor))

export function complaintHeadline(complaint: ComplaintView): Mrkdwn {
  return md`Complaint ${complaint.number} · ${complaint.status.replace('_', ' ')}${complaint.ticket ? ` · ${complaint.ticket.number}` : ''}`
}

export function complaintBlocks(complaint: ComplaintView): KnownBlock[] {
  const lines: (Mrkdwn | null)[] = [
    md`:warning: *${complaintHeadline(complaint)}* — ${SOURCES[complaint.source]}`,
    complaint.ticket ? md`Customer: ${complaint.ticket.channel.toUpperCase()} ${short(complaint.ticket.channelAddress)}` : null,
    quote(short(complaint.text)),
    ...complaint.events.filter((event) => event.type === 'more').map((event) => quote(short(String((event.data as { text?: string }).text ?? '')))),
    ...complaint.events.filter((event) => event.type === 'note').map((event) => md`:memo: ${who(event.actor)}: ${short(String((event.data as { text?: string }).text ?? ''))}`),
    complaint.assignee ? md`Taken by ${who(complaint.assignee)}` : null,
    complaint.outcome ? md`:white_check_mark: Outcome: ${short(complaint.outcome)}` : null,
  ]
  const blocks: KnownBlock[] = [
    section(
      clipMd(
        joinMd(
          lines.filter((line) => line !== null),
          '\n',
        ),
        2900,
      ),
    ),
  ]
  if (complaint.status !== 'resolved') {
    const button = (action: string, text: string) => ({
      type: 'button' as const,
      action_id: `${COMPLAINT_ACTION_PREFIX}${action}`,
      text: { type: 'plain_text' as const, text },
      value: complaint.number,
    })
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
      contextBlock([md`*${number}*`]),
      { type: 'input', block_id: 'text', label: { type: 'plain_text', text: label }, element: { type: 'plain_text_input', action_id: 'value', multiline: true } },
    ],
  }
}
