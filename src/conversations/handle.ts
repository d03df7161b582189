/**
 * The one path every inbound message takes, whatever its channel: under a per-sender lock,
 * drop a provider's retry (same message id → same answers), find or create the customer,
 * run the conversation's turn, carry out its commands, and store everything in one
 * transaction. A turn that fails in our code still stores the message and answers the
 * customer; only a database failure propagates.
 */
import { randomUUID } from 'node:crypto'
import type { ConversationEvent, Reply } from '../../flows/conversation.machine.ts'
import { copyFor } from '../../flows/copy.ts'
import { toInputEvent } from '../../flows/input.ts'
import { detectLocale, type Locale } from '../../flows/locale.ts'
import type { Inbound, TurnResult } from '../channels/types.ts'
import type { Clock } from '../clock.ts'
import { Prisma, type PrismaClient, type Tx } from '../db/client.ts'
import type { Logger } from '../logger.ts'
import type { BusinessCalendar } from '../tickets/calendar.ts'
import { createTicket } from '../tickets/create.ts'
import { FINISHED_STATUSES, openTicketsOf } from '../tickets/queries.ts'
import type { TicketService } from '../tickets/apply.ts'
import { AppError } from '../errors.ts'
import { QUEUES, type JobQueue } from '../jobs/queue.ts'
import { alertStaff } from '../staff/alerts.ts'
import type { ServiceType } from '../../flows/service-types.ts'
import { runTurn, type Command } from './turn.ts'

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
}

export interface Conversations {
  handle(inbound: Inbound): Promise<TurnResult>
}

/** A customer asking for a person again within this time does not alert staff again. */
const HANDOFF_REALERT_MS = 30 * 60_000

/** Generous: a turn waits its turn behind the same sender's earlier messages. */
const TRANSACTION = { maxWait: 10_000, timeout: 20_000 }

type Party = Awaited<ReturnType<typeof findOrCreateParty>>

async function findOrCreateParty(tx: Tx, inbound: Inbound, defaultLocale: Locale) {
  const existing = await tx.channelIdentity.findUnique({
    where: { channel_address: { channel: inbound.channel, address: inbound.address } },
    include: { conversation: true },
  })
  if (existing?.conversation) return { ...existing, conversation: existing.conversation }
  const identity =
    existing ??
    (await tx.channelIdentity.create({
      data: {
        channel: inbound.channel,
        address: inbound.address,
        customer: { create: { phone: inbound.channel === 'sms' ? inbound.address : null, locale: defaultLocale } },
      },
    }))
  const customer = await tx.customer.findUniqueOrThrow({ where: { id: identity.customerId }, select: { locale: true } })
  // A first message such as 人工 or 帮助 is a command, not an answer, but it still shows the language.
  const locale = existing ? customer.locale : (detectLocale(inbound.text) ?? customer.locale)
  const conversation = await tx.conversation.create({ data: { identityId: identity.id, locale } })
  return { ...identity, conversation }
}

const stored = (reply: Reply) => ({ body: reply.text, payload: reply as unknown as Prisma.InputJsonValue })

export function createConversations(deps: ConversationDeps): Conversations {
  const { prisma, clock, logger, calendar } = deps

  /** Carries out one command of the machine inside the turn's transaction. */
  async function execute(tx: Tx, party: Party, command: Command, now: Date): Promise<ConversationEvent | undefined> {
    switch (command.type) {
      case 'submitTicket': {
        const ticket = await createTicket(
          tx,
          {
            submission: command.submission,
            customerId: party.customerId,
            conversationId: party.conversation.id,
            channel: party.channel,
            channelAddress: party.address,
            locale: command.locale,
            actor: `customer:${party.id}`,
            at: now,
            serviceValue: deps.serviceValues[command.submission.serviceType],
          },
          calendar,
        )
        await deps.jobs.send(QUEUES.slackSync, { ticketId: ticket.id }, { tx, singletonKey: ticket.id })
        logger.info({ ticket: ticket.number, channel: party.channel }, 'ticket submitted')
        const due = (kind: string) => ticket.deadlines.find((deadline) => deadline.kind === kind)?.dueAt.toISOString() ?? null
        return {
          type: 'TICKET_CREATED',
          ticket: { number: ticket.number, responseDueAt: due('response')!, installationDueAt: due('installation'), warrantyOf: ticket.warrantyOf?.number ?? null },
          timeZone: calendar.timeZone,
        }
      }
      case 'listTickets':
        return { type: 'STATUS_RESULT', tickets: await openTicketsOf(tx, party.customerId), timeZone: calendar.timeZone }
      case 'requestHandoff': {
        // Asking twice in a row is one request: staff hear of it once per half hour at most.
        const recent = party.conversation.handoffRequestedAt && now.getTime() - party.conversation.handoffRequestedAt.getTime() < HANDOFF_REALERT_MS
        await tx.conversation.update({ where: { id: party.conversation.id }, data: { handoffRequestedAt: now, handoffReason: command.reason } })
        if (recent) return undefined
        const latest = await tx.ticket.findFirst({ where: { customerId: party.customerId, status: { notIn: [...FINISHED_STATUSES] } }, orderBy: { createdAt: 'desc' }, select: { id: true } })
        await alertStaff(tx, deps.jobs, latest?.id ?? null, { kind: 'handoff_requested', channel: party.channel, address: party.address })
        logger.info({ conversation: party.conversation.id }, 'hand-off requested')
        return undefined
      }
      case 'answerResolution': {
        const input = command.fixed ? ({ action: 'confirm' } as const) : ({ action: 'reject', reason: 'The customer replied that it is not fixed.' } as const)
        try {
          await deps.tickets.applyIn(tx, command.number, input, { id: `customer:${party.id}` })
          return { type: 'RESOLUTION_ANSWERED', number: command.number, fixed: command.fixed, accepted: true }
        } catch (error) {
          // Staff moved the ticket on (reopened, cancelled) before the customer answered.
          if (error instanceof AppError && error.code === 'conflict') return { type: 'RESOLUTION_ANSWERED', number: command.number, fixed: command.fixed, accepted: false }
          throw error
        }
      }
    }
  }

  /** Records the message and its answers in one statement; returns the answers. */
  async function store(tx: Tx, party: Party, inbound: Inbound, replies: Reply[], now: Date, locale: Locale): Promise<TurnResult> {
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
          body: inbound.intent === 'start' ? '[opened the chat]' : inbound.text,
          status: 'received',
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
    // Serialises turns of one sender across requests and across instances.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`${inbound.channel}:${inbound.address}`}, 0))`
    const earlier = await tx.message.findUnique({
      where: { channel_providerId: { channel: inbound.channel, providerId: inbound.providerMessageId } },
      select: { replies: { orderBy: { createdAt: 'asc' }, select: { body: true, payload: true } }, conversation: { select: { locale: true } } },
    })
    if (!earlier) return undefined
    return {
      replies: earlier.replies.map((reply) => (reply.payload as unknown as Reply | null) ?? { text: reply.body }),
      duplicate: true,
      locale: earlier.conversation.locale as Locale,
    }
  }

  async function turn(inbound: Inbound): Promise<TurnResult> {
    return prisma.$transaction(async (tx) => {
      const duplicate = await lockAndFindDuplicate(tx, inbound)
      if (duplicate) return duplicate
      const now = clock.now()
      const party = await findOrCreateParty(tx, inbound, inbound.localeHint ?? deps.defaultLocale)
      const locale = party.conversation.locale as Locale

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

      const awaiting = await tx.ticket.findMany({ where: { conversationId: party.conversation.id, status: 'resolved' }, orderBy: { resolvedAt: 'desc' }, select: { number: true } })
      if (inbound.reference) await tx.channelIdentity.update({ where: { id: party.id }, data: { reference: inbound.reference as Prisma.InputJsonValue } })
      const event: ConversationEvent = inbound.intent === 'start' ? { type: 'START' } : toInputEvent(inbound.text, calendar.dayOf(now), awaiting.map((ticket) => ticket.number))
      const outcome = await runTurn(party.conversation.snapshot, locale, event, (command) => execute(tx, party, command, now))
      await tx.conversation.update({
        where: { id: party.conversation.id },
        data: {
          snapshot: outcome.snapshot as Prisma.InputJsonValue,
          state: outcome.state,
          locale: outcome.context.locale,
          version: { increment: 1 },
          lastMessageAt: now,
        },
      })
      if (outcome.context.locale !== locale) {
        await tx.customer.update({ where: { id: party.customerId }, data: { locale: outcome.context.locale } })
      }
      logger.debug({ conversation: party.conversation.id, text: inbound.text, replies: outcome.replies.map((reply) => reply.text) }, 'turn')
      return store(tx, party, inbound, outcome.replies, now, outcome.context.locale)
    }, TRANSACTION)
  }

  /** After a failed turn: keep the message, reset the conversation, apologise. */
  async function recover(inbound: Inbound, failure: unknown): Promise<TurnResult> {
    logger.error({ err: failure, channel: inbound.channel }, 'conversation turn failed; resetting the conversation')
    return prisma.$transaction(async (tx) => {
      const duplicate = await lockAndFindDuplicate(tx, inbound)
      if (duplicate) return duplicate
      const now = clock.now()
      const party = await findOrCreateParty(tx, inbound, deps.defaultLocale)
      await tx.conversation.update({
        where: { id: party.conversation.id },
        data: { snapshot: Prisma.DbNull, state: 'idle', version: { increment: 1 }, lastMessageAt: now },
      })
      const locale = party.conversation.locale as Locale
      return store(tx, party, inbound, [{ text: copyFor(locale).turnFailed }], now, locale)
    }, TRANSACTION)
  }

  return {
    async handle(inbound) {
      try {
        return await turn(inbound)
      } catch (failure) {
        if (isDatabaseUnavailable(failure)) throw failure
        return recover(inbound, failure)
      }
    },
  }
}

/** Connection-level failures: nothing can be stored, so the provider must hear an error. */
function isDatabaseUnavailable(error: unknown): boolean {
  const code = (error as { code?: string })?.code
  return (
    error instanceof Prisma.PrismaClientInitializationError ||
    code === 'ECONNREFUSED' ||
    code === 'P1001' ||
    code === 'P1017' ||
    code === 'P2024' ||
    code === 'P2028'
  )
}
