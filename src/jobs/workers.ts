/** Which handler serves which queue. Started by every instance that runs workers. */
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import type { PrismaClient } from '../db/client.ts'
import type { Logger } from '../logger.ts'
import type { Senders } from '../notifications/deliver.ts'
import { sweepDeadlines } from './deadlines.job.ts'
import { deliverMessageJob } from './deliver-message.job.ts'
import { QUEUES, type RunningQueue } from './queue.ts'
import { complaintSyncJob, slackSyncJob, staffAlertJob } from './slack.jobs.ts'
import { outboxLock, type Locks } from '../db/locks.ts'
import type { HandoffThreads } from '../staff/slack/handoff.ts'
import type { StaffChannel } from '../staff/slack/staff-channel.ts'

export interface WorkerDeps {
  config: Config
  prisma: PrismaClient
  jobs: RunningQueue
  senders: Senders
  locks: Locks
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
  const { config, prisma, jobs, clock, logger } = deps
  const slackDeps = { prisma, staff: deps.slack?.staff, jobs, locks: deps.locks, logger, timeZone: config.serviceTimeZone }
  const handoff = deps.slack?.handoff
  await jobs.work(QUEUES.deliverMessage, deliverMessageJob({ prisma, senders: deps.senders, jobs, locks: deps.locks, handoff, clock, logger }))
  await jobs.work<{ conversationId: string }>(QUEUES.handoffThread, async ({ conversationId }) => {
    // Under the conversation's outbox lock: a mirrored message may be opening the same thread.
    if (handoff) await deps.locks.withLock(outboxLock(conversationId), () => handoff.ensure(conversationId))
  })
  await jobs.work(QUEUES.slackSync, slackSyncJob(slackDeps))
  await jobs.work(QUEUES.complaintSync, complaintSyncJob(slackDeps))
  await jobs.work(QUEUES.staffAlert, staffAlertJob(slackDeps))
  await jobs.work(QUEUES.deadlines, async () => {
    await sweepDeadlines({ prisma, jobs, clock, logger, currency: config.currency })
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
