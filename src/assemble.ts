/**
 * Everything that runs on top of a database: the job queue, the HTTP app, the outbox
 * dispatcher and the workers. runtime.ts calls it for `npm start`; tests call it on their own
 * database with a manual clock and fake providers, so both run the same wiring.
 */
import { buildApp, type App } from './app.ts'
import { createSmsSender, createWhatsappSender } from './channels/sms/sender.ts'
import type { Clock } from './clock.ts'
import type { Config } from './config.ts'
import type { PrismaClient } from './db/client.ts'
import { sweepDeadlines, type SweepResult } from './jobs/deadlines.job.ts'
import { startJobQueue, type RunningQueue } from './jobs/queue.ts'
import { startWorkers } from './jobs/workers.ts'
import { ensureRollups } from './reports/rollups.ts'
import type { Timers } from './jobs/timers.ts'
import { createLocks } from './db/locks.ts'
import { createPool } from './db/pool.ts'
import { createRateLimits } from './http/rate-limits.ts'
import { postWeeklyDigest } from './jobs/digest.job.ts'
import type { Logger } from './logger.ts'
import { createDispatcher, type Dispatcher } from './notifications/dispatcher.ts'
import { createOutboxDelivery } from './notifications/delivery.ts'
import { createProviderHealth } from './notifications/provider-health.ts'
import { createMetrics, type Metrics } from './observability/metrics.ts'
import { createSlackCustomerSender } from './channels/slack/sender.ts'
import { checkSlackToken, createSlackClient } from './staff/slack/client.ts'
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
  /** Where the instance's figures go (/metrics); a fresh registry when not given. */
  metrics?: Metrics
  /** Run job workers and the outbox dispatcher in this process (default). Off: the web part only. */
  workers?: boolean
  /** Run the scheduled jobs (the timers every TIMER_SWEEP_SECONDS, the weekly digest; default). Tests run them when they move their clock. */
  schedules?: boolean
}

export interface Assembled {
  app: App
  jobs: RunningQueue
  metrics: Metrics
  /** Runs the deadline check now (also every TIMER_SWEEP_SECONDS and at start-up). */
  sweepDeadlines(): Promise<SweepResult>
  /** Escalates hand-offs nobody answered in time (every TIMER_SWEEP_SECONDS and at start-up too). */
  escalateHandoffs(): Promise<number>
  /** Asks, reminds and closes feedback surveys that are due (every TIMER_SWEEP_SECONDS and at start-up too). */
  runSurveys(): Promise<{ asked: number; reminded: number; missed: number; unconfirmed: number }>
  /** §3.3c: posts last week's digest now (also on DIGEST_CRON); returns its text. */
  postDigest(): Promise<string>
  /** Stops the dispatcher and the workers, letting running sends and jobs finish. */
  stop(): Promise<void>
}

export async function assemble(options: AssembleOptions): Promise<Assembled> {
  const { config, prisma, clock, logger } = options
  const metrics = options.metrics ?? createMetrics()
  const onDropped = (pool: string) => metrics.connectionsDropped.inc({ pool })
  const slackClient = config.slack ? createSlackClient(config.slack) : undefined
  // Before anything starts: a token Slack refuses is a configuration error.
  const slackIdentity = slackClient ? await checkSlackToken(slackClient, logger) : undefined
  const jobs = await startJobQueue({
    databaseUrl: options.databaseUrl,
    logger,
    onDropped,
    retryLimit: config.outbox.retryLimit,
    retryDelaySeconds: config.outbox.retryDelaySeconds,
    pollSeconds: config.jobPollSeconds,
  })
  // What the workers say in Slack: the staff channel, hand-off threads, and customers' DMs.
  const staffChannel = slackClient && config.slack ? createStaffChannel(slackClient, config.slack.staffChannel) : undefined
  const slack = slackClient && staffChannel ? { staff: staffChannel, handoff: handoffThreads({ prisma, staff: staffChannel }), customers: createSlackCustomerSender(slackClient) } : undefined
  // Rate-limit counters on a small pool of their own, shared with every instance through the database.
  const limitsPool = createPool(options.databaseUrl, { name: 'aftercare-limits', max: 3, logger, onDropped })
  const limits = createRateLimits(limitsPool, config.limits)
  const app = buildApp({ config, prisma, ping: options.ping, clock, logger, jobs, slackClient, slackIdentity, adminToken: options.adminToken, metrics, limits })
  const sweep = () => sweepDeadlines({ prisma, jobs, clock, logger, currency: config.currency, metrics })
  const escalateHandoffs = () => app.conversations.escalateUnansweredHandoffs()
  const runSurveys = () => app.feedback.sweep()
  const postDigest = postWeeklyDigest({ prisma, staff: slack?.staff, config, clock, logger })
  const locks = createLocks(options.databaseUrl, logger)
  // In the background: reports read the raw rows until it is done.
  const rollups = ensureRollups(prisma, config.serviceTimeZone, logger)
  let dispatcher: Dispatcher | undefined
  let timers: Timers | undefined
  if (options.workers !== false) {
    // Issue 18: Twilio reports each message's fate to /twilio/status (signed like the inbound webhook).
    const reports = { statusCallback: `${config.publicUrl}/twilio/status` }
    const sms = createSmsSender(config.twilio, reports)
    const health = createProviderHealth({
      prisma,
      jobs,
      logger,
      metrics,
      alertAfterMs: config.outbox.providerAlertAfterMs,
      alertPhones: config.outbox.providerAlertPhones,
      sms,
      slack: Boolean(slack),
    })
    const delivery = createOutboxDelivery({
      prisma,
      senders: { sms, whatsapp: createWhatsappSender(config.twilio, reports), webchat: app.webchat.sender, slack: slack?.customers },
      jobs,
      locks,
      handoff: slack?.handoff,
      health,
      policy: config.outbox,
      clock,
      logger,
      metrics,
    })
    dispatcher = createDispatcher({ prisma, delivery, health, config: config.outbox, logger })
    timers = await startWorkers({
      config,
      prisma,
      jobs,
      locks,
      health,
      metrics,
      slack,
      escalateHandoffs,
      runSurveys,
      postDigest,
      purgeWebchat: () => app.webchat.purge(),
      retryMedia: async () => {
        await app.media.retryPending()
        await app.media.purgeOrphans()
      },
      mediaUrl: app.mediaUrl,
      clock,
      logger,
      schedules: options.schedules !== false,
    })
    dispatcher.start()
    // Deadlines that passed while nothing ran fire now, not at the next minute.
    await sweep()
    await escalateHandoffs()
    await runSurveys()
  }
  return {
    app,
    jobs,
    metrics,
    sweepDeadlines: sweep,
    escalateHandoffs,
    runSurveys,
    postDigest,
    async stop() {
      app.webchat.close()
      await timers?.stop()
      await dispatcher?.stop()
      await jobs.stop()
      await rollups
      await locks.close()
      await limitsPool.end()
    },
  }
}
