/**
 * The job queue's own lifecycle: stop() must leave nothing of pg-boss's running on a closed pool.
 * (A fetch that was in flight at stop() used to hand its job over afterwards, and pg-boss's
 * unawaited completion then failed on the ended pool: an unhandled rejection in the process.)
 */
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { QUEUES, startJobQueue } from '../src/jobs/queue.ts'
import { createTestDatabase, type TestDatabase } from './support/database.ts'
import { memoryLogger } from './support/logs.ts'
import { eventually } from './support/world.ts'

let db: TestDatabase
beforeAll(async () => {
  db = await createTestDatabase()
})
afterAll(async () => {
  await db.drop()
})

it('stop() while a fetch is in flight: the job finishes, is completed, and nothing fails after the pool ends', async () => {
  const rejections: unknown[] = []
  const onRejection = (reason: unknown) => rejections.push(reason)
  process.on('unhandledRejection', onRejection)
  const log = memoryLogger()
  const queue = await startJobQueue({ databaseUrl: db.url, logger: log.logger, retryLimit: 1, retryDelaySeconds: 1, pollSeconds: 0.5 })
  const handled: string[] = []
  const blocker = new pg.Client({ connectionString: db.url })
  await blocker.connect()
  try {
    await queue.send(QUEUES.staffAlert, { n: 1 })
    // Hold the job table so the worker's next fetch waits in the database, then stop meanwhile.
    await blocker.query('BEGIN')
    await blocker.query('LOCK TABLE pgboss.job IN ACCESS EXCLUSIVE MODE')
    await queue.work<{ n: number }>(QUEUES.staffAlert, async (data) => {
      handled.push(`job ${data.n}`)
    })
    await eventually(async () => {
      const { rows } = await blocker.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%pgboss.job%'`)
      return rows[0].n > 0
    }, 'the fetch waiting on the lock')
    const stopped = queue.stop(5_000)
    setTimeout(() => void blocker.query('COMMIT'), 300)
    await stopped
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(handled).toEqual(['job 1'])
    expect(rejections).toEqual([])
    const { rows } = await blocker.query(`SELECT state FROM pgboss.job WHERE name = $1`, [QUEUES.staffAlert])
    expect(rows.map((row) => row.state)).toEqual(['completed'])
  } finally {
    process.off('unhandledRejection', onRejection)
    await blocker.end()
  }
})
