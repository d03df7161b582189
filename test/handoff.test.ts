/**
 * Talking to a person through Slack (issue 5): the hand-off opens (or reuses) the ticket's thread
 * with the conversation so far; customer messages are mirrored there; staff replies reach the
 * customer on their channel under the staff member's name (`note:` stays internal); a button or
 * `/aftercare release` gives the conversation back to the bot; nobody answering in time escalates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAFF_CHANNEL } from './fakes/slack-api.ts'
import { buttonPress } from './support/slack.ts'
import { eventually, REPAIR, startWorld, submitBySms, type World } from './support/world.ts'

let world: World
let phones = 0
const nextPhone = () => `+86138000050${String(phones++).padStart(2, '0')}`

beforeAll(async () => {
  world = await startWorld()
  await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong', slackUserId: 'U0TECH0001' }) })
})
afterAll(() => world.close())

const smsTo = (phone: string) => world.twilio.sent.filter((sms) => sms.to === phone).map((sms) => sms.body)
const conversationOf = (phone: string) => world.t.db.prisma.conversation.findFirstOrThrow({ where: { identity: { address: phone } } })
let staffTs = 1_780_000_000
const staffReply = (threadTs: string, text: string, eventId?: string) =>
  world.workspace.event({ type: 'message', channel: STAFF_CHANNEL, user: 'U0STAFF001', text, ts: `${staffTs++}.000100`, thread_ts: threadTs, channel_type: 'channel' }, eventId ? { eventId } : {})

describe('a live hand-off in the ticket’s thread', () => {
  it('relays both ways, keeps notes internal, and gives the customer back to the bot', async () => {
    const { phone, number } = await submitBySms(world.t, nextPhone(), REPAIR)
    await world.t.admin(`/api/tickets/${number}/actions`, { method: 'POST', body: JSON.stringify({ action: 'respond', technician: 'Wang Gong' }) })
    const ticketTs = await eventually(async () => (await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).slackTs, 'the ticket in Slack')

    expect(await phone.say('AGENT')).toBe('I am passing you to a member of our team; they will answer here. Anything you write now goes to them.')
    // The ticket's thread: who asks, the technician mentioned, a release button, then the conversation so far.
    const intro = await eventually(
      () => world.slack.of('chat.postMessage').find((call) => call.args.thread_ts === ticketTs && String(call.args.text).includes('Hand-off')),
      'the hand-off in the thread',
    )
    expect(intro.args.text).toContain(`the customer (SMS ${phone.number}) asks to talk to a person. <@U0TECH0001>`)
    expect(JSON.stringify(intro.args.blocks)).toContain('"action_id":"handoff_release"')
    const transcript = await eventually(() => world.slack.posted(STAFF_CHANNEL, ticketTs).find((text) => text.startsWith('*The conversation so far*')), 'the transcript')
    expect(transcript).toContain('*Customer*: AGENT')
    // In the order it was said, though a message and its answer are written at the same instant.
    const said = ['*Customer*: YES', '_Bot_: Thank you! Your request number is', '*Customer*: AGENT'].map((line) => transcript.indexOf(line))
    expect(said.every((at, index) => at >= 0 && (index === 0 || at > said[index - 1]!))).toBe(true)

    // Customer → staff: no answer from the bot, the message appears in the thread.
    expect(await phone.say('It makes a grinding noise')).toBe('')
    await eventually(() => world.slack.posted(STAFF_CHANNEL, ticketTs).includes(':speech_balloon: *Customer*: It makes a grinding noise'), 'the mirrored message')

    // A photo during the hand-off: acknowledged, and in the thread as a link staff can open (issue 14).
    const photo = Buffer.concat([Buffer.from('ffd8ffe000104a464946', 'hex'), Buffer.alloc(64, 1)])
    expect(await phone.sendMms('', [{ url: world.twilio.hostMedia(photo), contentType: 'image/jpeg' }])).toBe('Photo received, thank you.')
    const mirrored = await eventually(() => world.slack.posted(STAFF_CHANNEL, ticketTs).find((text) => text.includes('[photo 1]')), 'the photo in the thread')
    const link = /https:\/\/aftercare\.example\.test(\/media\/[^\s>|]+)/.exec(mirrored)![1]!.replace(/&amp;/g, '&')
    const served = await fetch(`${world.t.url}${link}`)
    expect(served.status).toBe(200)
    expect(Buffer.from(await served.arrayBuffer()).equals(photo)).toBe(true)

    // A staff member's photo in the thread reaches the customer as an MMS, from our copy.
    const staffPhoto = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(32, 2)])
    await world.workspace.event({
      type: 'message',
      subtype: 'file_share',
      channel: STAFF_CHANNEL,
      user: 'U0STAFF001',
      text: '',
      ts: `${staffTs++}.000100`,
      thread_ts: ticketTs,
      channel_type: 'channel',
      files: [world.slack.hostFile(staffPhoto, 'image/png')],
    })
    const mms = await eventually(() => world.twilio.sent.find((sms) => sms.to === phone.number && sms.mediaUrls.length), 'the staff photo by MMS')
    expect(mms.body).toBe('Li Ming: (a photo)')
    const [mediaUrl] = mms.mediaUrls
    expect(mediaUrl).toMatch(/^https:\/\/aftercare\.example\.test\/media\//)
    const fetched = await fetch(`${world.t.url}${new URL(mediaUrl!).pathname}${new URL(mediaUrl!).search}`)
    expect(Buffer.from(await fetched.arrayBuffer()).equals(staffPhoto)).toBe(true)

    // Staff → customer, under the staff member's name, in order; a note stays internal.
    await staffReply(ticketTs, 'Sorry about that. We come tomorrow at 9.')
    await staffReply(ticketTs, 'note: customer sounds upset')
    await staffReply(ticketTs, 'Please keep the door unlocked.')
    await eventually(() => smsTo(phone.number).includes('Li Ming: Please keep the door unlocked.'), 'the staff replies by SMS')
    const relayed = world.twilio.sent
      .filter((sms) => sms.to === phone.number && !sms.mediaUrls.length)
      .map((sms) => sms.body)
      .filter((body) => body.startsWith('Li Ming:'))
    expect(relayed).toEqual(['Li Ming: Sorry about that. We come tomorrow at 9.', 'Li Ming: Please keep the door unlocked.'])
    const ticket = await world.t.getJson(`/api/tickets/${number}`)
    expect(ticket.events.filter((event: { type: string }) => event.type === 'note').map((event: { data: { text: string } }) => event.data.text)).toEqual(['customer sounds upset'])

    // Give it back: the customer is told, and the bot answers again.
    const conversation = await conversationOf(phone.number)
    const press = buttonPress('handoff_release', conversation.id)
    press.actions[0]!.action_id = 'handoff_release'
    expect((await world.workspace.interaction(press)).status).toBe(200)
    await eventually(() => smsTo(phone.number).includes('You are back with our assistant.'), 'the customer told')
    expect(await phone.say('STATUS')).toContain(`${number} - Repair - technician assigned`)
    await eventually(() => world.slack.posted(STAFF_CHANNEL, ticketTs).some((text) => text.includes('gave the conversation back to the bot')), 'the thread told')
  })

  it('a retried staff reply reaches the customer once', async () => {
    const { phone, number } = await submitBySms(world.t, nextPhone(), REPAIR)
    const ticketTs = await eventually(async () => (await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).slackTs, 'the ticket in Slack')
    await phone.say('human')
    await eventually(async () => (await conversationOf(phone.number)).handoffThreadTs, 'the thread')
    await staffReply(ticketTs, 'Hello, how can I help?', 'Ev0RELAY001')
    await staffReply(ticketTs, 'Hello, how can I help?', 'Ev0RELAY001')
    // A barrier: a later, distinct reply. Messages to one customer go out in the order they were
    // written, so once this one has arrived, a duplicate of the first would have arrived too.
    await staffReply(ticketTs, 'Is it still leaking?', 'Ev0RELAY002')
    await eventually(() => smsTo(phone.number).includes('Li Ming: Is it still leaking?'), 'the later reply')
    expect(smsTo(phone.number).filter((body) => body.startsWith('Li Ming:'))).toEqual(['Li Ming: Hello, how can I help?', 'Li Ming: Is it still leaking?'])
  })

  it('/aftercare release <ticket> gives the customer back too', async () => {
    const { phone, number } = await submitBySms(world.t, nextPhone(), REPAIR)
    await phone.say('AGENT')
    const response = await world.workspace.command(`release ${number}`)
    expect(((await response.json()) as { text: string }).text).toBe(`Giving ${number}'s customer back to the bot.`)
    await eventually(() => smsTo(phone.number).includes('You are back with our assistant.'), 'the customer told')
    expect((await conversationOf(phone.number)).handoffActive).toBe(false)
  })
})

describe('a hand-off without a ticket', () => {
  it('opens a thread of its own in the staff channel; unanswered, it is escalated and the customer told', async () => {
    const phone = (await submitBySms(world.t, nextPhone(), REPAIR)).phone // an earlier, finished request is not "open"
    await world.t.db.prisma.ticket.updateMany({ where: { channelAddress: phone.number }, data: { status: 'closed' } })
    await phone.say('hi')
    await phone.say('人工')
    const root = await eventually(() => world.slack.of('chat.postMessage').find((call) => !call.args.thread_ts && String(call.args.text).includes(phone.number)), 'the hand-off thread')
    expect(root.args.channel).toBe(STAFF_CHANNEL)
    // The conversation keeps the thread Slack gave it: the ts the fake answered the root post with.
    expect(root.ts).toMatch(/^\d+\.\d+$/)
    const thread = await eventually(async () => {
      const conversation = await conversationOf(phone.number)
      return conversation.handoffThreadTs && { channel: conversation.handoffChannel, ts: conversation.handoffThreadTs }
    }, 'the thread stored')
    expect(thread).toEqual({ channel: STAFF_CHANNEL, ts: root.ts })

    world.t.clock.advance(14 * 60_000)
    expect(await world.t.assembled.escalateHandoffs()).toBe(0)
    world.t.clock.advance(2 * 60_000)
    expect(await world.t.assembled.escalateHandoffs()).toBe(1)
    const escalation = await eventually(
      () => world.slack.of('chat.postMessage').find((call) => call.args.reply_broadcast && String(call.args.text).includes('has waited 15 minutes')),
      'the escalation',
    )
    expect(escalation.args.text).toMatch(/^<!here>/)
    expect(escalation.args.channel).toBe(thread.channel)
    expect(escalation.args.thread_ts).toBe(thread.ts)
    await eventually(() => smsTo(phone.number).some((body) => body.startsWith('Sorry for the wait') && body.includes('within 24 hours at the latest')), 'the customer told to wait')
    expect(await world.t.assembled.escalateHandoffs()).toBe(0)
  })
})
