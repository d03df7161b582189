/**
 * The conversation machine alone: no database, no HTTP. Each test drives it turn by turn the
 * way src/conversations does, through a JSON-persisted snapshot between messages.
 */
import { describe, expect, it } from 'vitest'
import { runTurn, type Command } from '../src/conversations/turn.ts'
import type { ConversationEvent, Reply, TicketSummary } from './conversation.machine.ts'
import { toInputEvent, type MediaSummary } from './input.ts'
import { modelKey, productFor } from './products.ts'
import type { Locale } from './locale.ts'

interface Options {
  locale?: Locale
  today?: string
  tickets?: TicketSummary[]
  liveHandoff?: boolean
  phoneLinking?: boolean
  /** What the app answers a live hand-off request (default: started). */
  handoff?: 'started' | 'refused'
  /** What the app answers a request for a verification code (default: sent). */
  code?: { sent: false; reason: 'cooldown' | 'limit' | 'country' | 'budget'; retryAfterSeconds: number }
  /** §3.2a: Party A's product catalogue (default: none). */
  catalogue?: { model: string; manualUrl?: string }[]
}

/** A customer talking to the bot; `say` returns the bot's answer as one text. */
function chat(options: Options = {}) {
  const catalogue = new Map((options.catalogue ?? []).map((item) => [modelKey(item.model), { model: item.model, key: modelKey(item.model), manualUrl: item.manualUrl ?? null }]))
  let snapshot: unknown
  const commands: Command[] = []
  let last: { replies: Reply[]; state: string; locale: Locale } | undefined
  let created = 0
  const execute = async (command: Command): Promise<ConversationEvent | undefined> => {
    commands.push(command)
    if (command.type === 'submitTicket') {
      created++
      return {
        type: 'TICKET_CREATED',
        ticket: {
          number: `SR-2026-00000${created}`,
          responseDueAt: '2026-11-26T02:00:00.000Z',
          installationDueAt: command.submission.deliveryDate ? '2026-11-30T16:00:00.000Z' : null,
          warrantyOf: null,
        },
        timeZone: 'Asia/Shanghai',
      }
    }
    if (command.type === 'listTickets') return { type: 'STATUS_RESULT', tickets: options.tickets ?? [], timeZone: 'Asia/Shanghai' }
    if (command.type === 'requestHandoff' && command.live) return { type: options.handoff === 'refused' ? 'HANDOFF_REFUSED' : 'HANDOFF_STARTED' }
    if (command.type === 'sendVerificationCode') return options.code ? { type: 'CODE_RESULT', ...options.code } : { type: 'CODE_RESULT', sent: true, phone: command.phone }
    return undefined
  }
  return {
    commands,
    get state() {
      return last?.state
    },
    get replies() {
      return last?.replies ?? []
    },
    get locale() {
      return last?.locale
    },
    async say(text: string, media?: MediaSummary): Promise<string> {
      const product = productFor(snapshot, text, catalogue)
      const circumstances = { today: options.today ?? '2026-11-25', pending: [], liveHandoff: options.liveHandoff ?? false, phoneLinking: options.phoneLinking ?? false, ...(product && { product }) }
      const outcome = await runTurn(snapshot, options.locale ?? 'en', toInputEvent(text, circumstances, media), execute)
      snapshot = JSON.parse(JSON.stringify(outcome.snapshot))
      last = { replies: outcome.replies, state: outcome.state, locale: outcome.context.locale }
      return outcome.replies.map((reply) => reply.text).join('\n')
    },
    /** An event from our side (staff ending a hand-off, …). */
    async event(event: ConversationEvent): Promise<string> {
      const outcome = await runTurn(snapshot, options.locale ?? 'en', event, execute)
      snapshot = JSON.parse(JSON.stringify(outcome.snapshot))
      last = { replies: outcome.replies, state: outcome.state, locale: outcome.context.locale }
      return outcome.replies.map((reply) => reply.text).join('\n')
    },
    async sayAll(texts: string[]): Promise<string> {
      let answer = ''
      for (const text of texts) answer = await this.say(text)
      return answer
    },
    submitted() {
      return commands.filter((command) => command.type === 'submitTicket').map((command) => (command as Extract<Command, { type: 'submitTicket' }>).submission)
    },
  }
}

describe('the intake, for every service type (§2.1)', () => {
  it.each([
    {
      type: 'repair',
      answers: ['1', 'WM-800', 'SN123456', 'It leaks water', 'skip', '1 Main St, Springfield', 'Ann'],
      expected: { serviceType: 'repair', description: 'It leaks water', siteAddress: '1 Main St, Springfield', deliveryDate: null },
    },
    {
      type: 'installation',
      answers: ['2', 'AC-12', 'skip', '20/11', 'Flat 3, 9 River Rd', 'Bo'],
      expected: { serviceType: 'installation', deliveryDate: '2026-11-20', description: null, siteAddress: 'Flat 3, 9 River Rd', serialNumber: null },
    },
    {
      type: 'maintenance',
      answers: ['maintenance', 'Boiler B5', 'B5-0001', 'Yearly service', 'skip', 'Unit 7, Dock Road', 'Cy'],
      expected: { serviceType: 'maintenance', description: 'Yearly service' },
    },
    {
      type: 'spare parts: no site visit, no address',
      answers: ['4', 'Mixer M2', 'skip', 'Blade, part 7781, one', 'no photo', 'Di'],
      expected: { serviceType: 'spare_parts', siteAddress: null, description: 'Blade, part 7781, one' },
    },
    {
      type: 'technical support: no address',
      answers: ['technical support', 'Router R1', 'skip', 'How do I reset it?', '跳过', 'Ed'],
      expected: { serviceType: 'technical_support', siteAddress: null },
    },
    {
      type: 'training',
      answers: ['培训', 'Lathe L9', 'skip', '5 operators, basic use', '12 Works Lane', 'Fay'],
      expected: { serviceType: 'training', siteAddress: '12 Works Lane' },
    },
  ])('$type', async ({ answers, expected }) => {
    const c = chat()
    await c.say('hello')
    const summary = await c.sayAll(answers)
    expect(c.state).toBe('intake.confirm')
    expect(summary).toMatch(/Reply YES to submit/)
    const done = await c.say('yes')
    expect(done).toContain('Your request number is SR-2026-000001')
    expect(c.submitted()).toEqual([expect.objectContaining(expected)])
    expect(c.state).toBe('idle')
  })

  it('offers a new request and the customer’s requests as buttons after a submission; the first starts afresh, greeted', async () => {
    const c = chat()
    await c.sayAll(['hi', '5', 'Router R1', 'skip', 'How do I reset it?', 'skip', 'Ed'])
    await c.say('YES')
    expect(c.replies.at(-1)!.choices).toEqual([
      { value: 'New request', label: 'New request' },
      { value: 'My requests', label: 'My requests' },
    ])
    const again = await c.say('New request')
    expect(again).toContain('Hello! This is the after-sales service desk. What can we help you with?')
    expect(again).not.toContain('start over')
    expect(c.state).toBe('intake.serviceType')
    expect(c.submitted()).toHaveLength(1)
  })

  it('takes a service named in the first message as the answer to the first question', async () => {
    const c = chat()
    expect(await c.say('I need an installation')).toContain('Which product')
    expect(await c.say('安装')).toContain('serial number') // product model "安装" is accepted as text
  })

  // The calculation of that day (3 working days, §2.1a) is the app's, tested in test/tickets.test.ts;
  // here the stub supplies the due instant, the end of Mon 30 Nov in Shanghai (16:00 UTC).
  it('words the installation due instant it is given as the last day, in the service time zone', async () => {
    const c = chat()
    await c.sayAll(['hi', '2', 'AC-12', 'skip', 'today', 'Flat 3', 'Bo'])
    expect(await c.say('YES')).toContain('Installation is due by the end of Mon 30 Nov.')
  })
})

describe('answers that do not fit', () => {
  it.each([
    ['serviceType', [], '9', 'Please choose a service below'],
    ['productModel', ['1'], '!', 'Please send the model name or number'],
    ['serialNumber', ['1', 'X1'], 'abc', 'does not look like a serial number'],
    ['deliveryDate', ['2', 'X1', 'skip'], 'next thursday-ish', 'I could not read that date'],
    ['deliveryDate', ['2', 'X1', 'skip'], '2024-01-01', 'within the past year'],
    ['description', ['1', 'X1', 'skip'], '..', 'Please tell us a little more'],
    ['photos', ['1', 'X1', 'skip', 'broken'], 'it is on the left', 'Please send a photo'],
    ['siteAddress', ['1', 'X1', 'skip', 'broken', 'skip'], 'x', 'Please send the full address'],
    ['contactName', ['1', 'X1', 'skip', 'broken', 'skip', '1 Main Street'], '12345', 'Please send a name'],
  ])('%s: a hint, then the same question again', async (step, before, bad, hint) => {
    const c = chat()
    await c.sayAll(['hi', ...before])
    expect(c.state).toBe(`intake.${step}`)
    const answer = await c.say(bad)
    expect(answer).toContain(hint)
    expect(c.state).toBe(`intake.${step}`)
  })

  it('offers a person after three misses in a row, so nobody gets stuck', async () => {
    const c = chat()
    await c.say('hi')
    expect(await c.say('x')).not.toContain('AGENT')
    expect(await c.say('y')).not.toContain('AGENT')
    expect(await c.say('z')).toContain('reply AGENT')
    expect(await c.say('1')).toContain('Which product')
  })
})

describe('the summary', () => {
  async function atSummary() {
    const c = chat()
    await c.sayAll(['hi', '1', 'WM-800', 'SN123456', 'It leaks', 'skip', '1 Main Street', 'Ann'])
    return c
  }

  it('edits one answer by its number and comes back to the summary', async () => {
    const c = await atSummary()
    expect(await c.say('2')).toContain('Which product')
    const summary = await c.say('WM-900')
    expect(summary).toContain('2 Product: WM-900')
    expect(summary).toContain('6 Contact: Ann')
    expect(c.state).toBe('intake.confirm')
  })

  it('changing the service asks only what the new service needs', async () => {
    const c = await atSummary()
    await c.say('1')
    expect(await c.say('2')).toContain('When was the product delivered?')
    const summary = await c.say('yesterday')
    expect(summary).toContain('1 Service: Installation')
    expect(summary).toContain('4 Delivered on: Tue 24 Nov')
    expect(summary).not.toContain('Problem')
    await c.say('YES')
    expect(c.submitted()[0]).toMatchObject({ serviceType: 'installation', deliveryDate: '2026-11-24', description: null })
  })

  it('offers submit, edit and cancel as choices (buttons on web chat and Slack)', async () => {
    const c = await atSummary()
    const choices = c.replies[0]!.choices!
    expect(choices[0]).toEqual({ value: 'YES', label: 'Submit' })
    expect(choices.at(-1)).toEqual({ value: 'CANCEL', label: 'Cancel' })
    expect(choices).toHaveLength(8)
  })

  it('CANCEL stops the request; nothing is submitted', async () => {
    const c = await atSummary()
    expect(await c.say('CANCEL')).toContain('cancelled this request')
    expect(c.state).toBe('idle')
    expect(c.submitted()).toEqual([])
    expect(await c.say('cancel')).toContain('There is no request in progress')
  })

  it('an unclear answer gets a hint and stays', async () => {
    const c = await atSummary()
    expect(await c.say('maybe')).toContain('Please choose Submit (YES)')
    expect(c.state).toBe('intake.confirm')
  })
})

describe('words that work at any step', () => {
  it('HELP explains the current step and lists the other words', async () => {
    const c = chat()
    await c.sayAll(['hi', '1'])
    const help = await c.say('help')
    expect(help).toContain('We need the product model')
    expect(help).toContain('Which product')
    expect(help).toContain('STATUS')
    expect(c.state).toBe('intake.productModel')
  })

  it('RESTART goes back to the first question with nothing kept', async () => {
    const c = chat()
    await c.sayAll(['hi', '1', 'WM-800'])
    const answer = await c.say('restart')
    expect(answer).toContain('start over')
    expect(answer).toContain('What can we help you with?')
    expect(c.state).toBe('intake.serviceType')
  })

  it('STATUS lists open tickets with the next deadline, then repeats the question', async () => {
    const c = chat({ tickets: [{ number: 'SR-2026-000007', type: 'repair', status: 'submitted', nextDeadline: { kind: 'response', dueAt: '2026-11-26T02:00:00.000Z' } }] })
    await c.sayAll(['hi', '1'])
    const status = await c.say('STATUS')
    expect(status).toContain('SR-2026-000007 - Repair - received - response due Thu 26 Nov, 10:00 Beijing time')
    expect(status).toContain('Which product')
    expect(c.state).toBe('intake.productModel')
  })

  it('STATUS with no tickets says so', async () => {
    expect(await chat().say('status')).toBe('You have no open requests.')
  })

  it('AGENT asks for a person and lets the customer carry on, every time it is said', async () => {
    const c = chat()
    await c.sayAll(['hi', '1'])
    expect(await c.say('human')).toContain('asked a member of our team')
    expect(c.commands).toContainEqual({ type: 'requestHandoff', reason: 'customer_asked', live: false })
    expect(await c.say('人工')).toContain('asked a member of our team')
    expect(c.commands.filter((command) => command.type === 'requestHandoff')).toHaveLength(2)
    expect(c.state).toBe('intake.productModel')
  })

  it('a word inside a longer answer is an answer, not a command', async () => {
    const c = chat()
    await c.sayAll(['hi', '1', 'X1', 'skip'])
    expect(await c.say('Need help: status light blinks')).toContain('send a photo of the fault')
  })
})

describe('language', () => {
  it('is Chinese when the first message has Chinese characters', async () => {
    const c = chat()
    const answer = await c.say('你好')
    expect(answer).toContain('请问需要什么服务')
    expect(c.replies[0]!.choices!.map((choice) => choice.label)).toEqual(['维修', '安装', '保养', '配件', '技术支持', '培训'])
    expect(c.locale).toBe('zh-CN')
  })

  it('can be switched at any step, repeating the question in the new language', async () => {
    const c = chat()
    await c.sayAll(['hi', '1'])
    const answer = await c.say('中文')
    expect(answer).toContain('好的，我们用中文继续')
    expect(answer).toContain('是哪款产品')
    expect(c.state).toBe('intake.productModel')
    expect(await c.say('English')).toContain('Which product')
  })

  it('runs the whole intake in Chinese, dates included', async () => {
    const c = chat()
    await c.say('我要安装')
    const summary = await c.sayAll(['空调 KF-35', '跳过', '11月20日', '上海市浦东新区世纪大道88号', '王先生'])
    expect(summary).toContain('4 到货日期: 11月20日周五')
    expect(await c.say('确认')).toContain('您的服务单号是 SR-2026-000001')
  })

  it('keeps the default language when the first message shows none', async () => {
    const c = chat({ locale: 'zh-CN' })
    expect(await c.say('1')).toContain('是哪款产品')
  })
})

describe('talking to a person (live hand-off, when staff are on Slack)', () => {
  const relayed = (c: ReturnType<typeof chat>) => c.commands.filter((command) => command.type === 'relayToStaff').map((command) => (command as { text: string }).text)

  it('a hand-off refused for asking too often lately (§ issue 11): the bot says so and carries on where the customer was', async () => {
    const c = chat({ liveHandoff: true, handoff: 'refused' })
    await c.sayAll(['hi', '1'])
    expect(await c.say('AGENT')).toBe(
      'You have asked for a person several times in the last hour. Our team has your earlier requests and will answer them; meanwhile I can go on helping you here.\nWhich product is it? Please send the model as printed on its label (for example X200).',
    )
    expect(c.state).toBe('intake.productModel')
    expect(await c.say('WM-800')).toMatch(/serial number/i)
  })

  it('AGENT hands the conversation to staff: messages are passed on, the bot stays silent', async () => {
    const c = chat({ liveHandoff: true })
    await c.sayAll(['hi', '1', 'WM-800'])
    expect(await c.say('AGENT')).toBe('I am passing you to a member of our team; they will answer here. Anything you write now goes to them.')
    expect(c.state).toBe('withHuman')
    expect(c.commands).toContainEqual({ type: 'requestHandoff', reason: 'customer_asked', live: true })
    expect(await c.say('It makes a grinding noise')).toBe('')
    expect(await c.say('help')).toBe('')
    expect(await c.say('中文')).toBe('')
    expect(relayed(c)).toEqual(['It makes a grinding noise', 'help', '中文'])
  })

  it('when staff give it back, the customer continues the request where it was', async () => {
    const c = chat({ liveHandoff: true })
    await c.sayAll(['hi', '1', 'WM-800'])
    await c.say('human')
    const back = await c.event({ type: 'HANDOFF_ENDED' })
    expect(back).toContain('You are back with our assistant.')
    expect(back).toContain('serial number')
    expect(c.state).toBe('intake.serialNumber')
    expect(await c.say('SN12345')).toContain('describe the problem')
  })

  it('from idle, it goes back to idle; a release when nobody had it changes nothing', async () => {
    const c = chat({ liveHandoff: true })
    await c.say('AGENT')
    expect(c.state).toBe('withHuman')
    expect(await c.event({ type: 'HANDOFF_ENDED' })).toBe('You are back with our assistant.')
    expect(c.state).toBe('idle')
    expect(await c.event({ type: 'HANDOFF_ENDED' })).toBe('')
  })

  it('nobody answering in time: the customer is told what to expect, and stays with staff', async () => {
    const c = chat({ liveHandoff: true })
    await c.say('AGENT')
    expect(await c.event({ type: 'HANDOFF_DELAYED' })).toContain('within 24 hours at the latest')
    expect(c.state).toBe('withHuman')
  })

  it('the bot hands off by itself after five answers in a row that do not fit', async () => {
    const c = chat({ liveHandoff: true })
    await c.say('hi')
    for (const nonsense of ['x', 'y', 'z', 'w']) await c.say(nonsense)
    expect(c.state).toBe('intake.serviceType')
    expect(await c.say('v')).toContain('I am passing you to a member of our team')
    expect(c.commands).toContainEqual({ type: 'requestHandoff', reason: 'repeated_misses', live: true })
  })

  it('without staff on Slack, AGENT is recorded and the bot carries on', async () => {
    const c = chat({ liveHandoff: false })
    await c.sayAll(['hi', '1'])
    expect(await c.say('AGENT')).toContain('I have asked a member of our team to contact you')
    expect(c.state).toBe('intake.productModel')
  })

  it('a rejected fix hands the customer to staff', async () => {
    const c = chat({ liveHandoff: true })
    await c.say('hi')
    await c.event({ type: 'RESOLUTION_ANSWERED', number: 'SR-2026-000009', fixed: false, accepted: true, liveHandoff: true })
    expect(c.state).toBe('withHuman')
    expect(c.commands).toContainEqual({ type: 'requestHandoff', reason: 'fix_rejected', live: true })
  })
})

describe('the feedback survey (§3.3a)', () => {
  const recorded = (c: ReturnType<typeof chat>) => c.commands.filter((command) => command.type === 'recordFeedback')

  it('asks with the five ratings as choices, then a comment', async () => {
    const c = chat()
    await c.say('hi')
    await c.say('CANCEL')
    expect(await c.event({ type: 'FEEDBACK_REQUESTED', number: 'SR-2026-000001', reminder: false })).toContain('from 1 (very unsatisfied) to 5 (very satisfied)')
    expect(c.replies[0]!.choices!.map((choice) => choice.value)).toEqual(['1', '2', '3', '4', '5'])
    expect(await c.say('非常满意')).toContain('Anything else')
    expect(await c.say('no')).toBe('Thank you for your feedback.')
    expect(recorded(c)).toEqual([
      { type: 'recordFeedback', number: 'SR-2026-000001', rating: 5 },
      { type: 'recordFeedback', number: 'SR-2026-000001', comment: null },
    ])
  })

  it('lets a greeting or a service word start a new request, keeping the survey for later', async () => {
    const c = chat()
    await c.event({ type: 'FEEDBACK_REQUESTED', number: 'SR-2026-000002', reminder: false })
    expect(await c.say('hello')).toContain('What can we help you with?')
    await c.say('CANCEL')
    expect(await c.say('repair')).toContain('Which product')
    await c.say('CANCEL')
    expect(await c.say('3')).toContain('Anything else')
    expect(recorded(c)).toEqual([{ type: 'recordFeedback', number: 'SR-2026-000002', rating: 3 }])
  })

  it('a reminder does not start over a survey already at its comment', async () => {
    const c = chat()
    await c.event({ type: 'FEEDBACK_REQUESTED', number: 'SR-2026-000003', reminder: false })
    await c.say('4')
    expect(await c.event({ type: 'FEEDBACK_REQUESTED', number: 'SR-2026-000003', reminder: true })).toBe('')
    expect(await c.say('All good')).toBe('Thank you for your feedback.')
  })
})

describe('linking a phone: codes refused by a limit (issue 11)', () => {
  it('a code sent is announced only once the app has sent it', async () => {
    const c = chat({ phoneLinking: true })
    await c.say('hi')
    expect(await c.say('LINK')).toMatch(/mobile number/i)
    expect(await c.say('13800138000')).toBe('We have texted a 6-digit code to +8613800138000. Please send it here (it is valid for 10 minutes), or CANCEL.')
    expect(c.state).toBe('linking.code')
  })

  it.each([
    [{ sent: false, reason: 'cooldown', retryAfterSeconds: 42 } as const, 'We have just sent a code. Please wait 42 seconds before asking for another one.'],
    [{ sent: false, reason: 'limit', retryAfterSeconds: 3600 } as const, 'We have sent as many codes as we can today. Please try again tomorrow.'],
    [{ sent: false, reason: 'country', retryAfterSeconds: 0 } as const, 'Sorry, we cannot send codes to numbers in that country.'],
    [{ sent: false, reason: 'budget', retryAfterSeconds: 600 } as const, 'Sorry, we cannot send codes right now. Please try again later.'],
  ])('refused (%o): the customer is told why and the bot carries on', async (code, text) => {
    const c = chat({ phoneLinking: true, code })
    await c.sayAll(['hi', 'LINK'])
    expect(await c.say('13800138000')).toBe(text)
    expect(c.state).toBe('idle')
  })
})

describe('the product catalogue (§3.2a)', () => {
  const catalogue = [{ model: 'XR-200', manualUrl: 'https://example.com/manuals/xr-200.pdf' }, { model: 'XR-250' }, { model: 'WM-800' }, { model: 'AC-35' }]

  it('takes a listed model however it is written, as the catalogue writes it', async () => {
    const customer = chat({ catalogue })
    await customer.sayAll(['hi', '1'])
    expect(await customer.say('xr 200')).toContain('serial number')
    await customer.sayAll(['skip', 'It leaks', 'skip', '1 Main St, Springfield', 'Ann', 'YES'])
    expect(customer.submitted()[0]!.productModel).toBe('XR-200')
  })

  it('offers the closest models for an unlisted one; a number picks one', async () => {
    const customer = chat({ catalogue })
    await customer.sayAll(['hi', '1'])
    const offer = await customer.say('XR-20O')
    expect(offer).toContain('We do not have the model "XR-20O" on our list')
    expect(customer.replies[0]!.choices?.map((choice) => choice.label)).toEqual(['XR-200', 'XR-250'])
    expect(customer.state).toBe('intake.productModel')
    expect(await customer.say('2')).toContain('serial number')
    await customer.sayAll(['skip', 'It leaks', 'skip', '1 Main St, Springfield', 'Ann', 'YES'])
    expect(customer.submitted()[0]!.productModel).toBe('XR-250')
  })

  it('keeps an unlisted model the customer sends again, or one with nothing close', async () => {
    const insisting = chat({ catalogue })
    await insisting.sayAll(['hi', '1', 'XR-201'])
    expect(await insisting.say('xr-201')).toContain('serial number')
    await insisting.sayAll(['skip', 'It leaks', 'skip', '1 Main St, Springfield', 'Ann', 'YES'])
    expect(insisting.submitted()[0]!.productModel).toBe('xr-201')
    const unknown = chat({ catalogue })
    await unknown.sayAll(['hi', '1'])
    expect(await unknown.say('Bosch Serie 6')).toContain('serial number')
  })

  it('sends a technical-support request the model’s manual at once', async () => {
    const customer = chat({ catalogue })
    await customer.sayAll(['hi', '5'])
    const answer = await customer.say('XR200')
    expect(customer.replies.map((reply) => reply.text)[0]).toBe('The manual for XR-200 may already answer your question: https://example.com/manuals/xr-200.pdf')
    expect(answer).toContain('serial number')
    // Picked from the offer, too; and not for a repair.
    const picking = chat({ catalogue, locale: 'zh-CN' })
    await picking.sayAll(['你好', '5', 'XR-20'])
    expect(await picking.say('1')).toContain('XR-200 的使用手册')
    const repair = chat({ catalogue })
    await repair.sayAll(['hi', '1'])
    expect(await repair.say('XR-200')).not.toContain('manual')
  })

  it('asks as before without a catalogue', async () => {
    const customer = chat()
    await customer.sayAll(['hi', '1'])
    expect(await customer.say('XR-20O')).toContain('serial number')
  })
})

describe('photos (issue 14)', () => {
  const photos = (accepted: number, refused: MediaSummary['refused'] = []): MediaSummary => ({ accepted, refused, maxBytes: 10_000_000, maxPerMessage: 5 })

  it('a photo alone starts a request, acknowledged first', async () => {
    const customer = chat()
    const answer = await customer.say('', photos(1))
    expect(customer.replies.map((reply) => reply.text)[0]).toBe('Photo received, thank you.')
    expect(answer).toContain('What can we help you with')
    expect(customer.state).toBe('intake.serviceType')
  })

  it('a photo at any step is not a wrong answer: the question comes again, never a hint or a hand-off', async () => {
    const customer = chat({ liveHandoff: true })
    await customer.sayAll(['hi', '1'])
    for (let photo = 0; photo < 4; photo++) {
      const answer = await customer.say('', photos(2))
      expect(answer).toBe('2 photos received, thank you.\nWhich product is it? Please send the model as printed on its label (for example X200).')
    }
    expect(customer.state).toBe('intake.productModel')
    // With an answer, the answer counts.
    expect(await customer.say('WM-800', photos(1))).toMatch(/^Photo received, thank you\.\n.*serial number/s)
    // A caption that is not an answer is asked again, not hinted.
    expect(await customer.say('see the photo', photos(1))).toMatch(/^Photo received, thank you\.\nWhat is its serial number/)
    expect(customer.state).toBe('intake.serialNumber')
  })

  it('asks for a photo after the description, and goes on without one on SKIP (en, zh)', async () => {
    const customer = chat()
    await customer.sayAll(['hi', '1', 'WM-800', 'skip'])
    const asked = await customer.say('The drum does not turn')
    expect(asked).toBe('Can you send a photo of the fault, the display or the nameplate? It helps the technician bring the right parts. Reply SKIP to go on without one.')
    expect(customer.replies[0]!.choices).toEqual([{ value: 'skip', label: 'Skip' }])
    expect(customer.state).toBe('intake.photos')
    expect(await customer.say('No photo')).toContain('Where should our technician come')
    await customer.say('1 Main Street')
    const summary = await customer.say('Ann')
    expect(summary).toContain('Please check your request')
    expect(summary).not.toContain('Photos')
    const zh = chat()
    await zh.sayAll(['你好', '4', 'M2', '跳过'])
    expect(await zh.say('刀片 7781 一个')).toContain('铭牌的照片')
    expect(await zh.say('不用了')).toContain('联系人')
  })

  it('a photo at the photo step answers it; the summary counts the photos, not as an answer to change', async () => {
    const customer = chat()
    await customer.sayAll(['hi', '1', 'WM-800', 'skip', 'It leaks'])
    expect(await customer.say('', photos(2))).toBe('2 photos received, thank you.\nWhere should our technician come? Please send the full address.')
    await customer.say('1 Main Street')
    const summary = await customer.say('Ann')
    expect(summary).toContain('Photos: 2')
    expect(summary).toContain('a number from 1 to 6')
    expect(customer.replies[0]!.choices).toHaveLength(8)
    // One more at the summary: counted, the summary shown again.
    expect(await customer.say('', photos(1))).toContain('Photos: 3')
    expect(customer.state).toBe('intake.confirm')
  })

  it('a photo sent earlier (or to start the request) makes the photo step unnecessary', async () => {
    const first = chat()
    await first.say('', photos(1))
    await first.sayAll(['1', 'WM-800', 'skip'])
    expect(await first.say('It leaks')).toContain('Where should our technician come')
    const captioned = chat()
    await captioned.sayAll(['hi', '3', 'Boiler B5', 'skip'])
    expect(await captioned.say('Yearly service, see the plate', photos(1))).toMatch(/^Photo received, thank you\.\nWhere should our technician come/)
  })

  it('has no photo step for installation or training', async () => {
    const installation = chat()
    await installation.sayAll(['hi', '2', 'AC-12', 'skip', 'today'])
    expect(installation.state).toBe('intake.siteAddress')
    const training = chat()
    await training.sayAll(['hi', '6', 'Lathe L9', 'skip', '5 operators'])
    expect(training.state).toBe('intake.siteAddress')
  })

  it('says what it could not take, and carries on with the words', async () => {
    const customer = chat()
    expect(await customer.say('', photos(0, ['type']))).toBe('We could not take a file you sent: we take photos (JPEG, PNG, HEIC, WebP) and PDFs of up to 10 MB, 5 per message.')
    expect(customer.state).toBe('idle')
    const zh = chat({ locale: 'zh-CN' })
    expect(await zh.say('维修', photos(1, ['too_large']))).toMatch(/^照片已收到，谢谢。\n您发送的文件有未能接收的.*10 MB/)
  })
})
