/**
 * The job queue's own lifecycle: stop() must leave nothing of pg-boss's running on a closed pool.
 * (A fetch that was in flight at stop() used to hand its job over afterwards, and pg-boss's
 * unawaited completion then failed on the ended pool: an unhandled rejection in the process.)
 */
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createPrisma } from '../src/db/client.ts'
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

it('a job embedded in a statement of ours is the job send() makes, and runs the same', async () => {
  const log = memoryLogger()
  const queue = await startJobQueue({ databaseUrl: db.url, logger: log.logger, retryLimit: 3, retryDelaySeconds: 2, pollSeconds: 0.5 })
  const prisma = createPrisma(db.url, { poolSize: 1 })
  const client = new pg.Client({ connectionString: db.url })
  await client.connect()
  try {
    await queue.send(QUEUES.slackSync, { ticketId: 'sent' }, { singletonKey: 'sent' })
    const fragment = await queue.insertion(QUEUES.slackSync, { ticketId: 'embedded' }, { singletonKey: 'embedded' })
    // As the turn's statement embeds it: a CTE beside other writes.
    await prisma.$executeRaw`WITH gate AS (SELECT 1), slack_job AS (${fragment}) SELECT 1`
    const columns = 'name, data, priority, singleton_key, policy, retry_limit, retry_delay, retry_backoff, expire_in, state'
    const { rows } = await client.query(`SELECT ${columns}, keep_until - start_after AS kept FROM pgboss.job WHERE name = $1 ORDER BY singleton_key DESC`, [QUEUES.slackSync])
    const [sent, embedded] = rows
    expect(embedded).toEqual({ ...sent, data: { ticketId: 'embedded' }, singleton_key: 'embedded' })
    // The stately queue keeps one waiting job per key: embedding it twice queues it once.
    await prisma.$executeRaw`WITH slack_job AS (${await queue.insertion(QUEUES.slackSync, { ticketId: 'embedded' }, { singletonKey: 'embedded' })}) SELECT 1`
    expect((await client.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE singleton_key = 'embedded'`)).rows[0].n).toBe(1)
    const handled: string[] = []
    await queue.work<{ ticketId: string }>(QUEUES.slackSync, async (data) => {
      handled.push(data.ticketId)
    })
    await eventually(() => handled.length === 2, 'both jobs run')
    expect(handled.sort()).toEqual(['embedded', 'sent'])
  } finally {
    await client.end()
    await prisma.$disconnect()
    await queue.stop()
  }
})
