/**
 * A ticket's service record (§3.1e) as stored: what the resolution notification carries and the
 * printable page shows. Undefined until the ticket is resolved.
 */
import type { Db } from '../db/client.ts'
import type { ServiceRecord } from '../notifications/templates.ts'

export async function loadServiceRecord(db: Db, ticketId: string): Promise<(ServiceRecord & { locale: string }) | undefined> {
  const ticket = await db.ticket.findUnique({
    where: { id: ticketId },
    include: { parts: { orderBy: { fittedAt: 'asc' } }, technician: { select: { name: true } } },
  })
  if (!ticket?.resolvedAt) return undefined
  return {
    number: ticket.number,
    type: ticket.type,
    productModel: ticket.productModel,
    serialNumber: ticket.serialNumber,
    problem: ticket.description,
    category: ticket.category,
    rootCause: ticket.rootCause,
    findings: ticket.findings,
    solution: ticket.solution,
    parts: ticket.parts,
    requestedAt: ticket.createdAt,
    resolvedAt: ticket.resolvedAt,
    technician: ticket.technician?.name ?? null,
    locale: ticket.locale,
  }
}
