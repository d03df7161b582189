/**
 * Staff in Slack: the ticket's message in the staff channel, buttons, modals and their
 * submissions (signed as Slack signs them), the message updated in place, thread notes, and
 * the refusals (bad signature, stale timestamp, retried events).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAFF_CHANNEL } from './fakes/slack-api.ts'
import { buttonPress, menuChoice, SlackWorkspace, staffUser, viewSubmission } from './support/slack.ts'
import { eventually, REPAIR, startWorld, submitBySms, type World } from './support/world.ts'

let world: World
let technicianId: string
let phones = 0
const nextPhone = () => `+86138000040${String(phones++).padStart(2, '0')}`

beforeAll(async () => {
  world = await startWorld()
  const created = await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong', slackUserId: 'U0TECH0001' }) })
  technicianId = ((await created.json()) as { id: string }).id
})
afterAll(() => world.close())

const ticket = (number: string) => world.t.getJson(`/api/tickets/${number}`)
const statusOf = async (number: string) => (await ticket(number)).status as string

/** The buttons (action ids) in the latest version of the ticket's channel message. */
async function buttonsOf(number: string): Promise<string[]> {
  const ts = (await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).slackTs
  const versions = world.slack.calls.filter(
    (call) => (call.method === 'chat.update' && call.args.ts === ts) || (call.method === 'chat.postMessage' && !call.args.thread_ts && String(call.args.text).startsWith(number)),
  )
  const blocks = (versions.at(-1)?.args.blocks ?? []) as { type: string; elements?: { action_id: string }[] }[]
  return blocks.find((block) => block.type === 'actions')?.elements?.map((element) => element.action_id) ?? []
}

/** Presses a button; when it opens a modal, returns that modal. */
async function press(number: string, action: string) {
  const before = world.slack.of('views.open').length
  const response = await world.workspace.interaction(buttonPress(`ticket_action:${action}`, number))
  expect(response.status).toBe(200)
  return () => world.slack.of('views.open').slice(before)[0]?.args.view as { private_metadata: string; blocks: { block_id?: string; element?: { options?: { value: string }[] } }[] } | undefined
}

async function submit(view: { private_metadata: string; blocks: unknown[] }, values: Record<string, unknown>) {
  const response = await world.workspace.interaction(viewSubmission(view, values))
  expect(response.status).toBe(200)
  const text = await response.text()
  return text ? (JSON.parse(text) as { response_action?: string; errors?: Record<string, string> }) : {}
}

describe('a ticket worked entirely from Slack', () => {
  it('is posted with its buttons, moves through modals and one-click buttons to completed, the message updated each time', async () => {
    const { number, phone } = await submitBySms(world.t, nextPhone(), REPAIR)

    const post = await eventually(() => world.slack.of('chat.postMessage').find((call) => String(call.args.text).startsWith(number)), 'the ticket in the staff channel')
    expect(post.args.channel).toBe(STAFF_CHANNEL)
    expect(JSON.stringify(post.args.blocks)).toContain('response due Thu 26 Nov, 10:00')
    expect(await eventually(async () => (await buttonsOf(number)).length && buttonsOf(number))).toEqual(['ticket_action:respond', 'ticket_more'])

    // Respond: a modal with the technicians, then the submission.
    const respondModal = await eventually(await press(number, 'respond'), 'the respond modal')
    expect(respondModal.blocks.find((block) => block.block_id === 'technician')?.element?.options).toEqual([{ text: { type: 'plain_text', text: 'Wang Gong' }, value: technicianId }])
    expect(
      await submit(respondModal, {
        technician: { type: 'static_select', selected_option: { value: technicianId } },
        appointmentAt: { type: 'datetimepicker', selected_date_time: Date.parse('2026-11-25T06:00:00Z') / 1000 },
        category: { type: 'plain_text_input', value: 'Drum motor fault' },
      }),
    ).toEqual({})
    await eventually(async () => (await statusOf(number)) === 'responded', 'responded')
    const responded = await ticket(number)
    expect(responded.technician).toMatchObject({ name: 'Wang Gong' })
    expect(responded.appointmentAt).toBe('2026-11-25T06:00:00.000Z')
    // The staff member's Slack identity is the actor (§ audit trail).
    expect(responded.events.at(-1)).toMatchObject({ type: 'respond', actor: `slack:${staffUser.id}`, data: expect.objectContaining({ actorName: 'li.ming' }) })
    await eventually(async () => (await buttonsOf(number)).includes('ticket_action:arrive'), 'the message updated with Arrive')
    await eventually(() => world.twilio.sent.find((sms) => sms.to === phone.number && sms.body.includes('has been accepted')), 'the response notification')

    // Arrive is one click.
    await press(number, 'arrive')
    await eventually(async () => (await statusOf(number)) === 'on_site', 'on site')

    const diagnoseModal = await eventually(await press(number, 'diagnose'), 'the diagnose modal')
    await submit(diagnoseModal, { rootCause: { type: 'static_select', selected_option: { value: 'product_defect' } }, findings: { type: 'plain_text_input', value: 'Capacitor burnt out' } })
    await eventually(async () => (await statusOf(number)) === 'diagnosed', 'diagnosed')

    // A parts line that cannot be read is shown under the field; the modal stays open.
    const partsModal = await eventually(await press(number, 'record_parts'), 'the parts modal')
    expect(await submit(partsModal, { parts: { type: 'plain_text_input', value: 'CAP-450, Motor capacitor, one' } })).toEqual({
      response_action: 'errors',
      errors: { parts: expect.stringContaining('Cannot read: "CAP-450, Motor capacitor, one"') },
    })
    await submit(partsModal, { parts: { type: 'plain_text_input', value: 'CAP-450, Motor capacitor, 1, genuine\nSCR-3, Screw set, 4, not genuine, original out of stock' } })
    await eventually(async () => (await statusOf(number)) === 'repairing', 'repairing')
    expect((await ticket(number)).parts.map((part: { partNumber: string; quantity: number; genuine: boolean }) => [part.partNumber, part.quantity, part.genuine])).toEqual([
      ['CAP-450', 1, true],
      ['SCR-3', 4, false],
    ])

    const testModal = await eventually(await press(number, 'test'), 'the test modal')
    await submit(testModal, { passed: { type: 'radio_buttons', selected_option: { value: 'true' } } })
    await eventually(async () => (await statusOf(number)) === 'testing', 'tested')

    const resolveModal = await eventually(await press(number, 'resolve'), 'the resolve modal')
    await submit(resolveModal, { solution: { type: 'plain_text_input', value: 'Replaced the capacitor' } })
    await eventually(async () => (await statusOf(number)) === 'resolved', 'resolved')
    await eventually(() => world.twilio.sent.find((sms) => sms.to === phone.number && sms.body.includes('is done: Replaced the capacitor') && sms.body.includes('/r/')), 'the service record by SMS')

    await press(number, 'confirm')
    await eventually(async () => (await statusOf(number)) === 'completed', 'completed')
    await eventually(async () => {
      const buttons = await buttonsOf(number)
      return !buttons.some((button) => button.startsWith('ticket_action:')) && buttons.includes('ticket_more')
    }, 'the final message: only the More menu (reopen, close)')
  })

  it('a modal submitted after someone else moved the ticket explains why, under the field', async () => {
    const { number } = await submitBySms(world.t, nextPhone(), REPAIR)
    await eventually(async () => (await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).slackTs, 'the ticket posted')
    const modal = await eventually(await press(number, 'respond'), 'the respond modal')
    await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify({ action: 'cancel', reason: 'Duplicate' }) })
    expect(await submit(modal, { technician: { type: 'static_select', selected_option: { value: technicianId } } })).toEqual({
      response_action: 'errors',
      errors: { technician: `${number} is now cancelled: respond is no longer possible.` },
    })
  })
})

describe('thread replies are notes on the ticket', () => {
  it('records a reply once, even when Slack retries the event', async () => {
    const { number } = await submitBySms(world.t, nextPhone(), REPAIR)
    const ts = await eventually(async () => (await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).slackTs, 'the ticket posted')
    const event = {
      type: 'message',
      channel: STAFF_CHANNEL,
      user: 'U0STAFF001',
      text: 'Called the customer, parts on order',
      ts: '1770000999.000200',
      thread_ts: ts,
      event_ts: '1770000999.000200',
      channel_type: 'channel',
    }
    expect((await world.workspace.event(event, { eventId: 'Ev0NOTE0001' })).status).toBe(200)
    expect((await world.workspace.event(event, { eventId: 'Ev0NOTE0001', retryNum: 1 })).status).toBe(200)
    expect((await world.workspace.event(event, { eventId: 'Ev0NOTE0001', retryNum: 2 })).status).toBe(200)
    // A barrier: a later, distinct reply in the same thread. Replies in one thread are handled in
    // the order they arrived, so once it is recorded, the retries have been dealt with.
    const later = { ...event, text: 'Parts arrive Friday', ts: '1770000999.000300', event_ts: '1770000999.000300' }
    expect((await world.workspace.event(later, { eventId: 'Ev0NOTE0002' })).status).toBe(200)
    const notesOf = async () => (await ticket(number)).events.filter((item: { type: string }) => item.type === 'note')
    await eventually(async () => (await notesOf()).some((note: { data: { text: string } }) => note.data.text === 'Parts arrive Friday'), 'the later note')
    expect(await notesOf()).toEqual([
      expect.objectContaining({ actor: 'slack:U0STAFF001', data: { text: 'Called the customer, parts on order' } }),
      expect.objectContaining({ actor: 'slack:U0STAFF001', data: { text: 'Parts arrive Friday' } }),
    ])
  })
})

describe('the /aftercare command', () => {
  it('shows a ticket with its buttons, only to the caller', async () => {
    const { number } = await submitBySms(world.t, nextPhone(), REPAIR)
    const response = await world.workspace.command(number.toLowerCase())
    expect(response.status).toBe(200)
    const body = (await response.json()) as { response_type: string; text: string; blocks: unknown[] }
    expect(body.response_type).toBe('ephemeral')
    expect(body.text).toBe(`${number} · Repair · submitted`)
    expect(JSON.stringify(body.blocks)).toContain('ticket_action:respond')
    expect(((await (await world.workspace.command('SR-2026-999999')).json()) as { text: string }).text).toBe('No ticket SR-2026-999999.')
  })

  it('is refused outside the staff channel: tickets carry customers’ addresses', async () => {
    const { number } = await submitBySms(world.t, nextPhone(), REPAIR)
    const response = await world.workspace.command(number, 'U0STAFF001', 'C0ELSEWHERE')
    expect(((await response.json()) as { text: string }).text).toBe(`Use /aftercare in <#${STAFF_CHANNEL}>.`)
  })
})

describe('requests that are not from Slack', () => {
  it('a wrong signature is refused with 401 and changes nothing', async () => {
    const { number } = await submitBySms(world.t, nextPhone(), REPAIR)
    await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify({ action: 'respond', technician: 'Wang Gong' }) })
    // Arrive is legal now and one click: only the signature stands in the way.
    const response = await world.workspace.interaction(buttonPress('ticket_action:arrive', number), { secret: 'not-the-secret' })
    expect(response.status).toBe(401)
    // A barrier: a later, signed note in the ticket's thread; once it is recorded, the refused press would have acted too.
    const ts = await eventually(async () => (await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).slackTs, 'the ticket posted')
    await world.workspace.event({
      type: 'message',
      channel: STAFF_CHANNEL,
      user: 'U0STAFF001',
      text: 'On my way',
      ts: '1770001999.000100',
      thread_ts: ts,
      event_ts: '1770001999.000100',
      channel_type: 'channel',
    })
    await eventually(async () => (await ticket(number)).events.some((item: { type: string }) => item.type === 'note'), 'the note')
    expect(await statusOf(number)).toBe('responded')
    // The same press, signed, works.
    expect((await world.workspace.interaction(buttonPress('ticket_action:arrive', number))).status).toBe(200)
    await eventually(async () => (await statusOf(number)) === 'on_site', 'on site')
  })

  it('a replayed request (timestamp older than 5 minutes) is refused with 401', async () => {
    const { number } = await submitBySms(world.t, nextPhone(), REPAIR)
    const response = await world.workspace.interaction(buttonPress('ticket_action:arrive', number), { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })
    expect(response.status).toBe(401)
  })

  it('answers 503 when Slack is not configured', async () => {
    const { startTestApp } = await import('./support/app.ts')
    const plain = await startTestApp()
    try {
      const response = await new SlackWorkspace(plain.url).command('help')
      expect(response.status).toBe(503)
    } finally {
      await plain.close()
    }
  })
})

describe('force majeure from Slack (§4.1c)', () => {
  it('asks what the event prevented, refuses a note alone, and records the deadlines ticked', async () => {
    const { number } = await submitBySms(world.t, nextPhone(), REPAIR)
    await eventually(async () => (await buttonsOf(number)).length > 0, 'the ticket in the staff channel')
    const modal = await eventually(await press(number, 'force_majeure'), 'the force majeure modal')
    expect(modal.blocks.find((block) => block.block_id === 'affects')?.element?.options?.map((option) => option.value)).toEqual(['response', 'installation', 'diagnosis', 'feedback'])
    expect(await submit(modal, { note: { type: 'plain_text_input', value: 'Typhoon Haikui closed the roads' } })).toEqual({
      response_action: 'errors',
      errors: { affects: expect.stringContaining('name the deadlines it prevented') },
    })
    expect((await ticket(number)).forceMajeures).toEqual([])
    await submit(modal, {
      note: { type: 'plain_text_input', value: 'Typhoon Haikui closed the roads' },
      affects: { type: 'checkboxes', selected_options: [{ value: 'response' }] },
    })
    const recorded = await eventually(async () => (await ticket(number)).forceMajeures.length && (await ticket(number)).forceMajeures, 'the force majeure recorded')
    expect(recorded).toEqual([expect.objectContaining({ affects: ['response'], note: 'Typhoon Haikui closed the roads', actor: `slack:${staffUser.id}` })])
  })
})

describe('the ticket message within Slack’s limits', () => {
  it('a technician whose name is cut at 75 characters inside an emoji still opens the respond modal (issue 18)', async () => {
    // 72 letters, then 👍🏽 (four UTF-16 units): a cut at 75 would leave half of it.
    const name = `${'Wang Gong the Elder of the Eastern District Service Team Number Seven'.padEnd(72, '.')}👍🏽 Jr`
    expect((await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name }) })).status).toBe(201)
    const { number } = await submitBySms(world.t, nextPhone(), REPAIR)
    const refusedBefore = world.slack.refused.length
    const modal = await eventually(await press(number, 'respond'), 'the respond modal')
    expect(world.slack.refused.slice(refusedBefore)).toEqual([])
    const labels = JSON.stringify(modal.blocks)
    expect(labels).toContain('Wang Gong the Elder')
    expect(labels).toContain('…')
  })

  it('a completed ticket (seven more actions) gets a select menu, Slack takes the update, and choosing from it works', async () => {
    const { number, phone } = await submitBySms(world.t, nextPhone(), REPAIR)
    const act = (body: object) => world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify(body) })
    await act({ action: 'respond', technician: 'Wang Gong' })
    await act({ action: 'arrive' })
    await act({ action: 'diagnose', rootCause: 'wear', findings: 'Belt worn' })
    await act({ action: 'test', passed: true })
    await act({ action: 'resolve', solution: 'Belt replaced' })
    expect(await phone.say('YES')).toContain('is complete')
    const menu = await eventually(async () => {
      // The ticket's message as posted or updated last, once it offers the survey's actions.
      const update = world.slack.calls.findLast((call) => ['chat.postMessage', 'chat.update'].includes(call.method) && JSON.stringify(call.args.blocks ?? []).includes(`survey_skip|${number}`))
      const actions = (update?.args.blocks as { type: string; elements?: { type: string; options?: unknown[] }[] }[] | undefined)?.find((block) => block.type === 'actions')
      return actions?.elements?.find((element) => element.type === 'static_select')
    }, 'the completed ticket’s message, with a select menu')
    expect(menu.options!.length).toBeGreaterThan(5)
    expect(world.slack.refused).toEqual([])
    // Skipping the survey asks why (§3.3a), and refuses no reason.
    const before = world.slack.of('views.open').length
    await world.workspace.interaction(menuChoice('ticket_more', 'static_select', `survey_skip|${number}`))
    const modal = await eventually(() => world.slack.of('views.open').slice(before)[0]?.args.view as { private_metadata: string; blocks: unknown[]; callback_id: string } | undefined, 'the skip modal')
    expect(await submit(modal, {})).toEqual({ response_action: 'errors', errors: { reason: expect.stringContaining('Please say why') } })
    await submit(modal, { reason: { type: 'plain_text_input', value: 'Customer moved abroad' }, customerAsked: { type: 'checkboxes', selected_options: [{ value: 'yes' }] } })
    const feedback = await eventually(async () => {
      const row = await world.t.db.prisma.feedback.findFirst({ where: { ticket: { number } } })
      return row?.status === 'skipped' && row
    }, 'the survey skipped from the menu')
    expect(feedback).toMatchObject({ skipReason: 'Customer moved abroad', skippedByCustomer: true })
  })
})
