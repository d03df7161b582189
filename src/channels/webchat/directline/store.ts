/**
 * The built-in Direct Line's state, in PostgreSQL so that any instance can serve any visitor and
 * a visitor coming back days later finds their conversation: conversations with a hashed bearer
 * token each, and every activity in order (its row id is the watermark).
 */
import { createHash, randomBytes } from 'node:crypto'
import { EventEmitter } from 'node:events'
import type { Clock } from '../../../clock.ts'
import type { Prisma, PrismaClient } from '../../../db/client.ts'

/** A visitor who comes back within this long continues the same conversation. */
export const CONVERSATION_LIFETIME_MS = 7 * 24 * 3_600_000
/** What we tell clients; they refresh at half of it (the token stays valid as long as the conversation). */
export const TOKEN_EXPIRES_IN_SECONDS = 1800

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

export class DirectLineStore {
  /** Emits `appended` with the conversation id when this process appended an activity (streams listen). */
  readonly appended = new EventEmitter().setMaxListeners(0)

  constructor(
    private readonly prisma: PrismaClient,
    private readonly clock: Clock,
  ) {}

  /** A new conversation for a visitor; returns its bearer token (shown once, stored hashed). */
  async create(userId: string | undefined, locale: string | undefined): Promise<{ conversation: DirectLineConversationRecord; token: string }> {
    const token = newId(32)
    const conversation = await this.prisma.directLineConversation.create({
      data: {
        id: newId(18),
        userId: userId ?? `web_${newId(12)}`,
        tokenHash: hash(token),
        locale: locale ?? null,
        createdAt: this.clock.now(),
        expiresAt: new Date(this.clock.now().getTime() + CONVERSATION_LIFETIME_MS),
      },
      select: { id: true, userId: true, locale: true, expiresAt: true },
    })
    return { conversation, token }
  }

  /** The live conversation a token opens, extending its life; undefined if unknown or expired. */
  async authenticate(token: string): Promise<DirectLineConversationRecord | undefined> {
    const now = this.clock.now()
    const conversation = await this.prisma.directLineConversation.findUnique({ where: { tokenHash: hash(token) }, select: { id: true, userId: true, locale: true, expiresAt: true } })
    if (!conversation || conversation.expiresAt <= now) return undefined
    const expiresAt = new Date(now.getTime() + CONVERSATION_LIFETIME_MS)
    // Writing on every poll would be wasteful: extend once the lifetime is a day shorter.
    if (expiresAt.getTime() - conversation.expiresAt.getTime() > 24 * 3_600_000) {
      await this.prisma.directLineConversation.update({ where: { id: conversation.id }, data: { expiresAt } })
      conversation.expiresAt = expiresAt
    }
    return conversation
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
      return await this.prisma
        .$transaction(async (tx) => {
        const row = await tx.directLineActivity.create({
          data: { conversationId, clientActivityId: options.clientActivityId ?? null, fromBot: options.fromBot, activity: {} },
          select: { id: true },
        })
        const stored = { ...activity, id: activityId(conversationId, row.id), timestamp, conversation: { id: conversationId } }
        await tx.directLineActivity.update({ where: { id: row.id }, data: { activity: stored as Prisma.InputJsonValue } })
        return { activity: stored, duplicate: false }
      })
      .then((result) => {
        this.appended.emit('appended', conversationId)
        return result
      })
    } catch (error) {
      // Two deliveries of the same client activity raced: the other one won.
      if ((error as { code?: string }).code === 'P2002' && options.clientActivityId) return this.append(conversationId, activity, options)
      throw error
    }
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
