/**
 * Everything that runs on top of a database: the job queue, the HTTP app and the workers.
 * runtime.ts calls it for `npm start`; tests call it on their own database with a manual clock
 * and fake providers, so both run the same wiring.
 */
import { buildApp, type App } from './app.ts'
import { createSmsSender } from './channels/sms/sender.ts'
import type { Clock } from './clock.ts'
import type { Config } from './config.ts'
import type { PrismaClient } from './db/client.ts'
import { sweepDeadlines, type SweepResult } from './jobs/deadlines.job.ts'
import { startJobQueue, type RunningQueue } from './jobs/queue.ts'
import { startWorkers } from './jobs/workers.ts'
import { createLocks } from './db/locks.ts'
import { postWeeklyDigest } from './jobs/digest.job.ts'
import type { Logger } from './logger.ts'
import { createSlackCustomerSender } from './channels/slack/sender.ts'
import { createSlackClient } from './staff/slack/client.ts'
import { handoffThreads } from './staff/slack/handoff.ts'
import { createStaffChannel } from './staff/slack/staff-channel.ts'

export interface AssembleOptions {
  config: Config
  prisma: PrismaClient
  databaseUrl: string
  ping(): Promise<boolean>
  clock: Clock
  logger: Logger
  adminToken: string
  /** Run job workers in this process (default). Off: the web part only. */
  workers?: boolean
  /** Run the scheduled jobs (the every-minute sweep, the weekly digest; default). Tests run them when they move their clock. */
  schedules?: boolean
}

export interface Assembled {
  app: App
  jobs: RunningQueue
  /** Runs the deadline check now (it also runs every minute and at start-up). */
  sweepDeadlines(): Promise<SweepResult>
  /** Escalates hand-offs nobody answered in time (every minute and at start-up too). */
  escalateHandoffs(): Promise<number>
  /** Asks, reminds and closes feedback surveys that are due (every minute and at start-up too). */
  runSurveys(): Promise<{ asked: number; reminded: number; missed: number }>
  /** §3.3c: posts last week's digest now (also on DIGEST_CRON); returns its text. */
  postDigest(): Promise<string>
  /** Stops the workers, letting running jobs finish. */
  stop(): Promise<void>
}

export async function assemble(options: AssembleOptions): Promise<Assembled> {
  const { config, prisma, clock, logger } = options
  const jobs = await startJobQueue({
    databaseUrl: options.databaseUrl,
    logger,
    retryLimit: config.outbox.retryLimit,
    retryDelaySeconds: config.outbox.retryDelaySeconds,
    pollSeconds: config.jobPollSeconds,
  })
  const slackClient = config.slack ? createSlackClient(config.slack) : undefined
  // What the workers say in Slack: the staff channel, hand-off threads, and customers' DMs.
  const slack = slackClient && config.slack
    ? { staff: createStaffChannel(slackClient, config.slack.staffChannel), handoff: handoffThreads({ prisma, client: slackClient, config: config.slack }), customers: createSlackCustomerSender(slackClient) }
    : undefined
  const app = buildApp({ config, prisma, ping: options.ping, clock, logger, jobs, slackClient, adminToken: options.adminToken })
  const sweep = () => sweepDeadlines({ prisma, jobs, clock, logger, currency: config.currency })
  const escalateHandoffs = () => app.conversations.escalateUnansweredHandoffs()
  const runSurveys = () => app.feedback.sweep()
  const postDigest = postWeeklyDigest({ prisma, staff: slack?.staff, config, clock, logger })
  const locks = createLocks(options.databaseUrl)
  if (options.workers !== false) {
    await startWorkers({
      config,
      prisma,
      jobs,
      senders: { sms: createSmsSender(config.twilio), webchat: app.webchat.sender, slack: slack?.customers },
      locks,
      slack,
      escalateHandoffs,
      runSurveys,
      postDigest,
      clock,
      logger,
      schedules: options.schedules !== false,
    })
    // Deadlines that passed while nothing ran fire now, not at the next minute.
    await sweep()
    await escalateHandoffs()
    await runSurveys()
  }
  return {
    app,
    jobs,
    sweepDeadlines: sweep,
    escalateHandoffs,
    runSurveys,
    postDigest,
    async stop() {
      app.webchat.close()
      await jobs.stop()
      await locks.close()
    },
  }
}
