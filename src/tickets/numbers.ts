/** Ticket numbers a customer can read over the phone: SR-2026-000123 (year of submission). */
export function formatTicketNumber(year: string, seq: number): string {
  return `SR-${year}-${String(seq).padStart(6, '0')}`
}

export const TICKET_NUMBER = /^SR-\d{4}-\d{6,}$/
