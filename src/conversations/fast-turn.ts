/**
 * The ordinary turn in two statements. Most messages are answers to the intake's questions:
 * they change the conversation and store the message and its replies, nothing else. For those,
 * instead of a transaction of a dozen statements under the sender's lock:
 *
 * 1. one statement reads everything the turn needs — is this a provider's retry? the identity,
 *    its conversation (snapshot and version), the fixes awaiting an answer — and takes the
 *    sender's unit of the message limit (the same "RateLimit" row rate-limiter-flexible uses);
 * 2. the machine runs in memory;
 * 3. one statement saves: the conversation, only if its version is still the one read (another
 *    turn of the same sender in between, on another instance, makes it retry), and the message
 *    with its replies, atomically. A first message creates the customer the same way.
 *
 * A submitted request costs one statement more, between the two: it reads the ticket's number
 * (tickets/create.ts `prepareTicket`); the saving statement then writes the ticket, its deadlines
 * and event only if the conversation's version still holds (its Slack job regardless: without
 * the ticket it does nothing).
 *
 * Anything else — a provider's retry, a sender over the limit, any other command the machine
 * emits (a hand-off, a code…), a subscription keyword, a complaint — goes the full transactional
 * way in handle.ts, which knows the unit was already taken. Semantics are the same: one sender's
 * turns apply one after another, a retry gets the first answers, the message and its effects
 * commit together.
 */
import { randomUUID } from 'node:crypto'
import type { ConversationEvent, Reply } from '../../flows/conversation.machine.ts'
import { toInputEvent } from '../../flows/input.ts'
import { detectLocale } from '../../flows/locale.ts'
import { productFor, type ListedProduct } from '../../flows/products.ts'
import type { Locale } from '../../flows/locale.ts'
import { identityKey, messageBody, type Inbound, type TurnResult, type Channel } from '../channels/types.ts'
import { Prisma, type PrismaClient } from '../db/client.ts'
import type { RateLimits } from '../http/rate-limits.ts'
import type { BusinessCalendar } from '../tickets/calendar.ts'
import { runTurn, type Command } from './turn.ts'
import { prepareTicket, type NewTicket, type PreparedTicket } from '../tickets/create.ts'
import { createdTicket, newTicket, submissionWrites, type SubmitDeps } from '../tickets/submit.ts'

export interface FastTurnDeps extends Pick<SubmitDeps, 'jobs' | 'logger' | 'serviceValues'> {
  prisma: PrismaClient
  calendar: BusinessCalendar
  limits: RateLimits
  liveHandoff: boolean
  smsSending: boolean
  defaultLocale: Locale
  /** §3.2a: the product catalogue as last loaded. */
  products(): ReadonlyMap<string, ListedProduct>
  /** Complaint words make a turn a complaint: that takes the full path. */
  soundsLikeComplaint(text: string): boolean
}

/** What the full path needs to know when the fast one handed over. */
export interface Handover {
  /** The message limit's unit was taken: the full path must not take another. Its count. */
  counted?: { points: number; limit: number }
}

export type FastOutcome = { done: TurnResult } | { handover: Handover }

interface Loaded {
  duplicate: boolean
  /** The address is known (perhaps without a conversation yet). */
  known: boolean
  party: {
    identityId: string
    customerId: string
    channel: Channel
    reference: unknown
    conversationId: string
    snapshot: unknown
    locale: string
    version: number
  } | null
  awaiting: string[]
  points: number | null
}

class NeedsTransaction extends Error {}

export function fastTurns(deps: FastTurnDeps) {
  const { prisma, calendar } = deps

  async function load(inbound: Inbound): Promise<Loaded> {
    const counter = deps.limits.counter('messages', identityKey(inbound.channel, inbound.address))
    const nowMs = Date.now()
    const [row] = await prisma.$queryRaw<Loaded[]>`
      WITH dup AS (
        SELECT 1 FROM "Message" WHERE channel = ${inbound.channel}::"Channel" AND "providerId" = ${inbound.providerMessageId}
      ), party AS (
        SELECT i.id AS "identityId", i."customerId", i.channel, i.reference, c.id AS "conversationId", c.snapshot, c.locale, c.version
        FROM "ChannelIdentity" i JOIN "Conversation" c ON c."identityId" = i.id
        WHERE i.channel = ${inbound.channel}::"Channel" AND i.address = ${inbound.address}
      ), counted AS (
        INSERT INTO "RateLimit" (key, points, expire)
        SELECT ${counter.storeKey}, 1, ${nowMs + counter.seconds * 1000}::bigint WHERE NOT EXISTS (SELECT 1 FROM dup)
        ON CONFLICT (key) DO UPDATE SET
          points = CASE WHEN "RateLimit".expire <= ${nowMs}::bigint THEN 1 ELSE "RateLimit".points + 1 END,
          expire = CASE WHEN "RateLimit".expire <= ${nowMs}::bigint THEN EXCLUDED.expire ELSE "RateLimit".expire END
        RETURNING points
      )
      SELECT EXISTS (SELECT 1 FROM dup) AS duplicate,
        EXISTS (SELECT 1 FROM "ChannelIdentity" WHERE channel = ${inbound.channel}::"Channel" AND address = ${inbound.address}) AS known,
        (SELECT row_to_json(party) FROM party) AS party,
        COALESCE((SELECT json_agg(t.number ORDER BY t."resolvedAt" DESC) FROM "Ticket" t, party WHERE t."conversationId" = party."conversationId" AND t.status = 'resolved'), '[]'::json) AS awaiting,
        (SELECT points FROM counted) AS points`
    return row!
  }

  type Outcome = Awaited<ReturnType<typeof runTurn>>

  /** The message and its replies, as rows to insert (JSON, in order). */
  function rows(inbound: Inbound, outcome: Outcome, now: Date): string {
    const inboundId = randomUUID()
    return JSON.stringify([
      {
        id: inboundId,
        direction: 'inbound',
        providerId: inbound.providerMessageId,
        body: messageBody(inbound),
        payload: null,
        status: 'received',
        replyToId: null,
        createdAt: inbound.receivedAt.toISOString(),
      },
      ...outcome.replies.map((reply: Reply, index: number) => ({
        id: randomUUID(),
        direction: 'outbound',
        providerId: null,
        body: reply.text,
        payload: reply,
        status: 'replied',
        replyToId: inboundId,
        // Keeps the order of several replies to one message.
        createdAt: new Date(now.getTime() + index).toISOString(),
      })),
    ])
  }

  /** An existing conversation, saved only over the version read; false when it moved on meanwhile. */
  async function save(inbound: Inbound, party: NonNullable<Loaded['party']>, outcome: Outcome, now: Date, writes?: Prisma.Sql): Promise<boolean> {
    const locale = outcome.context.locale
    const reference = inbound.reference ? JSON.stringify(inbound.reference) : null
    const [row] = await prisma.$queryRaw<{ updated: number }[]>`
      WITH upd AS (
        UPDATE "Conversation" SET snapshot = ${JSON.stringify(outcome.snapshot)}::jsonb, state = ${outcome.state}, locale = ${locale},
          version = version + 1, "lastMessageAt" = ${now}, "updatedAt" = ${now}
        WHERE id = ${party.conversationId}::uuid AND version = ${party.version}
        RETURNING id
      )${writes ? Prisma.sql`, gate AS (SELECT id FROM upd), ${writes}` : Prisma.empty}, customer AS (
        UPDATE "Customer" SET locale = ${locale} WHERE id = ${party.customerId}::uuid AND locale <> ${locale} AND EXISTS (SELECT 1 FROM upd) RETURNING id
      ), identity AS (
        UPDATE "ChannelIdentity" SET reference = ${reference}::jsonb
        WHERE id = ${party.identityId}::uuid AND ${reference}::jsonb IS NOT NULL AND reference IS DISTINCT FROM ${reference}::jsonb AND EXISTS (SELECT 1 FROM upd)
        RETURNING id
      ), stored AS (
        INSERT INTO "Message" (id, "conversationId", direction, channel, "providerId", body, payload, status, "replyToId", "createdAt")
        SELECT (m->>'id')::uuid, upd.id, (m->>'direction')::"MessageDirection", ${inbound.channel}::"Channel", m->>'providerId', m->>'body',
          CASE WHEN m->'payload' = 'null'::jsonb THEN NULL ELSE m->'payload' END, (m->>'status')::"MessageStatus", (m->>'replyToId')::uuid, (m->>'createdAt')::timestamp
        FROM upd, jsonb_array_elements(${rows(inbound, outcome, now)}::jsonb) WITH ORDINALITY AS x(m, n)
        ORDER BY n
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM upd)::int AS updated, (SELECT count(*) FROM stored)::int AS stored, (SELECT count(*) FROM customer)::int AS customer, (SELECT count(*) FROM identity)::int AS identity`
    return row!.updated === 1
  }

  /**
   * A first message: the customer, their identity and conversation, and the message, in one
   * statement; false when the same address was created meanwhile (a first message twice at once).
   */
  async function create(inbound: Inbound, customerLocale: Locale, outcome: Outcome, now: Date): Promise<boolean> {
    const reference = inbound.reference ? JSON.stringify(inbound.reference) : null
    try {
      await prisma.$queryRaw`
        WITH customer AS (
          INSERT INTO "Customer" (id, phone, locale) VALUES (${randomUUID()}::uuid, ${inbound.channel === 'sms' || inbound.channel === 'whatsapp' ? inbound.address : null}, ${customerLocale}) RETURNING id
        ), identity AS (
          INSERT INTO "ChannelIdentity" (id, channel, address, "customerId", reference) SELECT ${randomUUID()}::uuid, ${inbound.channel}::"Channel", ${inbound.address}, customer.id, ${reference}::jsonb FROM customer RETURNING id
        ), conversation AS (
          INSERT INTO "Conversation" (id, "identityId", snapshot, state, locale, version, "lastMessageAt", "updatedAt")
          SELECT ${randomUUID()}::uuid, identity.id, ${JSON.stringify(outcome.snapshot)}::jsonb, ${outcome.state}, ${outcome.context.locale}, 1, ${now}, ${now} FROM identity RETURNING id
        )
        INSERT INTO "Message" (id, "conversationId", direction, channel, "providerId", body, payload, status, "replyToId", "createdAt")
        SELECT (m->>'id')::uuid, conversation.id, (m->>'direction')::"MessageDirection", ${inbound.channel}::"Channel", m->>'providerId', m->>'body',
          CASE WHEN m->'payload' = 'null'::jsonb THEN NULL ELSE m->'payload' END, (m->>'status')::"MessageStatus", (m->>'replyToId')::uuid, (m->>'createdAt')::timestamp
        FROM conversation, jsonb_array_elements(${rows(inbound, outcome, now)}::jsonb) WITH ORDINALITY AS x(m, n)
        ORDER BY n`
      return true
    } catch (error) {
      const code = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } }).meta?.driverAdapterError?.cause?.originalCode
      if (code === '23505') return false
      throw error
    }
  }

  return {
    /** The turn in two statements, or what the full path needs to take over. */
    async attempt(inbound: Inbound, now: Date): Promise<FastOutcome> {
      // Keywords that change the subscription, or complaint words, have effects of their own.
      if (inbound.subscription || (inbound.text && deps.soundsLikeComplaint(inbound.text))) return { handover: {} }
      const loaded = await load(inbound)
      const counter = deps.limits.counter('messages', identityKey(inbound.channel, inbound.address))
      const counted = loaded.points === null ? undefined : { points: loaded.points, limit: counter.points }
      // A retry, a sender over the limit, or an address known without a conversation: the full path.
      if (loaded.duplicate || (loaded.known && !loaded.party) || (counted && counted.points > counted.limit)) return { handover: { counted } }
      const party = loaded.party
      // A new customer speaks the language of their first words, else their device's, else ours.
      const customerLocale = inbound.localeHint ?? deps.defaultLocale
      const locale = (party?.locale as Locale | undefined) ?? detectLocale(inbound.text) ?? customerLocale
      const event: ConversationEvent =
        inbound.intent === 'start'
          ? { type: 'START' }
          : toInputEvent(
              inbound.text,
              {
                today: calendar.dayOf(now),
                pending: loaded.awaiting,
                liveHandoff: deps.liveHandoff,
                phoneLinking: inbound.channel !== 'sms' && inbound.channel !== 'whatsapp' && deps.smsSending,
                product: productFor(party?.snapshot, inbound.text, deps.products()),
              },
              inbound.media,
            )
      let outcome: Awaited<ReturnType<typeof runTurn>>
      let submitted: { ticket: PreparedTicket; input: NewTicket } | undefined
      try {
        outcome = await runTurn(party?.snapshot, locale, event, async (command: Command) => {
          // A new request is written with the turn, after one statement that reads its number.
          // Any other command has effects of its own (a hand-off, a code…): the full path does it.
          if (command.type !== 'submitTicket' || !party || submitted) throw new NeedsTransaction()
          const input = newTicket(deps, {
            submission: command.submission,
            customerId: party.customerId,
            conversationId: party.conversationId,
            channel: party.channel,
            channelAddress: inbound.address,
            locale: command.locale,
            actor: `customer:${party.identityId}`,
            at: now,
          })
          submitted = { ticket: await prepareTicket(prisma, input.submission, now, calendar), input }
          return { type: 'TICKET_CREATED', ticket: createdTicket(submitted.ticket), timeZone: calendar.timeZone }
        })
      } catch (error) {
        if (error instanceof NeedsTransaction) return { handover: { counted } }
        throw error
      }
      const writes = submitted && (await submissionWrites(deps, submitted.ticket, submitted.input))
      // Another turn of this sender saved in between (another instance): the full path, under the lock.
      // A ticket read for this turn is then not written (its number stays unused, as after a rollback).
      const saved = party ? await save(inbound, party, outcome, now, writes) : await create(inbound, outcome.context.locale !== locale ? outcome.context.locale : customerLocale, outcome, now)
      if (!saved) return { handover: { counted } }
      if (submitted) deps.logger.info({ ticket: submitted.ticket.number, channel: inbound.channel }, 'ticket submitted')
      return { done: { replies: outcome.replies, duplicate: false, locale: outcome.context.locale } }
    },
  }
}

export type FastTurns = ReturnType<typeof fastTurns>
