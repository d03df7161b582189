/**
 * What a new ticket carries: its deadlines on the business calendar (§2.1a, §2.2) and its
 * repair-warranty link (§2.2a), checked through real SMS intakes.
 */
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { BusinessCalendar } from '../src/tickets/calendar.ts'
import { startTestApp, type TestApp } from './support/app.ts'
import { Phone } from './support/sms.ts'

describe('the business calendar (§2.1a: 3 working days after delivery)', () => {
  const shanghai = (days: { holidays?: string[]; workdays?: string[] } = {}) =>
    new BusinessCalendar('Asia/Shanghai', { holidays: new Set(days.holidays ?? []), workdays: new Set(days.workdays ?? []) })

  it('skips the weekend: delivered Friday, due at the end of Wednesday', () => {
    expect(shanghai().endOfWorkingDaysAfter('2026-11-27', 3).toISOString()).toBe('2026-12-02T16:00:00.000Z')
  })

  it('skips a public holiday', () => {
    expect(
      shanghai({ holidays: ['2026-11-30'] })
        .endOfWorkingDaysAfter('2026-11-27', 3)
        .toISOString(),
    ).toBe('2026-12-03T16:00:00.000Z')
  })

  it('counts a make-up working day on a weekend', () => {
    expect(
      shanghai({ workdays: ['2026-11-28'] })
        .endOfWorkingDaysAfter('2026-11-27', 3)
        .toISOString(),
    ).toBe('2026-12-01T16:00:00.000Z')
  })

  it('runs through a week-long holiday such as National Day', () => {
    const calendar = shanghai({ holidays: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07'], workdays: ['2026-10-10'] })
    // Delivered Wed 30 Sep: working days Thu 8, Fri 9, Sat 10 (make-up) → due end of Sat 10 Oct.
    expect(calendar.endOfWorkingDaysAfter('2026-09-30', 3).toISOString()).toBe('2026-10-10T16:00:00.000Z')
  })

  it('works in the service time zone, not the server’s', () => {
    const newYork = new BusinessCalendar('America/New_York')
    expect(newYork.endOfWorkingDaysAfter('2026-11-27', 3).toISOString()).toBe('2026-12-03T05:00:00.000Z')
    expect(newYork.dayOf(new Date('2026-11-25T03:00:00Z'))).toBe('2026-11-24')
  })
})

describe('an installation requested by SMS', () => {
  let t: TestApp
  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aftercare-holidays-'))
    const file = path.join(dir, 'holidays.json')
    await writeFile(file, JSON.stringify({ holidays: ['2026-11-30..2026-12-01'], workdays: [] }))
    // Wednesday 25 Nov 2026, 10:00 in Shanghai.
    t = await startTestApp({ env: { HOLIDAYS_FILE: file }, now: '2026-11-25T02:00:00Z' })
  })
  afterAll(() => t.close())

  it('is due 3 working days after delivery, past the weekend and the holidays in HOLIDAYS_FILE', async () => {
    const phone = new Phone(t.url, '+8613811110001')
    await phone.sayAll(['hi', 'install', 'AC-35', 'skip', '27/11', '9 Garden Road', 'Mr Wang'])
    const done = await phone.say('YES')
    // Fri 27 → Sat, Sun off, Mon 30 and Tue 1 holidays → Wed 2, Thu 3, Fri 4 Dec.
    expect(done).toContain('Installation is due by the end of Fri 4 Dec.')
    const number = /SR-\d{4}-\d{6}/.exec(done)![0]
    const ticket = await t.getJson(`/api/tickets/${number}`)
    expect(ticket.deliveryDate).toBe('2026-11-27')
    expect(ticket.deadlines).toEqual([
      { kind: 'response', startsAt: '2026-11-25T02:00:00.000Z', dueAt: '2026-11-26T02:00:00.000Z', metAt: null, warnedAt: null },
      // The window opens with the delivery, midnight 27 Nov in Shanghai.
      { kind: 'installation', startsAt: '2026-11-26T16:00:00.000Z', dueAt: '2026-12-04T16:00:00.000Z', metAt: null, warnedAt: null },
    ])
  })
})

describe('the repair warranty (§2.2a: 6 months from the repair)', () => {
  let t: TestApp
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-25T02:00:00Z' })
  })
  afterAll(() => t.close())

  async function earlierRepair(serialNumber: string, resolvedAt: string, number: string) {
    const customer = await t.db.prisma.customer.create({ data: { phone: '+8613800009999' } })
    return t.db.prisma.ticket.create({
      data: {
        // Fixed, from the number: SR-2026-090001 is seq 90001 (a random draw could repeat).
        seq: Number(number.slice(-6)),
        number,
        customerId: customer.id,
        type: 'repair',
        status: 'closed',
        productModel: 'WM-800',
        serialNumber,
        contactName: 'Earlier',
        channel: 'sms',
        channelAddress: '+8613800009999',
        locale: 'en',
        resolvedAt: new Date(resolvedAt),
      },
    })
  }

  async function repair(phoneNumber: string, serial: string) {
    const phone = new Phone(t.url, phoneNumber)
    await phone.sayAll(['hi', 'repair', 'WM-800', serial, 'It leaks again', 'skip', '1 Main Street', 'Ann'])
    const done = await phone.say('YES')
    const number = /SR-\d{4}-\d{6}/.exec(done)![0]
    return { done, ticket: await t.getJson(`/api/tickets/${number}`) }
  }

  it('marks a new fault on a unit repaired 2 months ago as a warranty repair, linked to the earlier one', async () => {
    await earlierRepair('WX-1001', '2026-09-20T08:00:00Z', 'SR-2026-090001')
    const { done, ticket } = await repair('+8613822220001', 'wx-1001')
    expect(done).toContain('covered by the repair warranty')
    expect(ticket.warranty).toBe(true)
    expect(ticket.warrantyOf).toMatchObject({ number: 'SR-2026-090001' })
    expect(ticket.events[0].data).toEqual({ channel: 'sms', warrantyOf: 'SR-2026-090001' })
  })

  it('§2.3: the same part failing again within its year makes a parts-warranty repair, linked to the service that fitted it', async () => {
    // Nine months ago: past the repair's 6 months, within the part's year.
    const earlier = await earlierRepair('WX-3003', '2026-02-25T08:00:00Z', 'SR-2026-090003')
    await t.db.prisma.partUsage.create({
      data: { ticketId: earlier.id, partNumber: 'DB-220', name: 'Drum belt', quantity: 1, genuine: true, fittedAt: new Date('2026-02-25T07:00:00Z'), warrantyEndsAt: new Date('2027-02-25T07:00:00Z') },
    })
    const { ticket } = await repair('+8613822220003', 'WX-3003')
    expect(ticket.warranty).toBe(false)
    const act = (body: object) => t.admin(`/api/tickets/${ticket.number}/actions`, { method: 'POST', body: JSON.stringify(body) })
    await t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Zhou Gong' }) })
    expect((await act({ action: 'respond', technician: 'Zhou Gong' })).status).toBe(200)
    expect((await act({ action: 'arrive' })).status).toBe(200)
    expect((await act({ action: 'diagnose', rootCause: 'wear', findings: 'Belt snapped again' })).status).toBe(200)
    // A part that is not genuine needs its reason.
    const bare = await act({ action: 'record_parts', parts: [{ partNumber: 'CL-1', name: 'Clip', quantity: 1, genuine: false }] })
    expect(bare.status).toBe(400)
    expect(await bare.text()).toContain('needs a reason')
    expect(
      (
        await act({
          action: 'record_parts',
          parts: [
            { partNumber: 'DB-220', name: 'Drum belt', quantity: 1, genuine: true },
            { partNumber: 'CL-1', name: 'Clip', quantity: 1, genuine: false, reason: 'Original out of stock' },
          ],
        })
      ).status,
    ).toBe(200)
    const after = await t.getJson(`/api/tickets/${ticket.number}`)
    expect(after).toMatchObject({ partsWarranty: true, partsWarrantyOf: { number: 'SR-2026-090003' } })
    expect(after.parts.find((part: { partNumber: string }) => part.partNumber === 'CL-1')).toMatchObject({ genuine: false, reason: 'Original out of stock' })
    expect(after.damages.reasons).toEqual([expect.objectContaining({ kind: 'non_genuine_part', detail: 'CL-1 Clip: Original out of stock' })])
  })

  it('does not once the 6 months have passed', async () => {
    await earlierRepair('WX-2002', '2026-05-24T08:00:00Z', 'SR-2026-090002')
    const { done, ticket } = await repair('+8613822220002', 'WX-2002')
    expect(done).not.toContain('warranty')
    expect(ticket.warranty).toBe(false)
    expect(ticket.warrantyOf).toBeNull()
  })
})
