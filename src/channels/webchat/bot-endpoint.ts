/**
 * `POST /api/messages`, where Bot Framework channels (Azure Bot Service: Teams, Azure Web
 * Chat) post activities. With MICROSOFT_APP_ID every request must carry the channel's JWT,
 * checked before anything runs; a missing, forged or malformed token is a plain 401. Without an
 * app id the endpoint is closed (the built-in Direct Line reaches the bot in-process), unless
 * BOT_EMULATOR opens it to the Bot Framework Emulator on loopback. Either way the activity is
 * validated (400) and its serviceUrl must be trusted (403): replies go nowhere else.
 */
import type { Activity, TurnContext } from 'botbuilder'
import express, { type Router } from 'express'
import { z } from 'zod'
import { AppError } from '../../errors.ts'
import type { Logger } from '../../logger.ts'
import type { BotAdapter } from './adapter.ts'
import type { ServiceUrlPolicy } from './service-urls.ts'

const botActivity = z.looseObject({
  type: z.string().min(1).max(64),
  id: z.string().max(500).optional(),
  serviceUrl: z.string().url().max(500),
  channelId: z.string().min(1).max(100),
  from: z.looseObject({ id: z.string().min(1).max(500), name: z.string().max(500).optional() }),
  conversation: z.looseObject({ id: z.string().min(1).max(1000) }),
  recipient: z.looseObject({ id: z.string().max(500) }).optional(),
  text: z.string().max(10_000).optional(),
  locale: z.string().max(20).optional(),
  channelData: z.record(z.string(), z.unknown()).optional(),
})

const LOOPBACK = ['127.0.0.1', '::1', '::ffff:127.0.0.1']

export interface BotEndpointDeps {
  adapter: BotAdapter
  bot: (context: TurnContext) => Promise<void>
  appId: string
  emulator: boolean
  serviceUrls: ServiceUrlPolicy
  logger: Logger
}

export function botEndpoint(deps: BotEndpointDeps): Router {
  const router = express.Router()
  router.post('/api/messages', express.json({ limit: '1mb' }), async (req, res) => {
    if (!deps.appId && !deps.emulator) {
      throw new AppError('unauthorized', 'Bot Framework channels are not configured here: set MICROSOFT_APP_ID (the chat page does not use this endpoint)')
    }
    // The Emulator runs on this machine: without an app id, nobody else may post.
    if (!deps.appId && !LOOPBACK.includes(req.socket.remoteAddress ?? '')) throw new AppError('unauthorized', 'without MICROSOFT_APP_ID only the Bot Framework Emulator on this machine may post here')
    const parsed = botActivity.safeParse(req.body)
    if (!parsed.success) throw new AppError('bad_request', `malformed activity: ${parsed.error.issues.map((issue) => `${issue.path.join('.') || 'body'}: ${issue.message}`).join('; ')}`)
    // Only our own Direct Line may say where a web visitor's request came from.
    const { clientIp: _ignored, aftercare: _ours, ...channelData } = parsed.data.channelData ?? {}
    // Built-in Direct Line visitors reach the bot in-process only; nobody posts here in their name.
    if (parsed.data.channelId === 'directline' && !deps.appId) throw new AppError('forbidden', 'the directline channel is served by the built-in Direct Line')
    const activity = { ...parsed.data, channelData } as unknown as Activity
    let authenticated: Awaited<ReturnType<typeof deps.adapter.authenticate>>
    try {
      authenticated = await deps.adapter.authenticate(activity, req.header('authorization') ?? '')
    } catch (error) {
      deps.logger.debug({ err: { message: (error as Error).message } }, 'Bot Framework request refused: bad token')
      res.setHeader('WWW-Authenticate', 'Bearer')
      throw new AppError('unauthorized', 'missing or invalid Bot Framework token')
    }
    if (!deps.serviceUrls.trusted(activity.serviceUrl)) throw new AppError('forbidden', 'untrusted serviceUrl')
    const invoke = await deps.adapter.run(authenticated, activity, deps.bot)
    res.status(invoke?.status ?? 200)
    if (invoke?.body !== undefined) res.json(invoke.body)
    else res.end()
  })
  return router
}
