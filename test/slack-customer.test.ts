/**
 * Slack as a customer channel: DMs and mentions through the conversations path, buttons that
 * answer, replies in the right place, and what must never count as a customer's message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAFF_CHANNEL } from './fakes/slack-api.ts'
import { buttonPress } from './support/slack.ts'
import { eventually, startWorld, type World } from './support/world.ts'

let world: World
beforeAll(async () => {
  world = await startWorld()
})
afterAll(() => world.close())

let ts = 1_795_000_000
const nextTs = () => `${ts++}.000100`
const dm = (user: string, text: string, extra: Record<string, unknown> = {}) => {
  const messageTs = nextTs()
  return world.workspace.event({ type: 'message', channel: `D${user.slice(1)}`, channel_type: 'im', user, team: 'T0TEAM0001', text, ts: messageTs, event_ts: messageTs, ...extra })
}

describe('direct messages to the app', () => {
  it('are a conversation: the menu comes as buttons, and pressing one is answering', async () => {
    const user = 'U0CUST0001'
    expect((await dm(user, 'hi')).status).toBe(200)
    const menu = await eventually(() => world.slack.of('chat.postMessage').find((call) => call.args.channel === 'D0CUST0001'), 'the menu')
    expect(menu.args.text).toBe('Hello! This is the after-sales service desk. What can we help you with?')
    const buttons = (menu.args.blocks as { type: string; elements?: { text: { text: string }; value: string; action_id: string }[] }[]).find((block) => block.type === 'actions')!.elements!
    expect(buttons.map((button) => [button.text.text, button.value])).toEqual([
      ['Repair', '1'],
      ['Installation', '2'],
      ['Maintenance', '3'],
      ['Spare parts', '4'],
      ['Technical support', '5'],
      ['Training', '6'],
    ])

    const press = buttonPress(buttons[1]!.action_id, '2', { id: user, username: 'customer', name: 'customer', team_id: 'T0TEAM0001' })
    press.channel = { id: 'D0CUST0001', name: 'directmessage' }
    press.actions[0]!.value = '2'
    expect((await world.workspace.interaction(press)).status).toBe(200)
    await eventually(() => world.slack.posted('D0CUST0001').some((text) => text.startsWith('Which product is it?')), 'the next question')
    const conversation = await world.t.db.prisma.conversation.findFirstOrThrow({ where: { identity: { channel: 'slack', address: 'T0TEAM0001:U0CUST0001' } } })
    expect(conversation.state).toBe('intake.productModel')
  })

  it('a shared photo is received with the bot token and goes with the request; a page instead of a file is refused (issue 14)', async () => {
    const user = 'U0CUST0009'
    const photo = Buffer.concat([Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'), Buffer.alloc(64, 3)])
    expect((await dm(user, '', { subtype: 'file_share', files: [world.slack.hostFile(photo, 'image/png')] })).status).toBe(200)
    await eventually(() => world.slack.posted('D0CUST0009').includes('Photo received, thank you.'), 'the acknowledgement')
    const stored = await world.t.db.prisma.attachment.findFirstOrThrow({ where: { channel: 'slack', address: 'T0TEAM0001:U0CUST0009' } })
    expect(stored).toMatchObject({ status: 'stored', contentType: 'image/png', bytes: photo.length })
    // A file the bot may not read (Slack answers its sign-in page): refused, said so; the words still count.
    const forbidden = { ...world.slack.hostFile(photo), url_private_download: `${world.slack.url}/files-pri/T0TEAM0001-FNOTOURS/photo.jpg` }
    expect((await dm(user, 'repair', { subtype: 'file_share', files: [forbidden] })).status).toBe(200)
    await eventually(() => world.slack.posted('D0CUST0009').some((text) => text.startsWith('We could not take a file you sent')), 'the refusal')
    await eventually(() => world.slack.posted('D0CUST0009').some((text) => text.startsWith('Which product is it?')), 'the next question')
  })

  it('a retried event is processed once', async () => {
    const user = 'U0CUST0002'
    const event = { type: 'message', channel: 'D0CUST0002', channel_type: 'im', user, team: 'T0TEAM0001', text: 'hello', ts: '1796000000.000100', event_ts: '1796000000.000100' }
    await world.workspace.event(event, { eventId: 'Ev0DM00001' })
    await world.workspace.event(event, { eventId: 'Ev0DM00001', retryNum: 1 })
    // A barrier: a later, distinct message from the same customer. One sender's messages are
    // handled in order, so once it is answered, an answer to the retry would have been posted too.
    await world.workspace.event({ ...event, text: '1', ts: '1796000001.000100', event_ts: '1796000001.000100' }, { eventId: 'Ev0DM00002' })
    await eventually(() => world.slack.posted('D0CUST0002').some((text) => text.startsWith('Which product is it?')), 'the answer to the later message')
    expect(world.slack.posted('D0CUST0002')).toEqual(['Hello! This is the after-sales service desk. What can we help you with?', expect.stringMatching(/^Which product is it\?/)])
    expect(await world.t.db.prisma.message.count({ where: { channel: 'slack', direction: 'inbound', providerId: 'D0CUST0002:1796000000.000100' } })).toBe(1)
  })
})

describe('mentions in a shared channel', () => {
  it('start a conversation answered in the thread of the mention', async () => {
    const mentionTs = nextTs()
    await world.workspace.event({
      type: 'app_mention',
      channel: 'C0SHARED01',
      user: 'U0CUST0003',
      user_team: 'T0PARTNER1',
      text: '<@U0BOT00001> my fridge is broken',
      ts: mentionTs,
      event_ts: mentionTs,
    })
    const answer = await eventually(() => world.slack.of('chat.postMessage').find((call) => call.args.channel === 'C0SHARED01'), 'the answer in the thread')
    expect(answer.args.thread_ts).toBe(mentionTs)
    // "my fridge is broken" already names the service.
    expect(answer.args.text).toBe('Which product is it? Please send the model as printed on its label (for example X200).')
    expect(await world.t.db.prisma.channelIdentity.count({ where: { channel: 'slack', address: 'T0PARTNER1:U0CUST0003' } })).toBe(1)
  })
})

describe('what is never a customer message', () => {
  it('messages from bots, messages in the staff channel, and edits', async () => {
    const before = await world.t.db.prisma.message.count({ where: { channel: 'slack', direction: 'inbound' } })
    await dm('U0CUST0004', 'I am a bot', { bot_id: 'B0OTHER001' })
    await dm('U0CUST0004', 'edited', { subtype: 'message_changed' })
    const staffTs = nextTs()
    await world.workspace.event({ type: 'message', channel: STAFF_CHANNEL, channel_type: 'channel', user: 'U0STAFF001', text: 'hello team', ts: staffTs, event_ts: staffTs })
    await world.workspace.event({ type: 'app_mention', channel: STAFF_CHANNEL, user: 'U0STAFF001', text: '<@U0BOT00001> hi', ts: nextTs(), event_ts: nextTs() })
    // A barrier: a later, ordinary message from the same user; once it is answered, the events
    // before it have been dealt with.
    await dm('U0CUST0004', 'hello')
    await eventually(() => world.slack.posted('D0CUST0004').length > 0, 'the answer to the ordinary message')
    expect(await world.t.db.prisma.message.count({ where: { channel: 'slack', direction: 'inbound' } })).toBe(before + 1)
    expect(world.slack.posted('D0CUST0004')).toEqual(['Hello! This is the after-sales service desk. What can we help you with?'])
  })
})
