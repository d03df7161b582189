/**
 * Slack can deliver one interaction twice (its retries; a modal submitted twice before it
 * closes): the first delivery of a key wins, the rest do nothing. Keys are kept a week
 * (ProcessedDelivery, purged by the deadline sweep).
 */
import type { PrismaClient } from '../../db/client.ts'

export async function firstTime(prisma: PrismaClient, kind: string, key: string): Promise<boolean> {
  const { count } = await prisma.processedDelivery.createMany({ data: [{ provider: kind, id: key.slice(0, 500) }], skipDuplicates: true })
  return count === 1
}
