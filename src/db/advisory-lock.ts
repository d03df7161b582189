import type pg from 'pg'
import { createClient } from './pool.ts'

/**
 * Runs `work` while holding a PostgreSQL session advisory lock on its own connection: instances
 * starting together on one database take turns (migrations, job-queue set-up).
 */
export async function withAdvisoryLock<T>(connection: string | pg.ClientConfig, key: bigint, work: () => Promise<T>): Promise<T> {
  const client = createClient(connection, undefined)
  await client.connect()
  try {
    await client.query('SELECT pg_advisory_lock($1)', [key.toString()])
    return await work()
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [key.toString()]).catch(() => undefined)
    await client.end()
  }
}

/** Lock keys: any 64-bit numbers, ours alone. */
export const LOCKS = {
  migrations: 7018427473016398194n,
  jobQueueSetup: 7018427473016398195n,
} as const
