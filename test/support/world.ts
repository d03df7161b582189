/**
 * The app with every provider faked on loopback: Twilio's REST API for proactive SMS, Slack's
 * Web API for the staff channel. What a customer's phone or a staff member's Slack receives is
 * read from the fakes.
 */
import { startTestApp, type TestApp, type TestAppOptions } from './app.ts'
import { createTestDatabase } from './database.ts'
import { FakeSlackApi, BOT_TOKEN, STAFF_CHANNEL } from '../fakes/slack-api.ts'
import { FakeTwilioApi } from '../fakes/twilio-api.ts'
import { SIGNING_SECRET, SlackWorkspace } from './slack.ts'
import { Phone } from './sms.ts'

export interface World {
  t: TestApp
  twilio: FakeTwilioApi
  slack: FakeSlackApi
  workspace: SlackWorkspace
  /** Another app on the same database and fakes (a restart, or a second instance). */
  restart(options?: TestAppOptions): Promise<TestApp>
  /** A second instance beside `t`, on the same database and fakes (closed by close()). */
  another(options?: TestAppOptions): Promise<TestApp>
  close(): Promise<void>
}

export const SERVICE_NUMBER = '+8610000000000'
export const WHATSAPP_NUMBER = '+14155238886'

export async function startWorld(options: TestAppOptions = {}): Promise<World> {
  const twilio = await new FakeTwilioApi().start()
  const slack = await new FakeSlackApi().start()
  const env = {
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_AUTH_TOKEN: twilio.authToken,
    TWILIO_FROM: SERVICE_NUMBER,
    TWILIO_WHATSAPP_FROM: WHATSAPP_NUMBER,
    TWILIO_API_URL: twilio.url,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_STAFF_CHANNEL: STAFF_CHANNEL,
    SLACK_API_URL: `${slack.url}/api/`,
    ...options.env,
  }
  const db = options.db ?? (await createTestDatabase())
  let t = await startTestApp({ ...options, env, db })
  const others: TestApp[] = []
  const world: World = {
    get t() {
      return t
    },
    twilio,
    slack,
    get workspace() {
      return new SlackWorkspace(t.url)
    },
    async restart(next = {}) {
      await t.close()
      t = await startTestApp({ ...options, ...next, env: { ...env, ...next.env }, db, clock: next.clock ?? t.clock })
      return t
    },
    async another(next = {}) {
      const instance = await startTestApp({ ...options, ...next, env: { ...env, ...next.env }, db, clock: next.clock ?? t.clock })
      others.push(instance)
      return instance
    },
    async close() {
      for (const other of others) await other.close()
      await t.close()
      await db.drop()
      await twilio.stop()
      await slack.stop()
    },
  }
  return world
}

/** Waits until `check` returns something truthy (jobs run asynchronously). */
type Truthy<T> = Exclude<T, false | null | undefined | 0 | ''>

export async function eventually<T>(check: () => T | Promise<T>, what = 'condition', timeoutMs = 10_000): Promise<Truthy<T>> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value) return value as Truthy<T>
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** A customer submits a request by SMS; returns the phone and the ticket number. */
export async function submitBySms(t: TestApp, phoneNumber: string, answers: string[]): Promise<{ phone: Phone; number: string }> {
  const phone = new Phone(t.url, phoneNumber)
  await phone.sayAll(['hi', ...answers])
  const done = await phone.say('YES')
  const number = /SR-\d{4}-\d{6}/.exec(done)?.[0]
  if (!number) throw new Error(`no ticket number in: ${done}`)
  return { phone, number }
}

export const REPAIR = ['1', 'WM-800', 'SN4455', 'The drum does not turn', 'skip', '88 Century Avenue, Shanghai', 'Li Wei']
