/**
 * Deadlines on the injected clock: warnings at 75% of the window, breaches with liquidated
 * damages at the deadline (§2.2, §2.1a, §3.1c, §4.1b), force majeure (§4.1c), and the cases that
 * must never fire.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, REPAIR, startWorld, submitBySms, type World } from './support/world.ts'

const HOUR = 3_600_000
let world: World
let phones = 0
const nextPhone = () => `+86138000030${String(phones++).padStart(2, '0')}`

beforeAll(async () => {
  world = await startWorld({ env: { SERVICE_VALUES: 'repair=500,installation=800' } })
  await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong', slackUserId: 'U0TECH0001' }) })
})
afterAll(() => world.close())

const act = async (number: string, body: object) => {
  const response = await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify(body) })
  expect(response.status, await response.clone().text()).toBe(200)
}
const breaches = (number: string) => world.t.db.prisma.deadlineBreach.findMany({ where: { ticket: { number } }, orderBy: { breachedAt: 'asc' } })
const threadOf = async (number: string) => (await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).slackTs
const alertInThread = (number: string, containing: string) => async () => {
  const ts = await threadOf(number)
  return ts && world.slack.of('chat.postMessage').find((call) => call.args.thread_ts === ts && String(call.args.text).includes(containing))
}

describe('the response deadline (§2.2: 24 hours)', () => {
  let number: string
  beforeAll(async () => {
    world.t.clock.set('2026-11-25T02:00:00Z')
    number = (await submitBySms(world.t, nextPhone(), REPAIR)).number
  })

  it('warns staff at 75% of the window (18 h), once', async () => {
    world.t.clock.set('2026-11-25T19:59:00Z')
    expect((await world.t.assembled.sweepDeadlines()).warned).toBe(0)
    world.t.clock.set('2026-11-25T20:00:00Z')
    expect((await world.t.assembled.sweepDeadlines()).warned).toBe(1)
    const alert = await eventually(alertInThread(number, 'deadline is near'), 'the warning in the ticket thread')
    expect(alert.args.text).toBe('The response deadline is near: due Thu 26 Nov, 10:00.'.replace(/^/, ':warning: '))
    expect((await world.t.assembled.sweepDeadlines()).warned).toBe(0)
  })

  it('at the deadline, records a breach with damages of 10% of the service value, and alerts staff', async () => {
    world.t.clock.set('2026-11-26T02:00:30Z')
    expect((await world.t.assembled.sweepDeadlines()).breached).toBe(1)
    const [breach] = await breaches(number)
    expect(breach).toMatchObject({ kind: 'response', dueAt: new Date('2026-11-26T02:00:00Z'), breachedAt: new Date('2026-11-26T02:00:30Z'), forceMajeure: false })
    expect(Number(breach!.serviceValue)).toBe(500)
    expect(Number(breach!.damages)).toBe(50)
    await eventually(alertInThread(number, 'Liquidated damages (§4.1b): 50.00 CNY'), 'the breach alert')
    // Sweeping again changes nothing.
    expect((await world.t.assembled.sweepDeadlines()).breached).toBe(0)
    const ticket = await world.t.getJson(`/api/tickets/${number}`)
    expect(ticket.breaches).toEqual([expect.objectContaining({ kind: 'response', damages: 50, serviceValue: 500, forceMajeure: false })])
    expect(ticket.events.at(-1)).toMatchObject({ type: 'deadline_breached', actor: 'system' })
  })

  it('a staff correction of the service value recomputes the damages', async () => {
    await act(number, { action: 'set_service_value', value: 1200, note: 'Commercial unit' })
    expect(Number((await breaches(number))[0]!.damages)).toBe(120)
  })

  it('force majeure keeps the breach visible with zero damages (§4.1c), now and for later deadlines', async () => {
    await act(number, { action: 'force_majeure', note: 'Typhoon closed the roads' })
    const [breach] = await breaches(number)
    expect(breach).toMatchObject({ forceMajeure: true })
    expect(Number(breach!.damages)).toBe(0)

    await act(number, { action: 'respond', technician: 'Wang Gong' })
    await act(number, { action: 'arrive' })
    world.t.clock.advance(HOUR + 60_000)
    await world.t.assembled.sweepDeadlines()
    const later = await breaches(number)
    expect(later.map((item) => [item.kind, Number(item.damages), item.forceMajeure])).toEqual([
      ['response', 0, true],
      ['diagnosis', 0, true],
    ])
    await eventually(alertInThread(number, 'force majeure, no damages'), 'the force-majeure breach alert')
  })
})

describe('deadlines that must never fire', () => {
  it('a response given in time never breaches; a cancelled ticket never warns nor breaches', async () => {
    world.t.clock.set('2026-11-27T02:00:00Z')
    const met = (await submitBySms(world.t, nextPhone(), REPAIR)).number
    const cancelled = (await submitBySms(world.t, nextPhone(), REPAIR)).number
    world.t.clock.advance(2 * HOUR)
    await act(met, { action: 'respond', technician: 'Wang Gong' })
    await act(cancelled, { action: 'cancel', reason: 'Duplicate request' })
    // Inside the warning window (18–24 h), then past the deadline.
    world.t.clock.advance(18 * HOUR)
    await world.t.assembled.sweepDeadlines()
    world.t.clock.advance(12 * HOUR)
    await world.t.assembled.sweepDeadlines()
    expect(await breaches(met)).toEqual([])
    expect(await breaches(cancelled)).toEqual([])
    const deadlines = await world.t.db.prisma.deadline.findMany({ where: { ticket: { number: cancelled } } })
    expect(deadlines.map((deadline) => deadline.warnedAt)).toEqual([null])
  })
})

describe('the diagnosis deadline (§3.1c: 1 hour on site)', () => {
  it('breaches when the diagnosis takes longer than an hour', async () => {
    world.t.clock.set('2026-11-29T02:00:00Z')
    const { number } = await submitBySms(world.t, nextPhone(), REPAIR)
    await act(number, { action: 'respond', technician: 'Wang Gong' })
    await act(number, { action: 'arrive' })
    world.t.clock.advance(45 * 60_000)
    expect((await world.t.assembled.sweepDeadlines()).warned).toBe(1)
    world.t.clock.advance(16 * 60_000)
    await world.t.assembled.sweepDeadlines()
    expect((await breaches(number)).map((breach) => breach.kind)).toEqual(['diagnosis'])
    // A late diagnosis still counts as done; the breach stays on record.
    await act(number, { action: 'diagnose', rootCause: 'wear', findings: 'Worn belt' })
    expect((await breaches(number)).map((breach) => breach.kind)).toEqual(['diagnosis'])
  })
})

describe('the installation deadline (§2.1a: 3 working days)', () => {
  it('breaches at the end of the third working day after delivery if not installed', async () => {
    world.t.clock.set('2026-12-04T02:00:00Z') // Friday 10:00 in Shanghai
    const { number } = await submitBySms(world.t, nextPhone(), ['2', 'AC-35', 'skip', 'today', '9 Garden Road', 'Mr Wang'])
    await act(number, { action: 'respond', technician: 'Wang Gong' })
    world.t.clock.set('2026-12-09T15:59:00Z') // Wed 23:59: the 3rd working day is not over
    await world.t.assembled.sweepDeadlines()
    expect(await breaches(number)).toEqual([])
    world.t.clock.set('2026-12-09T16:00:00Z')
    await world.t.assembled.sweepDeadlines()
    const [breach] = await breaches(number)
    expect(breach).toMatchObject({ kind: 'installation' })
    expect(Number(breach!.damages)).toBe(80)
  })
})

describe('a late installation request', () => {
  it('counts the 3 working days from the request when the product arrived long before', async () => {
    world.t.clock.set('2026-12-14T02:00:00Z') // Monday 10:00 in Shanghai; delivered two weeks ago
    const { number } = await submitBySms(world.t, nextPhone(), ['2', 'AC-35', 'skip', '2026-11-30', '9 Garden Road', 'Mr Wang'])
    const ticket = await world.t.getJson(`/api/tickets/${number}`)
    // Tue 15, Wed 16, Thu 17 Dec → due at the end of Thursday, not already breached.
    expect(ticket.deadlines.find((deadline: { kind: string }) => deadline.kind === 'installation').dueAt).toBe('2026-12-17T16:00:00.000Z')
    await world.t.assembled.sweepDeadlines()
    expect(await breaches(number)).toEqual([])
  })
})

describe('restarts', () => {
  it('a deadline that passed while the service was down fires at start-up', async () => {
    world.t.clock.set('2026-12-20T02:00:00Z')
    const { number } = await submitBySms(world.t, nextPhone(), REPAIR)
    world.t.clock.set('2026-12-22T02:00:00Z')
    // No sweep here: the restart itself must find it.
    await world.restart()
    const [breach] = await breaches(number)
    expect(breach).toMatchObject({ kind: 'response', breachedAt: new Date('2026-12-22T02:00:00Z') })
  })
})
