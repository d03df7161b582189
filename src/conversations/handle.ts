/**
 * The one path every inbound message takes, whatever its channel: under a per-sender lock,
 * drop a provider's retry (same message id → same answers), find or create the customer,
 * run the conversation's turn, carry out its commands, and store everything in one
 * transaction. A turn that fails in our code still stores the message and answers the
 * customer; only a database failure propagates.
 *
 * Events that do not come from the customer (staff ending a hand-off, a hand-off nobody
 * answered) take the same lock and turn; their replies go out through the outbox.
 */
import { randomUUID } from 'node:crypto'
import type { ConversationEvent, Reply } from '../../flows/conversation.machine.ts'
import { copyFor } from '../../flows/copy.ts'
import { toInputEvent } from '../../flows/input.ts'
import { detectLocale, type Locale } from '../../flows/locale.ts'
import { productFor, type ListedProduct } from '../../flows/products.ts'
import type { ServiceType } from '../../flows/service-types.ts'
import type { Inbound, TurnResult } from '../channels/types.ts'
import type { Clock } from '../clock.ts'
import { Prisma, type PrismaClient, type Tx } from '../db/client.ts'
import type { JobQueue } from '../jobs/queue.ts'
import type { Logger } from '../logger.ts'
import { queueMessage, type MessageKind } from '../notifications/outbox.ts'
import { alertStaff } from '../staff/alerts.ts'
import type { TicketService } from '../tickets/apply.ts'
import type { BusinessCalendar } from '../tickets/calendar.ts'
import { commandRunner, type Origin } from './commands.ts'
import { identityKey, messageBody } from '../channels/types.ts'
import type { RateLimits } from '../http/rate-limits.ts'
import { openComplaint, soundsLikeComplaint } from '../complaints/service.ts'
import { findOrCreateParty, lockSender, partyOfConversation, senderKey, type Party } from './party.ts'
import { createSenderQueue } from './sender-queue.ts'
import { fastTurns, type Handover } from './fast-turn.ts'
import { isDatabaseUnavailable } from '../db/errors.ts'
import { AppError } from '../errors.ts'
import type { Metrics } from '../observability/metrics.ts'
import { runTurn } from './turn.ts'

export interface ConversationDeps {
  prisma: PrismaClient
  clock: Clock
  logger: Logger
  calendar: BusinessCalendar
  defaultLocale: Locale
  jobs: JobQueue
  tickets: TicketService
  /** §4.1b: price list per service type, copied onto each new ticket. */
  serviceValues: Record<ServiceType, number>
  /** Staff can take conversations over live (Slack is configured). */
  liveHandoff: boolean
  /** A hand-off no staff member has answered within this long is escalated. */
  handoffTimeoutMs: number
  /** Proactive SMS is configured (verification codes can be sent). */
  smsSending: boolean
  /** §3.3d: words that make a message a complaint. */
  complaintKeywords: string[]
  recordFeedback(tx: Tx, number: string, input: { rating?: number; comment?: string | null }, actor: string): Promise<void>
  metrics?: Metrics
  /** Messages per identity, hand-offs, verification codes. */
  limits: RateLimits
  linkCountryCodes: string[]
  /** A signed link to a customer's file, for staff. */
  mediaUrl?(id: string): string
  /** §3.2a: the product catalogue as last loaded (empty: models are not checked). */
  products(): ReadonlyMap<string, ListedProduct>
}

export interface Conversations {
  handle(inbound: Inbound): Promise<TurnResult>
  /** Staff give a handed-off conversation back to the bot. False if it was not handed off. */
  endHandoff(conversationId: string, by: string): Promise<boolean>
  /** Escalates live hand-offs that nobody answered in time; returns how many. */
  escalateUnansweredHandoffs(): Promise<number>
  /** Raises an event from our side in a conversation, inside the caller's transaction; replies go out through the outbox. */
  raise(tx: Tx, conversationId: string, event: ConversationEvent, now: Date, kind: MessageKind): Promise<unknown>
}

/**
 * The conversation moved on between reading and saving (a turn of the same sender on another
 * instance): the work is done again from the start. SQLSTATE 40001 so that, should it escape,
 * callers treat it as what it is, a transient conflict (503, try again).
 */
export class ConversationChanged extends Error {
  readonly code = '40001'
  constructor() {
    super('the conversation changed meanwhile; try again')
  }
}

/** A turn's transaction: waiting for a connection, and running (behind another instance's turn for the same sender, at worst). */
const TRANSACTION = { maxWait: 10_000, timeout: 20_000 }
/**
 * More than anyone types while their earlier messages are processed (a turn takes milliseconds);
 * beyond it a sender's messages are answered 503 at once, without processing, and the provider
 * retries them later. Keeps one flooding sender's queue, and its CPU, small.
 */
const MAX_QUEUED_PER_SENDER = 20

const stored = (reply: Reply) => ({ body: reply.text, payload: reply as unknown as Prisma.InputJsonValue })

export function createConversations(deps: ConversationDeps): Conversations {
  const { prisma, clock, logger, calendar } = deps
  const execute = commandRunner(deps)
  const senders = createSenderQueue({ maxPerSender: MAX_QUEUED_PER_SENDER })
  const fastPath = fastTurns({
    prisma,
    calendar,
    limits: deps.limits,
    liveHandoff: deps.liveHandoff,
    smsSending: deps.smsSending,
    defaultLocale: deps.defaultLocale,
    soundsLikeComplaint: (text) => soundsLikeComplaint(text, deps.complaintKeywords),
    products: deps.products,
    jobs: deps.jobs,
    logger,
    serviceValues: deps.serviceValues,
  })

  /** Records the message and its answers in one statement; returns the answers. */
  async function store(tx: Tx, party: Party, inbound: Inbound, replies: Reply[], now: Date, locale: Locale, status: 'received' | 'throttled' = 'received'): Promise<TurnResult> {
    const inboundId = randomUUID()
    const conversationId = party.conversation.id
    await tx.message.createMany({
      data: [
        {
          id: inboundId,
          conversationId,
          direction: 'inbound',
          channel: inbound.channel,
          providerId: inbound.providerMessageId,
          body: messageBody(inbound),
          status,
          createdAt: inbound.receivedAt,
        },
        ...replies.map((reply, index) => ({
          conversationId,
          direction: 'outbound' as const,
          channel: inbound.channel,
          status: 'replied' as const,
          replyToId: inboundId,
          // Keeps the order of several replies to one message.
          createdAt: new Date(now.getTime() + index),
          ...stored(reply),
        })),
      ],
    })
    return { replies, duplicate: false, locale }
  }

  async function lockAndFindDuplicate(tx: Tx, inbound: Inbound): Promise<TurnResult | undefined> {
    await lockSender(tx, inbound.channel, inbound.address)
    const earlier = await tx.message.findUnique({
      where: { channel_providerId: { channel: inbound.channel, providerId: inbound.providerMessageId } },
      select: { replies: { orderBy: [{ createdAt: 'asc' }, { seq: 'asc' }], select: { body: true, payload: true } }, conversation: { select: { locale: true } } },
    })
    if (!earlier) return undefined
    return {
      replies: earlier.replies.map((reply) => (reply.payload as unknown as Reply | null) ?? { text: reply.body }),
      duplicate: true,
      locale: earlier.conversation.locale as Locale,
    }
  }

  /** Runs one event through the conversation and saves where it stands. */
  async function advance(tx: Tx, party: Party, event: ConversationEvent, now: Date, origin?: Origin) {
    const locale = party.conversation.locale as Locale
    const outcome = await runTurn(party.conversation.snapshot, locale, event, (command) => execute(tx, party, command, now, origin))
    // Only over the version read: an ordinary turn (fast-turn.ts) takes no lock, and may have saved meanwhile.
    const saved = await tx.conversation.updateMany({
      where: { id: party.conversation.id, version: party.conversation.version },
      data: { snapshot: outcome.snapshot as Prisma.InputJsonValue, state: outcome.state, locale: outcome.context.locale, version: { increment: 1 }, lastMessageAt: now },
    })
    if (saved.count !== 1) throw new ConversationChanged()
    if (outcome.context.locale !== locale) await tx.customer.update({ where: { id: party.customerId }, data: { locale: outcome.context.locale } })
    return outcome
  }

  async function turn(inbound: Inbound, handover: Handover = {}): Promise<TurnResult & { throttled?: boolean }> {
    return prisma.$transaction(async (tx) => {
      const duplicate = await lockAndFindDuplicate(tx, inbound)
      if (duplicate) return duplicate
      const now = clock.now()
      const party = await findOrCreateParty(tx, inbound, inbound.localeHint ?? deps.defaultLocale)
      const locale = party.conversation.locale as Locale
      // A provider's retry (above) is not a new message; a new one counts against the sender's limit.
      const key = identityKey(inbound.channel, inbound.address)
      // The fast path may have taken this message's unit already.
      const allowed = handover.counted ? handover.counted.points <= handover.counted.limit : (await deps.limits.take('messages', key)).ok
      if (!allowed) {
        // Kept, not processed; the customer hears once per window that they are going too fast.
        const notice = await deps.limits.take('messagesNotice', key)
        logger.warn({ identity: party.id, channel: inbound.channel }, 'message over the rate limit: stored, not processed')
        return { ...(await store(tx, party, inbound, notice.ok ? [{ text: copyFor(locale).tooFast }] : [], now, locale, 'throttled')), throttled: true }
      }

      if (inbound.subscription) {
        const optedOut = inbound.subscription === 'opt_out'
        await tx.channelIdentity.update({ where: { id: party.id }, data: { optedOutAt: optedOut ? now : null } })
        await tx.conversation.update({ where: { id: party.conversation.id }, data: { lastMessageAt: now } })
        logger.info({ identity: party.id, optedOut }, 'subscription changed')
        // Answer in the language of the keyword itself: 停止 gets Chinese whatever came before.
        const replyLocale = detectLocale(inbound.text) ?? locale
        const copy = copyFor(replyLocale)
        return store(tx, party, inbound, [{ text: optedOut ? copy.optedOut : copy.optedIn }], now, replyLocale)
      }

      if (inbound.reference) await tx.channelIdentity.update({ where: { id: party.id }, data: { reference: inbound.reference as Prisma.InputJsonValue } })
      const awaiting = await tx.ticket.findMany({ where: { conversationId: party.conversation.id, status: 'resolved' }, orderBy: { resolvedAt: 'desc' }, select: { number: true } })
      const event: ConversationEvent =
        inbound.intent === 'start'
          ? { type: 'START' }
          : toInputEvent(
              inbound.text,
              {
                today: calendar.dayOf(now),
                pending: awaiting.map((ticket) => ticket.number),
                liveHandoff: deps.liveHandoff,
                // On SMS the number is already the identity; elsewhere it needs SMS to send the code.
                phoneLinking: party.channel !== 'sms' && party.channel !== 'whatsapp' && deps.smsSending,
                product: productFor(party.conversation.snapshot, inbound.text, deps.products()),
              },
              inbound.media,
            )
      const outcome = await advance(tx, party, event, now, { clientIp: inbound.clientIp, message: { channel: inbound.channel, providerMessageId: inbound.providerMessageId } })
      if (event.type === 'TEXT' && soundsLikeComplaint(inbound.text, deps.complaintKeywords)) {
        const ticket = await tx.ticket.findFirst({ where: { customerId: party.customerId }, orderBy: { createdAt: 'desc' }, select: { id: true } })
        await openComplaint(tx, deps.jobs, {
          customerId: party.customerId,
          ticketId: ticket?.id ?? null,
          conversationId: party.conversation.id,
          source: 'keywords',
          text: inbound.text,
          actor: `customer:${party.id}`,
          at: now,
        })
      }
      logger.debug({ conversation: party.conversation.id, text: inbound.text, replies: outcome.replies.map((reply) => reply.text) }, 'turn')
      return store(tx, party, inbound, outcome.replies, now, outcome.context.locale)
    }, TRANSACTION)
  }

  /** After a bug in our turn logic (never a database failure): keep the message, reset the conversation, apologise. */
  async function recover(inbound: Inbound, failure: unknown): Promise<TurnResult> {
    logger.error({ err: failure, channel: inbound.channel }, 'conversation turn failed in our code; resetting the conversation')
    return prisma.$transaction(async (tx) => {
      const duplicate = await lockAndFindDuplicate(tx, inbound)
      if (duplicate) return duplicate
      const now = clock.now()
      const party = await findOrCreateParty(tx, inbound, deps.defaultLocale)
      await tx.conversation.update({
        where: { id: party.conversation.id },
        data: { snapshot: Prisma.DbNull, state: 'idle', version: { increment: 1 }, lastMessageAt: now, handoffActive: false },
      })
      const locale = party.conversation.locale as Locale
      return store(tx, party, inbound, [{ text: copyFor(locale).turnFailed }], now, locale)
    }, TRANSACTION)
  }

  /** An event from our side (not the customer's): the replies are queued like notifications. */
  async function systemEvent(tx: Tx, conversationId: string, event: ConversationEvent, now: Date, change: Prisma.ConversationUpdateInput, kind: MessageKind = 'bot_message') {
    const identity = await partyOfConversation(tx, conversationId)
    await lockSender(tx, identity.channel, identity.address)
    // Read again under the lock: a customer's turn may have just finished.
    const party = await partyOfConversation(tx, conversationId)
    await tx.conversation.update({ where: { id: conversationId }, data: change })
    const outcome = await advance(tx, party, event, now)
    for (const [index, reply] of outcome.replies.entries()) {
      await queueMessage(tx, { conversationId, channel: party.channel, kind, ticketId: null, reply, at: new Date(now.getTime() + index) })
    }
    return party
  }

  return {
    raise: (tx, conversationId, event, now, kind) => systemEvent(tx, conversationId, event, now, {}, kind),

    async handle(inbound) {
      const started = performance.now()
      let outcome = 'unavailable'
      try {
        return await senders.run(senderKey(inbound.channel, inbound.address), async () => {
          try {
            const fast = await fastPath.attempt(inbound, clock.now())
            if ('done' in fast) {
              outcome = 'ok'
              return fast.done
            }
            const result = await turn(inbound, fast.handover).catch((error: unknown) => {
              // Another instance's turn of this sender saved in between: once more, under the lock.
              if (error instanceof ConversationChanged) return turn(inbound, fast.handover)
              throw error
            })
            outcome = result.duplicate ? 'duplicate' : result.throttled ? 'throttled' : 'ok'
            return result
          } catch (failure) {
            // The database went away mid-turn: nothing was stored, the conversation is as it was.
            // The caller answers 503 and the provider's retry continues where the customer was.
            if (isDatabaseUnavailable(failure)) throw failure
            const result = await recover(inbound, failure)
            outcome = 'reset'
            return result
          }
        })
      } catch (error) {
        if (error instanceof AppError && error.code === 'unavailable' && !isDatabaseUnavailable(error)) outcome = 'refused'
        throw error
      } finally {
        deps.metrics?.turns.inc({ channel: inbound.channel, outcome })
        deps.metrics?.turnSeconds.observe({ channel: inbound.channel }, (performance.now() - started) / 1000)
      }
    },

    async endHandoff(conversationId, by) {
      return prisma.$transaction(async (tx) => {
        const conversation = await tx.conversation.findUnique({ where: { id: conversationId }, select: { handoffActive: true } })
        if (!conversation?.handoffActive) return false
        const now = clock.now()
        await systemEvent(tx, conversationId, { type: 'HANDOFF_ENDED' }, now, { handoffActive: false, handoffEndedAt: now })
        logger.info({ conversation: conversationId, by }, 'hand-off ended; the bot has the conversation again')
        return true
      }, TRANSACTION)
    },

    async escalateUnansweredHandoffs() {
      const now = clock.now()
      const overdue = await prisma.conversation.findMany({
        where: { handoffActive: true, handoffAnsweredAt: null, handoffEscalatedAt: null, handoffRequestedAt: { lte: new Date(now.getTime() - deps.handoffTimeoutMs) } },
        select: { id: true },
        take: 100,
      })
      for (const { id } of overdue) {
        await prisma.$transaction(async (tx) => {
          const party = await systemEvent(tx, id, { type: 'HANDOFF_DELAYED' }, now, { handoffEscalatedAt: now })
          const ticket = await tx.ticket.findFirst({ where: { customerId: party.customerId, slackTs: { not: null } }, orderBy: { createdAt: 'desc' }, select: { id: true } })
          await alertStaff(
            tx,
            deps.jobs,
            ticket?.id ?? null,
            { kind: 'handoff_unanswered', channel: party.channel, address: party.address, minutes: Math.round(deps.handoffTimeoutMs / 60_000) },
            { conversationId: id },
          )
        }, TRANSACTION)
      }
      if (overdue.length) logger.warn({ count: overdue.length }, 'unanswered hand-offs escalated')
      return overdue.length
    },
  }
}
