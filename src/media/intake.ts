/**
 * Files that came with a customer's message: fetched from the provider (or handed over), checked
 * (size, what the bytes are, how many), stored, and recorded as `Attachment` rows before the turn
 * runs, so the turn knows what arrived. A provider's retry finds them on record. A fetch that
 * fails is kept as pending and retried by a job; the customer is answered either way.
 */
import type { MediaSummary } from '../../flows/input.ts'
import type { Channel } from '../channels/types.ts'
import type { PrismaClient } from '../db/client.ts'
import type { Logger } from '../logger.ts'
import { sniffType } from './sniff.ts'
import type { MediaStore } from './store.ts'

export interface MediaLimits {
  /** MEDIA_MAX_BYTES */
  maxBytes: number
  maxPerMessage: number
}

/** The provider's file was larger than the limit (known from its length, or while reading it). */
export class TooLarge extends Error {}

/** A staff member's files are kept under `staff:<their Slack id>`, not a customer's address. */
export const STAFF_ADDRESS_PREFIX = 'staff:'

/** Fetches one provider-hosted file, reading at most `maxBytes` (else TooLarge). */
export type MediaFetcher = (url: string, maxBytes: number) => Promise<Uint8Array>

export interface MessageRef {
  channel: Channel
  address: string
  providerMessageId: string
}

type Refusal = MediaSummary['refused'][number]
const GIVE_UP_AFTER_MS = 24 * 3600_000
type Checked = { status: 'stored'; contentType: string; bytes: number; sha256: string } | { status: 'refused'; refusal: Refusal } | { status: 'pending'; sourceUrl: string }

export function createMediaIntake(deps: { prisma: PrismaClient; store: MediaStore; limits: MediaLimits; fetchers: Partial<Record<Channel, MediaFetcher>>; logger: Logger }) {
  const { prisma, store, limits } = deps

  async function check(bytes: Uint8Array): Promise<Checked> {
    if (bytes.length > limits.maxBytes) return { status: 'refused', refusal: 'too_large' }
    const contentType = sniffType(bytes)
    if (!contentType) return { status: 'refused', refusal: 'type' }
    return { status: 'stored', contentType, bytes: bytes.length, sha256: await store.put(bytes) }
  }

  async function fetchAndCheck(channel: Channel, url: string): Promise<Checked> {
    const fetcher = deps.fetchers[channel]
    if (!fetcher) return { status: 'pending', sourceUrl: url }
    try {
      return await check(await fetcher(url, limits.maxBytes))
    } catch (error) {
      if (error instanceof TooLarge) return { status: 'refused', refusal: 'too_large' }
      deps.logger.warn({ err: error, channel }, 'could not fetch a customer’s file; kept as pending, tried again later')
      return { status: 'pending', sourceUrl: url }
    }
  }

  const summary = (rows: { status: string; refusal: string | null }[]): MediaSummary => ({
    accepted: rows.filter((row) => row.status !== 'refused').length,
    refused: rows.filter((row) => row.status === 'refused').map((row) => row.refusal as Refusal),
    maxBytes: limits.maxBytes,
    maxPerMessage: limits.maxPerMessage,
  })

  return {
    limits,
    /**
     * Receives a message's files, given as the provider's URLs or as bytes already in hand.
     * @returns what the conversation is told; undefined when the message had none
     */
    async receive(message: MessageRef, files: ({ url: string } | { bytes: Uint8Array })[]): Promise<MediaSummary | undefined> {
      if (files.length === 0) return undefined
      const earlier = await prisma.attachment.findMany({ where: { channel: message.channel, providerMessageId: message.providerMessageId }, orderBy: { position: 'asc' } })
      if (earlier.length) return summary(earlier)
      const rows = []
      for (const [position, file] of files.entries()) {
        const checked: Checked =
          position >= limits.maxPerMessage ? { status: 'refused', refusal: 'too_many' } : 'url' in file ? await fetchAndCheck(message.channel, file.url) : await check(file.bytes)
        rows.push({
          ...message,
          position,
          status: checked.status,
          ...(checked.status === 'stored'
            ? { contentType: checked.contentType, bytes: checked.bytes, sha256: checked.sha256 }
            : checked.status === 'refused'
              ? { refusal: checked.refusal }
              : { sourceUrl: checked.sourceUrl }),
        })
      }
      // A retry racing the first delivery: whichever wrote first stands.
      await prisma.attachment.createMany({ data: rows, skipDuplicates: true })
      return summary(rows.map((row) => ({ status: row.status, refusal: 'refusal' in row ? (row.refusal ?? null) : null })))
    },

    /** Tries the pending files again (a provider's file left pending for a day is given up); true when none is left. */
    async retryPending(now = new Date()): Promise<boolean> {
      const pending = await prisma.attachment.findMany({ where: { status: 'pending' }, orderBy: { createdAt: 'asc' }, take: 50 })
      for (const row of pending) {
        if (now.getTime() - row.createdAt.getTime() > GIVE_UP_AFTER_MS) {
          await prisma.attachment.update({ where: { id: row.id }, data: { status: 'refused', refusal: 'unavailable' } })
          deps.logger.warn({ attachment: row.id, channel: row.channel }, 'a customer’s file could not be fetched for a day; given up')
          continue
        }
        const checked = await fetchAndCheck(row.channel, row.sourceUrl!)
        if (checked.status === 'pending') continue
        await prisma.attachment.update({
          where: { id: row.id },
          data:
            checked.status === 'stored'
              ? { status: 'stored', contentType: checked.contentType, bytes: checked.bytes, sha256: checked.sha256, sourceUrl: null }
              : { status: 'refused', refusal: checked.refusal, sourceUrl: null },
        })
      }
      return (await prisma.attachment.count({ where: { status: 'pending' } })) === 0
    },

    /**
     * Files of messages that never made it into a conversation (the turn failed and the provider
     * gave up retrying) are removed after a day, with their bytes unless another row shares them.
     */
    async purgeOrphans(): Promise<number> {
      const unused = await prisma.$queryRaw<{ sha256: string | null; unshared: boolean }[]>`
        WITH gone AS (
          DELETE FROM "Attachment" a
          WHERE a."ticketId" IS NULL AND a."createdAt" < (now() AT TIME ZONE 'UTC') - interval '1 day'
            AND NOT EXISTS (SELECT 1 FROM "Message" m WHERE m.channel = a.channel AND m."providerId" = a."providerMessageId")
          RETURNING a.id, a.sha256
        )
        SELECT g.sha256, NOT EXISTS (SELECT 1 FROM "Attachment" b WHERE b.sha256 = g.sha256 AND b.id NOT IN (SELECT id FROM gone)) AS unshared
        FROM gone g`
      for (const sha256 of new Set(unused.filter((row) => row.sha256 && row.unshared).map((row) => row.sha256!))) await store.delete(sha256)
      if (unused.length) deps.logger.info({ attachments: unused.length }, 'files of messages that were never processed removed')
      return unused.length
    },
  }
}

export type MediaIntake = ReturnType<typeof createMediaIntake>
