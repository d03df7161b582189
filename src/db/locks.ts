import type pg from 'pg'
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
  /**
   * Runs `work` on a client holding the lock, then unlocks. If the session died meanwhile (a
   * dropped connection), PostgreSQL has released the lock with it: the failed unlock is not the
   * work's failure (its result stands, it must not be retried), and the dead client is destroyed
   * instead of going back to the pool.
   */
  async function holding<T>(key: string, lock: (client: pg.PoolClient) => Promise<boolean>, work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    const client = await pool.connect()
    let broken: Error | undefined
    try {
      const locked = await lock(client).catch((error: Error) => {
        broken = error
        throw error
      })
      if (!locked) return { ran: false }
      try {
        return { ran: true, value: await work() }
      } finally {
        await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 1))', [key]).catch((error: Error) => {
          broken = error
          logger?.warn({ err: error, key }, 'advisory unlock failed: the session is gone, and its lock with it')
        })
      }
    } finally {
      client.release(broken)
    }
  }
  return {
    async withLock(key, work) {
      const result = await holding(key, async (client) => (await client.query('SELECT pg_advisory_lock(hashtextextended($1, 1))', [key]), true), work)
      return (result as { ran: true; value: Awaited<ReturnType<typeof work>> }).value
    },
    async tryWithLock(key, work) {
      return holding(
        key,
        async (client) => {
          const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 1)) AS locked', [key])
          return Boolean(rows[0]?.locked)
        },
        work,
      )
    },
    close: () => pool.end(),
  }
}

/** One conversation's outbox is delivered by one worker at a time, oldest first. */
export const outboxLock = (conversationId: string) => `outbox:${conversationId}`
