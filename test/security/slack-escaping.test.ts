/**
 * Customer text reaches Slack as text (issue 11). A customer who types `<!channel>`, a Slack link
 * `<https://evil.example|Click here>`, a user or channel mention, or `&` into their request, a
 * hand-off message, a complaint or a reason must not ping the staff channel, plant a link or
 * mention anyone: every message Aftercare posts (chat.postMessage, chat.update,
 * chat.postEphemeral — the `text` and every text inside `blocks`) shows it escaped
 * (`&lt;!channel&gt;`), while our own mention of the assigned technician stays live. The same
 * holds for a Slack customer, whose own words come back to them in the bot's summary.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAFF_CHANNEL, type SlackCall } from '../fakes/slack-api.ts'
import { customerOn } from '../support/customers.ts'
import { Phone } from '../support/sms.ts'
import { eventually, startWorld, submitBySms, type World } from '../support/world.ts'

/** Every piece of Slack markup a customer could try; each fits the intake's length limits. */
const HOSTILE = '<!channel> <https://evil.example|Click here> <@U0VICTIM1> & <#C0OTHER01>'
const HOSTILE_MODEL = '<!channel> <@U0VICTIM1> & <#C0OTHER01>' // a product model is at most 60 characters
const HOSTILE_ZH = '<!here> 请点击 <https://evil.example|查看维修进度> <@U0VICTIM1> 与 & <#C0OTHER01>'
const HOSTILE_ZH_MODEL = '<!everyone> 洗衣机 <@U0VICTIM1>'

/** What must never reach Slack live from a customer. */
const LIVE = ['<!channel>', '<!here>', '<!everyone>', '<https://evil.example', '<@U0VICTIM1>', '<#C0OTHER01>']
/** The same, as Slack shows it when escaped. */
const ESCAPED = ['&lt;!channel&gt;', '&lt;https://evil.example|Click here&gt;', '&lt;@U0VICTIM1&gt;', '&amp;', '&lt;#C0OTHER01&gt;']
const ESCAPED_ZH = ['&lt;!here&gt;', '&lt;https://evil.example|查看维修进度&gt;', '&lt;@U0VICTIM1&gt;', '&amp;', '&lt;#C0OTHER01&gt;']

/** Customer text as Slack must receive it: `&`, `<` and `>` escaped. */
const asText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

let world: World
let phones = 0
const nextPhone = () => `+86138001100${String(phones++).padStart(2, '0')}`

beforeAll(async () => {
  world = await startWorld()
  await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong', slackUserId: 'U0TECH0001' }) })
})
afterAll(() => world.close())

const act = async (number: string, body: object) => {
  const response = await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify(body) })
  expect(response.status, await response.clone().text()).toBe(200)
}
const slackTsOf = (number: string) => eventually(async () => (await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).slackTs, 'the ticket in Slack')
const ticketPost = (number: string) =>
  eventually(() => world.slack.of('chat.postMessage').find((call) => !call.args.thread_ts && String(call.args.text).startsWith(number)), 'the ticket in the staff channel')

/** Every text of a value, recursively: `text` strings at any depth (mrkdwn, plain_text, fields). */
function textsIn(value: unknown, found: string[] = []): string[] {
  if (Array.isArray(value)) for (const item of value) textsIn(item, found)
  else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'text' && typeof inner === 'string') found.push(inner)
      else textsIn(inner, found)
    }
  }
  return found
}

/** The `text` of a call and every text in its blocks. */
const textsOf = (call: SlackCall): string[] => [String(call.args.text ?? ''), ...textsIn(call.args.blocks ?? [])]

const POSTING = ['chat.postMessage', 'chat.update', 'chat.postEphemeral']

/** Nothing posted so far carries a customer's live markup, or a bare `&` Slack would read as an entity. */
function expectNothingLive(calls: SlackCall[] = world.slack.calls) {
  const posted = calls.filter((call) => POSTING.includes(call.method))
  expect(posted.length).toBeGreaterThan(0)
  for (const call of posted) {
    for (const text of textsOf(call)) {
      for (const live of LIVE) expect(text, `${call.method} to ${call.args.channel} carries ${live}`).not.toContain(live)
      expect(text, `${call.method} to ${call.args.channel} carries a bare &`).not.toMatch(/&(?!amp;|lt;|gt;)/)
    }
  }
}

const expectShownEscaped = (texts: string[], escaped: string[]) => {
  const all = texts.join('\n')
  for (const form of escaped) expect(all).toContain(form)
}

describe('the ticket’s message in the staff channel', () => {
  it.each([
    ['English', 'hi', HOSTILE_MODEL, HOSTILE, ESCAPED],
    ['Chinese', '你好', HOSTILE_ZH_MODEL, HOSTILE_ZH, ESCAPED_ZH],
  ])('shows markup typed into a request (%s: model, description, address, name) as text that pings no one', async (_language, greeting, model, hostile, escaped) => {
    const phone = new Phone(world.t.url, nextPhone())
    await phone.sayAll([greeting, '1', model, 'skip', hostile, 'skip', hostile, hostile])
    const number = /SR-\d{4}-\d{6}/.exec(await phone.say('YES'))?.[0]
    expect(number).toBeDefined()

    const post = await ticketPost(number!)
    const shown = textsOf(post)
    expectShownEscaped(shown, escaped)
    // Each answer is shown: the model, the description (quoted), the address and the name.
    const facts = shown.join('\n')
    expect(facts).toContain(`*${asText(model)}*`)
    expect(facts).toContain(`> ${asText(hostile)}`)
    expect(facts).toContain(`:round_pushpin: ${asText(hostile)}`)
    expect(facts).toContain(`:bust_in_silhouette: ${asText(hostile)}`)
    expectNothingLive()

    // What /aftercare shows the caller is the same message, escaped as well.
    const shownByCommand = (await (await world.workspace.command(number!)).json()) as { text: string; blocks: unknown[] }
    const commandTexts = [shownByCommand.text, ...textsIn(shownByCommand.blocks)]
    expectShownEscaped(commandTexts, escaped)
    for (const text of commandTexts) for (const live of LIVE) expect(text).not.toContain(live)
  })

  it('still mentions the assigned technician live, next to the escaped customer text', async () => {
    const { number } = await submitBySms(world.t, nextPhone(), ['1', HOSTILE_MODEL, 'skip', HOSTILE, 'skip', HOSTILE, HOSTILE])
    const ts = await slackTsOf(number)
    await act(number, { action: 'respond', technician: 'Wang Gong' })
    const update = await eventually(
      () => world.slack.of('chat.update').find((call) => call.args.ts === ts && JSON.stringify(call.args.blocks).includes(':wrench:')),
      'the message updated with the technician',
    )
    const shown = textsOf(update).join('\n')
    expect(shown).toContain(':wrench: <@U0TECH0001>')
    expectShownEscaped([shown], ESCAPED)
    expectNothingLive()
  })
})

describe('a hand-off in the ticket’s thread', () => {
  it('shows the conversation so far and the customer’s mirrored message as text', async () => {
    const { phone, number } = await submitBySms(world.t, nextPhone(), ['1', HOSTILE_MODEL, 'skip', HOSTILE, 'skip', HOSTILE, HOSTILE])
    const ts = await slackTsOf(number)
    expect(await phone.say('AGENT')).toContain('I am passing you to a member of our team')
    const transcript = await eventually(() => world.slack.posted(STAFF_CHANNEL, ts).find((text) => text.startsWith('*The conversation so far*')), 'the transcript in the thread')
    // The customer's answers and the bot's summary that repeated them, both escaped.
    expect(transcript).toContain(`*Customer*: ${asText(HOSTILE)}`)
    expectShownEscaped([transcript], ESCAPED)

    expect(await phone.say(`Please hurry ${HOSTILE}`)).toBe('')
    const mirrored = await eventually(() => world.slack.posted(STAFF_CHANNEL, ts).find((text) => text.startsWith(':speech_balloon:')), 'the mirrored message')
    expect(mirrored).toBe(`:speech_balloon: *Customer*: Please hurry ${asText(HOSTILE)}`)
    expectNothingLive()
  })
})

describe('a complaint in the customer’s words', () => {
  it.each([
    ['English', 'hi', HOSTILE_MODEL, HOSTILE, `This is a complaint: ${HOSTILE}`, ESCAPED],
    ['Chinese', '你好', HOSTILE_ZH_MODEL, HOSTILE_ZH, `我要投诉 ${HOSTILE_ZH}`, ESCAPED_ZH],
  ])('is posted as text (%s), and so are its pointer in the ticket’s thread and a follow-up message', async (_language, greeting, model, hostile, complaint, escaped) => {
    const phone = new Phone(world.t.url, nextPhone())
    await phone.sayAll([greeting, '1', model, 'skip', hostile, 'skip', hostile, hostile])
    const number = /SR-\d{4}-\d{6}/.exec(await phone.say('YES'))![0]
    const ts = await slackTsOf(number)

    await phone.say(complaint)
    const complaintNumber = (await eventually(() => world.t.db.prisma.complaint.findFirst({ where: { ticket: { number } } }), 'the complaint')).number
    const post = await eventually(
      () => world.slack.of('chat.postMessage').find((call) => !call.args.thread_ts && String(call.args.text).startsWith(`Complaint ${complaintNumber}`)),
      'the complaint in the staff channel',
    )
    expectShownEscaped(textsOf(post), escaped)
    const pointer = await eventually(() => world.slack.posted(STAFF_CHANNEL, ts).find((text) => text.startsWith(`:warning: Complaint ${complaintNumber}`)), 'the pointer in the ticket’s thread')
    expectShownEscaped([pointer], escaped)

    // A second angry message joins the complaint: the message is updated with it, quoted as text.
    await phone.say(`complaint again ${hostile}`)
    const complaintTs = (await world.t.db.prisma.complaint.findUniqueOrThrow({ where: { number: complaintNumber } })).slackTs
    const updated = await eventually(
      () => world.slack.of('chat.update').find((call) => call.args.ts === complaintTs && JSON.stringify(call.args.blocks).includes('complaint again')),
      'the complaint updated',
    )
    expect(textsOf(updated).join('\n')).toContain(`> complaint again ${asText(hostile)}`)
    expectNothingLive()
  })
})

describe('alerts that carry someone else’s words', () => {
  it('the fix rejected with the customer’s reason: the reason is text, the technician is mentioned live', async () => {
    const { number } = await submitBySms(world.t, nextPhone(), ['5', 'Router R1', 'skip', 'Cannot connect to Wi-Fi', 'skip', 'Bo'])
    const ts = await slackTsOf(number)
    await act(number, { action: 'respond', technician: 'Wang Gong' })
    await act(number, { action: 'resolve', solution: 'Reset the router' })
    // The customer says NO with a reason on the phone; staff record it as they said it.
    await act(number, { action: 'reject', reason: `Still broken ${HOSTILE}` })
    const alert = await eventually(() => world.slack.posted(STAFF_CHANNEL, ts).find((text) => text.startsWith(':x:')), 'the fix_rejected alert')
    expect(alert).toBe(
      ':x: The customer says it is *not fixed*; the ticket is reopened. “Still broken &lt;!channel&gt; &lt;https://evil.example|Click here&gt; &lt;@U0VICTIM1&gt; &amp; &lt;#C0OTHER01&gt;” <@U0TECH0001>',
    )
    // The rejected fix is also a complaint, posted with the same words.
    const complaint = await eventually(() => world.slack.of('chat.postMessage').find((call) => !call.args.thread_ts && String(call.args.text).includes(`· ${number}`)), 'the complaint')
    expectShownEscaped(textsOf(complaint), ESCAPED)
    expectNothingLive()
  })

  it('the customer’s own NO reopens the ticket: the alert, and the hand-off that follows with the conversation so far, show their words as text', async () => {
    const { phone, number } = await submitBySms(world.t, nextPhone(), ['5', HOSTILE_MODEL, 'skip', HOSTILE, 'skip', HOSTILE])
    const ts = await slackTsOf(number)
    await act(number, { action: 'respond', technician: 'Wang Gong' })
    await act(number, { action: 'resolve', solution: 'Reset the router' })
    await eventually(() => world.twilio.sent.find((sms) => sms.to === phone.number && sms.body.includes('Is it fixed?')), 'the resolution notification')
    // An SMS NO is only a NO; what the customer wrote before it is in the transcript.
    expect(await phone.say('no')).toContain(`We have reopened ${number}`)
    const alert = await eventually(() => world.slack.posted(STAFF_CHANNEL, ts).find((text) => text.startsWith(':x:')), 'the fix_rejected alert')
    expect(alert).toContain('<@U0TECH0001>')
    const intro = await eventually(() => world.slack.posted(STAFF_CHANNEL, ts).find((text) => text.includes('*Hand-off*')), 'the hand-off in the thread')
    expect(intro).toContain('says the fix did not work. <@U0TECH0001>')
    const transcript = await eventually(() => world.slack.posted(STAFF_CHANNEL, ts).find((text) => text.startsWith('*The conversation so far*')), 'the transcript')
    expect(transcript).toContain(`*Customer*: ${asText(HOSTILE)}`)
    expectNothingLive()
  })

  it('a delivery failure quoting the SMS provider’s error message shows it as text', async () => {
    const { number } = await submitBySms(world.t, nextPhone(), ['1', 'WM-800', 'skip', 'The drum does not turn', 'skip', '88 Century Avenue', 'Li Wei'])
    const ts = await slackTsOf(number)
    // Twilio refuses the response notification for good, with a message of its own (and nothing
    // queued earlier takes that failure instead).
    await eventually(async () => (await world.t.db.prisma.message.count({ where: { status: 'queued' } })) === 0, 'the outbox empty')
    world.twilio.failNext({ status: 400, code: 21999, message: `Rejected ${HOSTILE}` })
    await act(number, { action: 'respond', technician: 'Wang Gong' })
    const alert = await eventually(() => world.slack.posted(STAFF_CHANNEL, ts).find((text) => text.startsWith(':no_entry:')), 'the delivery_failed alert')
    expect(alert).toContain('Rejected &lt;!channel&gt; &lt;https://evil.example|Click here&gt; &lt;@U0VICTIM1&gt; &amp; &lt;#C0OTHER01&gt;')
    expect(alert).toContain('<@U0TECH0001>')
    expectNothingLive()
  })
})

describe('a Slack customer', () => {
  it('sees their own words in the bot’s summary as text, and staff see their request as text', async () => {
    const customer = await customerOn('slack', world)
    await customer.say('hi')
    for (const answer of ['1', HOSTILE_MODEL, 'skip', HOSTILE, 'skip', HOSTILE]) await customer.say(answer)
    const summary = await customer.say(HOSTILE)
    // What Slack sends as markup is read as the words it shows (@channel, the link's label and
    // address), then echoed back as text: nothing in it is live.
    expect(summary).toContain('@channel Click here (https://evil.example) @U0VICTIM1 &amp; #C0OTHER01')
    // The DM itself: its text and its blocks.
    const dm = world.slack
      .of('chat.postMessage')
      .filter((call) => String(call.args.channel).startsWith('D') && String(call.args.text) === summary)
      .at(-1)!
    expect(dm).toBeDefined()
    const section = textsIn(dm.args.blocks)
    expect(section.join('\n')).toContain('@channel Click here (https://evil.example) @U0VICTIM1 &amp; #C0OTHER01')
    for (const text of section) for (const live of LIVE) expect(text).not.toContain(live)

    const number = /SR-\d{4}-\d{6}/.exec(await customer.say('YES'))![0]
    expect(textsOf(await ticketPost(number)).join('\n')).toContain('@channel Click here (https://evil.example) @U0VICTIM1 &amp; #C0OTHER01')
    expectNothingLive()
  })
})

describe('everything posted to Slack', () => {
  it('carries no live mention or link from a customer, including what was still being posted', async () => {
    // Barrier: a later, distinct post. Once it is there, the earlier jobs' posts are too.
    const { number } = await submitBySms(world.t, nextPhone(), ['1', 'WM-800', 'skip', 'The drum does not turn', 'skip', '88 Century Avenue', 'Li Wei'])
    await ticketPost(number)
    expect(world.slack.calls.filter((call) => POSTING.includes(call.method)).length).toBeGreaterThan(20)
    expectNothingLive()
  })
})
