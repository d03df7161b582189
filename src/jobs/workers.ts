/** Which handler serves which queue. Started by every instance that runs workers. */
import type { WebClient } from '@slack/web-api'
import type { Clock } from '../clock.ts'
import type { Config } from '../config.ts'
import type { PrismaClient } from '../db/client.ts'
import type { Logger } from '../logger.ts'
import type { Senders } from '../notifications/deliver.ts'
import { sweepDeadlines } from './deadlines.job.ts'
import { deliverMessageJob } from './deliver-message.job.ts'
import { QUEUES, type RunningQueue } from './queue.ts'
import { slackSyncJob, staffAlertJob } from './slack.jobs.ts'

export interface WorkerDeps {
  config: Config
  prisma: PrismaClient
  jobs: RunningQueue
  senders: Senders
  slackClient: WebClient | undefined
  clock: Clock
  logger: Logger
  scheduleDeadlines: boolean
}

export async function startWorkers(deps: WorkerDeps): Promise<void> {
  const { config, prisma, jobs, clock, logger } = deps
  const slack = deps.slackClient && config.slack ? { client: deps.slackClient, config: config.slack } : undefined
  const slackDeps = { prisma, slack, jobs, logger, timeZone: config.serviceTimeZone }
  await jobs.work(QUEUES.deliverMessage, deliverMessageJob({ prisma, senders: deps.senders, jobs, clock, logger }))
  await jobs.work(QUEUES.slackSync, slackSyncJob(slackDeps))
  await jobs.work(QUEUES.staffAlert, staffAlertJob(slackDeps))
  await jobs.work(QUEUES.deadlines, async () => {
    await sweepDeadlines({ prisma, jobs, clock, logger, currency: config.currency })
  })
  if (deps.scheduleDeadlines) await jobs.everyMinute(QUEUES.deadlines)
  else await jobs.unschedule(QUEUES.deadlines)
}
