/**
 * Feedback within 24 hours of completion (§3.3a) and the complaint register (§3.3d), on the
 * injected clock, with what the customer's phone and the staff channel receive.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { STAFF_CHANNEL } from './fakes/slack-api.ts'
import { buttonPress, viewSubmission } from './support/slack.ts'
import { Phone } from './support/sms.ts'
import { eventually, startWorld, submitBySms, type World } from './support/world.ts'

const MINUTE = 60_000
const HOUR = 60 * MINUTE
let world: World
let phones = 0
const nextPhone = () => `+86138000060${String(phones++).padStart(2, '0')}`

// A world per test: the survey sweep counts over the whole database, so each test's counts are its own tickets'.
beforeEach(async () => {
  world = await startWorld()
  await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong' }) })
})
afterEach(() => world.close())

const act = async (number: string, body: object) => {
  const response = await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify(body) })
  expect(response.status, await response.clone().text()).toBe(200)
}
const smsTo = (phone: Phone) => world.twilio.sent.filter((sms) => sms.to === phone.number).map((sms) => sms.body)
const feedbackOf = (number: string) => world.t.db.prisma.feedback.findFirstOrThrow({ where: { ticket: { number } } })
const statusOf = async (number: string) => (await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).status
/** Survey questions and reminders written for a ticket's customer (rows, whether sent yet or not). */
const promptsFor = async (number: string) => {
  const { conversationId } = await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number }, select: { conversationId: true } })
  return world.t.db.prisma.message.count({ where: { conversationId: conversationId!, kind: 'feedback_prompt' } })
}

/** A technical-support ticket, resolved and confirmed by the customer at `completedAt`. */
async function completed(completedAt: string) {
  world.t.clock.set(new Date(Date.parse(completedAt) - HOUR))
  const { phone, number } = await submitBySms(world.t, nextPhone(), ['5', 'Router R1', 'skip', 'How do I reset it?', 'skip', 'Ann'])
  await act(number, { action: 'respond', technician: 'Wang Gong' })
  world.t.clock.set(completedAt)
  await act(number, { action: 'resolve', solution: 'Hold the reset button for 10 seconds' })
  expect(await phone.say('YES')).toBe(`Thank you for confirming. ${number} is complete.`)
  return { phone, number }
}

async function askedAt(phone: Phone, number: string) {
  world.t.clock.advance(10 * MINUTE)
  await world.t.assembled.runSurveys()
  return eventually(() => smsTo(phone).find((body) => body.includes(`our service for ${number}`)), 'the survey question')
}

describe('the survey', () => {
  it('is asked 10 minutes after completion, takes a rating then a comment, and closes the ticket', async () => {
    const { phone, number } = await completed('2026-12-01T02:00:00Z')
    world.t.clock.advance(9 * MINUTE)
    expect((await world.t.assembled.runSurveys()).asked).toBe(0)
    world.t.clock.set('2026-12-01T02:00:00Z')
    const question = await askedAt(phone, number)
    expect(question).toBe(`How satisfied are you with our service for ${number}, from 1 (very unsatisfied) to 5 (very satisfied)?`)
    expect(await feedbackOf(number)).toMatchObject({ status: 'asked', askedAt: new Date('2026-12-01T02:10:00Z'), channel: 'sms' })

    expect(await phone.say('4')).toBe('Thank you! Anything else you would like to tell us? Reply SKIP to finish.')
    expect(await phone.say('Quick and friendly')).toBe('Thank you for your feedback.')
    const feedback = await feedbackOf(number)
    expect(feedback).toMatchObject({ status: 'answered', rating: 4, comment: 'Quick and friendly', inWindow: true, source: expect.stringMatching(/^customer:/) })
    expect(await statusOf(number)).toBe('closed')
    const deadline = await world.t.db.prisma.deadline.findFirstOrThrow({ where: { ticket: { number }, kind: 'feedback' } })
    expect(deadline.metAt).not.toBeNull()
    const listed = await world.t.getJson('/api/feedback?status=answered')
    expect(listed.items.find((item: { ticket: string }) => item.ticket === number)).toMatchObject({ rating: 4, comment: 'Quick and friendly', inWindow: true })
  })

  it('SKIP leaves no comment', async () => {
    const { phone, number } = await completed('2026-12-02T02:00:00Z')
    await askedAt(phone, number)
    await phone.say('⭐⭐⭐⭐⭐')
    expect(await phone.say('skip')).toBe('Thank you for your feedback.')
    expect(await feedbackOf(number)).toMatchObject({ rating: 5, comment: null })
  })

  it('an answer that is not a rating gets one hint, then is kept as the comment', async () => {
    const { phone, number } = await completed('2026-12-03T02:00:00Z')
    await askedAt(phone, number)
    expect(await phone.say('the technician was late')).toContain('Please answer with a number from 1 (very unsatisfied) to 5')
    expect(await phone.say('he was late again')).toBe('Thank you for your feedback.')
    expect(await feedbackOf(number)).toMatchObject({ status: 'answered', rating: null, comment: 'he was late again' })
  })

  it('reminds once after 12 hours without an answer', async () => {
    const { phone, number } = await completed('2026-12-04T02:00:00Z')
    await askedAt(phone, number)
    world.t.clock.advance(12 * HOUR - MINUTE)
    expect((await world.t.assembled.runSurveys()).reminded).toBe(0)
    world.t.clock.advance(MINUTE)
    expect((await world.t.assembled.runSurveys()).reminded).toBe(1)
    await eventually(() => smsTo(phone).find((body) => body.startsWith(`A reminder: how satisfied are you with our service for ${number}`)), 'the reminder')
    world.t.clock.advance(HOUR)
    expect((await world.t.assembled.runSurveys()).reminded).toBe(0)
  })

  it('at 24 hours the window closes: not collected in time, ticket closed, a breach; a late answer is still kept', async () => {
    const { phone, number } = await completed('2026-12-05T02:00:00Z')
    await askedAt(phone, number)
    world.t.clock.set('2026-12-06T02:00:00Z')
    expect((await world.t.assembled.runSurveys()).missed).toBe(1)
    expect(await feedbackOf(number)).toMatchObject({ status: 'missed', inWindow: false })
    expect(await statusOf(number)).toBe('closed')
    await world.t.assembled.sweepDeadlines()
    await world.t.db.prisma.deadlineBreach.findFirstOrThrow({ where: { ticket: { number }, kind: 'feedback' } })
    // §3.3a is our follow-up, reported as a breach; it does not make the service itself
    // non-conforming (§4.1b lists lateness in response, installation and diagnosis, and quality).
    expect((await world.t.getJson(`/api/tickets/${number}`)).damages).toBeNull()

    world.t.clock.advance(2 * HOUR)
    expect(await phone.say('5')).toContain('Anything else you would like to tell us?')
    expect(await feedbackOf(number)).toMatchObject({ status: 'answered', rating: 5, inWindow: false, answeredAt: new Date('2026-12-06T04:00:00Z') })
  })

  it('does not trap a customer who starts a new request meanwhile; the survey can be answered after', async () => {
    const { phone, number } = await completed('2026-12-07T02:00:00Z')
    await askedAt(phone, number)
    expect(await phone.say('I need an installation')).toContain('Which product')
    await phone.sayAll(['AC-35', 'skip', 'today', '9 Garden Road', 'Ann'])
    expect(await phone.say('YES')).toMatch(/Your request number is SR-\d{4}-\d{6}/)
    expect(await phone.say('5')).toContain('Anything else you would like to tell us?')
    expect(await feedbackOf(number)).toMatchObject({ rating: 5 })
  })

  it('survives a restart while pending', async () => {
    const { phone, number } = await completed('2026-12-08T02:00:00Z')
    await askedAt(phone, number)
    await world.restart()
    const same = new Phone(world.t.url, phone.number)
    expect(await same.say('4')).toContain('Anything else you would like to tell us?')
    expect(await feedbackOf(number)).toMatchObject({ rating: 4, inWindow: true })
  })
})

describe('a fix the customer never answers (§3.3a)', () => {
  /** A technical-support ticket resolved at `resolvedAt`; the customer never says YES or NO. */
  async function resolved(resolvedAt: string) {
    world.t.clock.set(new Date(Date.parse(resolvedAt) - HOUR))
    const { phone, number } = await submitBySms(world.t, nextPhone(), ['5', 'Router R1', 'skip', 'How do I reset it?', 'skip', 'Ann'])
    await act(number, { action: 'respond', technician: 'Wang Gong' })
    world.t.clock.set(resolvedAt)
    await act(number, { action: 'resolve', solution: 'Hold the reset button for 10 seconds' })
    return { phone, number }
  }

  it('is still followed up: the survey comes after the resolution; after 72 h it is completed, unconfirmed, and the customer is told', async () => {
    const { phone, number } = await resolved('2026-12-07T02:00:00Z')
    world.t.clock.advance(10 * MINUTE)
    expect((await world.t.assembled.runSurveys()).asked).toBe(1)
    await eventually(() => smsTo(phone).find((body) => body.includes(`our service for ${number}`)), 'the survey question, with no YES')
    await phone.say('4')
    await phone.say('skip')
    expect(await feedbackOf(number)).toMatchObject({ status: 'answered', rating: 4, inWindow: true })
    // Not confirmed: the ticket waits for the customer, feedback in or not.
    expect(await statusOf(number)).toBe('resolved')

    world.t.clock.set('2026-12-10T01:59:00Z')
    expect((await world.t.assembled.runSurveys()).unconfirmed).toBe(0)
    world.t.clock.set('2026-12-10T02:00:00Z')
    expect((await world.t.assembled.runSurveys()).unconfirmed).toBe(1)
    const ticket = await world.t.getJson(`/api/tickets/${number}`)
    // Completed unconfirmed, then closed at once: its feedback was already in.
    expect(ticket).toMatchObject({ status: 'closed', completedUnconfirmed: true, completedAt: '2026-12-10T02:00:00.000Z' })
    await eventually(() => smsTo(phone).find((body) => body.includes(`We have not heard from you about ${number}`)), 'the customer told')
    // Once only.
    expect((await world.t.assembled.runSurveys()).unconfirmed).toBe(0)
  })

  it('with no answer to the survey either: the feedback deadline is breached at 24 h, the ticket closed at 72 h', async () => {
    const { number } = await resolved('2026-12-08T02:00:00Z')
    world.t.clock.advance(10 * MINUTE)
    expect((await world.t.assembled.runSurveys()).asked).toBe(1)
    world.t.clock.set('2026-12-09T02:00:00Z')
    expect((await world.t.assembled.runSurveys()).missed).toBe(1)
    await world.t.assembled.sweepDeadlines()
    await world.t.db.prisma.deadlineBreach.findFirstOrThrow({ where: { ticket: { number }, kind: 'feedback' } })
    expect(await statusOf(number)).toBe('resolved')
    world.t.clock.set('2026-12-11T02:00:00Z')
    expect((await world.t.assembled.runSurveys()).unconfirmed).toBe(1)
    expect(await world.t.getJson(`/api/tickets/${number}`)).toMatchObject({ status: 'closed', completedUnconfirmed: true })
  })

  it('a customer who answers in time is completed as confirmed', async () => {
    const { phone, number } = await resolved('2026-12-09T02:00:00Z')
    world.t.clock.advance(HOUR)
    expect(await phone.say('YES')).toBe(`Thank you for confirming. ${number} is complete.`)
    world.t.clock.set('2026-12-13T02:00:00Z')
    expect((await world.t.assembled.runSurveys()).unconfirmed).toBe(0)
    expect(await world.t.getJson(`/api/tickets/${number}`)).toMatchObject({ completedUnconfirmed: false })
  })
})

describe('when the survey cannot reach the customer', () => {
  it('an opted-out customer is not texted; staff are told to collect it another way and record it by phone', async () => {
    const { phone, number } = await completed('2026-12-09T02:00:00Z')
    await phone.say('STOP')
    world.t.clock.advance(10 * MINUTE)
    await world.t.assembled.runSurveys()
    const thread = await eventually(async () => (await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).slackTs, 'the ticket in Slack')
    const alert = await eventually(
      () => world.slack.of('chat.postMessage').find((call) => call.args.thread_ts === thread && String(call.args.text).includes('could not reach the customer')),
      'the staff alert',
    )
    expect(alert.args.text).toContain(`POST /api/tickets/${number}/feedback`)
    expect(smsTo(phone).some((body) => body.includes('How satisfied'))).toBe(false)

    const recorded = await world.t.admin(`/api/tickets/${number}/feedback`, { method: 'POST', body: JSON.stringify({ rating: 5, comment: 'Said so on the phone', actor: 'li.ming' }) })
    expect(recorded.status).toBe(200)
    expect(await recorded.json()).toMatchObject({ status: 'answered', rating: 5, source: 'staff:api', inWindow: true })
    expect(await statusOf(number)).toBe('closed')
  })
})

describe('staff control of the survey', () => {
  it('can skip it, or send it again', async () => {
    const skipped = await completed('2026-12-10T02:00:00Z')
    // §3.3a: a skip needs its reason.
    const bare = await world.t.admin(`/api/tickets/${skipped.number}/survey`, { method: 'POST', body: JSON.stringify({ action: 'skip' }) })
    expect(bare.status).toBe(400)
    const skip = await world.t.admin(`/api/tickets/${skipped.number}/survey`, { method: 'POST', body: JSON.stringify({ action: 'skip', reason: 'Customer is abroad for a month' }) })
    expect(await skip.json()).toMatchObject({ status: 'skipped', skipReason: 'Customer is abroad for a month', skippedByCustomer: false })
    expect(await statusOf(skipped.number)).toBe('closed')
    world.t.clock.advance(11 * MINUTE)
    expect(await world.t.assembled.runSurveys()).toEqual({ asked: 0, reminded: 0, missed: 0, unconfirmed: 0 })
    expect(await promptsFor(skipped.number)).toBe(0)
    // A skip of ours is a follow-up not made: at the window's end its deadline is breached.
    world.t.clock.set('2026-12-11T02:00:00Z')
    await world.t.assembled.sweepDeadlines()
    await world.t.db.prisma.deadlineBreach.findFirstOrThrow({ where: { ticket: { number: skipped.number }, kind: 'feedback' } })

    const again = await completed('2026-12-11T02:00:00Z')
    await world.t.admin(`/api/tickets/${again.number}/survey`, { method: 'POST', body: JSON.stringify({ action: 'resend' }) })
    await eventually(() => smsTo(again.phone).find((body) => body.includes(`our service for ${again.number}`)), 'the survey sent at once')
    expect((await world.t.admin('/api/tickets/SR-2026-999999/survey', { method: 'POST', body: JSON.stringify({ action: 'skip', reason: 'x' }) })).status).toBe(404)
  })

  it('a survey the customer declined is a follow-up done, not a breach (§3.3a)', async () => {
    const { number } = await completed('2026-12-14T02:00:00Z')
    const skip = await world.t.admin(`/api/tickets/${number}/survey`, {
      method: 'POST',
      body: JSON.stringify({ action: 'skip', reason: 'Said on the phone: no surveys, please', customerAsked: true }),
    })
    expect(await skip.json()).toMatchObject({ status: 'skipped', skippedByCustomer: true, inWindow: true })
    world.t.clock.set('2026-12-15T03:00:00Z')
    expect((await world.t.assembled.sweepDeadlines()).breached).toBe(0)
    expect(await world.t.db.prisma.deadlineBreach.count({ where: { ticket: { number } } })).toBe(0)
  })
})

describe('the complaint register (§3.3d)', () => {
  it('a low rating opens a complaint: the customer is told, staff see it with buttons, take it and resolve it', async () => {
    const { phone, number } = await completed('2026-12-12T02:00:00Z')
    await askedAt(phone, number)
    await phone.say('1')
    const told = await eventually(() => smsTo(phone).find((body) => body.includes('Your complaint is registered as')), 'the customer told')
    const complaintNumber = /CP-\d{4}-\d{6}/.exec(told)![0]
    const list = await world.t.getJson('/api/complaints?status=open')
    expect(list.items.find((item: { number: string }) => item.number === complaintNumber)).toMatchObject({ source: 'low_rating', status: 'open', ticket: number, text: 'Rated 1/5' })

    const post = await eventually(
      () => world.slack.of('chat.postMessage').find((call) => call.args.channel === STAFF_CHANNEL && !call.args.thread_ts && String(call.args.text).startsWith(`Complaint ${complaintNumber}`)),
      'the complaint in Slack',
    )
    expect(JSON.stringify(post.args.blocks)).toContain('complaint:take')

    const take = buttonPress('complaint:take', complaintNumber)
    expect((await world.workspace.interaction(take)).status).toBe(200)
    await eventually(async () => (await world.t.getJson(`/api/complaints/${complaintNumber}`)).status === 'in_progress', 'taken')
    expect((await world.t.getJson(`/api/complaints/${complaintNumber}`)).assignee).toBe('slack:U0STAFF001')

    const before = world.slack.of('views.open').length
    await world.workspace.interaction(buttonPress('complaint:resolve', complaintNumber))
    const modal = await eventually(() => world.slack.of('views.open')[before]?.args.view as { private_metadata: string; blocks: unknown[]; callback_id: string } | undefined, 'the outcome modal')
    await world.workspace.interaction(viewSubmission(modal, { text: { type: 'plain_text_input', value: 'We replaced the router free of charge.' } }))
    await eventually(() => smsTo(phone).includes(`About your complaint ${complaintNumber}: We replaced the router free of charge.`), 'the outcome told')
    expect(await world.t.getJson(`/api/complaints/${complaintNumber}`)).toMatchObject({ status: 'resolved', outcome: 'We replaced the router free of charge.' })
  })

  it('complaint words open one; more angry messages join it instead of opening others', async () => {
    const { phone, number } = await submitBySms(world.t, nextPhone(), ['5', 'Router R1', 'skip', 'It drops', 'skip', 'Bo'])
    await phone.say('This is unacceptable, I want a refund')
    await phone.say('投诉！态度差')
    const complaints = await world.t.db.prisma.complaint.findMany({ where: { ticket: { number } }, include: { events: true } })
    expect(complaints).toHaveLength(1)
    expect(complaints[0]).toMatchObject({ source: 'keywords', text: 'This is unacceptable, I want a refund' })
    expect(complaints[0]!.events.map((event) => event.type)).toEqual(['opened', 'more'])
  })

  it('a rejected fix is a complaint', async () => {
    const { phone, number } = await submitBySms(world.t, nextPhone(), ['5', 'Router R1', 'skip', 'It drops', 'skip', 'Cy'])
    await act(number, { action: 'respond', technician: 'Wang Gong' })
    await act(number, { action: 'resolve', solution: 'Firmware update' })
    await phone.say('NO')
    expect(await world.t.db.prisma.complaint.findFirst({ where: { ticket: { number } } })).toMatchObject({ source: 'fix_rejected' })
  })

  it('staff can report one and work it from the admin API', async () => {
    const { number } = await submitBySms(world.t, nextPhone(), ['5', 'Router R1', 'skip', 'It drops', 'skip', 'Di'])
    const reported = await world.t.admin('/api/complaints', { method: 'POST', body: JSON.stringify({ ticket: number, text: 'Called to complain about the wait', actor: 'li.ming' }) })
    expect(reported.status).toBe(201)
    const complaint = (await reported.json()) as { number: string }
    const noted = await world.t.admin(`/api/complaints/${complaint.number}/actions`, { method: 'POST', body: JSON.stringify({ action: 'note', text: 'Offered a priority visit' }) })
    expect(((await noted.json()) as { events: { type: string }[] }).events.map((event) => event.type)).toEqual(['opened', 'note'])
    const resolved = await world.t.admin(`/api/complaints/${complaint.number}/actions`, { method: 'POST', body: JSON.stringify({ action: 'resolve', outcome: 'Visit done next morning' }) })
    expect(((await resolved.json()) as { status: string }).status).toBe('resolved')
    const again = await world.t.admin(`/api/complaints/${complaint.number}/actions`, { method: 'POST', body: JSON.stringify({ action: 'take' }) })
    expect(again.status).toBe(409)
    expect((await world.t.admin('/api/complaints/CP-2026-999999/actions', { method: 'POST', body: JSON.stringify({ action: 'take' }) })).status).toBe(404)
    expect((await world.t.admin(`/api/complaints/${complaint.number}/actions`, { method: 'POST', body: JSON.stringify({ action: 'resolve' }) })).status).toBe(400)
  })
})
