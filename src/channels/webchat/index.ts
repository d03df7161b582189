/**
 * The web chat channel, assembled: `/api/messages` for Bot Framework channels (Azure Bot
 * Service, the Emulator), the built-in Direct Line under `/v3/directline`, the page at `/`, and
 * the sender notifications use.
 */
import { randomBytes } from 'node:crypto'
import type { Server } from 'node:http'
import { corsFor } from '../../http/cors.ts'
import express, { type Router } from 'express'
import type { Clock } from '../../clock.ts'
import type { Config } from '../../config.ts'
import type { PrismaClient } from '../../db/client.ts'
import { AppError } from '../../errors.ts'
import type { Logger } from '../../logger.ts'
import type { Inbound, TurnResult } from '../types.ts'
import type { MediaIntake } from '../../media/intake.ts'
import { createBotAdapter } from './adapter.ts'
import { botEndpoint } from './bot-endpoint.ts'
import { serviceUrlPolicy } from './service-urls.ts'
import type { RateLimits } from '../../http/rate-limits.ts'
import { webchatBot } from './bot.ts'
import { directLineRouter } from './directline/routes.ts'
import { DirectLineStore } from './directline/store.ts'
import { attachDirectLineStream } from './directline/stream.ts'
import { chatPageRouter } from './page.ts'
import { createWebchatSender, type WebchatSender } from './sender.ts'
import { sessionRouter } from './session.ts'

export interface Webchat {
  router: Router
  sender: WebchatSender
  /** Once the server listens: how to reach ourselves, and the WebSocket stream. */
  listening(server: Server, selfUrl: string): void
  /** Deletes built-in Direct Line conversations past their lifetime, or never used, and expired tokens. */
  purge(): Promise<number>
  close(): void
}

export interface WebchatDeps {
  config: Config
  prisma: PrismaClient
  clock: Clock
  logger: Logger
  limits: RateLimits
  handle(inbound: Inbound): Promise<TurnResult>
  /** Files visitors upload through the built-in Direct Line. */
  media?: MediaIntake
  mediaUrl?(id: string): string
}

/** Where the bot may send, and fetch attachments from: see service-urls.ts. */
export const webchatServiceUrls = (config: Config) => serviceUrlPolicy({ allowed: config.botFramework.appId ? config.botServiceUrls : [], loopback: config.botEmulator })

export function createWebchat(deps: WebchatDeps): Webchat {
  const { config, prisma, clock, logger } = deps
  const bot = config.botFramework
  const adapter = createBotAdapter(bot, logger)
  const serviceUrls = webchatServiceUrls(config)
  const turn = webchatBot({ handle: deps.handle, now: () => clock.now(), media: deps.media, serviceUrls })
  const store = new DirectLineStore(prisma, clock)
  let selfUrl = ''
  let detach: (() => void) | undefined
  const local = { selfUrl: () => selfUrl, connectorKey: randomBytes(24).toString('base64url') }

  const router = express.Router()
  router.use(botEndpoint({ adapter, bot: turn, appId: bot.appId, emulator: config.botEmulator, serviceUrls, logger }))
  // Another site embedding the chat (WEBCHAT_ALLOWED_ORIGINS): its pages may call these two.
  if (config.webchatAllowedOrigins.length) router.use(['/webchat/session', '/v3/directline'], corsFor(config.webchatAllowedOrigins))
  router.use(sessionRouter({ config: bot, store, limits: deps.limits }))
  if (!bot.appId) {
    router.use(
      '/v3/directline',
      directLineRouter({ store, adapter, bot: turn, ...local, publicUrl: config.publicUrl, botName: config.brandName, logger, limits: deps.limits, media: deps.media, mediaUrl: deps.mediaUrl }),
    )
  } else {
    router.use('/v3/directline', () => {
      throw new AppError('unavailable', 'the built-in Direct Line is off when MICROSOFT_APP_ID is set: use Azure Direct Line (DIRECT_LINE_SECRET)')
    })
  }
  router.use(chatPageRouter({ brandName: config.brandName }))

  return {
    router,
    sender: createWebchatSender({ adapter, appId: bot.appId, store, serviceUrls, botName: config.brandName }),
    listening(server, url) {
      selfUrl = url
      if (!bot.appId) detach = attachDirectLineStream(server, store, logger)
    },
    close() {
      detach?.()
    },
    purge: () => store.purge(),
  }
}
