/**
 * Deadlines on the injected clock: warnings at 75% of the window, breaches with liquidated
 * damages at the deadline (§2.2, §2.1a, §3.1c, §4.1b), force majeure (§4.1c), and the cases that
 * must never fire.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { TestAppOptions } from './support/app.ts'
import { eventually, REPAIR, startWorld, submitBySms, type World } from './support/world.ts'

const HOUR = 3_600_000
let world: World
let opened: World | undefined
let phones = 0
const nextPhone = () => `+86138000030${String(phones++).padStart(2, '0')}`

/**
 * A world of the test's own: a sweep's counts cover the whole database, so each test counts only
 * its own tickets, and no test depends on what another left behind.
 */
async function open(options: TestAppOptions = {}): Promise<World> {
  world = opened = await startWorld({ ...options, env: { SERVICE_VALUES: 'repair=500,installation=800', ...options.env } })
  await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong', slackUserId: 'U0TECH0001' }) })
  return world
}
afterEach(async () => {
  await opened?.close()
  opened = undefined
})

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
  beforeEach(async () => {
    await open()
    world.t.clock.set('2026-11-25T02:00:00Z')
    number = (await submitBySms(world.t, nextPhone(), REPAIR)).number
  })
  /** The response deadline passes unmet and the sweep records it. */
  async function breached() {
    world.t.clock.set('2026-11-26T02:00:30Z')
    expect((await world.t.assembled.sweepDeadlines()).breached).toBe(1)
  }

  it('warns staff at 75% of the window (18 h), once', async () => {
    world.t.clock.set('2026-11-25T19:59:00Z')
    expect((await world.t.assembled.sweepDeadlines()).warned).toBe(0)
    world.t.clock.set('2026-11-25T20:00:00Z')
    expect((await world.t.assembled.sweepDeadlines()).warned).toBe(1)
    const alert = await eventually(alertInThread(number, 'deadline is near'), 'the warning in the ticket thread')
    expect(alert.args.text).toBe('The response deadline is near: due Thu 26 Nov, 10:00.'.replace(/^/, ':warning: '))
    expect((await world.t.assembled.sweepDeadlines()).warned).toBe(0)
  })

  const damagesOf = async (number: string) => (await world.t.getJson(`/api/tickets/${number}`)).damages
  const reasonsOf = async (number: string) => ((await damagesOf(number))?.reasons ?? []).map((reason: { kind: string; excused: boolean }) => [reason.kind, reason.excused])

  it('at the deadline, records a breach: the service owes 10% of its value (§4.1b), and staff are told', async () => {
    await breached()
    const [breach] = await breaches(number)
    expect(breach).toMatchObject({ kind: 'response', dueAt: new Date('2026-11-26T02:00:00Z'), breachedAt: new Date('2026-11-26T02:00:30Z'), forceMajeure: false })
    await eventually(alertInThread(number, 'Liquidated damages (§4.1b, once per service): 50.00 CNY'), 'the breach alert')
    // Sweeping again changes nothing.
    expect((await world.t.assembled.sweepDeadlines()).breached).toBe(0)
    const ticket = await world.t.getJson(`/api/tickets/${number}`)
    expect(ticket.breaches).toEqual([expect.objectContaining({ kind: 'response', forceMajeure: false })])
    // 500 CNY × 10% = 50 CNY.
    expect(ticket.damages).toMatchObject({ value: 500, amount: 50, waived: 0, excused: false, since: '2026-11-26T02:00:30.000Z' })
    expect(ticket.damages.reasons).toEqual([expect.objectContaining({ kind: 'late_response', excused: false })])
    expect(ticket.events.at(-1)).toMatchObject({ type: 'deadline_breached', actor: 'system' })
  })

  it('answered late, diagnosed late and the fix rejected: one non-conforming service, 50 CNY once, every reason listed (§4.1b)', async () => {
    await breached()
    await act(number, { action: 'respond', technician: 'Wang Gong' })
    await act(number, { action: 'arrive' })
    world.t.clock.advance(HOUR + 60_000)
    expect((await world.t.assembled.sweepDeadlines()).breached).toBe(1)
    await eventually(alertInThread(number, 'damages for this service are already owed'), 'the second breach alert')
    await act(number, { action: 'diagnose', rootCause: 'wear', findings: 'Drum bearing worn' })
    await act(number, { action: 'test', passed: true })
    await act(number, { action: 'resolve', solution: 'Bearing replaced' })
    await act(number, { action: 'reject', reason: 'Still noisy' })
    // Three reasons, one service: 500 × 10% = 50, not 3 × 50 = 150 nor 2 × 50 = 100.
    expect(await damagesOf(number)).toMatchObject({ value: 500, amount: 50, waived: 0, excused: false })
    expect(await reasonsOf(number)).toEqual([
      ['late_response', false],
      ['late_diagnosis', false],
      ['fix_rejected', false],
    ])
  })

  it('a staff correction of the service value recomputes the damages', async () => {
    await breached()
    expect((await damagesOf(number)).amount).toBe(50)
    await act(number, { action: 'set_service_value', value: 1200, note: 'Commercial unit' })
    // 1,200 × 10% = 120.
    expect(await damagesOf(number)).toMatchObject({ value: 1200, amount: 120 })
  })

  it('force majeure excuses the obligation it names and no other (§4.1c); Party A is told', async () => {
    await breached()
    await act(number, { action: 'force_majeure', note: 'Typhoon closed the roads', affects: ['response'] })
    const [breach] = await breaches(number)
    expect(breach).toMatchObject({ forceMajeure: true })
    // Its only reason excused: nothing owed, 50 waived.
    expect(await damagesOf(number)).toMatchObject({ amount: 0, waived: 50, excused: true })
    await eventually(alertInThread(number, 'Force majeure notice to Party A'), 'the notice to Party A')

    // The diagnosis on site is another duty: missing it makes the service owe damages again.
    await act(number, { action: 'respond', technician: 'Wang Gong' })
    await act(number, { action: 'arrive' })
    world.t.clock.advance(HOUR + 60_000)
    expect((await world.t.assembled.sweepDeadlines()).breached).toBe(1)
    expect((await breaches(number)).map((item) => [item.kind, item.forceMajeure])).toEqual([
      ['response', true],
      ['diagnosis', false],
    ])
    expect(await damagesOf(number)).toMatchObject({ amount: 50, waived: 0, excused: false })
    expect(await reasonsOf(number)).toEqual([
      ['late_response', true],
      ['late_diagnosis', false],
    ])
  })

  it('force majeure over a period excuses the deadlines due within it, even those that fall due later', async () => {
    await act(number, { action: 'force_majeure', note: 'Roads closed by flooding', from: '2026-11-25T00:00:00Z', to: '2026-11-27T00:00:00Z' })
    await breached()
    expect((await breaches(number)).map((item) => [item.kind, item.forceMajeure])).toEqual([['response', true]])
    await eventually(alertInThread(number, 'excused by force majeure'), 'the excused breach alert')
    expect(await damagesOf(number)).toMatchObject({ amount: 0, waived: 50, excused: true })
  })

  it('force majeure must say what it excuses: 400 without the deadlines or a period', async () => {
    const response = await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify({ action: 'force_majeure', note: 'Typhoon' }) })
    expect(response.status).toBe(400)
    expect(await response.text()).toContain('name the deadlines it prevented')
  })
})

describe('deadlines that must never fire', () => {
  it('a response given in time never warns nor breaches; a cancelled ticket never warns nor breaches', async () => {
    await open()
    world.t.clock.set('2026-11-27T02:00:00Z')
    const met = (await submitBySms(world.t, nextPhone(), REPAIR)).number
    const cancelled = (await submitBySms(world.t, nextPhone(), REPAIR)).number
    world.t.clock.advance(2 * HOUR)
    await act(met, { action: 'respond', technician: 'Wang Gong' })
    await act(cancelled, { action: 'cancel', reason: 'Duplicate request' })
    // Inside the warning window (18–24 h), then past the deadline: these two tickets are all there is.
    world.t.clock.advance(18 * HOUR)
    expect(await world.t.assembled.sweepDeadlines()).toEqual({ warned: 0, breached: 0 })
    world.t.clock.advance(12 * HOUR)
    expect(await world.t.assembled.sweepDeadlines()).toEqual({ warned: 0, breached: 0 })
    expect(await breaches(met)).toEqual([])
    expect(await breaches(cancelled)).toEqual([])
    const warnings = async (number: string) => (await world.t.db.prisma.deadline.findMany({ where: { ticket: { number } } })).map((deadline) => [deadline.kind, deadline.warnedAt])
    expect(await warnings(met)).toEqual([['response', null]])
    expect(await warnings(cancelled)).toEqual([['response', null]])
  })
})

describe('the diagnosis deadline (§3.1c: 1 hour on site)', () => {
  it('breaches when the diagnosis takes longer than an hour', async () => {
    await open()
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

  it('every visit has its own hour: a second visit after a rejected fix is late on its own, the first stays on record', async () => {
    await open()
    world.t.clock.set('2026-11-30T02:00:00Z')
    const { number } = await submitBySms(world.t, nextPhone(), REPAIR)
    await act(number, { action: 'respond', technician: 'Wang Gong' })
    // Visit 1: diagnosed in 30 minutes, in time.
    await act(number, { action: 'arrive' })
    world.t.clock.advance(30 * 60_000)
    await act(number, { action: 'diagnose', rootCause: 'wear', findings: 'Worn belt' })
    await act(number, { action: 'test', passed: true })
    await act(number, { action: 'resolve', solution: 'Belt replaced' })
    await act(number, { action: 'reject', reason: 'Still noisy' })
    // Visit 2, the next day: diagnosed 90 minutes after arriving, late.
    world.t.clock.set('2026-12-01T02:00:00Z')
    await act(number, { action: 'arrive' })
    world.t.clock.advance(61 * 60_000)
    // (The survey asked at the first resolution went unanswered: its deadline passes too.)
    await world.t.assembled.sweepDeadlines()
    world.t.clock.advance(29 * 60_000)
    await act(number, { action: 'diagnose', rootCause: 'wear', findings: 'Bearing worn too' })
    const clocks = await world.t.db.prisma.deadline.findMany({ where: { ticket: { number }, kind: 'diagnosis' }, orderBy: { visit: 'asc' }, include: { breach: true } })
    expect(clocks.map((clock) => [clock.visit, clock.startsAt.toISOString(), clock.metAt?.toISOString(), Boolean(clock.breach)])).toEqual([
      [1, '2026-11-30T02:00:00.000Z', '2026-11-30T02:30:00.000Z', false],
      [2, '2026-12-01T02:00:00.000Z', '2026-12-01T03:30:00.000Z', true],
    ])
    // The report counts both visits: one of two diagnosed within the hour.
    const report = await world.t.getJson('/api/reports/agreement?from=2026-11-30&to=2026-12-01')
    expect(report.overall.diagnosedWithin1h).toMatchObject({ numerator: 1, denominator: 2 })
  })
})

describe('the installation deadline (§2.1a: 3 working days)', () => {
  it('breaches at the end of the third working day after delivery if not installed', async () => {
    await open()
    world.t.clock.set('2026-12-04T02:00:00Z') // Friday 10:00 in Shanghai
    const { number } = await submitBySms(world.t, nextPhone(), ['2', 'AC-35', 'skip', 'today', '9 Garden Road', 'Mr Wang'])
    await act(number, { action: 'respond', technician: 'Wang Gong' })
    world.t.clock.set('2026-12-09T15:59:00Z') // Wed 23:59: the 3rd working day is not over
    await world.t.assembled.sweepDeadlines()
    expect(await breaches(number)).toEqual([])
    world.t.clock.set('2026-12-09T16:00:00Z')
    // The sweep skips a deadline another transaction holds (SKIP LOCKED: a ticket's Slack sync may be
    // running after the respond) and takes it on its next pass, as the minute's sweep does.
    const [breach] = await eventually(async () => {
      await world.t.assembled.sweepDeadlines()
      const found = await breaches(number)
      return found.length ? found : undefined
    }, 'the installation breach')
    expect(breach).toMatchObject({ kind: 'installation' })
    // 800 CNY installation × 10% = 80.
    expect((await world.t.getJson(`/api/tickets/${number}`)).damages).toMatchObject({ value: 800, amount: 80 })
  })
})

describe('a late installation request', () => {
  it('counts the 3 working days from the request when the product arrived long before', async () => {
    await open()
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
    await open()
    world.t.clock.set('2026-12-20T02:00:00Z')
    const { number } = await submitBySms(world.t, nextPhone(), REPAIR)
    world.t.clock.set('2026-12-22T02:00:00Z')
    // No sweep here: the restart itself must find it.
    await world.restart()
    const [breach] = await breaches(number)
    expect(breach).toMatchObject({ kind: 'response', breachedAt: new Date('2026-12-22T02:00:00Z') })
  })
})

describe('with the schedules on, as `npm start` runs them', () => {
  it('the timers warn and breach by themselves, nobody calling a sweep', async () => {
    await open({ schedules: true, env: { TIMER_SWEEP_SECONDS: '0.5' } })
    world.t.clock.set('2026-11-25T02:00:00Z')
    const { number } = await submitBySms(world.t, nextPhone(), REPAIR)
    const deadline = () => world.t.db.prisma.deadline.findFirstOrThrow({ where: { ticket: { number }, kind: 'response' } })
    world.t.clock.set('2026-11-25T20:00:00Z')
    await eventually(async () => (await deadline()).warnedAt, 'the warning, from the timers')
    await eventually(alertInThread(number, 'deadline is near'), 'the warning in the ticket thread')
    world.t.clock.set('2026-11-26T02:00:30Z')
    const [breach] = await eventually(async () => {
      const found = await breaches(number)
      return found.length > 0 && found
    }, 'the breach, from the timers')
    expect(breach).toMatchObject({ kind: 'response', dueAt: new Date('2026-11-26T02:00:00Z'), breachedAt: new Date('2026-11-26T02:00:30Z') })
    await eventually(alertInThread(number, 'Liquidated damages (§4.1b, once per service): 50.00 CNY'), 'the breach alert')
  })
})
