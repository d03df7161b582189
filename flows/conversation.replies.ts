/** The words the conversation understands and the replies it builds: pure functions of its context. */
import { copyFor, type Field, type Hint } from './copy.ts'
import { dayIn, formatCustomerTime, formatDay } from './dates.ts'
import { parseAnswer, summaryLines } from './intake.ts'
import { SERVICE_TYPES } from './service-types.ts'
import type { MediaSummary } from './input.ts'
import type { Locale } from './locale.ts'
import type { Asking, Choice, ConversationContext, ConversationEvent, CreatedTicket, Reply, TicketSummary } from './conversation.types.ts'
export const SKIP_COMMENT = new Set(['skip', 'no', 'none', 'nothing', 'no thanks', '跳过', '没有', '无', '不用了', '没有了'])
export const GREETINGS = new Set(['hi', 'hello', 'hey', 'good morning', 'good afternoon', 'good evening', '你好', '您好', '在吗', '在么', '哈喽'])

export const YES = new Set(['yes', 'y', 'ok', 'okay', 'submit', 'confirm', 'correct', 'fixed', 'yes fixed', '确认', '是', '是的', '好', '好的', '提交', '对', '没问题', '已解决', '解决了', '修好了'])
export const NO = new Set(['no', 'n', 'nope', 'not fixed', 'no not fixed', 'still broken', '否', '不是', '没有', '没修好', '未解决', '没解决', '还是坏的'])
export const MISSES_BEFORE_OFFERING_AGENT = 3
/** After this many answers in a row that do not fit, a person takes over (when one can). */
export const MISSES_BEFORE_HANDOFF = 5

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
        choices:
          context.locale === 'zh-CN'
            ? [
                { value: '今天', label: '今天' },
                { value: '昨天', label: '昨天' },
              ]
            : [
                { value: 'today', label: 'Today' },
                { value: 'yesterday', label: 'Yesterday' },
              ],
      }
    case 'description':
      return { text: copy.askDescription[draft.serviceType ?? 'repair'] }
    case 'photos':
      return { text: copy.ask.photos, choices: [{ value: 'skip', label: context.locale === 'zh-CN' ? '跳过' : 'Skip' }] }
    case 'siteAddress':
      return { text: copy.askSiteAddressFor(draft.serviceType ?? 'repair') }
    case 'confirm': {
      const lines = summaryLines(draft, context.locale)
      return {
        text: [
          copy.summaryTitle,
          ...lines.map((line, index) => `${index + 1} ${line.label}: ${line.value}`),
          ...(draft.photos ? [`${copy.fieldLabels.photos}: ${draft.photos}`] : []),
          copy.summaryPrompt(lines.length),
        ].join('\n'),
        choices: confirmChoices(context),
      }
    }
    default:
      return { text: copy.ask[asking] }
  }
}

export function confirmChoices(context: ConversationContext): Choice[] {
  const copy = copyFor(context.locale)
  return [
    { value: 'YES', label: copy.submitChoice },
    ...summaryLines(context.draft, context.locale).map((line, index) => ({ value: String(index + 1), label: copy.editChoice(line.label) })),
    { value: 'CANCEL', label: copy.cancelChoice },
  ]
}

export function hint(context: ConversationContext, hintKey: Hint): Reply {
  const copy = copyFor(context.locale)
  const asking = context.asking ?? 'serviceType'
  const again = asking === 'confirm' ? { text: '', choices: confirmChoices(context) } : question({ ...context, greet: false }, asking)
  const stuck = context.misses + 1 >= MISSES_BEFORE_OFFERING_AGENT ? [copy.stuck] : []
  return { ...again, text: [copy.hints[hintKey], again.text, ...stuck].filter(Boolean).join('\n') }
}

export function textOf(event: ConversationEvent): string {
  return event.type === 'TEXT' ? event.text : ''
}

/** The message read as an answer to `field`; undefined for events that are not messages. */
export function answerOf(field: Field, event: ConversationEvent) {
  return event.type === 'TEXT' ? parseAnswer(field, event.text, event.today) : undefined
}

export function submittedReply(context: Pick<ConversationContext, 'locale'>, ticket: CreatedTicket, timeZone: string): Reply {
  const copy = copyFor(context.locale)
  const lines = [copy.submitted(ticket.number, formatCustomerTime(ticket.responseDueAt, context.locale, timeZone))]
  if (ticket.installationDueAt) {
    // Due at the midnight that ends the last working day: name that day, not the next one.
    const lastDay = dayIn(new Date(new Date(ticket.installationDueAt).getTime() - 1), timeZone)
    lines.push(copy.installationBy(formatDay(lastDay, context.locale)))
  }
  if (ticket.warrantyOf) lines.push(copy.warranty(ticket.warrantyOf))
  lines.push(copy.statusAnytime)
  // What the customer says by pressing them are words the bot knows at any step (RESTART, STATUS).
  const { newRequest, myRequests } = copy.afterSubmission
  return {
    text: lines.join('\n'),
    choices: [
      { value: newRequest, label: newRequest },
      { value: myRequests, label: myRequests },
    ],
  }
}

export function statusReply(context: ConversationContext, tickets: TicketSummary[], timeZone: string): Reply {
  const copy = copyFor(context.locale)
  if (tickets.length === 0) return { text: copy.noTickets }
  const lines = tickets.map((ticket) =>
    copy.ticketLine(
      ticket.number,
      copy.serviceTypes[ticket.type],
      copy.statuses[ticket.status],
      ticket.nextDeadline ? copy.nextDeadline(copy.deadlines[ticket.nextDeadline.kind], formatCustomerTime(ticket.nextDeadline.dueAt, context.locale, timeZone)) : undefined,
    ),
  )
  return { text: [copy.ticketsTitle, ...lines].join('\n') }
}

/** What a message's files came to: said before the bot's answer to its text. */
export function mediaReply(locale: Locale, media: MediaSummary): Reply | undefined {
  const copy = copyFor(locale)
  const lines = [
    ...(media.accepted > 0 ? [copy.photosReceived(media.accepted)] : []),
    ...(media.refused.length > 0
      ? [copy.mediaRefused({ maxSize: media.maxBytes >= 1_000_000 ? `${Math.floor(media.maxBytes / 1_000_000)} MB` : `${Math.floor(media.maxBytes / 1000)} KB`, maxPerMessage: media.maxPerMessage })]
      : []),
  ]
  return lines.length ? { text: lines.join('\n') } : undefined
}
