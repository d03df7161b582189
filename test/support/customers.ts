/**
 * A customer on each channel, as the same small interface: say something and read the bot's
 * answer; read everything received so far (answers, notifications, staff replies) the way that
 * channel shows it — TwiML and SMS for a phone, activities for a web page, DMs for Slack.
 */
import { randomBytes } from 'node:crypto'
import type { TestApp } from './app.ts'
import { Phone } from './sms.ts'
import type { FakeSlackApi } from '../fakes/slack-api.ts'
import type { FakeTwilioApi } from '../fakes/twilio-api.ts'
import { SlackWorkspace } from './slack.ts'
import { eventually } from './world.ts'

export type ChannelName = 'sms' | 'webchat' | 'slack' | 'whatsapp'

export interface Customer {
  channel: ChannelName
  /** Sends a message; resolves with the bot's answer to it (empty when there is none). */
  say(text: string): Promise<string>
  /** Every text this customer has received, in order. */
  received(): Promise<string[]>
  /** Waits until a received text contains `part`, and returns it. */
  waitFor(part: string): Promise<string>
}

interface Providers {
  t: TestApp
  twilio: FakeTwilioApi
  slack: FakeSlackApi
}

let sequence = 0
const unique = () => `${Date.now().toString(36)}${(sequence++).toString(36)}`

function waitForIn(received: () => Promise<string[]>) {
  return (part: string) => eventually(async () => (await received()).find((text) => text.includes(part)), `"${part}" to reach the customer`, 20_000)
}

/** A phone texting by SMS, or by WhatsApp (Twilio prefixes the number with `whatsapp:` both ways). */
function smsCustomer({ t, twilio }: Providers, channel: 'sms' | 'whatsapp' = 'sms'): Customer {
  const phone = new Phone(t.url, `${channel === 'whatsapp' ? 'whatsapp:' : ''}+86137${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`)
  const answers: string[] = []
  const received = async () => [...answers, ...twilio.sent.filter((sms) => sms.to === phone.number).map((sms) => sms.body)]
  return {
    channel,
    async say(text) {
      const answer = await phone.say(text)
      if (answer) answers.push(answer)
      return answer
    },
    received,
    waitFor: waitForIn(received),
  }
}

async function webchatCustomer({ t }: Providers): Promise<Customer> {
  const session = (await (await fetch(`${t.url}/webchat/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"locale":"en-US"}' })).json()) as {
    conversationId: string
    token: string
  }
  const base = `${t.url}/v3/directline/conversations/${session.conversationId}/activities`
  const headers = { authorization: `Bearer ${session.token}`, 'content-type': 'application/json' }
  const activities = async (watermark = '') =>
    (await (await fetch(`${base}?watermark=${watermark}`, { headers })).json()) as { activities: { from: { role: string }; text?: string }[]; watermark: string }
  const botTexts = (list: { from: { role: string }; text?: string }[]) => list.filter((activity) => activity.from.role === 'bot').map((activity) => activity.text ?? '')
  await fetch(base, { method: 'POST', headers, body: JSON.stringify({ type: 'event', name: 'webchat/join', value: { locale: 'en-US' } }) })
  const received = async () => botTexts((await activities()).activities)
  return {
    channel: 'webchat',
    async say(text) {
      const { watermark } = await activities()
      // The Direct Line answers once the bot has replied: what follows the watermark is the answer.
      await fetch(base, { method: 'POST', headers, body: JSON.stringify({ type: 'message', text, channelData: { clientActivityID: unique() } }) })
      return botTexts((await activities(watermark)).activities).join('\n')
    },
    received,
    waitFor: waitForIn(received),
  }
}

function slackCustomer({ t, slack }: Providers): Customer {
  const user = `U0C${randomBytes(4).toString('hex').toUpperCase()}`
  const dm = `D${user.slice(1)}`
  const workspace = new SlackWorkspace(t.url)
  const received = async () => slack.posted(dm)
  let ts = 1_790_000_000
  return {
    channel: 'slack',
    async say(text) {
      const before = slack.posted(dm).length
      const messageTs = `${ts++}.000100`
      await workspace.event({ type: 'message', channel: dm, channel_type: 'im', user, team: 'T0TEAM0001', text, ts: messageTs, event_ts: messageTs })
      // Slack gets its acknowledgement at once; the answers follow. Wait for all of them.
      const providerId = `${dm}:${messageTs}`
      const expected = await eventually(async () => {
        const inbound = await t.db.prisma.message.findUnique({ where: { channel_providerId: { channel: 'slack', providerId } }, select: { _count: { select: { replies: true } } } })
        return inbound && { count: inbound._count.replies }
      }, 'the message to be handled')
      await eventually(() => slack.posted(dm).length >= before + expected.count, 'the answers in the DM')
      return slack
        .posted(dm)
        .slice(before, before + expected.count)
        .join('\n')
    },
    received,
    waitFor: waitForIn(received),
  }
}

export async function customerOn(channel: ChannelName, providers: Providers): Promise<Customer> {
  switch (channel) {
    case 'sms':
      return smsCustomer(providers)
    case 'webchat':
      return webchatCustomer(providers)
    case 'slack':
      return slackCustomer(providers)
    case 'whatsapp':
      return smsCustomer(providers, 'whatsapp')
  }
}
