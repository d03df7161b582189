/**
 * A ticket through the agreement's whole process (§3.1a–e) from the admin API, with what the
 * customer's phone receives read from the fake Twilio API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Phone } from './support/sms.ts'
import { eventually, REPAIR, startWorld, submitBySms, type World } from './support/world.ts'

let world: World
const act = (number: string, body: object) => world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify(body) })
const actOk = async (number: string, body: object) => {
  const response = await act(number, body)
  if (response.status !== 200) throw new Error(`${JSON.stringify(body)} → ${response.status} ${await response.text()}`)
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  return (await response.json()) as any
}
const smsTo = (phone: string, containing: string) => () => world.twilio.sent.find((message) => message.to === phone && message.body.includes(containing))

beforeAll(async () => {
  world = await startWorld()
  const created = await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong', phone: '+8613911112222', slackUserId: 'U0TECH0001' }) })
  expect(created.status).toBe(201)
})
afterAll(() => world.close())

describe('a repair from request to confirmed fix', () => {
  it('goes respond → arrive → diagnose → parts → failed test → test → resolve, and the customer confirms by SMS', async () => {
    const { t, twilio } = world
    const { phone, number } = await submitBySms(t, '+8613800001001', REPAIR)

    // §3.1b: response notification on the customer's channel.
    const responded = await actOk(number, { action: 'respond', technician: 'wang gong', appointmentAt: '2026-11-25T06:00:00Z', category: 'Drum motor fault', actor: 'li.ming' })
    expect(responded.status).toBe('responded')
    expect(responded.deadlines.find((deadline: { kind: string }) => deadline.kind === 'response').metAt).toBe('2026-11-25T02:00:00.000Z')
    const response = await eventually(smsTo(phone.number, 'has been accepted'), 'the response notification')
    expect(response.body).toBe(
      [
        `Your request ${number} has been accepted.`,
        'Confirmed as: Drum motor fault',
        'Technician: Wang Gong (+8613911112222)',
        'Appointment: Wed 25 Nov, 14:00 Beijing time',
        'Reply STATUS at any time to see how it is going.',
      ].join('\n'),
    )
    expect(response.from).toBe('+8610000000000')

    // §3.1c: arrival starts the 1-hour diagnosis clock.
    t.clock.advance(4 * 3_600_000)
    const arrived = await actOk(number, { action: 'arrive' })
    expect(arrived.deadlines.find((deadline: { kind: string }) => deadline.kind === 'diagnosis')).toMatchObject({
      startsAt: '2026-11-25T06:00:00.000Z',
      dueAt: '2026-11-25T07:00:00.000Z',
      metAt: null,
    })
    t.clock.advance(40 * 60_000)
    const diagnosed = await actOk(number, { action: 'diagnose', rootCause: 'product_defect', findings: 'Motor capacitor burnt out' })
    expect(diagnosed).toMatchObject({ status: 'diagnosed', rootCause: 'product_defect', findings: 'Motor capacitor burnt out' })
    expect(diagnosed.deadlines.find((deadline: { kind: string }) => deadline.kind === 'diagnosis').metAt).toBe('2026-11-25T06:40:00.000Z')

    // §2.3: parts with a warranty of one year from fitting.
    const withParts = await actOk(number, { action: 'record_parts', parts: [{ partNumber: 'CAP-450', name: 'Motor capacitor', quantity: 1, genuine: true }] })
    expect(withParts.status).toBe('repairing')
    expect(withParts.parts).toEqual([
      { partNumber: 'CAP-450', name: 'Motor capacitor', quantity: 1, genuine: true, reason: null, fittedAt: '2026-11-25T06:40:00.000Z', warrantyEndsAt: '2027-11-25T06:40:00.000Z' },
    ])

    // §3.1d: a failed functional test goes back to repairing.
    expect((await actOk(number, { action: 'test', passed: false, notes: 'Still noisy at full spin' })).status).toBe('repairing')
    expect((await actOk(number, { action: 'test', passed: true })).status).toBe('testing')

    // §3.1e: the resolution notification carries the service record.
    t.clock.set('2026-11-26T05:00:00Z')
    expect((await actOk(number, { action: 'resolve', solution: 'Replaced the motor capacitor; tested at full load' })).status).toBe('resolved')
    const resolution = await eventually(smsTo(phone.number, 'service record'), 'the resolution notification')
    // Issue 18: by SMS, what was done and the question; the whole record behind a signed link.
    const link = /https:\/\/aftercare\.example\.test\/r\/[A-Za-z0-9_-]{43}/.exec(resolution.body)?.[0]
    expect(resolution.body).toBe(
      [`${number} is done: Replaced the motor capacitor; tested at full load`, `Your service record (parts, warranty): ${link}`, 'Is it fixed? Reply YES if it is, NO if it is not.'].join('\n'),
    )
    const page = await fetch(t.url + new URL(link!).pathname)
    expect(page.status).toBe(200)
    expect(page.headers.get('cache-control')).toBe('private, no-store')
    const text = (await page.text())
      .replace(/<[^>]+>/g, '\n')
      .split('\n')
      .filter(Boolean)
    expect(text.slice(text.indexOf(`Service record ${number}`, 5))).toEqual([
      `Service record ${number}`,
      'Aftercare',
      'Service',
      'Repair, WM-800, S/N SN4455',
      'Problem',
      'Drum motor fault - The drum does not turn',
      'Diagnosis',
      'Motor capacitor burnt out; cause: product defect',
      'Solution',
      'Replaced the motor capacitor; tested at full load',
      'Part',
      'Motor capacitor CAP-450 x1, warranty until 25 Nov 2027',
      'Technician',
      'Wang Gong',
      'Time from request to fix',
      '1 day 3 hours',
      'Requested',
      'Wed 25 Nov, 10:00',
      'Resolved',
      'Thu 26 Nov, 13:00',
      'Keep this record: it shows the parts fitted and their warranty.',
    ])

    expect(await phone.say('YES')).toBe(`Thank you for confirming. ${number} is complete.`)
    const done = await t.getJson(`/api/tickets/${number}`)
    expect(done.status).toBe('completed')
    expect(done.completedAt).toBe('2026-11-26T05:00:00.000Z')
    expect(done.events.map((event: { type: string; actor: string }) => `${event.type} by ${event.actor.split(':')[0]}`)).toEqual([
      'submitted by customer',
      'respond by api',
      'arrive by api',
      'diagnose by api',
      'record_parts by api',
      'test by api',
      'test by api',
      'resolve by api',
      'confirm by customer',
    ])
    expect(done.events[1].data).toMatchObject({ from: 'submitted', to: 'responded', technician: 'Wang Gong', category: 'Drum motor fault' })
    // Issue 15: an `actor` in the body is ignored; the admin token acts as `api`.
    expect(done.events[1]).toMatchObject({ actor: 'api' })
    expect(done.events[1].data.actorName).toBeUndefined()
    expect(done.events[5].data).toMatchObject({ from: 'repairing', to: 'repairing', passed: false, notes: 'Still noisy at full spin' })
    expect(twilio.sent.filter((message) => message.to === phone.number)).toHaveLength(2)
  })

  it('a NO to the fix reopens the ticket and alerts staff in its Slack thread', async () => {
    const { t, slack } = world
    const { phone, number } = await submitBySms(t, '+8613800001002', ['5', 'Router R1', 'skip', 'Cannot connect to Wi-Fi', 'skip', 'Bo'])
    await actOk(number, { action: 'respond', technician: 'Wang Gong' })
    await actOk(number, { action: 'resolve', solution: 'Reset the router to factory settings' })
    await eventually(smsTo(phone.number, 'Is it fixed?'), 'the resolution notification')

    // With staff on Slack, a person takes over at once.
    expect(await phone.say('no')).toBe(
      `We are sorry it is not fixed. We have reopened ${number} and our team will contact you.\nI am passing you to a member of our team; they will answer here. Anything you write now goes to them.`,
    )
    expect((await t.getJson(`/api/tickets/${number}`)).status).toBe('reopened')
    const thread = await eventually(async () => (await t.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).slackTs, 'the ticket in Slack')
    const alert = await eventually(() => slack.of('chat.postMessage').find((call) => call.args.thread_ts === thread && String(call.args.text).includes('says it is *not fixed*')), 'the Slack alert')
    expect(alert.args.text).toContain('<@U0TECH0001>')
  })

  it('a customer can start a new request while a fix awaits their answer, and answer it afterwards', async () => {
    const { t } = world
    const { phone, number } = await submitBySms(t, '+8613800001003', ['5', 'Router R1', 'skip', 'Slow', 'skip', 'Cy'])
    await actOk(number, { action: 'respond', technician: 'Wang Gong' })
    await actOk(number, { action: 'resolve', solution: 'Firmware update' })
    expect(await phone.say('hello')).toContain('What can we help you with?')
    await phone.sayAll(['4', 'Mixer M2', 'skip', 'Blade 7781', 'skip', 'Cy'])
    // At the summary, YES submits the new request…
    expect(await phone.say('YES')).toMatch(/Your request number is SR-\d{4}-\d{6}/)
    // …and once idle, YES answers the fix.
    expect(await phone.say('yes')).toBe(`Thank you for confirming. ${number} is complete.`)
  })
})

describe('in the customer’s language', () => {
  it('a Chinese-speaking customer gets the notifications in Chinese', async () => {
    const phone = new Phone(world.t.url, '+8613800001010')
    await phone.sayAll(['你好', '维修', 'WM-800', '跳过', '滚筒不转', '跳过', '上海市浦东新区世纪大道88号', '李伟'])
    const number = /SR-\d{4}-\d{6}/.exec(await phone.say('确认'))![0]
    await actOk(number, { action: 'respond', technician: 'Wang Gong', appointmentAt: '2026-11-25T06:00:00Z' })
    const sms = await eventually(smsTo(phone.number, '已受理'), 'the Chinese response notification')
    expect(sms.body).toBe([`您的服务申请 ${number} 已受理。`, '问题确认：维修', '技术员：Wang Gong (+8613911112222)', '预约时间：北京时间 11月25日周三 14:00', '回复“状态”随时查看进度。'].join('\n'))
    // Issue 18: the resolution and the record's page in Chinese too.
    await actOk(number, { action: 'arrive' })
    await actOk(number, { action: 'diagnose', rootCause: 'product_defect', findings: '电机电容烧坏' })
    await actOk(number, { action: 'test', passed: true })
    await actOk(number, { action: 'resolve', solution: '更换了电机电容' })
    const resolution = await eventually(smsTo(phone.number, '服务记录'), 'the Chinese resolution notice')
    const link = /https:\/\/\S+\/r\/[A-Za-z0-9_-]{43}/.exec(resolution.body)![0]
    expect(resolution.body).toBe([`服务单 ${number} 已处理完成：更换了电机电容`, `服务记录（配件、保修）：${link}`, '问题解决了吗？解决了请回复“是”，没有请回复“否”。'].join('\n'))
    const page = await (await fetch(world.t.url + new URL(link).pathname)).text()
    expect(page).toContain('<html lang="zh-CN">')
    expect(page).toContain(`<h1>服务记录 ${number}</h1>`)
    expect(page).toContain('<tr><th>解决方案</th><td>更换了电机电容</td></tr>')
  })
})

describe('the shorter paths', () => {
  it('spare parts: respond → parts → ship → resolve; staff record the customer’s confirmation', async () => {
    const { number } = await submitBySms(world.t, '+8613800001004', ['4', 'Mixer M2', 'skip', 'Blade 7781, two', 'skip', 'Di'])
    await actOk(number, { action: 'respond', technician: 'Wang Gong' })
    expect((await actOk(number, { action: 'record_parts', parts: [{ partNumber: '7781', name: 'Blade', quantity: 2, genuine: true }] })).status).toBe('responded')
    expect((await actOk(number, { action: 'ship', carrier: 'SF Express', tracking: 'SF123456' })).shipment).toBe('SF Express SF123456')
    expect((await actOk(number, { action: 'resolve', solution: 'Delivered' })).status).toBe('resolved')
    expect((await actOk(number, { action: 'confirm', note: 'Confirmed by phone' })).status).toBe('completed')
  })

  it('technical support: respond → resolve', async () => {
    const { number } = await submitBySms(world.t, '+8613800001005', ['5', 'Router R1', 'skip', 'How to reset?', 'skip', 'Ed'])
    await actOk(number, { action: 'respond', technician: 'Wang Gong' })
    expect((await actOk(number, { action: 'resolve', solution: 'Hold reset for 10 s' })).status).toBe('resolved')
  })
})

describe('refusals', () => {
  let number: string
  beforeAll(async () => {
    number = (await submitBySms(world.t, '+8613800001006', REPAIR)).number
  })

  it('an illegal action answers 409 and lists the legal ones', async () => {
    const response = await act(number, { action: 'arrive' })
    expect(response.status).toBe(409)
    expect(await response.json()).toEqual({
      error: `cannot arrive ${number}: it is submitted`,
      status: 'submitted',
      legalActions: ['respond', 'cancel', 'force_majeure', 'set_service_value', 'party_a_breach', 'direct_loss'],
    })
  })

  it('an unknown ticket answers 404', async () => {
    const response = await act('SR-2026-999999', { action: 'arrive' })
    expect(response.status).toBe(404)
    expect(await response.json()).toEqual({ error: 'no ticket SR-2026-999999' })
  })

  it.each([
    [{ action: 'teleport' }, /action/],
    [{ action: 'diagnose', rootCause: 'gremlins', findings: 'x' }, /rootCause/],
    [{ action: 'record_parts', parts: [] }, /parts/],
    [{ action: 'test' }, /passed/],
    [{ action: 'respond', technician: 'Wang Gong', appointmentAt: 'tomorrow-ish' }, /appointmentAt/],
  ])('a malformed action %j answers 400 naming the field', async (body, field) => {
    const response = await act(number, body)
    expect(response.status).toBe(400)
    expect(((await response.json()) as { error: string }).error).toMatch(field)
  })

  it('a body that is not JSON answers 400; an unknown technician 400', async () => {
    const response = await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: '{"action": "respond",' })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ error: 'malformed request body' })
    const unknown = await act(number, { action: 'respond', technician: 'Nobody' })
    expect(unknown.status).toBe(400)
    expect(((await unknown.json()) as { error: string }).error).toContain('no technician "Nobody"')
  })

  it('a cancelled ticket takes no action at all', async () => {
    const { number: cancelled } = await submitBySms(world.t, '+8613800001007', REPAIR)
    expect((await actOk(cancelled, { action: 'cancel', reason: 'Customer bought a new machine' })).status).toBe('cancelled')
    const response = await act(cancelled, { action: 'respond', technician: 'Wang Gong' })
    expect(response.status).toBe(409)
    expect(((await response.json()) as { legalActions: string[] }).legalActions).toEqual([])
  })
})

describe('technicians', () => {
  it('are listed, and a duplicate Slack user is refused', async () => {
    const list = await world.t.getJson('/api/technicians')
    expect(list.items).toEqual([expect.objectContaining({ name: 'Wang Gong', phone: '+8613911112222', slackUserId: 'U0TECH0001', active: true })])
    const duplicate = await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Other', slackUserId: 'U0TECH0001' }) })
    expect(duplicate.status).toBe(409)
    const bad = await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: '', slackUserId: 'nope' }) })
    expect(bad.status).toBe(400)
  })
})

describe('both parties’ other records (§4.1a, §4.1d)', () => {
  it('a Party A breach and direct losses, with who recorded them, on the ticket and in the report and CSV', async () => {
    world.t.clock.set('2026-12-20T02:00:00Z')
    const { number } = await submitBySms(world.t, '+8613800001099', REPAIR)
    await actOk(number, { action: 'respond', technician: 'Wang Gong' })
    // Annotations: allowed whatever the step, they change nothing in the process.
    const afterBreach = await actOk(number, { action: 'party_a_breach', kind: 'late_parts', note: 'Motor promised for Monday, arrived Friday', actor: 'li.ming' })
    expect(afterBreach.status).toBe('responded')
    await actOk(number, { action: 'direct_loss', causedBy: 'party_a', amount: 320.5, evidence: 'Courier invoice 8841: second trip' })
    await actOk(number, { action: 'direct_loss', causedBy: 'party_b', amount: 99.5, evidence: 'Scratched cabinet, photo in the thread' })
    expect((await act(number, { action: 'direct_loss', causedBy: 'party_b', amount: -5, evidence: 'x' })).status).toBe(400)
    expect((await act(number, { action: 'party_a_breach', kind: 'bad_weather', note: 'x' })).status).toBe(400)

    const ticket = await world.t.getJson(`/api/tickets/${number}`)
    expect(ticket.partyABreaches).toEqual([expect.objectContaining({ kind: 'late_parts', note: 'Motor promised for Monday, arrived Friday', actor: 'api' })])
    expect(ticket.directLosses.map((loss: { causedBy: string; amount: number }) => [loss.causedBy, loss.amount])).toEqual([
      ['party_a', 320.5],
      ['party_b', 99.5],
    ])
    const { overall } = await world.t.getJson('/api/reports/agreement?from=2026-12-20&to=2026-12-20')
    expect(overall.partyABreaches).toEqual({ byKind: { late_product_data: 0, late_parts: 1, visit_prevented: 0 }, total: 1 })
    expect(overall.directLosses).toEqual({ partyA: { count: 1, amount: 320.5 }, partyB: { count: 1, amount: 99.5 } })
    const csv = await (await world.t.admin('/api/reports/agreement.csv?from=2026-12-20&to=2026-12-20')).text()
    expect(csv).toContain('overall,,party_a_breaches.late_parts,,,1')
    expect(csv).toContain('overall,,direct_losses_caused_by_party_a,,,320.5')
  })
})

describe('technicians (§3.2d–e)', () => {
  it('a ticket is reassigned with a reason: the new technician has it, the report counts it for them', async () => {
    await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Qian Gong' }) })
    world.t.clock.set('2026-12-21T02:00:00Z')
    const { number } = await submitBySms(world.t, '+8613800001098', REPAIR)
    await actOk(number, { action: 'respond', technician: 'Wang Gong' })
    expect((await act(number, { action: 'reassign', technician: 'Qian Gong' })).status).toBe(400)
    const moved = await actOk(number, { action: 'reassign', technician: 'Qian Gong', reason: 'Wang Gong is ill this week' })
    expect(moved).toMatchObject({ status: 'responded', technician: { name: 'Qian Gong' } })
    expect(moved.events.at(-1)).toMatchObject({ type: 'reassign', data: expect.objectContaining({ from: 'Wang Gong', technician: 'Qian Gong', reason: 'Wang Gong is ill this week' }) })
    expect((await act(number, { action: 'reassign', technician: 'Qian Gong', reason: 'again' })).status).toBe(409)
    const { byTechnician } = await world.t.getJson('/api/reports/agreement?from=2026-12-21&to=2026-12-21')
    const requestsOf = (name: string) => byTechnician.find((row: { technician: { name: string } }) => row.technician.name === name).figures.requests.total
    expect([requestsOf('Wang Gong'), requestsOf('Qian Gong')]).toEqual([0, 1])
  })

  it('training, assessments, Party A’s evaluations, and a replacement request that staff see in Slack', async () => {
    const created = await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Sun Gong' }) })
    const { id } = (await created.json()) as { id: string }
    const record = (body: object) => world.t.admin(`/api/technicians/${id}/records`, { method: 'POST', body: JSON.stringify(body) })
    expect((await record({ kind: 'training', title: 'WM-800 drum service' })).status).toBe(400)
    expect((await record({ kind: 'training', title: 'WM-800 drum service', date: '2026-11-02', result: 'passed' })).status).toBe(201)
    expect((await record({ kind: 'assessment', title: 'Q4 skills check', result: '87/100' })).status).toBe(201)
    expect((await record({ kind: 'evaluation', note: 'Good work' })).status).toBe(400)
    expect((await record({ kind: 'evaluation', title: 'November', rating: 4, note: 'Punctual, tidy' })).status).toBe(201)
    expect((await record({ kind: 'replacement_request', note: 'Two complaints <!channel> about manners' })).status).toBe(201)
    const technician = await world.t.getJson(`/api/technicians/${id}`)
    expect(technician.records.map((item: { kind: string }) => item.kind)).toEqual(['training', 'assessment', 'evaluation', 'replacement_request'])
    expect(technician.records[0]).toMatchObject({ title: 'WM-800 drum service', date: '2026-11-02T00:00:00.000Z', result: 'passed' })
    const alert = await eventually(
      () => world.slack.of('chat.postMessage').find((call) => String(call.args.text).includes('Party A asks to replace technician Sun Gong')),
      'the request in the staff channel',
    )
    // What Party A wrote is shown, not obeyed.
    expect(alert.args.text).toContain('&lt;!channel&gt;')
    expect((await world.t.admin('/api/technicians/00000000-0000-0000-0000-000000000000')).status).toBe(404)
  })
})
