/** Which handler serves which queue. Started by every instance that runs workers. */
import { SendError } from '../channels/types.ts'
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import type { PrismaClient } from '../db/client.ts'
import type { Logger } from '../logger.ts'
import type { ProviderHealth } from '../notifications/provider-health.ts'
import type { Metrics } from '../observability/metrics.ts'
import { sweepDeadlines } from './deadlines.job.ts'
import { QUEUES, type JobHandler, type QueueName, type RunningQueue } from './queue.ts'
import { complaintSyncJob, slackSyncJob, staffAlertJob } from './slack.jobs.ts'
import { outboxLock, type Locks } from '../db/locks.ts'
import type { HandoffThreads } from '../staff/slack/handoff.ts'
import type { StaffChannel } from '../staff/slack/staff-channel.ts'

export interface WorkerDeps {
  config: Config
  prisma: PrismaClient
  jobs: RunningQueue
  locks: Locks
  health: ProviderHealth
  metrics: Metrics
  /** The staff channel and hand-off threads; undefined when Slack is off. */
  slack: { staff: StaffChannel; handoff: HandoffThreads } | undefined
  /** Escalates hand-offs nobody answered (runs with the minute's deadline sweep). */
  escalateHandoffs(): Promise<number>
  /** Feedback surveys due to be asked, reminded or closed (also every minute). */
  runSurveys(): Promise<unknown>
  postDigest(): Promise<unknown>
  clock: Clock
  logger: Logger
  schedules: boolean
}

export async function startWorkers(deps: WorkerDeps): Promise<void> {
  const { config, prisma, jobs, clock, logger, health, metrics } = deps
  const slackDeps = { prisma, staff: deps.slack?.staff, jobs, locks: deps.locks, logger, timeZone: config.serviceTimeZone }
  const handoff = deps.slack?.handoff

  /**
   * A job that talks to Slack: its outcome tells provider health; a 429 waits for Slack's
   * Retry-After (a new job then, since pg-boss's own retry delay is fixed); a refusal Slack will
   * repeat forever is logged once and dropped instead of retried.
   */
  async function workOnSlack<T extends object>(name: QueueName, handler: JobHandler<T>, singletonKey?: (data: T) => string) {
    await jobs.work<T>(name, async (data, job) => {
      try {
        await handler(data, job)
      } catch (error) {
        if (!(error instanceof SendError)) throw error
        await health.failed('slack', error, `job:${job.id}`)
        if (error.permanent) {
          logger.error({ queue: name, job: job.id, code: error.code, status: error.status, err: error }, 'Slack refused the staff message; not retrying')
          return
        }
        if (error.retryAfterSeconds !== undefined) {
          logger.warn({ queue: name, job: job.id, retryInSeconds: error.retryAfterSeconds }, 'Slack is rate limiting: the job waits for its Retry-After')
          await jobs.send(name, data, { startAfterSeconds: error.retryAfterSeconds, ...(singletonKey && { singletonKey: singletonKey(data) }) })
          return
        }
        throw error
      }
      await health.succeeded('slack')
    })
  }

  await workOnSlack<{ conversationId: string }>(QUEUES.handoffThread, async ({ conversationId }) => {
    // Under the conversation's outbox lock: a mirrored message may be opening the same thread.
    if (handoff) await deps.locks.withLock(outboxLock(conversationId), () => handoff.ensure(conversationId))
  }, (data) => data.conversationId)
  await workOnSlack(QUEUES.slackSync, slackSyncJob(slackDeps), (data) => data.ticketId)
  await workOnSlack(QUEUES.complaintSync, complaintSyncJob(slackDeps), (data) => data.complaintId)
  await workOnSlack(QUEUES.staffAlert, staffAlertJob(slackDeps))
  await jobs.work(QUEUES.deadlines, async () => {
    await sweepDeadlines({ prisma, jobs, clock, logger, currency: config.currency, metrics })
    await deps.escalateHandoffs()
    await deps.runSurveys()
  })
  await jobs.work(QUEUES.digest, async () => {
    await deps.postDigest()
  })
  if (deps.schedules) {
    await jobs.everyMinute(QUEUES.deadlines)
    await jobs.cron(QUEUES.digest, config.digestCron, config.serviceTimeZone)
  } else {
    await jobs.unschedule(QUEUES.deadlines)
    await jobs.unschedule(QUEUES.digest)
  }
}
