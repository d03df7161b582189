import type { Logger } from '../logger.ts'
import { createPool } from './pool.ts'

/**
 * Session-level advisory locks on a small pool of their own, for work that must not run inside a
 * transaction (provider calls) yet must not run twice at once: delivering one conversation's
 * outbox in order, opening one hand-off thread.
 */
export interface Locks {
  withLock<T>(key: string, work: () => Promise<T>): Promise<T>
  /** Runs `work` only if nobody holds the lock now (another instance doing the same); else skips it. */
  tryWithLock<T>(key: string, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }>
  close(): Promise<void>
}

export function createLocks(databaseUrl: string, logger?: Logger): Locks {
  const pool = createPool(databaseUrl, { name: 'aftercare-locks', max: 4, logger })
  return {
    async withLock(key, work) {
      const client = await pool.connect()
      try {
        await client.query('SELECT pg_advisory_lock(hashtextextended($1, 1))', [key])
        try {
          return await work()
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 1))', [key])
        }
      } finally {
        client.release()
      }
    },
    async tryWithLock(key, work) {
      const client = await pool.connect()
      try {
        const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 1)) AS locked', [key])
        if (!rows[0]?.locked) return { ran: false }
        try {
          return { ran: true, value: await work() }
        } finally {
          await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 1))', [key])
        }
      } finally {
        client.release()
      }
    },
    close: () => pool.end(),
  }
}

/** One conversation's outbox is delivered by one worker at a time, oldest first. */
export const outboxLock = (conversationId: string) => `outbox:${conversationId}`
