/**
 * The bot's side of one conversation (one customer on one channel), as a pure XState machine.
 *
 * It never performs an effect: it emits `reply` (what to say) and commands (`submitTicket`,
 * `listTickets`, `requestHandoff`) that src/conversations carries out, feeding results back
 * as events (`TICKET_CREATED`, `STATUS_RESULT`) within the same turn.
 */
import { assign, enqueueActions, setup } from 'xstate'
import { copyFor, type Field } from './copy.ts'
import { FIELDS, nextField, summaryLines, toSubmission } from './intake.ts'
import { detectLocale, type Locale } from './locale.ts'
import { parsePhone } from './phone.ts'
import { modelKey } from './products.ts'
import { parseRating } from './ratings.ts'
import { parseMenuNumber, normalize, parseServiceType } from './service-types.ts'
import { answerOf, GREETINGS, hint, MISSES_BEFORE_HANDOFF, NO, question, SKIP_COMMENT, statusReply, submittedReply, textOf, YES } from './conversation.replies.ts'
import type { Asking, ConversationContext, ConversationEmitted, ConversationEvent } from './conversation.types.ts'

export type * from './conversation.types.ts'
export { question } from './conversation.replies.ts'

/** The suggested model the customer's number picks, if it picks one. */
function suggestionPicked(context: ConversationContext, event: ConversationEvent) {
  const number = event.type === 'TEXT' ? parseMenuNumber(event.text) : undefined
  return number === undefined ? undefined : context.modelDoubt?.suggestions[number - 1]
}

/** The draft counting the photos this message brought. */
function withPhotos(draft: ConversationContext['draft'], event: ConversationEvent): ConversationContext['draft'] {
  const accepted = (event.type === 'TEXT' || event.type === 'MEDIA') && event.media ? event.media.accepted : 0
  return accepted > 0 ? { ...draft, photos: (draft.photos ?? 0) + accepted } : draft
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
    surveyServiceWord: ({ context, event }) => context.survey?.stage === 'rating' && event.type === 'TEXT' && parseMenuNumber(event.text) === undefined && parseServiceType(event.text) !== undefined,
    surveyNeedsHint: ({ context, event }) => context.survey?.stage === 'rating' && !context.survey.hinted && event.type === 'TEXT',
    surveyPending: ({ context, event }) => context.survey?.stage === 'rating' && event.type === 'TEXT',
    isPhone: ({ event }) => event.type === 'TEXT' && parsePhone(event.text) !== undefined,
    isCode: ({ event }) => event.type === 'TEXT' && /^\d{6}$/.test(event.text.trim()),
    linked: ({ event }) => event.type === 'LINK_RESULT' && event.linked,
    /** The message brought photos (or other files) that were kept. */
    hasPhotos: ({ event }) => (event.type === 'TEXT' || event.type === 'MEDIA') && (event.media?.accepted ?? 0) > 0,
    /** §3.2a: one of the models offered for an unlisted one, by its number. */
    picksSuggestion: ({ context, event }) => suggestionPicked(context, event) !== undefined,
    /** §3.2a: a readable model that is not listed but close to some that are, and not insisted on yet. */
    doubtsModel: ({ context, event }) =>
      answerOf('productModel', event)?.ok === true &&
      event.type === 'TEXT' &&
      event.product?.kind === 'unlisted' &&
      event.product.suggestions.length > 0 &&
      modelKey(context.modelDoubt?.typed ?? '') !== modelKey(event.text),
    codeSent: ({ event }) => event.type === 'CODE_RESULT' && event.sent,
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
      if (!parsed?.ok) return {}
      // §3.2a: a listed model is kept as the catalogue writes it.
      const value = params.field === 'productModel' && event.type === 'TEXT' && event.product?.kind === 'listed' ? event.product.model : parsed.value
      return { draft: withPhotos({ ...context.draft, [params.field]: value }, event), misses: 0, modelDoubt: null }
    }),
    /** Photos sent at any step go with the request, and answer the photo step if it is still to come. */
    keepPhotos: assign(({ context, event }) => ({ draft: withPhotos(context.draft, event) })),
    suggestModels: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'TEXT' || event.product?.kind !== 'unlisted') return
      const suggestions = event.product.suggestions
      enqueue.assign({ modelDoubt: { typed: event.text.trim(), suggestions } })
      enqueue.emit({
        type: 'reply',
        reply: { text: copyFor(context.locale).didYouMean(event.text.trim()), choices: suggestions.map((item, index) => ({ value: String(index + 1), label: item.model })), numbered: true },
      })
    }),
    recordSuggestion: assign(({ context, event }) => {
      const picked = suggestionPicked(context, event)
      return picked ? { draft: { ...context.draft, productModel: picked.model }, misses: 0, modelDoubt: null } : {}
    }),
    /** §3.2a: technical support for a listed model with a manual: the manual first. */
    offerManual: enqueueActions(({ context, event, enqueue }, params: { picked: boolean }) => {
      const listed = params.picked ? suggestionPicked(context, event) : event.type === 'TEXT' && event.product?.kind === 'listed' ? event.product : undefined
      if (context.draft.serviceType !== 'technical_support' || !listed?.manualUrl) return
      enqueue.emit({ type: 'reply', reply: { text: copyFor(context.locale).manualFor(listed.model, listed.manualUrl) } })
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
    /** The customer hears "passing you to our team" once the request is accepted (HANDOFF_STARTED). */
    startHandoff: enqueueActions(({ context, enqueue }) => {
      enqueue.emit({ type: 'requestHandoff', reason: context.handoffReason ?? 'customer_asked', live: true })
    }),
    tellClosedUnconfirmed: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'RESOLUTION_EXPIRED') return
      enqueue.emit({ type: 'reply', reply: { text: copyFor(context.locale).closedUnconfirmed(event.number) } })
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
    sendCode: enqueueActions(({ event, enqueue }) => {
      const phone = event.type === 'TEXT' ? parsePhone(event.text) : undefined
      if (!phone) return
      enqueue.assign({ linkingPhone: phone })
      enqueue.emit({ type: 'sendVerificationCode', phone })
    }),
    codeOutcome: enqueueActions(({ context, event, enqueue }) => {
      if (event.type !== 'CODE_RESULT') return
      const copy = copyFor(context.locale)
      const refusals = { cooldown: copy.codeTooSoon(event.sent ? 0 : event.retryAfterSeconds), limit: copy.codeLimit, country: copy.codeCountry, budget: copy.codesPaused }
      enqueue.emit({ type: 'reply', reply: { text: event.sent ? copy.codeSent(event.phone) : refusals[event.reason] } })
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
      const text = 'text' in event ? event.text : ''
      const files = (event.type === 'TEXT' || event.type === 'MEDIA') && event.media ? event.media.accepted : 0
      if (text.trim() || files) enqueue.emit({ type: 'relayToStaff', text, files })
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
    AGENT: [{ guard: 'liveHandoff', target: '.withHuman', actions: assign({ handoffReason: 'customer_asked' as const }) }, { actions: ['recordHandoff', 'askAgain'] }],
    SET_LOCALE: { actions: 'switchLocale' },
    RESOLUTION_ANSWERED: [{ guard: 'fixRejected', target: '.withHuman', actions: ['acknowledgeAnswer', assign({ handoffReason: 'fix_rejected' as const })] }, { actions: 'acknowledgeAnswer' }],
    FEEDBACK_REQUESTED: { actions: 'askRating' },
    RESOLUTION_EXPIRED: { actions: 'tellClosedUnconfirmed' },
    LINK: [{ guard: 'phoneLinking', target: '.linking' }, { actions: [{ type: 'say', params: { text: (copy) => copy.linkUnavailable } }, 'askAgain'] }],
    // Staff releasing a conversation the bot already has changes nothing.
    HANDOFF_ENDED: {},
    HANDOFF_DELAYED: {},
    // Opening the chat again in the middle of something: say where we were.
    START: { actions: 'askAgain' },
    CANCEL: [
      { guard: 'inIntake', target: '.idle', actions: ['clearDraft', { type: 'say', params: { text: (copy) => copy.cancelled } }] },
      { actions: { type: 'say', params: { text: (copy) => copy.nothingToCancel } } },
    ],
    RESTART: [
      { guard: 'inIntake', target: '.intake.route', actions: ['clearDraft', { type: 'say', params: { text: (copy) => copy.restarting } }] },
      // Nothing under way (a "New request" button after a submission): a fresh start, greeted.
      { target: '.intake', actions: ['clearDraft', assign({ greet: true })] },
    ],
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
          { guard: 'surveyServiceWord', target: 'intake', actions: ['chooseLocaleFromMessage', 'recordServiceType', 'keepPhotos'] },
          { guard: 'surveyNeedsHint', actions: 'hintRating' },
          // After one hint, what the customer writes is their comment.
          { guard: 'surveyPending', actions: 'recordComment' },
          // "install" as a first message already answers the first question.
          { guard: 'namesServiceType', target: 'intake', actions: ['chooseLocaleFromMessage', 'recordServiceType', 'keepPhotos'] },
          { target: 'intake', actions: ['chooseLocaleFromMessage', 'keepPhotos', assign({ greet: true })] },
        ],
        // A photo alone, with nothing under way, starts a request (the photo goes with it).
        MEDIA: { guard: 'hasPhotos', target: 'intake', actions: ['keepPhotos', assign({ greet: true })] },
      },
    },
    intake: {
      initial: 'route',
      // A photo at any step goes with the request; the next question is asked (again), not hinted.
      on: { MEDIA: { target: '.route', actions: 'keepPhotos' } },
      states: {
        route: {
          always: [...FIELDS.map((field) => ({ guard: ({ context }: { context: ConversationContext }) => nextField(context.draft) === field, target: field })), { target: 'confirm' }],
        },
        ...Object.fromEntries(
          FIELDS.map((field) => [
            field,
            {
              entry: [assign({ asking: field, misses: 0 }), { type: 'ask', params: { asking: field } }],
              on: {
                TEXT: [
                  // §3.2a: the model against the catalogue (offered its closest models once, then kept as typed).
                  ...(field === 'productModel'
                    ? [
                        { guard: 'picksSuggestion', target: 'route', actions: [{ type: 'offerManual', params: { picked: true } }, 'recordSuggestion'] } as const,
                        { guard: 'doubtsModel', actions: 'suggestModels' } as const,
                      ]
                    : []),
                  {
                    guard: { type: 'answers', params: { field } },
                    target: 'route',
                    actions: [{ type: 'record', params: { field } }, ...(field === 'productModel' ? [{ type: 'offerManual', params: { picked: false } } as const] : [])],
                  },
                  // A photo with words that do not answer (a caption): kept, and the question asked again, not counted as a miss.
                  { guard: 'hasPhotos', target: 'route', actions: 'keepPhotos' },
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
              { guard: 'hasPhotos', target: 'route', actions: 'keepPhotos' },
              { guard: 'stuck', target: '#conversation.withHuman', actions: assign({ handoffReason: 'repeated_misses' as const }) },
              { actions: 'hint' },
            ],
          },
        },
        submitting: {
          entry: 'submit',
          on: {
            MEDIA: {},
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
            CODE_RESULT: [
              { guard: 'codeSent', actions: 'codeOutcome' },
              { target: '#conversation.idle', actions: 'codeOutcome' },
            ],
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
        MEDIA: { actions: 'relay' },
        HELP: { actions: 'relay' },
        CANCEL: { actions: 'relay' },
        RESTART: { actions: 'relay' },
        STATUS: { actions: 'relay' },
        AGENT: { actions: 'relay' },
        LINK: { actions: 'relay' },
        SET_LOCALE: { actions: ['relay', assign(({ event }) => (event.type === 'SET_LOCALE' ? { locale: event.locale, localeChosen: true } : {}))] },
        START: { actions: { type: 'say', params: { text: (copy) => copy.stillWithHuman } } },
        HANDOFF_STARTED: { actions: { type: 'say', params: { text: (copy) => copy.handoffLive } } },
        // Asked too often lately: back to where the customer was, the bot carries on.
        HANDOFF_REFUSED: [
          { guard: 'inIntake', target: '#conversation.intake.hist', actions: { type: 'say', params: { text: (copy) => copy.handoffLimited } } },
          { target: 'idle', actions: { type: 'say', params: { text: (copy) => copy.handoffLimited } } },
        ],
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
