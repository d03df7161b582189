/**
 * Builds the HTTP application from its dependencies, so tests build exactly what production
 * runs, in-process, against their own database, clock and fake providers.
 */
import type { Server } from 'node:http'
import express, { type Express } from 'express'
import { createWebchat, webchatServiceUrls, type Webchat } from './channels/webchat/index.ts'
import { smsReceiver } from './channels/sms/receiver.ts'
import { createDeliveryReports } from './notifications/delivery-reports.ts'
import type { Clock } from './clock.ts'
import type { Config } from './config.ts'
import { createConversations, type Conversations } from './conversations/handle.ts'
import type { PrismaClient } from './db/client.ts'
import { AppError } from './errors.ts'
import { apiGate } from './http/auth.ts'
import { createAccountService, type AccountService } from './accounts/service.ts'
import { accountRoutes } from './staff/api/accounts.ts'
import { inScope } from './staff/api/visibility.ts'
import { signInRouter } from './staff/sign-in/router.ts'
import { consoleRouter } from './staff/console/router.ts'
import { createSessions } from './http/session.ts'
import { errorHandler, notFound } from './http/error-handler.ts'
import { health } from './http/health.ts'
import { securityHeaders } from './http/security-headers.ts'
import { metricsRoute } from './http/metrics-route.ts'
import type { Metrics } from './observability/metrics.ts'
import type { RateLimits } from './http/rate-limits.ts'
import { requestLog } from './http/request-log.ts'
import type { JobQueue } from './jobs/queue.ts'
import type { Logger } from './logger.ts'
import { conversationRoutes } from './staff/api/conversations.ts'
import { technicianRoutes } from './staff/api/technicians.ts'
import { feedbackRoutes } from './staff/api/feedback.ts'
import { reportRoutes } from './staff/api/reports.ts'
import { dashboardRouter } from './staff/dashboard/router.ts'
import { ticketRoutes } from './staff/api/tickets.ts'
import { phoneRequests } from './tickets/phone-requests.ts'
import { createCatalogue } from './products/catalogue.ts'
import { productRoutes } from './staff/api/products.ts'
import { createMediaIntake, type MediaIntake } from './media/intake.ts'
import { mediaLinks } from './media/links.ts'
import { recordLinks } from './records/links.ts'
import { recordRouter } from './records/routes.ts'
import { botAttachmentFetcher } from './channels/webchat/attachments.ts'
import { customerRoutes } from './staff/api/customers.ts'
import { attachmentRoutes, mediaServer, signedMediaRoute } from './media/routes.ts'
import { localMediaStore } from './media/store.ts'
import { s3MediaStore } from './media/s3-store.ts'
import { twilioMediaFetcher } from './channels/sms/media.ts'
import { slackFileFetcher } from './channels/slack/files.ts'
import { slackStaffRouter } from './staff/slack/app.ts'
import { createTicketService, type TicketService } from './tickets/apply.ts'
import { createTicketEvents } from './tickets/events.ts'
import { registerFollowUps } from './tickets/follow-ups.ts'
import { createFeedbackService, type FeedbackService } from './feedback/service.ts'
import { createComplaintService, type ComplaintService } from './complaints/service.ts'
import { BusinessCalendar } from './tickets/calendar.ts'
import type { SlackClient, SlackIdentity } from './staff/slack/client.ts'

export interface AppDeps {
  config: Config
  prisma: PrismaClient
  /** Whether the database answers, for /healthz. */
  ping(): Promise<boolean>
  clock: Clock
  logger: Logger
  jobs: JobQueue
  /** The Slack Web API client, when Slack is configured. */
  slackClient: SlackClient | undefined
  /** The app's ids in Slack, checked at start (empty while Slack was out of reach). */
  slackIdentity?: SlackIdentity
  /** The admin API's bearer token (ADMIN_TOKEN, or the one generated in DATA_DIR). */
  adminToken: string
  metrics: Metrics
  limits: RateLimits
}

export interface App {
  express: Express
  /** Issue 15: the people behind Aftercare. */
  accounts: AccountService
  conversations: Conversations
  tickets: TicketService
  feedback: FeedbackService
  complaints: ComplaintService
  webchat: Webchat
  /** Customers' files: the pending ones are fetched again by the timers. */
  media: MediaIntake
  /** A signed link to an attachment, for staff in Slack. */
  mediaUrl(id: string): string
  /** Call once the HTTP server listens (the built-in Direct Line needs to reach itself). */
  listening(server: Server, selfUrl: string): void
}

export function buildApp(deps: AppDeps): App {
  const { config, prisma, clock, logger, jobs } = deps
  const timeZone = config.serviceTimeZone
  const calendar = new BusinessCalendar(timeZone, config.holidays)
  const smsSending = Boolean(config.twilio?.accountSid && config.twilio.from)
  const links = mediaLinks(deps.adminToken, config.publicUrl)
  const accounts = createAccountService({ prisma, clock, publicUrl: config.publicUrl })
  // Ticket follow-ups are listeners of the ticket's domain events, registered here once.
  const ticketEvents = createTicketEvents()
  const records = recordLinks(deps.adminToken, config.publicUrl, config.recordLinkDays)
  registerFollowUps(ticketEvents, { jobs, timeZone, feedback: config.feedback, tickets: () => tickets, mediaUrl: (id) => links.url(id), recordUrl: (id, at) => records.url(id, at) })
  const tickets = createTicketService({ prisma, clock, logger, timeZone, events: ticketEvents })
  // Issue 14: customers' files, on S3 (or compatible) for several instances, else on the local disk.
  const mediaStore = config.media.s3 ? s3MediaStore(config.media.s3) : localMediaStore(config.media.dir)
  const media = createMediaIntake({
    prisma,
    store: mediaStore,
    limits: { maxBytes: config.media.maxBytes, maxPerMessage: config.media.maxPerMessage },
    fetchers: {
      ...(config.twilio && { sms: twilioMediaFetcher(config.twilio), whatsapp: twilioMediaFetcher(config.twilio) }),
      ...(config.slack && { slack: slackFileFetcher(config.slack) }),
      webchat: botAttachmentFetcher(webchatServiceUrls(config)),
    },
    logger,
  })
  const serveMedia = mediaServer({ prisma, store: mediaStore })
  // The feedback service raises events in conversations, and conversations record survey answers with it.
  let feedback: FeedbackService | undefined
  const catalogue = createCatalogue(prisma, logger)
  const conversations = createConversations({
    prisma,
    clock,
    logger,
    calendar,
    defaultLocale: config.defaultLocale,
    jobs,
    tickets,
    serviceValues: config.serviceValues,
    // Live hand-offs happen in Slack threads: without Slack, a request for a person is only recorded.
    liveHandoff: Boolean(config.slack),
    handoffTimeoutMs: config.handoffTimeoutMinutes * 60_000,
    smsSending,
    complaintKeywords: config.complaintKeywords,
    recordFeedback: (tx, number, input, actor) => feedback!.recordFromCustomer(tx, number, input, actor),
    metrics: deps.metrics,
    limits: deps.limits,
    linkCountryCodes: config.limits.linkCountryCodes,
    products: () => catalogue.products(),
    mediaUrl: (id) => links.url(id),
  })
  feedback = createFeedbackService({ prisma, jobs, clock, logger, config: config.feedback, tickets, raise: conversations.raise })
  const complaints = createComplaintService({ prisma, jobs, clock, logger })
  const phone = phoneRequests({ prisma, clock, jobs, calendar, logger, serviceValues: config.serviceValues, defaultLocale: config.defaultLocale, smsSending })

  const app = express()
  app.disable('x-powered-by')
  // Who the client is, behind our own proxies (rate limits by IP): TRUST_PROXY.
  app.set('trust proxy', config.trustProxy)
  app.use(requestLog(logger))
  app.use(
    securityHeaders({
      publicUrl: config.publicUrl,
      framedBy: config.webchatAllowedOrigins,
      connectTo: config.botFramework.directLineSecret ? [new URL(config.botFramework.directLineUrl).origin] : [],
    }),
  )

  const webchat = createWebchat({ config, prisma, clock, logger, limits: deps.limits, handle: conversations.handle, media, mediaUrl: (id) => links.path(id) })

  app.get('/healthz', health(deps.ping))
  app.get('/metrics', metricsRoute({ prisma, metrics: deps.metrics, ping: deps.ping, tokens: [deps.adminToken, ...(config.metricsToken ? [config.metricsToken] : [])] }))
  // Before /api's bearer auth: Bot Framework channels authenticate with their own tokens.
  app.use(webchat.router)
  const deliveryReports = createDeliveryReports({ prisma, jobs, policy: config.outbox, clock, logger })
  app.use('/twilio', smsReceiver({ twilio: config.twilio, publicUrl: config.publicUrl, handle: conversations.handle, now: () => clock.now(), media, deliveryReports }))
  app.use(signedMediaRoute(links, serveMedia))
  app.use(recordRouter({ prisma, links: records, limits: deps.limits, timeZone, brandName: config.brandName, now: () => clock.now() }))
  if (config.slack && deps.slackClient) {
    app.use(
      slackStaffRouter({
        config: config.slack,
        client: deps.slackClient,
        prisma,
        tickets,
        conversations,
        complaints,
        feedback,
        phoneRequests: phone,
        mediaUrl: (id) => links.url(id),
        media,
        identity: deps.slackIdentity ?? {},
        handle: conversations.handle,
        jobs,
        clock,
        logger,
        timeZone,
        accounts,
      }),
    )
  } else
    app.post('/slack/events', () => {
      throw new AppError('unavailable', 'Slack is not configured (SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_STAFF_CHANNEL)')
    })
  const sessions = createSessions(prisma, clock)
  app.use(signInRouter({ accounts, sessions, limits: deps.limits, publicUrl: config.publicUrl, slack: config.slackSignIn, logger }))
  app.use(consoleRouter({ sessions, accounts, timeZone }))
  app.use(dashboardRouter({ adminToken: deps.adminToken, publicUrl: config.publicUrl, timeZone: config.serviceTimeZone, sessions, accounts, limits: deps.limits }))
  app.use(
    '/api',
    apiGate({ adminToken: deps.adminToken, sessions, accounts, publicUrl: config.publicUrl }),
    express.json({ limit: '256kb' }),
    reportRoutes({ prisma, clock, timeZone, currency: config.currency }),
    ticketRoutes(prisma, tickets, phone, clock),
    feedbackRoutes({ prisma, feedback, complaints }),
    technicianRoutes(prisma, { jobs, clock }),
    conversationRoutes(prisma, { clock, endHandoff: (id, by) => conversations.endHandoff(id, by) }),
    customerRoutes({ prisma, store: mediaStore, jobs, clock }),
    productRoutes(prisma, catalogue),
    attachmentRoutes(serveMedia, (res, ticket) => inScope(res, ticket ?? { technicianId: null })),
    accountRoutes({ accounts }),
  )

  app.use(notFound)
  app.use(errorHandler(logger))
  return {
    express: app,
    accounts,
    conversations,
    tickets,
    feedback,
    complaints,
    webchat,
    media,
    mediaUrl: (id: string) => links.url(id),
    listening: (server, selfUrl) => webchat.listening(server, selfUrl),
  }
}
