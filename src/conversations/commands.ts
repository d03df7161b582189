/**
 * Carries out what the conversation machine asks for, inside the turn's transaction, and answers
 * with the event the machine waits for (the created ticket, the list of tickets, …).
 */
import type { ConversationEvent } from '../../flows/conversation.machine.ts'
import type { ServiceType } from '../../flows/service-types.ts'
import type { Tx } from '../db/client.ts'
import { AppError } from '../errors.ts'
import { QUEUES, type JobQueue } from '../jobs/queue.ts'
import type { Logger } from '../logger.ts'
import { queueMessage } from '../notifications/outbox.ts'
import { alertStaff } from '../staff/alerts.ts'
import type { TicketService } from '../tickets/apply.ts'
import type { BusinessCalendar } from '../tickets/calendar.ts'
import { createdTicket, submitTicket } from '../tickets/submit.ts'
import { FINISHED_STATUSES, openTicketsOf } from '../tickets/queries.ts'
import type { Party } from './party.ts'
import { identityKey, type Channel } from '../channels/types.ts'
import type { LimitName, RateLimits, Verdict } from '../http/rate-limits.ts'
import type { CodeRefusal } from '../../flows/conversation.types.ts'
import type { Command } from './turn.ts'
import { sendVerificationCode, verifyCode } from './phone-link.ts'

export interface CommandDeps {
  jobs: JobQueue
  tickets: TicketService
  calendar: BusinessCalendar
  logger: Logger
  serviceValues: Record<ServiceType, number>
  /** Staff can take conversations over live (Slack is configured). */
  liveHandoff: boolean
  /** §3.3a: stores a customer's survey answer (the feedback service). */
  recordFeedback(tx: Tx, number: string, input: { rating?: number; comment?: string | null }, actor: string): Promise<void>
  limits: RateLimits
  /** Verification codes go only to these calling codes (empty: any). */
  linkCountryCodes: string[]
  /** A signed link to a customer's file, for staff. */
  mediaUrl?(id: string): string
}

/** Where the message that raised a command came from, when the channel knows (web chat: the visitor's IP). */
export interface Origin {
  clientIp?: string
  /** The message itself, to find the files it carried. */
  message?: { channel: Channel; providerMessageId: string }
}

/** A customer asking for a person again within this time does not alert staff again. */
const HANDOFF_REALERT_MS = 30 * 60_000

export type CommandRunner = (tx: Tx, party: Party, command: Command, now: Date, origin?: Origin) => Promise<ConversationEvent | undefined>

export function commandRunner(deps: CommandDeps): CommandRunner {
  const { jobs, calendar, logger } = deps
  const latestOpenTicket = (tx: Tx, party: Party) =>
    tx.ticket.findFirst({ where: { customerId: party.customerId, status: { notIn: [...FINISHED_STATUSES] } }, orderBy: { createdAt: 'desc' }, select: { id: true } })

  /** Takes from every allowance only when all have some left: a refusal spends nothing. */
  async function takeAll(checks: [LimitName, string][]): Promise<Verdict> {
    for (const [name, key] of checks) {
      const verdict = await deps.limits.check(name, key)
      if (!verdict.ok) return verdict
    }
    for (const [name, key] of checks) await deps.limits.take(name, key)
    return { ok: true }
  }

  /** A live hand-off is allowed a few times an hour per customer, and per visitor IP on web chat (new identities are cheap there). */
  async function handoffAllowed(party: Party, origin: Origin | undefined): Promise<boolean> {
    const keys: [LimitName, string][] = [['handoffs', identityKey(party.channel, party.address)], ...(origin?.clientIp ? ([['handoffs', `ip:${origin.clientIp}`]] as [LimitName, string][]) : [])]
    return (await takeAll(keys)).ok
  }

  /**
   * Every limit on codes, most specific first: a code goes out only when all allow it, and a
   * refusal spends none of them (nobody can use up a stranger's number by asking in vain).
   */
  async function codeAllowed(party: Party, phone: string): Promise<ConversationEvent | undefined> {
    const refuse = (reason: CodeRefusal, retryAfterSeconds = 0): ConversationEvent => ({ type: 'CODE_RESULT', sent: false, reason, retryAfterSeconds })
    if (deps.linkCountryCodes.length && !deps.linkCountryCodes.some((code) => phone.startsWith(`+${code}`))) return refuse('country')
    const checks: [LimitName, string, CodeRefusal][] = [
      ['linkCooldown', phone, 'cooldown'],
      ['linkCodesPerDay', `phone:${phone}`, 'limit'],
      ['linkCodesPerDay', `conversation:${party.conversation.id}`, 'limit'],
      ['verificationSms', 'all', 'budget'],
    ]
    for (const [name, key, reason] of checks) {
      const verdict = await deps.limits.check(name, key)
      if (!verdict.ok) return refuse(reason, verdict.retryAfterSeconds)
    }
    for (const [name, key] of checks) await deps.limits.take(name, key)
    return undefined
  }

  return async (tx, party, command, now, origin): Promise<ConversationEvent | undefined> => {
    switch (command.type) {
      case 'submitTicket': {
        const ticket = await submitTicket(tx, deps, {
          submission: command.submission,
          customerId: party.customerId,
          conversationId: party.conversation.id,
          channel: party.channel,
          channelAddress: party.address,
          locale: command.locale,
          actor: `customer:${party.id}`,
          at: now,
        })
        return { type: 'TICKET_CREATED', ticket: createdTicket(ticket), timeZone: calendar.timeZone }
      }
      case 'listTickets':
        return { type: 'STATUS_RESULT', tickets: await openTicketsOf(tx, party.customerId), timeZone: calendar.timeZone }
      case 'requestHandoff': {
        const conversation = party.conversation
        if (command.live) {
          if (!(await handoffAllowed(party, origin))) {
            logger.warn({ conversation: conversation.id }, 'hand-off refused: too many lately from this customer')
            return { type: 'HANDOFF_REFUSED' }
          }
          await tx.conversation.update({
            where: { id: conversation.id },
            // A new hand-off announces itself again (in the ticket's thread, or a new one).
            data: {
              handoffRequestedAt: now,
              handoffReason: command.reason,
              handoffActive: true,
              handoffAnsweredAt: null,
              handoffEscalatedAt: null,
              handoffEndedAt: null,
              handoffChannel: null,
              handoffThreadTs: null,
            },
          })
          // The Slack thread opens (with the conversation so far) from a job, after commit.
          await jobs.send(QUEUES.handoffThread, { conversationId: conversation.id }, { tx, singletonKey: conversation.id })
          logger.info({ conversation: conversation.id, reason: command.reason }, 'live hand-off started')
          return { type: 'HANDOFF_STARTED' }
        }
        // Asking twice in a row is one request: staff hear of it once per half hour at most.
        const recent = conversation.handoffRequestedAt && now.getTime() - conversation.handoffRequestedAt.getTime() < HANDOFF_REALERT_MS
        await tx.conversation.update({ where: { id: conversation.id }, data: { handoffRequestedAt: now, handoffReason: command.reason } })
        if (!recent) await alertStaff(tx, jobs, (await latestOpenTicket(tx, party))?.id ?? null, { kind: 'handoff_requested', channel: party.channel, address: party.address })
        logger.info({ conversation: conversation.id }, 'hand-off requested')
        return undefined
      }
      case 'relayToStaff': {
        // Issue 14: the customer's photos reach the hand-off thread as links staff can open.
        const files =
          command.files && origin?.message && deps.mediaUrl
            ? await tx.attachment.findMany({ where: { ...origin.message, status: { not: 'refused' } }, orderBy: { position: 'asc' }, select: { id: true, status: true } })
            : []
        const lines = [command.text.trim(), ...files.map((file, index) => `[photo ${index + 1}${file.status === 'pending' ? ', still arriving' : ''}] ${deps.mediaUrl!(file.id)}`)].filter(Boolean)
        await queueMessage(tx, { conversationId: party.conversation.id, channel: 'slack', kind: 'staff_mirror', ticketId: null, reply: { text: lines.join('\n') }, at: now })
        return undefined
      }
      case 'recordFeedback':
        await deps.recordFeedback(tx, command.number, { rating: command.rating, comment: command.comment }, `customer:${party.id}`)
        return undefined
      case 'sendVerificationCode': {
        const refused = await codeAllowed(party, command.phone)
        if (refused) {
          logger.warn({ conversation: party.conversation.id, reason: refused.type === 'CODE_RESULT' && !refused.sent ? refused.reason : undefined }, 'verification code refused by a limit')
          if (refused.type === 'CODE_RESULT' && !refused.sent && refused.reason === 'budget' && (await deps.limits.take('verificationSmsAlert', 'all')).ok) {
            await alertStaff(tx, jobs, null, {
              kind: 'provider',
              text: ':no_mobile_phones: The hourly budget of verification SMS (VERIFICATION_SMS_PER_HOUR) is spent: phone-linking codes are paused until the hour is over. Notifications to customers still go out.',
            })
          }
          return refused
        }
        await sendVerificationCode(tx, party, command.phone, now)
        return { type: 'CODE_RESULT', sent: true, phone: command.phone }
      }
      case 'verifyCode':
        return { type: 'LINK_RESULT', ...(await verifyCode(tx, logger, party, command.code, now)) }
      case 'answerResolution': {
        const input = command.fixed ? ({ action: 'confirm' } as const) : ({ action: 'reject', reason: 'The customer replied that it is not fixed.' } as const)
        const answered = { type: 'RESOLUTION_ANSWERED' as const, number: command.number, fixed: command.fixed, liveHandoff: deps.liveHandoff }
        try {
          await deps.tickets.applyIn(tx, command.number, input, { id: `customer:${party.id}` })
          return { ...answered, accepted: true }
        } catch (error) {
          // Staff moved the ticket on (reopened, cancelled) before the customer answered.
          if (error instanceof AppError && error.code === 'conflict') return { ...answered, accepted: false }
          throw error
        }
      }
    }
  }
}
