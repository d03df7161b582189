/**
 * The bot's side of one conversation (one customer on one channel), as a pure XState machine.
 *
 * It never performs an effect: it emits `reply` (what to say) and commands (`submitTicket`,
 * `listTickets`, `requestHandoff`) that src/conversations carries out, feeding results back
 * as events (`TICKET_CREATED`, `STATUS_RESULT`) within the same turn.
 */
import { assign, enqueueActions, setup } from 'xstate'
import { copyFor, type DeadlineKind, type Field, type Hint, type TicketStatus } from './copy.ts'
import { dayIn, formatDateTime, formatDay } from './dates.ts'
import type { InputEvent } from './input.ts'
import { FIELDS, nextField, parseAnswer, summaryLines, toSubmission, type Draft, type Submission } from './intake.ts'
import { detectLocale, type Locale } from './locale.ts'
import { parsePhone } from './phone.ts'
import { parseRating } from './ratings.ts'
import { parseMenuNumber, normalize, SERVICE_TYPES, parseServiceType, type ServiceType } from './service-types.ts'

export interface Choice {
  /** What the customer's answer is when they pick it. */
  value: string
  label: string
}

/** One message from the bot. */
export interface Reply {
  text: string
  choices?: Choice[]
  /** The choices are a numbered menu that text-only channels must list ("1 Repair"). */
  numbered?: boolean
}

export interface CreatedTicket {
  number: string
  /** ISO instants. */
  responseDueAt: string
  installationDueAt: string | null
  /** Number of the earlier repair this one is a warranty claim on (§2.2a). */
  warrantyOf: string | null
}

export interface TicketSummary {
  number: string
  type: ServiceType
  status: TicketStatus
  nextDeadline: { kind: DeadlineKind; dueAt: string } | null
}

export type ConversationEvent =
  | InputEvent
  | { type: 'TICKET_CREATED'; ticket: CreatedTicket; timeZone: string }
  | { type: 'STATUS_RESULT'; tickets: TicketSummary[]; timeZone: string }
  /** The ticket service's answer to `answerResolution`: accepted unless the ticket had moved on. */
  | { type: 'RESOLUTION_ANSWERED'; number: string; fixed: boolean; accepted: boolean; liveHandoff: boolean }
  /** Staff gave the conversation back to the bot. */
  | { type: 'HANDOFF_ENDED' }
  /** Nobody from staff answered in time; the customer is told what to expect. */
  | { type: 'HANDOFF_DELAYED' }
  /** §3.3a: time to ask for the rating of a completed ticket (or to remind). */
  | { type: 'FEEDBACK_REQUESTED'; number: string; reminder: boolean }
  /** The answer to `verifyCode`: linked, or how many tries are left (0: start again). */
  | { type: 'LINK_RESULT'; linked: boolean; phone: string; attemptsLeft: number }

export type ConversationEmitted =
  | { type: 'reply'; reply: Reply }
  | { type: 'submitTicket'; submission: Submission; locale: Locale }
  | { type: 'listTickets' }
  /** `live`: the bot steps aside and staff talk to the customer; otherwise only recorded. */
  | { type: 'requestHandoff'; reason: HandoffReason; live: boolean }
  /** During a live hand-off: a customer message for staff. */
  | { type: 'relayToStaff'; text: string }
  /** §3.3a: the customer's rating and/or comment on a completed ticket (null comment: skipped). */
  | { type: 'recordFeedback'; number: string; rating?: number; comment?: string | null }
  /** Linking a phone: text a code to the number the customer gave. */
  | { type: 'sendVerificationCode'; phone: string }
  | { type: 'verifyCode'; code: string }
  /** §3.1e: the customer's YES (fixed) or NO (not fixed) to a resolution notification. */
  | { type: 'answerResolution'; number: string; fixed: boolean }

export type Asking = Field | 'confirm'
export type HandoffReason = 'customer_asked' | 'repeated_misses' | 'fix_rejected'

export interface ConversationContext {
  locale: Locale
  /** Set once the customer's language is known (first message or an explicit switch). */
  localeChosen: boolean
  draft: Draft
  /** The question waiting for an answer; null outside the intake. */
  asking: Asking | null
  /** Answers in a row that did not fit the current question. */
  misses: number
  /** Greet before the first question of a new request. */
  greet: boolean
  /** Why the conversation was handed to a person (set while handing off). */
  handoffReason: HandoffReason | null
  /** The number being linked, while its code is awaited. */
  linkingPhone?: string | null
  /** A feedback survey waiting for its rating, then its comment. It does not block anything. */
  survey?: { number: string; stage: 'rating' | 'comment'; hinted: boolean } | null
}

const SKIP_COMMENT = new Set(['skip', 'no', 'none', 'nothing', 'no thanks', '跳过', '没有', '无', '不用了', '没有了'])
const GREETINGS = new Set(['hi', 'hello', 'hey', 'good morning', 'good afternoon', 'good evening', '你好', '您好', '在吗', '在么', '哈喽'])

const YES = new Set(['yes', 'y', 'ok', 'okay', 'submit', 'confirm', 'correct', 'fixed', 'yes fixed', '确认', '是', '是的', '好', '好的', '提交', '对', '没问题', '已解决', '解决了', '修好了'])
const NO = new Set(['no', 'n', 'nope', 'not fixed', 'no not fixed', 'still broken', '否', '不是', '没有', '没修好', '未解决', '没解决', '还是坏的'])
const MISSES_BEFORE_OFFERING_AGENT = 3
/** After this many answers in a row that do not fit, a person takes over (when one can). */
const MISSES_BEFORE_HANDOFF = 5

/** The question for a step, with its choices. */
export function question(context: ConversationContext, asking: Asking): Reply {
  const copy = copyFor(context.locale)
  const draft = context.draft
  switch (asking) {
    case 'serviceType':
      return {
        text: context.greet ? copy.welcome : copy.ask.serviceType,
        choices: SERVICE_TYPES.map((type, index) => ({ value: String(index + 1), label: copy.serviceTypes[type] })),
        numbered: true,
      }
    case 'serialNumber':
      return { text: copy.ask.serialNumber, choices: [{ value: 'skip', label: context.locale === 'zh-CN' ? '跳过' : 'Skip' }] }
    case 'deliveryDate':
      return {
        text: copy.ask.deliveryDate,
        choices: context.locale === 'zh-CN' ? [{ value: '今天', label: '今天' }, { value: '昨天', label: '昨天' }] : [{ value: 'today', label: 'Today' }, { value: 'yesterday', label: 'Yesterday' }],
      }
    case 'description':
      return { text: copy.askDescription[draft.serviceType ?? 'repair'] }
    case 'siteAddress':
      return { text: copy.askSiteAddressFor(draft.serviceType ?? 'repair') }
    case 'confirm': {
      const lines = summaryLines(draft, context.locale)
      return {
        text: [copy.summaryTitle, ...lines.map((line, index) => `${index + 1} ${line.label}: ${line.value}`), copy.summaryPrompt(lines.length)].join('\n'),
        choices: confirmChoices(context),
      }
    }
    default:
      return { text: copy.ask[asking] }
  }
}

function confirmChoices(context: ConversationContext): Choice[] {
  const copy = copyFor(context.locale)
  return [
    { value: 'YES', label: copy.submitChoice },
    ...summaryLines(context.draft, context.locale).map((line, index) => ({ value: String(index + 1), label: copy.editChoice(line.label) })),
    { value: 'CANCEL', label: copy.cancelChoice },
  ]
}

function hint(context: ConversationContext, hintKey: Hint): Reply {
  const copy = copyFor(context.locale)
  const asking = context.asking ?? 'serviceType'
  const again = asking === 'confirm' ? { text: '', choices: confirmChoices(context) } : question({ ...context, greet: false }, asking)
  const stuck = context.misses + 1 >= MISSES_BEFORE_OFFERING_AGENT ? [copy.stuck] : []
  return { ...again, text: [copy.hints[hintKey], again.text, ...stuck].filter(Boolean).join('\n') }
}

function textOf(event: ConversationEvent): string {
  return event.type === 'TEXT' ? event.text : ''
}

/** The message read as an answer to `field`; undefined for events that are not messages. */
function answerOf(field: Field, event: ConversationEvent) {
  return event.type === 'TEXT' ? parseAnswer(field, event.text, event.today) : undefined
}

function submittedReply(context: ConversationContext, ticket: CreatedTicket, timeZone: string): Reply {
  const copy = copyFor(context.locale)
  const lines = [copy.submitted(ticket.number, formatDateTime(ticket.responseDueAt, context.locale, timeZone))]
  if (ticket.installationDueAt) {
    // Due at the midnight that ends the last working day: name that day, not the next one.
    const lastDay = dayIn(new Date(new Date(ticket.installationDueAt).getTime() - 1), timeZone)
    lines.push(copy.installationBy(formatDay(lastDay, context.locale)))
  }
  if (ticket.warrantyOf) lines.push(copy.warranty(ticket.warrantyOf))
  lines.push(copy.statusAnytime)
  return { text: lines.join('\n') }
}

function statusReply(context: ConversationContext, tickets: TicketSummary[], timeZone: string): Reply {
  const copy = copyFor(context.locale)
  if (tickets.length === 0) return { text: copy.noTickets }
  const lines = tickets.map((ticket) =>
    copy.ticketLine(
      ticket.number,
      copy.serviceTypes[ticket.type],
      copy.statuses[ticket.status],
      ticket.nextDeadline ? copy.nextDeadline(copy.deadlines[ticket.nextDeadline.kind], formatDateTime(ticket.nextDeadline.dueAt, context.locale, timeZone)) : undefined,
    ),
  )
  return { text: [copy.ticketsTitle, ...lines].join('\n') }
}

export const conversationMachine = setup({
  types: {
    context: {} as ConversationContext,
    events: {} as ConversationEvent,
    input: {} as { locale: Locale },
    emitted: {} as ConversationEmitted,
  },
  guards: {
    /** The message answers the question of `field`. */
    answers: ({ event }, params: { field: Field }) => answerOf(params.field, event)?.ok === true,
    namesServiceType: ({ event }) => parseServiceType(textOf(event)) !== undefined,
    isYes: ({ event }) => YES.has(normalize(textOf(event))),
    /** A YES or NO while a fix awaits the customer's word. */
    answersResolution: ({ event }) => event.type === 'TEXT' && event.pending.length > 0 && (YES.has(normalize(event.text)) || NO.has(normalize(event.text))),
    isEditNumber: ({ context, event }) => {
      const number = parseMenuNumber(textOf(event))
      return number !== undefined && number >= 1 && number <= summaryLines(context.draft, context.locale).length
    },
    inIntake: ({ context }) => context.asking !== null,
    liveHandoff: ({ event }) => 'liveHandoff' in event && event.liveHandoff === true,
    /** The customer keeps missing: hand over rather than hint again. */
    stuck: ({ context, event }) => event.type === 'TEXT' && event.liveHandoff && context.misses + 1 >= MISSES_BEFORE_HANDOFF,
    /** The customer says the fix failed: a person takes it from here. */
    fixRejected: ({ event }) => event.type === 'RESOLUTION_ANSWERED' && event.accepted && !event.fixed && event.liveHandoff,
    phoneLinking: ({ event }) => 'phoneLinking' in event && event.phoneLinking === true,
    surveyRating: ({ context, event }) => context.survey?.stage === 'rating' && event.type === 'TEXT' && parseRating(event.text) !== undefined,
    surveyComment: ({ context, event }) => context.survey?.stage === 'comment' && event.type === 'TEXT',
    /** A survey awaits a rating but the customer greets us, or names a service: a new request goes ahead. */
    surveyGreeting: ({ context, event }) => context.survey?.stage === 'rating' && event.type === 'TEXT' && GREETINGS.has(normalize(event.text)),
    surveyServiceWord: ({ context, event }) =>
      context.survey?.stage === 'rating' && event.type === 'TEXT' && parseMenuNumber(event.text) === undefined && parseServiceType(event.text) !== undefined,
    surveyNeedsHint: ({ context, event }) => context.survey?.stage === 'rating' && !context.survey.hinted && event.type === 'TEXT',
    surveyPending: ({ context, event }) => context.survey?.stage === 'rating' && event.type === 'TEXT',
    isPhone: ({ event }) => event.type === 'TEXT' && parsePhone(event.text) !== undefined,
    isCode: ({ event }) => event.type === 'TEXT' && /^\d{6}$/.test(event.text.trim()),
    linked: ({ event }) => event.type === 'LINK_RESULT' && event.linked,
    triesLeft: ({ event }) => event.type === 'LINK_RESULT' && event.attemptsLeft > 0,
    isComplete: ({ context }) => toSubmission(context.draft) !== undefined,
  },
  actions: {
    chooseLocaleFromMessage: assign(({ context, event }) => {
      if (context.localeChosen) return {}
      const detected = detectLocale(textOf(event))
      return detected ? { locale: detected, localeChosen: true } : { localeChosen: true }
    }),
    ask: enqueueActions(({ context, enqueue }, params: { asking: Asking }) => {
      enqueue.emit({ type: 'reply', reply: question(context, params.asking) })
      if (context.greet) enqueue.assign({ greet: false })
    }),
    /** Says the current question again, after a detour (STATUS, HELP, a language switch). */
    askAgain: enqueueActions(({ context, enqueue }) => {
      if (context.asking) enqueue.emit({ type: 'reply', reply: question({ ...context, greet: false }, context.asking) })
    }),
    record: assign(({ context, event }, params: { field: Field }) => {
      const parsed = answerOf(params.field, event)
      return parsed?.ok ? { draft: { ...context.draft, [params.field]: parsed.value }, misses: 0 } : {}
    }),
    recordServiceType: assign(({ context, event }) => ({ draft: { ...context.draft, serviceType: parseServiceType(textOf(event)) } })),
    forget: assign(({ context, event }) => {
      const lines = summaryLines(context.draft, context.locale)
      const field = lines[(parseMenuNumber(textOf(event)) ?? 0) - 1]?.field
      if (!field) return {}
      const draft = { ...context.draft }
      delete draft[field]
      return { draft }
    }),
    hint: enqueueActions(({ context, event, enqueue }) => {
      const asking = context.asking
      if (!asking) return
      const parsed = asking === 'confirm' ? undefined : answerOf(asking, event)
      enqueue.emit({ type: 'reply', reply: hint(context, parsed && !parsed.ok ? parsed.hint : asking === 'confirm' ? 'confirm' : asking) })
      enqueue.assign({ misses: context.misses + 1 })
    }),
    say: enqueueActions(({ context, enqueue }, params: { text: (copy: ReturnType<typeof copyFor>) => string }) => {
      enqueue.emit({ type: 'reply', reply: { text: params.text(copyFor(context.locale)) } })
    }),
    help: enqueueActions(({ context, enqueue }) => {
      const copy = copyFor(context.locale)
      const step = context.asking ?? 'idle'
      const current = context.asking ? question({ ...context, greet: false }, context.asking) : { text: '' }
      enqueue.emit({ type: 'reply', reply: { ...current, text: [copy.help[step], current.text, copy.globalWords].filter(Boolean).join('\n') } })
    }),
    clearDraft: assign({ draft: {}, asking: null, misses: 0 }),
    submit: enqueueActions(({ context, enqueue }) => {
      const submission = toSubmission(context.draft)
      if (submission) enqueue.emit({ type: 'submitTicket', submission, locale: context.locale })
    }),
    confirmSubmitted: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'TICKET_CREATED') return
      enqueue.emit({ type: 'reply', reply: submittedReply(context, event.ticket, event.timeZone) })
    }),
    listTickets: enqueueActions(({ enqueue }) => enqueue.emit({ type: 'listTickets' })),
    answerResolution: enqueueActions(({ event, enqueue }) => {
      if (event.type !== 'TEXT' || !event.pending[0]) return
      enqueue.emit({ type: 'answerResolution', number: event.pending[0], fixed: YES.has(normalize(event.text)) })
    }),
    acknowledgeAnswer: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'RESOLUTION_ANSWERED') return
      const copy = copyFor(context.locale)
      const text = !event.accepted ? copy.ticketChanged(event.number) : event.fixed ? copy.fixConfirmed(event.number) : copy.fixRejected(event.number)
      enqueue.emit({ type: 'reply', reply: { text } })
    }),
    showStatus: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'STATUS_RESULT') return
      enqueue.emit({ type: 'reply', reply: statusReply(context, event.tickets, event.timeZone) })
    }),
    /** Without a live staff channel: recorded for staff, the bot carries on. */
    recordHandoff: enqueueActions(({ context, enqueue }) => {
      enqueue.emit({ type: 'requestHandoff', reason: 'customer_asked', live: false })
      enqueue.emit({ type: 'reply', reply: { text: copyFor(context.locale).handoff } })
    }),
    startHandoff: enqueueActions(({ context, enqueue }) => {
      enqueue.emit({ type: 'requestHandoff', reason: context.handoffReason ?? 'customer_asked', live: true })
      enqueue.emit({ type: 'reply', reply: { text: copyFor(context.locale).handoffLive } })
    }),
    askRating: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'FEEDBACK_REQUESTED') return
      // A reminder for a survey already at its comment does not start it over.
      if (event.reminder && context.survey?.number === event.number && context.survey.stage === 'comment') return
      const copy = copyFor(context.locale)
      enqueue.assign({ survey: { number: event.number, stage: 'rating', hinted: false } })
      enqueue.emit({
        type: 'reply',
        reply: {
          text: event.reminder ? copy.surveyReminder(event.number) : copy.surveyQuestion(event.number),
          choices: copy.ratingLabels.map((label, index) => ({ value: String(index + 1), label })),
        },
      })
    }),
    recordRating: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'TEXT' || !context.survey) return
      const copy = copyFor(context.locale)
      enqueue.emit({ type: 'recordFeedback', number: context.survey.number, rating: parseRating(event.text)! })
      enqueue.assign({ survey: { ...context.survey, stage: 'comment' } })
      enqueue.emit({ type: 'reply', reply: { text: copy.askComment, choices: [{ value: 'skip', label: copy.skipChoice }] } })
    }),
    recordComment: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'TEXT' || !context.survey) return
      const skipped = SKIP_COMMENT.has(normalize(event.text))
      enqueue.emit({ type: 'recordFeedback', number: context.survey.number, comment: skipped ? null : event.text.trim() })
      enqueue.assign({ survey: null })
      enqueue.emit({ type: 'reply', reply: { text: copyFor(context.locale).thanksForFeedback } })
    }),
    hintRating: enqueueActions(({ context, enqueue }) => {
      if (!context.survey) return
      enqueue.assign({ survey: { ...context.survey, hinted: true } })
      enqueue.emit({ type: 'reply', reply: { text: copyFor(context.locale).ratingHint, choices: copyFor(context.locale).ratingLabels.map((label, index) => ({ value: String(index + 1), label })) } })
    }),
    sendCode: enqueueActions(({ context, event, enqueue }) => {
      const phone = event.type === 'TEXT' ? parsePhone(event.text) : undefined
      if (!phone) return
      enqueue.assign({ linkingPhone: phone })
      enqueue.emit({ type: 'sendVerificationCode', phone })
      enqueue.emit({ type: 'reply', reply: { text: copyFor(context.locale).codeSent(phone) } })
    }),
    verifyCode: enqueueActions(({ event, enqueue }) => {
      if (event.type === 'TEXT') enqueue.emit({ type: 'verifyCode', code: event.text.trim() })
    }),
    linkOutcome: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'LINK_RESULT') return
      const copy = copyFor(context.locale)
      const text = event.linked ? copy.phoneLinked(event.phone) : event.attemptsLeft > 0 ? copy.wrongCode(event.attemptsLeft) : copy.codeExpired
      enqueue.emit({ type: 'reply', reply: { text } })
    }),
    relay: enqueueActions(({ event, enqueue }) => {
      if ('text' in event && event.text.trim()) enqueue.emit({ type: 'relayToStaff', text: event.text })
    }),
    switchLocale: enqueueActions(({ event, enqueue, context }) => {
      if (event.type !== 'SET_LOCALE') return
      enqueue.assign({ locale: event.locale, localeChosen: true })
      enqueue.emit({ type: 'reply', reply: { text: copyFor(event.locale).languageSwitched } })
      if (context.asking) enqueue.emit({ type: 'reply', reply: question({ ...context, locale: event.locale, greet: false }, context.asking) })
    }),
  },
}).createMachine({
  id: 'conversation',
  context: ({ input }) => ({ locale: input.locale, localeChosen: false, draft: {}, asking: null, misses: 0, greet: false, handoffReason: null, linkingPhone: null }),
  initial: 'idle',
  on: {
    HELP: { actions: 'help' },
    STATUS: { actions: 'listTickets' },
    STATUS_RESULT: { actions: ['showStatus', 'askAgain'] },
    AGENT: [
      { guard: 'liveHandoff', target: '.withHuman', actions: assign({ handoffReason: 'customer_asked' as const }) },
      { actions: ['recordHandoff', 'askAgain'] },
    ],
    SET_LOCALE: { actions: 'switchLocale' },
    RESOLUTION_ANSWERED: [
      { guard: 'fixRejected', target: '.withHuman', actions: ['acknowledgeAnswer', assign({ handoffReason: 'fix_rejected' as const })] },
      { actions: 'acknowledgeAnswer' },
    ],
    FEEDBACK_REQUESTED: { actions: 'askRating' },
    LINK: [
      { guard: 'phoneLinking', target: '.linking' },
      { actions: [{ type: 'say', params: { text: (copy) => copy.linkUnavailable } }, 'askAgain'] },
    ],
    // Staff releasing a conversation the bot already has changes nothing.
    HANDOFF_ENDED: {},
    HANDOFF_DELAYED: {},
    // Opening the chat again in the middle of something: say where we were.
    START: { actions: 'askAgain' },
    CANCEL: [
      { guard: 'inIntake', target: '.idle', actions: ['clearDraft', { type: 'say', params: { text: (copy) => copy.cancelled } }] },
      { actions: { type: 'say', params: { text: (copy) => copy.nothingToCancel } } },
    ],
    RESTART: {
      target: '.intake.route',
      actions: ['clearDraft', { type: 'say', params: { text: (copy) => copy.restarting } }],
    },
  },
  states: {
    idle: {
      entry: assign({ asking: null }),
      on: {
        START: { target: 'intake', actions: assign({ greet: true }) },
        TEXT: [
          // A new request can start meanwhile; only a plain YES/NO answers the fix.
          { guard: 'answersResolution', actions: 'answerResolution' },
          // §3.3a: a pending survey takes a rating, then a comment; anything else goes ahead.
          { guard: 'surveyRating', actions: 'recordRating' },
          { guard: 'surveyComment', actions: 'recordComment' },
          { guard: 'surveyGreeting', target: 'intake', actions: ['chooseLocaleFromMessage', assign({ greet: true })] },
          { guard: 'surveyServiceWord', target: 'intake', actions: ['chooseLocaleFromMessage', 'recordServiceType'] },
          { guard: 'surveyNeedsHint', actions: 'hintRating' },
          // After one hint, what the customer writes is their comment.
          { guard: 'surveyPending', actions: 'recordComment' },
          // "install" as a first message already answers the first question.
          { guard: 'namesServiceType', target: 'intake', actions: ['chooseLocaleFromMessage', 'recordServiceType'] },
          { target: 'intake', actions: ['chooseLocaleFromMessage', assign({ greet: true })] },
        ],
      },
    },
    intake: {
      initial: 'route',
      states: {
        route: {
          always: [
            ...FIELDS.map((field) => ({ guard: ({ context }: { context: ConversationContext }) => nextField(context.draft) === field, target: field })),
            { target: 'confirm' },
          ],
        },
        ...Object.fromEntries(
          FIELDS.map((field) => [
            field,
            {
              entry: [assign({ asking: field, misses: 0 }), { type: 'ask', params: { asking: field } }],
              on: {
                TEXT: [
                  { guard: { type: 'answers', params: { field } }, target: 'route', actions: { type: 'record', params: { field } } },
                  { guard: 'stuck', target: '#conversation.withHuman', actions: assign({ handoffReason: 'repeated_misses' as const }) },
                  { actions: 'hint' },
                ],
              },
            },
          ]),
        ),
        confirm: {
          entry: [assign({ asking: 'confirm' as const, misses: 0 }), { type: 'ask', params: { asking: 'confirm' as const } }],
          on: {
            TEXT: [
              { guard: 'isYes', target: 'submitting' },
              { guard: 'isEditNumber', target: 'route', actions: 'forget' },
              { guard: 'stuck', target: '#conversation.withHuman', actions: assign({ handoffReason: 'repeated_misses' as const }) },
              { actions: 'hint' },
            ],
          },
        },
        submitting: {
          entry: 'submit',
          on: {
            TICKET_CREATED: { target: '#conversation.idle', actions: ['confirmSubmitted', 'clearDraft'] },
          },
        },
        // Where the customer was, for coming back after a hand-off.
        hist: { type: 'history', history: 'deep' },
      },
    },
    /** Proving a phone number with a code texted to it, to see all requests as one customer. */
    linking: {
      initial: 'phone',
      entry: assign({ asking: null }),
      exit: assign({ linkingPhone: null }),
      on: {
        CANCEL: { target: 'idle', actions: { type: 'say', params: { text: (copy) => copy.linkCancelled } } },
        RESTART: { target: 'idle', actions: { type: 'say', params: { text: (copy) => copy.linkCancelled } } },
      },
      states: {
        phone: {
          entry: { type: 'say', params: { text: (copy) => copy.askPhone } },
          on: {
            TEXT: [{ guard: 'isPhone', target: 'code', actions: 'sendCode' }, { actions: { type: 'say', params: { text: (copy) => copy.badPhone } } }],
          },
        },
        code: {
          on: {
            TEXT: [{ guard: 'isCode', actions: 'verifyCode' }, { actions: { type: 'say', params: { text: (copy) => copy.badCode } } }],
            LINK_RESULT: [
              { guard: 'linked', target: '#conversation.idle', actions: 'linkOutcome' },
              { guard: 'triesLeft', actions: 'linkOutcome' },
              { target: '#conversation.idle', actions: 'linkOutcome' },
            ],
          },
        },
      },
    },
    /** A member of staff talks to the customer; the bot only passes messages on. */
    withHuman: {
      entry: 'startHandoff',
      exit: assign({ handoffReason: null }),
      on: {
        TEXT: { actions: 'relay' },
        HELP: { actions: 'relay' },
        CANCEL: { actions: 'relay' },
        RESTART: { actions: 'relay' },
        STATUS: { actions: 'relay' },
        AGENT: { actions: 'relay' },
        LINK: { actions: 'relay' },
        SET_LOCALE: { actions: ['relay', assign(({ event }) => (event.type === 'SET_LOCALE' ? { locale: event.locale, localeChosen: true } : {}))] },
        START: { actions: { type: 'say', params: { text: (copy) => copy.stillWithHuman } } },
        HANDOFF_DELAYED: { actions: { type: 'say', params: { text: (copy) => copy.handoffDelayed } } },
        HANDOFF_ENDED: [
          { guard: 'inIntake', target: '#conversation.intake.hist', actions: { type: 'say', params: { text: (copy) => copy.backWithBot } } },
          { target: 'idle', actions: { type: 'say', params: { text: (copy) => copy.backWithBot } } },
        ],
        RESOLUTION_ANSWERED: { actions: 'acknowledgeAnswer' },
      },
    },
  },
})

export type ConversationMachine = typeof conversationMachine
