/**
 * A small history whose every figure is worked out by hand in test/reports.test.ts: six tickets
 * around November 2026 (Asia/Shanghai), with deadlines met and missed, feedback, parts,
 * complaints, breaches, non-conforming services and a force majeure, and one technician with no
 * tickets at all.
 */
import type { PrismaClient } from '../../src/db/client.ts'

const at = (iso: string) => new Date(iso)

export async function seedReportFixture(prisma: PrismaClient) {
  const wang = await prisma.technician.create({ data: { name: 'Wang Gong' } })
  const li = await prisma.technician.create({ data: { name: 'Li, Ming "Lao Li" 李明' } })
  await prisma.technician.create({ data: { name: 'Zhao (no tickets)' } })
  const customer = await prisma.customer.create({ data: { phone: '+8613800000001' } })
  let seq = 1
  const ticket = (data: {
    type: 'repair' | 'installation' | 'maintenance' | 'technical_support'
    channel: 'sms' | 'webchat' | 'slack'
    createdAt: string
    technicianId?: string
    warranty?: boolean
    rootCause?: 'product_defect' | 'improper_use'
    diagnosedAt?: string
    completedAt?: string
    serviceValue: number
  }) =>
    prisma.ticket.create({
      data: {
        seq,
        number: `SR-2026-${String(seq++).padStart(6, '0')}`,
        customerId: customer.id,
        type: data.type,
        status: data.completedAt ? 'closed' : 'responded',
        productModel: 'X1',
        contactName: 'Ann',
        channel: data.channel,
        channelAddress: '+8613800000001',
        locale: 'en',
        createdAt: at(data.createdAt),
        technicianId: data.technicianId ?? null,
        warranty: data.warranty ?? false,
        rootCause: data.rootCause ?? null,
        diagnosedAt: data.diagnosedAt ? at(data.diagnosedAt) : null,
        completedAt: data.completedAt ? at(data.completedAt) : null,
        serviceValue: data.serviceValue,
      },
    })
  const deadline = (ticketId: string, kind: 'response' | 'installation' | 'diagnosis', startsAt: string, dueAt: string, metAt: string | null) =>
    prisma.deadline.create({ data: { ticketId, kind, startsAt: at(startsAt), dueAt: at(dueAt), metAt: metAt ? at(metAt) : null } })
  // As the deadline sweep records one: the breach, and the reason the service does not conform
  // (the service's Damages follow by trigger).
  const breach = async (deadlineId: string, ticketId: string, kind: 'response' | 'installation', dueAt: string, breachedAt: string, forceMajeure: boolean) => {
    const row = await prisma.deadlineBreach.create({ data: { deadlineId, ticketId, kind, dueAt: at(dueAt), breachedAt: at(breachedAt), forceMajeure } })
    await prisma.nonConformity.create({ data: { ticketId, kind: `late_${kind}`, at: at(breachedAt), breachId: row.id, excused: forceMajeure } })
  }
  const feedback = (ticketId: string, completedAt: string, status: 'answered' | 'missed', rating: number | null, inWindow: boolean) =>
    prisma.feedback.create({
      data: { ticketId, channel: 'sms', status, completedAt: at(completedAt), askAt: at(completedAt), windowEndsAt: new Date(at(completedAt).getTime() + 24 * 3_600_000), rating, inWindow },
    })
  let complaintSeq = 1
  const complaint = (ticketId: string, source: 'low_rating' | 'keywords', openedAt: string, resolvedAt: string | null) =>
    prisma.complaint.create({
      data: {
        seq: complaintSeq,
        number: `CP-2026-${String(complaintSeq++).padStart(6, '0')}`,
        customerId: customer.id,
        ticketId,
        source,
        text: 'x',
        openedAt: at(openedAt),
        resolvedAt: resolvedAt ? at(resolvedAt) : null,
        status: resolvedAt ? 'resolved' : 'open',
      },
    })

  // T1: a repair by SMS (Wang): everything on time; 3 parts, 2 genuine; rated 5.
  const t1 = await ticket({
    type: 'repair',
    channel: 'sms',
    createdAt: '2026-11-02T02:00:00Z',
    technicianId: wang.id,
    rootCause: 'product_defect',
    diagnosedAt: '2026-11-02T08:30:00Z',
    completedAt: '2026-11-04T02:00:00Z',
    serviceValue: 500,
  })
  await deadline(t1.id, 'response', '2026-11-02T02:00:00Z', '2026-11-03T02:00:00Z', '2026-11-02T05:00:00Z')
  await deadline(t1.id, 'diagnosis', '2026-11-02T08:00:00Z', '2026-11-02T09:00:00Z', '2026-11-02T08:30:00Z')
  await prisma.partUsage.createMany({
    data: [
      { ticketId: t1.id, partNumber: 'P1', name: 'Pump', quantity: 2, genuine: true, fittedAt: at('2026-11-02T09:00:00Z'), warrantyEndsAt: at('2027-11-02T09:00:00Z') },
      { ticketId: t1.id, partNumber: 'P2', name: 'Seal', quantity: 1, genuine: false, fittedAt: at('2026-11-02T09:00:00Z'), warrantyEndsAt: at('2027-11-02T09:00:00Z') },
    ],
  })
  // §2.3: the seal is not genuine, so the service does not conform (§4.1b): 500 × 10% = 50.
  await prisma.nonConformity.create({ data: { ticketId: t1.id, kind: 'non_genuine_part', at: at('2026-11-02T09:00:00Z'), detail: 'P2 Seal' } })
  await feedback(t1.id, '2026-11-04T02:00:00Z', 'answered', 5, true)
  await complaint(t1.id, 'keywords', '2026-11-05T02:00:00Z', null)

  // T2: a warranty repair by web chat (Wang): responded late (a breach); rated 2, complaint resolved.
  const t2 = await ticket({
    type: 'repair',
    channel: 'webchat',
    createdAt: '2026-11-10T02:00:00Z',
    technicianId: wang.id,
    warranty: true,
    rootCause: 'improper_use',
    diagnosedAt: '2026-11-12T02:30:00Z',
    completedAt: '2026-11-15T02:00:00Z',
    serviceValue: 500,
  })
  const late = await deadline(t2.id, 'response', '2026-11-10T02:00:00Z', '2026-11-11T02:00:00Z', '2026-11-11T06:00:00Z')
  await breach(late.id, t2.id, 'response', '2026-11-11T02:00:00Z', '2026-11-11T02:01:00Z', false)
  await deadline(t2.id, 'diagnosis', '2026-11-12T02:00:00Z', '2026-11-12T03:00:00Z', '2026-11-12T02:30:00Z')
  await feedback(t2.id, '2026-11-15T02:00:00Z', 'answered', 2, true)
  await complaint(t2.id, 'low_rating', '2026-11-15T03:00:00Z', '2026-11-16T03:00:00Z')

  // T3: an installation by Slack (Li): installation deadline missed under force majeure; feedback missed.
  const t3 = await ticket({ type: 'installation', channel: 'slack', createdAt: '2026-11-20T02:00:00Z', technicianId: li.id, completedAt: '2026-11-27T02:00:00Z', serviceValue: 300 })
  await deadline(t3.id, 'response', '2026-11-20T02:00:00Z', '2026-11-21T02:00:00Z', '2026-11-20T03:00:00Z')
  const install = await deadline(t3.id, 'installation', '2026-11-20T02:00:00Z', '2026-11-25T16:00:00Z', null)
  // §4.1c: a force majeure that named the installation, notified on 25 November.
  await prisma.forceMajeure.create({ data: { ticketId: t3.id, affects: ['installation'], note: 'Typhoon', actor: 'staff:li.ming', declaredAt: at('2026-11-25T10:00:00Z') } })
  await breach(install.id, t3.id, 'installation', '2026-11-25T16:00:00Z', '2026-11-25T16:01:00Z', true)
  await feedback(t3.id, '2026-11-27T02:00:00Z', 'missed', null, false)

  // T4: 23:30 on the last day of November in Shanghai: inside the month. Its response, due in December,
  // was made at 23:45: it counts in November, when it was made (issue 16).
  const t4 = await ticket({ type: 'maintenance', channel: 'sms', createdAt: '2026-11-30T15:30:00Z', serviceValue: 300 })
  await deadline(t4.id, 'response', '2026-11-30T15:30:00Z', '2026-12-01T15:30:00Z', '2026-11-30T15:45:00Z')
  // T5: 00:30 on 1 December in Shanghai (still 30 November in UTC): outside the month.
  await ticket({ type: 'repair', channel: 'sms', createdAt: '2026-11-30T16:30:00Z', serviceValue: 500 })
  // T6: submitted on 31 October (Shanghai), responded in time on 1 November: its response counts in November.
  const t6 = await ticket({ type: 'technical_support', channel: 'sms', createdAt: '2026-10-31T15:30:00Z', serviceValue: 100 })
  await deadline(t6.id, 'response', '2026-10-31T15:30:00Z', '2026-11-01T15:30:00Z', '2026-11-01T01:00:00Z')
  await complaint(t6.id, 'keywords', '2026-10-31T15:45:00Z', '2026-11-03T02:00:00Z')
  return { wang, li }
}
