/**
 * §3.1a: customers also ask by phone. Staff log the call as a ticket with the conversation's own
 * fields and rules (flows/intake.ts `readAnswers`), from the admin API or Slack's `/aftercare new`.
 *
 * A caller with a mobile number is then a customer like any other on SMS: the ticket belongs to
 * the conversation of that number (found or started, under the sender's lock, so a text arriving
 * at the same moment waits its turn), and the confirmation, the response and resolution
 * notifications and the survey go there; the customer answers YES to a fix by text. A landline is
 * recorded on the ticket and notified by staff, by phone.
 */
import { z } from 'zod'
import { submittedReply } from '../../flows/conversation.replies.ts'
import { copyFor, type Field, type Hint } from '../../flows/copy.ts'
import { readAnswers } from '../../flows/intake.ts'
import { LOCALES, type Locale } from '../../flows/locale.ts'
import { normalizePhone } from '../channels/sms/receiver.ts'
import type { Clock } from '../clock.ts'
import type { PrismaClient, Tx } from '../db/client.ts'
import { findOrCreateParty, lockSender } from '../conversations/party.ts'
import { AppError } from '../errors.ts'
import { queueMessage } from '../notifications/outbox.ts'
import { createdTicket, submitTicket, type SubmitDeps } from './submit.ts'

const text = (max: number) => z.string().max(max).nullish()

/** What staff type while on the phone. Each answer is read afterwards exactly as a chat answer is. */
export const phoneRequestInput = z.strictObject({
  serviceType: z.string().max(40),
  productModel: text(200),
  serialNumber: text(200),
  deliveryDate: text(40),
  description: text(2000),
  siteAddress: text(600),
  contactName: text(200),
  /** The caller's number, any common format; E.164 is stored. */
  phone: z
    .string()
    .trim()
    .min(3)
    .max(32)
    .transform(normalizePhone)
    .pipe(z.string().regex(/^\+\d{7,15}$/, 'a phone number with its country code, e.g. +86 139 1234 5678')),
  /** Text the confirmation and notifications to this number (a mobile). Default: yes, when SMS is configured. */
  notifyBySms: z.boolean().optional(),
  /** The caller's language, for those texts. Default: the service's. */
  locale: z.enum(LOCALES).optional(),
})
export type PhoneRequestInput = z.infer<typeof phoneRequestInput>

/** The form's problems, field by field, in the words the conversation would use. */
export class RequestProblems extends AppError {
  constructor(readonly problems: Partial<Record<Field, string>>) {
    super(
      'bad_request',
      `invalid request: ${Object.entries(problems)
        .map(([field, problem]) => `${field}: ${problem}`)
        .join('; ')}`,
      { problems },
    )
  }
}

export interface PhoneRequestDeps extends SubmitDeps {
  prisma: PrismaClient
  clock: Clock
  defaultLocale: Locale
  /** Proactive SMS is configured: a mobile caller can be texted. */
  smsSending: boolean
}

export interface LoggedRequest {
  number: string
  /** The caller gets the confirmation and the notifications by SMS. */
  notifiedBySms: boolean
}

export function phoneRequests(deps: PhoneRequestDeps) {
  const { prisma, clock } = deps

  async function customerFor(tx: Tx, phone: string, locale: Locale, bySms: boolean) {
    if (bySms) {
      await lockSender(tx, 'sms', phone)
      const party = await findOrCreateParty(tx, { channel: 'sms', address: phone, text: '' }, locale)
      return { customerId: party.customerId, conversationId: party.conversation.id }
    }
    const known = await tx.customer.findFirst({ where: { phone }, orderBy: { createdAt: 'asc' }, select: { id: true } })
    return { customerId: known?.id ?? (await tx.customer.create({ data: { phone, locale }, select: { id: true } })).id, conversationId: null }
  }

  /** The answers as a submission, or what to correct (no database work: a form can check before it closes). */
  const read = (input: PhoneRequestInput, now: Date) => readAnswers(input, deps.calendar.dayOf(now))

  return {
    /** Whether a caller is texted unless staff say otherwise. */
    textsByDefault: deps.smsSending,

    /** Problems with the answers, field by field, or undefined when they make a request. */
    problems(input: PhoneRequestInput): Partial<Record<Field, string>> | undefined {
      const result = read(input, clock.now())
      return result.ok ? undefined : explain(result.problems)
    },

    /** Logs a phone request; `actor` is the staff member who took the call. */
    async log(input: PhoneRequestInput, actor: string): Promise<LoggedRequest> {
      const now = clock.now()
      const answers = read(input, now)
      if (!answers.ok) throw new RequestProblems(explain(answers.problems))
      const submission = answers.submission
      const locale = input.locale ?? deps.defaultLocale
      const bySms = input.notifyBySms ?? deps.smsSending
      return prisma.$transaction(async (tx) => {
        const { customerId, conversationId } = await customerFor(tx, input.phone, locale, bySms)
        const ticket = await submitTicket(tx, deps, {
          submission,
          customerId,
          conversationId,
          channel: 'phone',
          channelAddress: input.phone,
          locale,
          actor,
          at: now,
        })
        // The number to quote and when to expect us, as a chat customer reads it on submitting.
        if (conversationId) {
          const reply = submittedReply({ locale }, createdTicket(ticket), deps.calendar.timeZone)
          await queueMessage(tx, { conversationId, channel: 'sms', kind: 'request_logged', ticketId: ticket.id, reply, at: now })
        }
        return { number: ticket.number, notifiedBySms: conversationId !== null }
      })
    },
  }
}

export type PhoneRequests = ReturnType<typeof phoneRequests>

/** Hints are the chat's; staff read them in English. */
function explain(problems: Partial<Record<Field, Hint>>): Partial<Record<Field, string>> {
  const hints = copyFor('en').hints
  return Object.fromEntries(Object.entries(problems).map(([field, hint]) => [field, hints[hint as Hint]]))
}
