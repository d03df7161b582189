/**
 * Issue 15: what of a ticket each person sees. A technician sees the tickets assigned to them
 * only; the manufacturer (Party A) sees every ticket but never a customer's number in full.
 */
import type { Response } from 'express'
import type { Prisma } from '../../db/client.ts'
import { principal } from '../../http/auth.ts'
import type { ticketJson } from '../../tickets/view.ts'

/** The tickets the caller may see, as a filter. */
export function ticketScope(res: Response): Prisma.TicketWhereInput {
  const who = principal(res)
  if (who.kind === 'account' && who.account.role === 'technician') return { technicianId: who.account.technicianId ?? '00000000-0000-0000-0000-000000000000' }
  return {}
}

export function inScope(res: Response, ticket: { technicianId: string | null }): boolean {
  const who = principal(res)
  return !(who.kind === 'account' && who.account.role === 'technician') || (ticket.technicianId !== null && ticket.technicianId === who.account.technicianId)
}

/** "+8613800001234" → "+86138****1234"; other addresses keep only their first and last characters. */
export function maskAddress(address: string | null): string | null {
  if (!address) return address
  const phone = /^(whatsapp:)?(\+\d{5})(\d+)(\d{4})$/.exec(address)
  if (phone) return `${phone[1] ?? ''}${phone[2]}${'*'.repeat(phone[3]!.length)}${phone[4]}`
  return address.length <= 4 ? '****' : `${address.slice(0, 2)}****${address.slice(-2)}`
}

type TicketJson = ReturnType<typeof ticketJson>

/** The ticket as the caller may see it. */
export function shownTo(res: Response, ticket: TicketJson): TicketJson {
  const who = principal(res)
  if (who.kind !== 'account' || who.account.role !== 'party_a') return ticket
  return { ...ticket, channelAddress: maskAddress(ticket.channelAddress)!, customer: { ...ticket.customer, phone: maskAddress(ticket.customer.phone) } }
}
