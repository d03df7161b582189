/**
 * One customer across channels (issue 5): a web-chat customer proves a phone number with a code
 * texted to it, and from then on STATUS on either channel lists all their requests. A number
 * that is not proven links nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { customerOn } from './support/customers.ts'
import { eventually, REPAIR, startWorld, submitBySms, type World } from './support/world.ts'

let world: World
beforeAll(async () => {
  world = await startWorld()
})
afterAll(() => world.close())

const codeSentTo = (phone: string) => eventually(() => world.twilio.sent.filter((sms) => sms.to === phone && /code: \d{6}/.test(sms.body)).at(-1), 'the code by SMS')

async function webCustomerWithTicket() {
  const web = await customerOn('webchat', world)
  await web.say('hi')
  for (const answer of ['4', 'Mixer M2', 'skip', 'Blade 7781', 'skip', 'Ann']) await web.say(answer)
  const number = /SR-\d{4}-\d{6}/.exec(await web.say('YES'))![0]
  return { web, number }
}

describe('linking a phone number', () => {
  it('with the right code, makes the two channels one customer: STATUS lists everything on both', async () => {
    const { phone, number: bySms } = await submitBySms(world.t, '+8613800001234', REPAIR)
    const { web, number: byWeb } = await webCustomerWithTicket()
    expect(await web.say('STATUS')).not.toContain(bySms)

    expect(await web.say('LINK')).toContain('Which mobile number do you use with us?')
    expect(await web.say('138 0000 1234')).toBe('We have texted a 6-digit code to +8613800001234. Please send it here (it is valid for 10 minutes), or CANCEL.')
    const code = /(\d{6})/.exec((await codeSentTo(phone.number)).body)![1]!
    const wrong = code === '000000' ? '111111' : '000000'
    expect(await web.say(wrong)).toBe('That code is not right. You can try 4 more times.')
    expect(await web.say(code)).toBe('Done: +8613800001234 is linked. STATUS here now lists all your requests.')

    const onWeb = await web.say('STATUS')
    expect(onWeb).toContain(bySms)
    expect(onWeb).toContain(byWeb)
    const onSms = await phone.say('STATUS')
    expect(onSms).toContain(bySms)
    expect(onSms).toContain(byWeb)
  })

  it('never merges on a guess: a number given without its code links nothing', async () => {
    const { number: bySms } = await submitBySms(world.t, '+8613800005678', REPAIR)
    const { web, number: byWeb } = await webCustomerWithTicket()
    await web.say('LINK')
    await web.say('+8613800005678')
    expect(await web.say('CANCEL')).toBe('OK, nothing was linked.')
    const [a, b] = await Promise.all([bySms, byWeb].map((number) => world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number }, select: { customerId: true } })))
    expect(a!.customerId).not.toBe(b!.customerId)
    expect(await web.say('STATUS')).not.toContain(bySms)
  })

  it('a code is good for 10 minutes', async () => {
    await submitBySms(world.t, '+8613800009999', REPAIR)
    const { web } = await webCustomerWithTicket()
    await web.say('LINK')
    await web.say('13800009999')
    const code = /(\d{6})/.exec((await codeSentTo('+8613800009999')).body)![1]!
    world.t.clock.advance(11 * 60_000)
    expect(await web.say(code)).toBe('That code has expired or was used up. Reply LINK to get a new one.')
  })

  it('is not offered on SMS, where the number is the identity already', async () => {
    const { phone } = await submitBySms(world.t, '+8613800007777', REPAIR)
    expect(await phone.say('LINK')).toContain('Linking a phone number is not available here.')
  })
})
