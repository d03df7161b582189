/**
 * The job queue (pg-boss on the same PostgreSQL). Jobs are enqueued inside the transaction that
 * makes them necessary, so a state change and its follow-up work commit together: a crash
 * between commit and delivery loses nothing, the job is there when a worker next looks.
 * Handlers may run more than once (retries, a worker dying mid-job): each one is idempotent.
 */
import PgBoss from 'pg-boss'
import { LOCKS, withAdvisoryLock } from '../db/advisory-lock.ts'
import { Prisma, type Tx } from '../db/client.ts'
import { createPool } from '../db/pool.ts'
import type { Logger } from '../logger.ts'

/**
 * A job held by a worker that died (kill -9, a lost machine) is retried after this long. Our
 * handlers make provider calls of at most 15 s; the default (15 minutes) left a crashed Slack
 * post waiting that long.
 */
const EXPIRE_IN_SECONDS = 60
/** How often pg-boss looks for expired jobs (and archives): a crashed job is back within about 90 s. */
const MAINTENANCE_INTERVAL_SECONDS = 30

export const QUEUES = {
  /** Posts or updates a ticket's message in the Slack staff channel. */
  slackSync: 'slack-sync',
  /** Posts an alert in a ticket's Slack thread. */
  staffAlert: 'staff-alert',
  /** Earlier versions' every-minute sweep; the timers (timers.ts) do it now. Kept to unschedule it. */
  deadlines: 'deadlines',
  /** Opens the Slack thread of a live hand-off, with the conversation so far. */
  handoffThread: 'handoff-thread',
  /** Posts or updates a complaint's message in the staff channel. */
  complaintSync: 'complaint-sync',
  /** §3.3c: last week's figures to the staff channel (DIGEST_CRON). */
  digest: 'weekly-digest',
} as const
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES]

export interface SendOptions {
  /** Enqueue inside this transaction: the job exists only if the transaction commits. */
  tx?: Tx
  /** At most one waiting job per key (pg-boss singleton). */
  singletonKey?: string
  startAfterSeconds?: number
}

export interface JobQueue {
  send(name: QueueName, data: object, options?: SendOptions): Promise<void>
  /**
   * pg-boss's own INSERT for this job, as a fragment to run inside a statement of ours (a CTE):
   * the job commits with that statement, in its round trip. `send` with `tx` costs one of its own.
   */
  insertion(name: QueueName, data: object, options?: Omit<SendOptions, 'tx'>): Promise<Prisma.Sql>
}

export type JobHandler<T> = (data: T, job: { id: string; retryCount: number; retryLimit: number }) => Promise<void>

export interface JobQueueOptions {
  databaseUrl: string
  logger: Logger
  onDropped?(pool: string): void
  retryLimit: number
  retryDelaySeconds: number
  pollSeconds: number
}

export interface RunningQueue extends JobQueue {
  /** Starts a worker for a queue. */
  work<T>(name: QueueName, handler: JobHandler<T>, options?: { batchSize?: number }): Promise<void>
  unschedule(name: QueueName): Promise<void>
  /** Runs a job on a cron schedule in a time zone, once across all instances. */
  cron(name: QueueName, cron: string, timeZone: string): Promise<void>
  /** Stops fetching, lets running jobs finish (up to `timeoutMs`). */
  stop(timeoutMs?: number): Promise<void>
}

/** Runs pg-boss's SQL on a Prisma interactive transaction's connection. */
const inTransaction = (tx: Tx): PgBoss.Db => ({
  executeSql: async (text, values) => ({ rows: await tx.$queryRawUnsafe<unknown[]>(text, ...values) }),
})

const bossOptions = (options: Omit<SendOptions, 'tx'>): PgBoss.SendOptions => ({
  ...(options.singletonKey && { singletonKey: options.singletonKey }),
  ...(options.startAfterSeconds && { startAfter: Math.ceil(options.startAfterSeconds) }),
})

/** pg-boss's SQL with its `$n` parameters as a Prisma fragment (Prisma numbers them afresh where it is embedded). */
function asFragment({ text, values }: { text: string; values: unknown[] }): Prisma.Sql {
  const strings: string[] = []
  const args: unknown[] = []
  let last = 0
  for (const match of text.matchAll(/\$(\d+)/g)) {
    strings.push(text.slice(last, match.index))
    args.push(values[Number(match[1]) - 1])
    last = match.index + match[0].length
  }
  strings.push(text.slice(last))
  return new Prisma.Sql(strings, args)
}

export async function startJobQueue(options: JobQueueOptions): Promise<RunningQueue> {
  // Our pool rather than pg-boss's own: it survives dropped connections like every pool of ours.
  const pool = createPool(options.databaseUrl, { name: 'aftercare-jobs', max: 4, logger: options.logger, onDropped: options.onDropped })
  // pg-boss completes a job without awaiting it, and a fetch in flight at stop() still hands its
  // jobs to the handler: count both, so stop() ends the pool only once nothing can use it.
  let busy = 0
  let ended = false
  const tracked = async <T>(work: () => Promise<T>): Promise<T> => {
    busy++
    try {
      return await work()
    } finally {
      busy--
    }
  }
  const boss = new PgBoss({ db: { executeSql: (text, values) => (ended ? lateQuery(text) : tracked(() => pool.query(text, values))) }, maintenanceIntervalSeconds: MAINTENANCE_INTERVAL_SECONDS })
  const lateQuery = async (text: string) => {
    // Past stop()'s timeout nothing is left to run it on. A job whose completion is lost this way
    // is retried after its expiry, and every handler is idempotent.
    options.logger.warn({ sql: text.slice(0, 60) }, 'job queue stopped; a late query of pg-boss was dropped')
    return { rows: [] }
  }
  let lastError = 0
  boss.on('error', (error) => {
    // While the database is away every worker's poll fails: say so once a minute, not per poll.
    if (Date.now() - lastError < 60_000) return
    lastError = Date.now()
    options.logger.error({ err: error }, 'job queue error')
  })
  const retry = { retryLimit: options.retryLimit, retryDelay: options.retryDelaySeconds, retryBackoff: true, expireInSeconds: EXPIRE_IN_SECONDS }
  // Instances starting together would deadlock creating the same schema and queues: take turns.
  await withAdvisoryLock(options.databaseUrl, LOCKS.jobQueueSetup, async () => {
    await boss.start()
    const queues: PgBoss.Queue[] = [
      // One active job per ticket at a time (stately): posts and updates of one message never race.
      { name: QUEUES.slackSync, policy: 'stately', ...retry },
      { name: QUEUES.staffAlert, ...retry },
      { name: QUEUES.handoffThread, ...retry },
      { name: QUEUES.complaintSync, policy: 'stately', ...retry },
      { name: QUEUES.digest, policy: 'singleton', ...retry },
      { name: QUEUES.deadlines, policy: 'singleton', retryLimit: 0, expireInSeconds: 300 },
    ]
    for (const queue of queues) {
      // createQueue leaves an existing queue as it was: apply today's retry settings explicitly.
      if (await boss.getQueue(queue.name)) await boss.updateQueue(queue.name, queue)
      else await boss.createQueue(queue.name, queue)
    }
  })

  return {
    async send(name, data, sendOptions = {}) {
      await boss.send(name, data, { ...(sendOptions.tx && { db: inTransaction(sendOptions.tx) }), ...bossOptions(sendOptions) })
    },
    async insertion(name, data, sendOptions = {}) {
      let statement: { text: string; values: unknown[] } | undefined
      // pg-boss builds the statement and hands it to its `db`: this one keeps it instead of running it.
      const capture: PgBoss.Db = {
        executeSql: async (text, values) => {
          statement = { text, values: values ?? [] }
          return { rows: [{ id: null }] }
        },
      }
      await boss.send(name, data, { db: capture, ...bossOptions(sendOptions) })
      if (!statement) throw new Error(`pg-boss did not build an insert for ${name}`)
      return asFragment(statement)
    },
    async work<T>(name: QueueName, handler: JobHandler<T>, workOptions: { batchSize?: number } = {}) {
      await boss.work<T>(name, { includeMetadata: true, pollingIntervalSeconds: options.pollSeconds, batchSize: workOptions.batchSize ?? 1 }, async (jobs) => {
        for (const job of jobs) {
          try {
            await tracked(() => handler(job.data, { id: job.id, retryCount: job.retryCount, retryLimit: job.retryLimit }))
          } catch (error) {
            const last = job.retryCount >= job.retryLimit
            options.logger[last ? 'error' : 'warn']({ queue: name, job: job.id, attempt: job.retryCount + 1, err: error }, last ? 'job failed for good' : 'job failed; pg-boss retries it')
            throw error
          }
        }
      })
    },
    async unschedule(name) {
      await boss.unschedule(name)
    },
    async cron(name, cron, timeZone) {
      await boss.schedule(name, cron, {}, { tz: timeZone, singletonKey: name })
    },
    async stop(timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs
      await boss.stop({ graceful: true, wait: true, timeout: timeoutMs })
      // Quiet twice in a row: a fetch that returns jobs starts their handler in the same tick.
      for (let quiet = 0; quiet < 2 && Date.now() < deadline; ) {
        quiet = busy === 0 ? quiet + 1 : 0
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      ended = true
      await pool.end()
    },
  }
}
