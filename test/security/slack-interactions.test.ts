/**
 * Slack delivering one interaction twice does not act twice (issue 11): a modal submitted again
 * with the same view id (a double click, Slack's retry) changes the ticket once, even when both
 * arrive at the same moment; Slack's retry of a button press (same action_ts) acts once and says
 * nothing more; a second real press of an action already done is refused with a note only the
 * presser sees, and changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAFF_CHANNEL } from '../fakes/slack-api.ts'
import { buttonPress, staffUser, viewSubmission } from '../support/slack.ts'
import { eventually, REPAIR, startWorld, submitBySms, type World } from '../support/world.ts'

let world: World
let phones = 0
const nextPhone = () => `+86138001200${String(phones++).padStart(2, '0')}`

beforeAll(async () => {
  world = await startWorld()
  await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong', slackUserId: 'U0TECH0001' }) })
})
afterAll(() => world.close())

const act = async (number: string, body: object) => {
  const response = await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify(body) })
  expect(response.status, await response.clone().text()).toBe(200)
}
const ticket = (number: string) => world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number }, include: { parts: true, events: true } })
const eventsOf = async (number: string, type: string) => (await ticket(number)).events.filter((event) => event.type === type)

/** A repair in the staff channel, taken as far as `steps` go through the admin API. */
async function repairTicket(steps: object[]): Promise<string> {
  const { number } = await submitBySms(world.t, nextPhone(), REPAIR)
  await eventually(async () => (await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).slackTs, 'the ticket in Slack')
  for (const step of steps) await act(number, step)
  return number
}
const diagnosed = [{ action: 'respond', technician: 'Wang Gong' }, { action: 'arrive' }, { action: 'diagnose', rootCause: 'product_defect', findings: 'Capacitor burnt out' }]

/** Presses the ticket's "Record parts" button and returns the modal Slack was asked to open. */
async function partsModal(number: string) {
  const before = world.slack.of('views.open').length
  expect((await world.workspace.interaction(buttonPress('ticket_action:record_parts', number))).status).toBe(200)
  return eventually(() => world.slack.of('views.open')[before]?.args.view as { private_metadata: string; blocks: unknown[]; callback_id: string } | undefined, 'the parts modal')
}
const parts = (line: string) => ({ parts: { type: 'plain_text_input', value: line } })

/** Notes to one staff member about a ticket (chat.postEphemeral). */
const notesAbout = (number: string) => world.slack.of('chat.postEphemeral').filter((call) => call.args.user === staffUser.id && String(call.args.text).includes(number))

describe('a modal submitted twice', () => {
  it('records the parts once; another modal records more', async () => {
    const number = await repairTicket(diagnosed)
    const modal = await partsModal(number)
    const submission = viewSubmission({ ...modal, id: 'V0PARTS0001' }, parts('CAP-450, Motor capacitor, 1, genuine'))
    expect((await world.workspace.interaction(submission)).status).toBe(200)
    expect((await world.workspace.interaction(submission)).status).toBe(200)

    // Barrier: another modal, submitted after both, is another change; once it shows, both were handled.
    const another = await partsModal(number)
    expect((await world.workspace.interaction(viewSubmission({ ...another, id: 'V0PARTS0002' }, parts('SCR-3, Screw set, 4, not genuine, original out of stock')))).status).toBe(200)
    await eventually(async () => (await ticket(number)).parts.some((part) => part.partNumber === 'SCR-3'), 'the second modal’s parts')
    const after = await ticket(number)
    expect(after.status).toBe('repairing')
    expect(after.parts.map((part) => [part.partNumber, part.quantity]).sort()).toEqual([
      ['CAP-450', 1],
      ['SCR-3', 4],
    ])
    expect(await eventsOf(number, 'record_parts')).toHaveLength(2)
  })

  it('records the parts once when both submissions arrive at the same moment', async () => {
    const number = await repairTicket(diagnosed)
    const modal = await partsModal(number)
    const submission = viewSubmission({ ...modal, id: 'V0PARTS0003' }, parts('CAP-450, Motor capacitor, 1, genuine'))
    const answers = await Promise.all([world.workspace.interaction(submission), world.workspace.interaction(submission)])
    expect(answers.map((answer) => answer.status)).toEqual([200, 200])
    const another = await partsModal(number)
    expect((await world.workspace.interaction(viewSubmission({ ...another, id: 'V0PARTS0004' }, parts('SCR-3, Screw set, 4, not genuine, original out of stock')))).status).toBe(200)
    await eventually(async () => (await ticket(number)).parts.some((part) => part.partNumber === 'SCR-3'), 'the later modal’s parts')
    expect((await ticket(number)).parts.filter((part) => part.partNumber === 'CAP-450')).toHaveLength(1)
    expect(await eventsOf(number, 'record_parts')).toHaveLength(2)
  })
})

describe('a button pressed', () => {
  it('and retried by Slack (same action_ts) acts once and explains nothing; a real second press is refused with a note and changes nothing', async () => {
    const number = await repairTicket([{ action: 'respond', technician: 'Wang Gong' }])
    const press = buttonPress('ticket_action:arrive', number)
    expect((await world.workspace.interaction(press)).status).toBe(200)
    await eventually(async () => (await ticket(number)).status === 'on_site', 'on site')

    // Slack delivers the same press again.
    expect((await world.workspace.interaction(press)).status).toBe(200)
    // Barrier: a second, real press (its own action_ts) — refused, with a note to the presser.
    const again = buttonPress('ticket_action:arrive', number)
    expect(again.actions[0]!.action_ts).not.toBe(press.actions[0]!.action_ts)
    expect((await world.workspace.interaction(again)).status).toBe(200)
    const note = await eventually(() => notesAbout(number)[0], 'the note to the presser')
    expect(note.args.channel).toBe(STAFF_CHANNEL)
    expect(note.args.text).toBe(`Arrived on site on ${number}: cannot arrive ${number}: it is on_site`)

    // One note (the real press), one arrival, and the ticket where the first press left it.
    expect(notesAbout(number)).toHaveLength(1)
    const after = await ticket(number)
    expect(after.status).toBe('on_site')
    expect(await eventsOf(number, 'arrive')).toHaveLength(1)
  })
})
