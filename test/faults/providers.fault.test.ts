/**
 * The fault suite (issue 10), part two: a provider outage of two minutes (FAULT_OUTAGE_SECONDS),
 * on Twilio and on Slack, once as 5xx answers and once as 429 with Retry-After. The four run at
 * once, each against its own Aftercare process and fakes, so the suite takes the outage's
 * length once. For each: every message is delivered exactly once, staff are told on a channel
 * that still works, Retry-After is honoured, and the backlog drains after recovery.
 */
import { afterAll, describe, expect, it } from 'vitest'
import { STAFF_CHANNEL, FakeSlackApi } from '../fakes/slack-api.ts'
import { FakeTwilioApi } from '../fakes/twilio-api.ts'
import { ADMIN_TOKEN } from '../support/app.ts'
import { newStats, phoneNumber, requestRepair } from './support/clients.ts'
import { dataDirectory, providerEnv, report, ServerProcess, stopOrphanedPostgres } from './support/server.ts'

const OUTAGE_MS = Number(process.env.FAULT_OUTAGE_SECONDS ?? 120) * 1000
const RETRY_AFTER_SECONDS = 15
const ON_CALL = '+8613900000009'
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const cleanup: (() => Promise<unknown>)[] = []
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined)
})

type Scenario = { provider: 'twilio' | 'slack'; mode: '5xx' | '429' }

interface Outcome {
  scenario: Scenario
  delivered: boolean
  duplicates: number
  staffTold: number
  recoveryTold: number
  /** Attempts the provider got during the Retry-After it had asked for (must be 0). */
  earlyAttempts: number
  attemptsDuringOutage: number
  drainMs: number
}

/** One Aftercare with its own fakes, one provider down for OUTAGE_MS, traffic before and during. */
async function run(scenario: Scenario, index: number): Promise<Outcome> {
  const twilio = await new FakeTwilioApi().start()
  const slack = await new FakeSlackApi().start()
  const data = await dataDirectory()
  cleanup.push(
    () => twilio.stop(),
    () => slack.stop(),
    async () => {
      await stopOrphanedPostgres(data.dir)
      await data.remove()
    },
  )
  const server = await ServerProcess.start({
    dataDir: data.dir,
    env: { ...providerEnv({ twilio, slack }), PROVIDER_ALERT_AFTER: '0.5', PROVIDER_ALERT_PHONES: ON_CALL },
  })
  cleanup.push(() => server.stop())
  const admin = (path: string, body: object) =>
    fetch(server.url + path, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  await admin('/api/technicians', { name: 'Wang Gong' })
  const stats = newStats()
  const before = await Promise.all([0, 1, 2, 3].map((n) => requestRepair(() => server.url, phoneNumber(1400 + index, n), stats)))

  const failure = scenario.mode === '5xx' ? { status: 503, code: 20503, error: 'service_unavailable' } : { status: 429, code: 20429, error: 'ratelimited', retryAfter: RETRY_AFTER_SECONDS }
  const outageStart = Date.now()
  if (scenario.provider === 'twilio') twilio.outage = failure
  else slack.outage = failure
  // During the outage: notifications (Twilio) and new tickets' staff posts (Slack).
  for (const number of before) await admin(`/api/tickets/${number}/actions`, { action: 'respond', technician: 'Wang Gong' })
  const during = await Promise.all([4, 5, 6].map((n) => requestRepair(() => server.url, phoneNumber(1400 + index, n), stats)))
  for (const number of during) await admin(`/api/tickets/${number}/actions`, { action: 'respond', technician: 'Wang Gong' })
  await sleep(Math.max(0, OUTAGE_MS - (Date.now() - outageStart)))
  twilio.outage = undefined
  slack.outage = undefined
  const outageEnd = Date.now()

  const phones = [0, 1, 2, 3, 4, 5, 6].map((n) => phoneNumber(1400 + index, n))
  const numbers = [...before, ...during]
  const delivered = () => phones.every((phone) => twilio.sent.some((sent) => sent.to === phone)) && numbers.every((number) => slack.posted(STAFF_CHANNEL).some((text) => text.includes(number)))
  let drainMs = -1
  while (Date.now() - outageEnd < 90_000) {
    if (delivered()) {
      drainMs = Date.now() - outageEnd
      break
    }
    await sleep(200)
  }
  await sleep(3_000)
  const duplicates =
    phones.reduce((sum, phone) => sum + Math.max(0, twilio.sent.filter((sent) => sent.to === phone).length - 1), 0) +
    numbers.reduce(
      (sum, number) =>
        sum + Math.max(0, slack.of('chat.postMessage').filter((call) => call.args.channel === STAFF_CHANNEL && !call.args.thread_ts && String(call.args.text).includes(number)).length - 1),
      0,
    )

  const name = scenario.provider === 'twilio' ? 'Twilio (SMS)' : 'Slack'
  const told = (text: string) =>
    scenario.provider === 'twilio'
      ? slack.posted(STAFF_CHANNEL).filter((posted) => posted.includes(`${name} ${text}`)).length
      : twilio.sent.filter((sent) => sent.to === ON_CALL && sent.body.includes(`${name} ${text}`)).length

  const attempts = scenario.provider === 'twilio' ? twilio.attempts.map((a) => ({ at: a.at, status: a.status })) : slack.attempts.map((a) => ({ at: a.at, status: a.status }))
  const inOutage = attempts.filter((attempt) => attempt.at >= outageStart && attempt.at <= outageEnd)
  // After a 429 answered at t, nothing may arrive between t + 0.5 s (requests already in flight) and t + Retry-After.
  const earlyAttempts =
    scenario.mode === '429'
      ? inOutage.filter((attempt) => inOutage.some((limited) => limited.status === 429 && attempt.at > limited.at + 500 && attempt.at < limited.at + RETRY_AFTER_SECONDS * 1000 - 100)).length
      : 0
  await server.stop()
  return { scenario, delivered: drainMs >= 0, duplicates, staffTold: told('has been failing'), recoveryTold: told('is working again'), earlyAttempts, attemptsDuringOutage: inOutage.length, drainMs }
}

describe(`a ${OUTAGE_MS / 1000}-second provider outage`, () => {
  it('on Twilio and on Slack, as 5xx and as 429 with Retry-After: all delivered once, staff told, Retry-After honoured', async () => {
    const scenarios: Scenario[] = [
      { provider: 'twilio', mode: '5xx' },
      { provider: 'twilio', mode: '429' },
      { provider: 'slack', mode: '5xx' },
      { provider: 'slack', mode: '429' },
    ]
    const outcomes = await Promise.all(scenarios.map((scenario, index) => run(scenario, index)))
    for (const outcome of outcomes) {
      report(`${outcome.scenario.provider} ${outcome.scenario.mode} outage`, {
        'attempts during the outage': outcome.attemptsDuringOutage,
        'attempts inside a Retry-After': outcome.earlyAttempts,
        'staff told': outcome.staffTold,
        'recovery told': outcome.recoveryTold,
        'drained after recovery ms': outcome.drainMs,
        duplicates: outcome.duplicates,
      })
    }
    for (const outcome of outcomes) {
      const label = `${outcome.scenario.provider} ${outcome.scenario.mode}`
      expect(outcome.delivered, label).toBe(true)
      expect(outcome.duplicates, label).toBe(0)
      expect(outcome.staffTold, label).toBe(1)
      expect(outcome.recoveryTold, label).toBe(1)
      expect(outcome.earlyAttempts, label).toBe(0)
    }
  })
})
