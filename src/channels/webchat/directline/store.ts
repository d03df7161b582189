/**
 * The built-in Direct Line's state, in PostgreSQL so that any instance can serve any visitor and
 * a visitor coming back days later finds their conversation: conversations with a hashed bearer
 * token each, and every activity in order (its row id is the watermark).
 */
import { createHash, randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { Clock } from '../../../clock.ts'
import type { PrismaClient } from '../../../db/client.ts'

/** A visitor who comes back within this long continues the same conversation. */
export const CONVERSATION_LIFETIME_MS = 7 * 24 * 3_600_000
/** A token's life, as Azure's Direct Line gives it; clients refresh well before. */
export const TOKEN_EXPIRES_IN_SECONDS = 1800
/** After a refresh the old token still works this long (requests already on their way). */
export const REFRESH_GRACE_MS = 60_000
/** A conversation in which the visitor never sent a message is purged after this long. */
export const UNUSED_CONVERSATION_MS = 3_600_000

export type Activity = Record<string, unknown> & { type: string; id?: string }

const hash = (token: string) => createHash('sha256').update(token).digest('hex')
const newId = (bytes: number) => randomBytes(bytes).toString('base64url')

export interface DirectLineConversationRecord {
  id: string
  userId: string
  locale: string | null
  expiresAt: Date
}

export interface StoredActivity {
  activity: Activity
  watermark: string
}

export function activityId(conversationId: string, rowId: bigint): string {
  return `${conversationId}|${rowId.toString().padStart(7, '0')}`
}

const conversationFields = { id: true, userId: true, locale: true, expiresAt: true } as const

export class DirectLineStore {
  /** Emits `appended` with the conversation id when this process appended an activity (streams listen). */
  readonly appended = new EventEmitter().setMaxListeners(0)

  constructor(
    private readonly prisma: PrismaClient,
    private readonly clock: Clock,
  ) {}

  /** A bearer token for a conversation, valid TOKEN_EXPIRES_IN_SECONDS (shown once, stored hashed). */
  private async issueToken(conversationId: string): Promise<string> {
    const token = newId(32)
    await this.prisma.directLineToken.create({ data: { hash: hash(token), conversationId, expiresAt: new Date(this.clock.now().getTime() + TOKEN_EXPIRES_IN_SECONDS * 1000) } })
    return token
  }

  /**
   * A new conversation for a visitor: its first token, and the key the page keeps to resume it
   * later. The visitor's id is ours to choose; nothing a client sends decides who it is.
   */
  async create(locale: string | undefined): Promise<{ conversation: DirectLineConversationRecord; token: string; resumeKey: string }> {
    const resumeKey = newId(32)
    const now = this.clock.now()
    const conversation = await this.prisma.directLineConversation.create({
      data: { id: newId(18), userId: `web_${newId(12)}`, resumeKeyHash: hash(resumeKey), locale: locale ?? null, createdAt: now, expiresAt: new Date(now.getTime() + CONVERSATION_LIFETIME_MS) },
      select: conversationFields,
    })
    return { conversation, token: await this.issueToken(conversation.id), resumeKey }
  }

  /** The page comes back: a fresh token for its conversation, if the key is right and the conversation lives. */
  async resume(conversationId: string, resumeKey: string): Promise<{ conversation: DirectLineConversationRecord; token: string } | undefined> {
    const conversation = await this.prisma.directLineConversation.findUnique({ where: { resumeKeyHash: hash(resumeKey) }, select: conversationFields })
    if (!conversation || conversation.id !== conversationId || conversation.expiresAt <= this.clock.now()) return undefined
    return { conversation, token: await this.issueToken(conversation.id) }
  }

  /** The live conversation a live token opens, extending its life; undefined if unknown or expired. */
  async authenticate(token: string): Promise<DirectLineConversationRecord | undefined> {
    const now = this.clock.now()
    const found = await this.prisma.directLineToken.findUnique({ where: { hash: hash(token) }, select: { expiresAt: true, conversation: { select: conversationFields } } })
    if (!found || found.expiresAt <= now || found.conversation.expiresAt <= now) return undefined
    const conversation = found.conversation
    const expiresAt = new Date(now.getTime() + CONVERSATION_LIFETIME_MS)
    // Writing on every poll would be wasteful: extend once the lifetime is a day shorter.
    if (expiresAt.getTime() - conversation.expiresAt.getTime() > 24 * 3_600_000) {
      await this.prisma.directLineConversation.update({ where: { id: conversation.id }, data: { expiresAt } })
      conversation.expiresAt = expiresAt
    }
    return conversation
  }

  /** A new token for the conversation of a live one; the old one ends after a short grace. */
  async refresh(token: string): Promise<{ conversation: DirectLineConversationRecord; token: string } | undefined> {
    const conversation = await this.authenticate(token)
    if (!conversation) return undefined
    const graceEnd = new Date(this.clock.now().getTime() + REFRESH_GRACE_MS)
    await this.prisma.directLineToken.updateMany({ where: { hash: hash(token), expiresAt: { gt: graceEnd } }, data: { expiresAt: graceEnd } })
    return { conversation, token: await this.issueToken(conversation.id) }
  }

  /**
   * Deletes what is kept no longer: conversations past their lifetime, conversations whose
   * visitor never sent a message (after an hour), expired tokens. Returns how many conversations went.
   */
  async purge(): Promise<number> {
    const now = this.clock.now()
    await this.prisma.directLineToken.deleteMany({ where: { expiresAt: { lt: now } } })
    const expired = await this.prisma.directLineConversation.deleteMany({ where: { expiresAt: { lt: now } } })
    const unused = await this.prisma.$executeRaw`
      DELETE FROM "DirectLineConversation" c
      WHERE c."createdAt" < ${new Date(now.getTime() - UNUSED_CONVERSATION_MS)}
        AND NOT EXISTS (SELECT 1 FROM "DirectLineActivity" a WHERE a."conversationId" = c.id AND NOT a."fromBot" AND a.activity->>'type' = 'message')`
    return expired.count + unused
  }

  /** Something was said in it already (the page's join event at least). */
  async started(conversationId: string): Promise<boolean> {
    return (await this.prisma.directLineActivity.findFirst({ where: { conversationId }, select: { id: true } })) !== null
  }

  exists(conversationId: string): Promise<boolean> {
    return this.prisma.directLineConversation.count({ where: { id: conversationId } }).then((count) => count > 0)
  }

  /**
   * Appends an activity, giving it its id and timestamp. A client activity already posted
   * (same clientActivityID) is not appended again: the first one's id comes back, `duplicate`.
   */
  async append(conversationId: string, activity: Activity, options: { fromBot: boolean; clientActivityId?: string }): Promise<{ activity: Activity; duplicate: boolean }> {
    if (options.clientActivityId) {
      const earlier = await this.prisma.directLineActivity.findUnique({
        where: { conversationId_clientActivityId: { conversationId, clientActivityId: options.clientActivityId } },
        select: { activity: true },
      })
      if (earlier) return { activity: earlier.activity as Activity, duplicate: true }
    }
    const timestamp = this.clock.now().toISOString()
    try {
      // One statement: the row's id (the watermark) goes into the activity as it is written.
      const [row] = await this.prisma.$queryRaw<{ activity: Activity }[]>`
        WITH next AS (SELECT nextval(pg_get_serial_sequence('"DirectLineActivity"', 'id')) AS id)
        INSERT INTO "DirectLineActivity" (id, "conversationId", "clientActivityId", "fromBot", activity, "createdAt")
        SELECT next.id, ${conversationId}, ${options.clientActivityId ?? null}, ${options.fromBot},
          ${JSON.stringify({ ...activity, timestamp, conversation: { id: conversationId } })}::jsonb || jsonb_build_object('id', ${conversationId} || '|' || lpad(next.id::text, 7, '0')),
          ${new Date(timestamp)}
        FROM next
        RETURNING activity`
      this.appended.emit('appended', conversationId)
      return { activity: row!.activity, duplicate: false }
    } catch (error) {
      const code =
        (error as { code?: string; meta?: { driverAdapterError?: { cause?: { originalCode?: string } } } }).meta?.driverAdapterError?.cause?.originalCode ?? (error as { code?: string }).code
      // Two deliveries of the same client activity raced: the other one won.
      if ((code === 'P2002' || code === '23505') && options.clientActivityId) return this.append(conversationId, activity, options)
      if (code === '23503') throw Object.assign(new Error(`no Direct Line conversation ${conversationId}`), { code: 'P2003' })
      throw error
    }
  }

  /** The files received for an upload (by its message key), in order. */
  attachmentsOf(messageId: string) {
    return this.prisma.attachment.findMany({
      where: { channel: 'webchat', providerMessageId: messageId },
      orderBy: { position: 'asc' },
      select: { id: true, status: true, contentType: true, position: true },
    })
  }

  /** Activities after a watermark (all of them for an empty one), and the new watermark. */
  async after(conversationId: string, watermark: string | undefined): Promise<{ activities: Activity[]; watermark: string }> {
    const from = watermark && /^\d+$/.test(watermark) ? BigInt(watermark) : 0n
    const rows = await this.prisma.directLineActivity.findMany({
      where: { conversationId, id: { gt: from } },
      orderBy: { id: 'asc' },
      take: 500,
      select: { id: true, activity: true },
    })
    return { activities: rows.map((row) => row.activity as Activity), watermark: (rows.at(-1)?.id ?? from).toString() }
  }
}
