/**
 * Web chat and Slack turns, measured like the SMS turn (issue 12): visitors posting to the
 * built-in Direct Line (the answer comes once the bot's replies are stored), and Slack direct
 * messages (the HTTP answer is Slack's ack, sent once the turn is done: processBeforeResponse).
 * A fixed number of customers go through the intake concurrently for a fixed time, after a warm-up.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { BOT_TOKEN, FakeSlackApi, STAFF_CHANNEL } from '../test/fakes/slack-api.ts'
import { spawnBenchServer } from './spawn-server.ts'

const SIGNING_SECRET = 'bench-slack-signing-secret'
const INTAKE = ['1', 'WM-800', 'skip', 'The drum does not turn', 'skip', '88 Century Avenue, Shanghai', 'Li Wei', 'YES']
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? 0

async function startServer(env: Record<string, string>) {
  const server = await spawnBenchServer('full', env)
  return { url: `http://127.0.0.1:${server.port}`, stop: server.stop }
}

/** Runs `visitors` loops of `turn` for `seconds`; returns the latencies of the answered requests. */
async function load(visitors: number, seconds: number, customer: () => Promise<(text: string) => Promise<boolean>>): Promise<{ latencies: number[]; failed: number }> {
  const latencies: number[] = []
  let failed = 0
  const until = Date.now() + seconds * 1000
  await Promise.all(
    Array.from({ length: visitors }, async () => {
      while (Date.now() < until) {
        const say = await customer()
        for (const text of INTAKE) {
          if (Date.now() >= until) return
          const started = performance.now()
          if (await say(text)) latencies.push(performance.now() - started)
          else failed++
        }
      }
    }),
  )
  return { latencies, failed }
}

export async function benchChannels(options: { seconds: number; visitors: number; bareRequestsPerSecond: number }): Promise<string[]> {
  const slack = await new FakeSlackApi().start()
  const server = await startServer({
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_STAFF_CHANNEL: STAFF_CHANNEL,
    SLACK_API_URL: `${slack.url}/api/`,
    LIMIT_WEBCHAT_SESSIONS: '100000/60',
    LIMIT_DIRECTLINE_POSTS: '100000/60',
  })
  const lines: string[] = []
  try {
    // Web chat: a visitor opens the page (session), then types each answer; the POST returns once the bot has replied.
    const webVisitor = async () => {
      const session = (await (await fetch(`${server.url}/webchat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as {
        conversationId: string
        token: string
      }
      const post = (activity: object) =>
        fetch(`${server.url}/v3/directline/conversations/${session.conversationId}/activities`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${session.token}` },
          body: JSON.stringify(activity),
        })
      await post({ type: 'event', name: 'webchat/join', value: { locale: 'en-US' } })
      return async (text: string) => (await post({ type: 'message', text, channelData: { clientActivityID: randomBytes(6).toString('hex') } })).status === 200
    }
    await load(options.visitors, 2, webVisitor)
    const web = await load(options.visitors, options.seconds, webVisitor)
    const webRate = web.latencies.length / options.seconds
    lines.push(
      `web chat turn (Direct Line post → bot reply stored), ${options.visitors} visitors: ${webRate.toFixed(0)} turns/s, p50 ${percentile(web.latencies, 50).toFixed(0)} ms, p99 ${percentile(web.latencies, 99).toFixed(0)} ms, failed ${web.failed} · ratio to bare Express ${(webRate / options.bareRequestsPerSecond).toFixed(3)}`,
    )

    // Slack: direct messages, signed as Slack signs them; the answer is the ack.
    let users = 0
    const slackCustomer = async () => {
      const user = `U${String(users++).padStart(9, '0')}`
      return async (text: string) => {
        const ts = `${Date.now() / 1000}${randomBytes(2).readUInt16BE(0)}`
        const body = JSON.stringify({
          type: 'event_callback',
          team_id: 'T0TEAM0001',
          event_id: `Ev${randomBytes(6).toString('hex')}`,
          event: { type: 'message', channel_type: 'im', channel: `D${user.slice(1)}`, user, team: 'T0TEAM0001', text, ts },
        })
        const timestamp = Math.floor(Date.now() / 1000)
        const signature = `v0=${createHmac('sha256', SIGNING_SECRET).update(`v0:${timestamp}:${body}`).digest('hex')}`
        const response = await fetch(`${server.url}/slack/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(timestamp), 'x-slack-signature': signature },
          body,
        })
        return response.status === 200
      }
    }
    await load(options.visitors, 2, slackCustomer)
    const dm = await load(options.visitors, options.seconds, slackCustomer)
    const dmRate = dm.latencies.length / options.seconds
    lines.push(
      `Slack direct message (signed event → ack after the turn), ${options.visitors} customers: ${dmRate.toFixed(0)} events/s, ack p50 ${percentile(dm.latencies, 50).toFixed(0)} ms, p99 ${percentile(dm.latencies, 99).toFixed(0)} ms (Slack retries after 3,000 ms), failed ${dm.failed}`,
    )
  } finally {
    await server.stop()
    await slack.stop()
  }
  return lines
}
