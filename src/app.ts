/**
 * Builds the HTTP application from its dependencies, so tests build exactly what production
 * runs, in-process, against their own database and clock.
 */
import express, { type Express } from 'express'
import { smsReceiver } from './channels/sms/receiver.ts'
import type { Clock } from './clock.ts'
import type { Config } from './config.ts'
import { createConversations, type Conversations } from './conversations/handle.ts'
import type { PrismaClient } from './db/client.ts'
import { bearerAuth } from './http/bearer-auth.ts'
import { errorHandler, notFound } from './http/error-handler.ts'
import { health } from './http/health.ts'
import { requestLog } from './http/request-log.ts'
import type { Logger } from './logger.ts'
import { conversationRoutes } from './staff/api/conversations.ts'
import { ticketRoutes } from './staff/api/tickets.ts'
import { BusinessCalendar } from './tickets/calendar.ts'

export interface AppDeps {
  config: Config
  prisma: PrismaClient
  /** Whether the database answers, for /healthz. */
  ping(): Promise<boolean>
  clock: Clock
  logger: Logger
  /** The admin API's bearer token (ADMIN_TOKEN, or the one generated in DATA_DIR). */
  adminToken: string
}

export interface App {
  express: Express
  conversations: Conversations
}

export function buildApp(deps: AppDeps): App {
  const { config, prisma, clock, logger } = deps
  const calendar = new BusinessCalendar(config.serviceTimeZone, config.holidays)
  const conversations = createConversations({ prisma, clock, logger, calendar, defaultLocale: config.defaultLocale })

  const app = express()
  app.disable('x-powered-by')
  app.use(requestLog(logger))

  app.get('/healthz', health(deps.ping))
  app.use('/twilio', smsReceiver({ twilio: config.twilio, publicUrl: config.publicUrl, handle: conversations.handle, now: () => clock.now() }))
  app.use('/api', bearerAuth(deps.adminToken), express.json({ limit: '256kb' }), ticketRoutes(prisma), conversationRoutes(prisma))

  app.use(notFound)
  app.use(errorHandler(logger))
  return { express: app, conversations }
}
