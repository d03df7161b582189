/**
 * Channel parity (issue 5): the same journey on SMS, web chat (Direct Line), Slack and WhatsApp, each step
 * checked against what the customer actually received on that channel:
 * intake → ticket → hand-off with a message relayed each way → back to the bot → staff respond
 * → response notification → arrive, diagnose, test, resolve → resolution notification with the
 * service record → the customer's YES → completed → the feedback prompt → rating, comment → closed.
 * A notification type added later joins this matrix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAFF_CHANNEL } from './fakes/slack-api.ts'
import { customerOn, type ChannelName } from './support/customers.ts'
import { eventually, startWorld, type World } from './support/world.ts'

let world: World
beforeAll(async () => {
  world = await startWorld()
  await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong', phone: '+8613911112222', slackUserId: 'U0TECH0001' }) })
})
afterAll(() => world.close())

const act = async (number: string, body: object) => {
  const response = await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify(body) })
  expect(response.status, await response.clone().text()).toBe(200)
}

describe.each<ChannelName>(['sms', 'webchat', 'slack', 'whatsapp'])('the whole journey on %s', (channel) => {
  it('intake, hand-off both ways, both notifications with the service record, confirmation', async () => {
    const customer = await customerOn(channel, world)

    // Intake → ticket.
    expect(await customer.say('hello')).toContain('What can we help you with?')
    for (const answer of ['1', 'WM-800', 'SN-88001', 'The drum does not turn', 'skip', '88 Century Avenue, Shanghai']) await customer.say(answer)
    expect(await customer.say('Li Wei')).toContain('Please check your request')
    const submitted = await customer.say('YES')
    const number = /SR-\d{4}-\d{6}/.exec(submitted)?.[0]
    expect(number, submitted).toBeDefined()
    const ticket = await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number: number! } })
    expect(ticket.channel).toBe(channel)
    const thread = await eventually(async () => (await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number: number! } })).slackTs, 'the ticket in Slack')

    // Hand-off: one message each way through the ticket's thread.
    expect(await customer.say('AGENT')).toContain('I am passing you to a member of our team')
    expect(await customer.say('Is anyone there?')).toBe('')
    await eventually(() => world.slack.posted(STAFF_CHANNEL, thread).includes(':speech_balloon: *Customer*: Is anyone there?'), 'the message in the staff thread')
    await world.workspace.event({ type: 'message', channel: STAFF_CHANNEL, user: 'U0STAFF001', text: 'Yes, Li Ming here. A technician is on the way.', ts: `${Date.now() / 1000}`, thread_ts: thread })
    expect(await customer.waitFor('Li Ming: Yes, Li Ming here.')).toBe('Li Ming: Yes, Li Ming here. A technician is on the way.')
    await world.workspace.command(`release ${number}`)
    await customer.waitFor('You are back with our assistant.')

    // §3.1b: the response notification.
    await act(number!, { action: 'respond', technician: 'Wang Gong', appointmentAt: '2026-11-25T06:00:00Z', category: 'Drum motor fault' })
    const response = await customer.waitFor('has been accepted')
    expect(response).toContain(`Your request ${number} has been accepted.`)
    expect(response).toContain('Technician: Wang Gong (+8613911112222)')
    expect(response).toContain('Appointment: Wed 25 Nov, 14:00 Beijing time')

    // §3.1c–e: on site, diagnosed, parts, tested, resolved: the service record.
    await act(number!, { action: 'arrive' })
    await act(number!, { action: 'diagnose', rootCause: 'product_defect', findings: 'Motor capacitor burnt out' })
    await act(number!, { action: 'record_parts', parts: [{ partNumber: 'CAP-450', name: 'Motor capacitor', quantity: 1, genuine: true }] })
    await act(number!, { action: 'test', passed: true })
    await act(number!, { action: 'resolve', solution: 'Replaced the motor capacitor' })
    const record = await customer.waitFor('Your service record')
    // Issue 18: every channel links the printable record; SMS and WhatsApp carry only what was done and
    // the question (a whole record cost up to 220 segments), chat channels the record itself.
    const link = /https:\/\/\S+\/r\/[A-Za-z0-9_-]{43}/.exec(record)?.[0]
    expect(link, record).toBeDefined()
    const page = await (await fetch(world.t.url + new URL(link!).pathname)).text()
    const fields: [string, string][] = [
      ['Service', 'Repair, WM-800, S/N SN-88001'],
      ['Problem', 'Drum motor fault - The drum does not turn'],
      ['Diagnosis', 'Motor capacitor burnt out; cause: product defect'],
      ['Solution', 'Replaced the motor capacitor'],
      ['Part', 'Motor capacitor CAP-450 x1, warranty until'],
      ['Time from request to fix', ''],
    ]
    for (const [label, value] of fields) {
      expect(page).toContain(`<tr><th>${label}</th><td>${value}`)
      if (channel === 'webchat' || channel === 'slack') expect(record).toContain(`${label}: ${value}`)
    }
    if (channel === 'sms' || channel === 'whatsapp') expect(record).toContain(`${number} is done: Replaced the motor capacitor`)
    expect(record).toContain('Is it fixed? Reply YES if it is, NO if it is not.')

    // The customer confirms: completed.
    expect(await customer.say('YES')).toBe(`Thank you for confirming. ${number} is complete.`)
    expect((await world.t.getJson(`/api/tickets/${number}`)).status).toBe('completed')

    // §3.3a: the feedback prompt, 10 minutes later, on the same channel; the answer closes the ticket.
    world.t.clock.advance(10 * 60_000)
    await world.t.assembled.runSurveys()
    expect(await customer.waitFor(`How satisfied are you with our service for ${number}`)).toContain('from 1 (very unsatisfied) to 5 (very satisfied)')
    expect(await customer.say('5')).toContain('Anything else you would like to tell us?')
    expect(await customer.say('Very helpful')).toBe('Thank you for your feedback.')
    const closed = await world.t.getJson(`/api/tickets/${number}`)
    expect(closed.status).toBe('closed')
    expect(closed.feedback).toMatchObject({ rating: 5, comment: 'Very helpful', inWindow: true, channel })
  })
})
