/** Which handler serves which queue. Started by every instance that runs workers. */
import { SendError } from '../channels/types.ts'
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import type { PrismaClient } from '../db/client.ts'
import type { Logger } from '../logger.ts'
import type { ProviderHealth } from '../notifications/provider-health.ts'
import type { Metrics } from '../observability/metrics.ts'
import { housekeeping, sweepDeadlines } from './deadlines.job.ts'
import { startTimers, type Timers } from './timers.ts'
import { compactRollups } from '../reports/rollups.ts'
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
  /** Feedback surveys due to be asked, reminded or closed (also with the timers). */
  runSurveys(): Promise<unknown>
  postDigest(): Promise<unknown>
  /** Retention: web chat conversations and tokens that are kept no longer (with the minute's sweep). */
  purgeWebchat(): Promise<number>
  /** Issue 14: customers' files the provider did not hand over at first (with the minute's sweep). */
  retryMedia(): Promise<unknown>
  /** A signed link to an attachment, for the ticket's message in Slack. */
  mediaUrl(id: string): string
  clock: Clock
  logger: Logger
  schedules: boolean
}

/** A staff job's own retries (in its data, since pg-boss's backoff has no ceiling). */
interface SlackRetry {
  slackAttempt?: number
  slackSince?: number
}
/** Short enough that staff posts follow within half a minute of Slack coming back. */
const SLACK_JOB_MAX_BACKOFF_SECONDS = 30
const SLACK_JOB_GIVE_UP_MS = 24 * 3_600_000

/** Starts the job workers; with schedules, also the timers (returned, to stop them). */
export async function startWorkers(deps: WorkerDeps): Promise<Timers | undefined> {
  const { config, prisma, jobs, clock, logger, health, metrics } = deps
  const slackDeps = { prisma, staff: deps.slack?.staff, jobs, locks: deps.locks, logger, timeZone: config.serviceTimeZone, mediaUrl: deps.mediaUrl }
  const handoff = deps.slack?.handoff

  /**
   * A job that talks to Slack. Its outcome tells provider health. A failure Slack will repeat
   * forever (invalid_blocks, channel_not_found) is logged once and dropped. Any other failure
   * is Slack's, not the job's: the job waits (Retry-After, or backoff up to 30 s) and tries
   * again for up to a day, instead of spending pg-boss's few retries in the first minutes of an
   * outage and losing a new ticket's post.
   */
  async function workOnSlack<T extends object>(name: QueueName, handler: JobHandler<T>, singletonKey?: (data: T) => string) {
    const later = (data: T & SlackRetry, seconds: number) => jobs.send(name, data, { startAfterSeconds: seconds, ...(singletonKey && { singletonKey: singletonKey(data) }) })
    await jobs.work<T & SlackRetry>(name, async (data, job) => {
      // Slack asked us to wait (Retry-After) or is down: no call before it is due, the job waits.
      const admitted = health.admit('slack')
      if (admitted.waitMs > 0) {
        await later(data, Math.ceil(admitted.waitMs / 1000))
        return
      }
      try {
        await handler(data, job)
      } catch (error) {
        if (!(error instanceof SendError)) {
          if (admitted.probe) health.abandonProbe('slack')
          throw error
        }
        if (error.permanent) {
          logger.error({ queue: name, job: job.id, code: error.code, status: error.status, err: error }, 'Slack refused the staff message; not retrying')
          return
        }
        await health.failed('slack', error, `job:${job.id}`)
        const attempt = (data.slackAttempt ?? 0) + 1
        const since = data.slackSince ?? Date.now()
        if (Date.now() - since > SLACK_JOB_GIVE_UP_MS) {
          logger.error({ queue: name, job: job.id, attempts: attempt, err: error }, 'Slack has refused this staff message for a day; giving up')
          return
        }
        const wait = error.retryAfterSeconds ?? Math.min(config.outbox.retryDelaySeconds * 2 ** (attempt - 1), SLACK_JOB_MAX_BACKOFF_SECONDS)
        logger.warn({ queue: name, job: job.id, status: error.status, code: error.code, attempt, retryInSeconds: wait, error: error.message }, 'Slack call failed; the job waits and tries again')
        await later({ ...data, slackAttempt: attempt, slackSince: since }, wait)
        return
      }
      await health.succeeded('slack')
    })
  }

  await workOnSlack<{ conversationId: string }>(
    QUEUES.handoffThread,
    async ({ conversationId }) => {
      // Under the conversation's outbox lock: a mirrored message may be opening the same thread.
      if (handoff) await deps.locks.withLock(outboxLock(conversationId), () => handoff.ensure(conversationId))
    },
    (data) => data.conversationId,
  )
  await workOnSlack(QUEUES.slackSync, slackSyncJob(slackDeps), (data) => data.ticketId)
  await workOnSlack(QUEUES.complaintSync, complaintSyncJob(slackDeps), (data) => data.complaintId)
  await workOnSlack(QUEUES.staffAlert, staffAlertJob(slackDeps))
  await jobs.work(QUEUES.digest, async () => {
    await deps.postDigest()
  })
  // Earlier versions swept once a minute through pg-boss: the timers below replace that schedule.
  await jobs.unschedule(QUEUES.deadlines)
  if (!deps.schedules) {
    await jobs.unschedule(QUEUES.digest)
    return undefined
  }
  await jobs.cron(QUEUES.digest, config.digestCron, config.serviceTimeZone)
  let nextHousekeeping = 0
  return startTimers({
    locks: deps.locks,
    intervalMs: config.timerSweepSeconds * 1000,
    logger,
    async sweep() {
      await sweepDeadlines({ prisma, jobs, clock, logger, currency: config.currency, metrics })
      await deps.escalateHandoffs()
      await deps.runSurveys()
      if (Date.now() >= nextHousekeeping) {
        nextHousekeeping = Date.now() + 60_000
        await housekeeping({ prisma, clock })
        await compactRollups(prisma)
        await deps.retryMedia()
        const purged = await deps.purgeWebchat()
        if (purged) logger.info({ conversations: purged }, 'web chat conversations purged (expired, or never used)')
      }
    },
  })
}
