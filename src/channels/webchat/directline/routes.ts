/**
 * A Direct Line 3.0–compatible service of our own under /v3/directline, so the chat page works
 * with no Azure account: Web Chat's DirectLineJS talks to it exactly as to Azure's. Visitors'
 * activities go to the same adapter and bot as any channel's (with a serviceUrl pointing at our
 * connector endpoint); the bot's replies come back there and are stored for the page to poll or
 * stream. Each conversation has its own token: it opens that conversation and no other.
 */
import { createHash, randomUUID, timingSafeEqual } from 'node:crypto'
import type { Activity as BotActivity, CloudAdapter, TurnContext } from 'botbuilder'
import express, { type Request, type Router } from 'express'
import { z } from 'zod'
import { AppError } from '../../../errors.ts'
import { limitByIp, type RateLimits } from '../../../http/rate-limits.ts'
import { toAppError } from '../../../http/error-handler.ts'
import { replyKey } from '../activities.ts'
import type { Logger } from '../../../logger.ts'
import { identityKey } from '../../types.ts'
import type { MediaIntake } from '../../../media/intake.ts'
import { TOKEN_EXPIRES_IN_SECONDS, type Activity, type DirectLineConversationRecord, type DirectLineStore } from './store.ts'

export interface DirectLineDeps {
  store: DirectLineStore
  adapter: CloudAdapter
  bot: (context: TurnContext) => Promise<void>
  /** How this process reaches itself (loopback), known once it listens. */
  selfUrl(): string
  /** PUBLIC_URL: the stream URL given to browsers that came through it (issue 18). */
  publicUrl?: string
  /** Secret path segment of our connector endpoint: only this process knows it. */
  connectorKey: string
  botName: string
  logger: Logger
  limits: RateLimits
  /** Issue 14: files a visitor uploads, received before the bot's turn. */
  media?: MediaIntake
  /** A link the visitor's page can show an uploaded file with. */
  mediaUrl?(id: string): string
}

const incomingActivity = z
  .looseObject({
    type: z.string().min(1).max(64),
    id: z.string().max(200).optional(),
    text: z.string().max(10_000).optional(),
    value: z.unknown().optional(),
    name: z.string().max(200).optional(),
    locale: z.string().max(20).optional(),
    from: z.looseObject({ id: z.string().max(200).optional(), name: z.string().max(200).optional() }).optional(),
    channelData: z.looseObject({ clientActivityID: z.string().max(200).optional() }).optional(),
  })
  .refine((activity) => activity.type !== 'message' || activity.text !== undefined || activity.value !== undefined || Array.isArray(activity.attachments), {
    message: 'a message needs text, a value or attachments',
  })

/** Room for the most files a message may carry, at the largest size, and the activity. */
const uploadLimit = (deps: DirectLineDeps) => (deps.media ? deps.media.limits.maxBytes * (deps.media.limits.maxPerMessage + 1) + 64 * 1024 : 0)

const bearer = (req: Request) => /^Bearer\s+(\S+)$/i.exec(req.header('authorization') ?? '')?.[1]

export function connectorUrl(deps: Pick<DirectLineDeps, 'selfUrl' | 'connectorKey'>): string {
  return `${deps.selfUrl()}/v3/directline/connector/${deps.connectorKey}`
}

export function directLineRouter(deps: DirectLineDeps): Router {
  const { store } = deps
  const router = express.Router()
  router.use(express.json({ limit: '256kb' }))

  async function authenticated(req: Request): Promise<DirectLineConversationRecord> {
    const token = bearer(req)
    if (!token) throw new AppError('unauthorized', 'missing Direct Line token (Authorization: Bearer …)')
    const conversation = await store.authenticate(token)
    if (!conversation) throw new AppError('forbidden', 'invalid or expired Direct Line token')
    return conversation
  }

  /** The token's conversation, which must be the one in the path. */
  async function authorized(req: Request): Promise<DirectLineConversationRecord> {
    const conversation = await authenticated(req)
    const wanted = String(req.params.conversationId)
    if (conversation.id !== wanted) {
      if (!(await store.exists(wanted))) throw new AppError('not_found', `no conversation ${wanted}`)
      throw new AppError('forbidden', 'this token is not valid for that conversation')
    }
    return conversation
  }

  const publicOrigin = deps.publicUrl ? new URL(deps.publicUrl) : undefined
  /**
   * Where the browser opens the WebSocket. Reached through PUBLIC_URL (a proxy that keeps Host,
   * or says X-Forwarded-Host): PUBLIC_URL's own address, wss for an https page, whatever the proxy
   * said about the hop behind it. Reached directly (development, tests): the address asked.
   */
  const streamBase = (req: Request) => {
    const host = req.header('x-forwarded-host')?.split(',')[0]?.trim() || req.get('host') || ''
    if (publicOrigin && host.toLowerCase() === publicOrigin.host.toLowerCase()) return `${publicOrigin.protocol === 'https:' ? 'wss' : 'ws'}://${publicOrigin.host}`
    return `${req.protocol === 'https' || req.header('x-forwarded-proto') === 'https' ? 'wss' : 'ws'}://${req.get('host')}`
  }
  const streamUrl = (req: Request, conversation: DirectLineConversationRecord, token: string, watermark?: string) => {
    const base = streamBase(req)
    return `${base}/v3/directline/conversations/${conversation.id}/stream?t=${encodeURIComponent(token)}${watermark ? `&watermark=${encodeURIComponent(watermark)}` : ''}`
  }
  const describe = (req: Request, conversation: DirectLineConversationRecord, token: string, watermark?: string) => ({
    conversationId: conversation.id,
    token,
    expires_in: TOKEN_EXPIRES_IN_SECONDS,
    streamUrl: streamUrl(req, conversation, token, watermark),
  })

  /**
   * A visitor's first call: a conversation and its token (our chat page calls it through
   * /webchat/session). A user id in the request is ignored: the server names the visitor.
   */
  router.post('/tokens/generate', limitByIp(deps.limits, 'webchatSessions'), async (req, res) => {
    const body = z.object({ user: z.object({ id: z.string().max(200).optional() }).optional(), locale: z.string().max(20).optional() }).safeParse(req.body ?? {})
    if (!body.success) throw new AppError('bad_request', 'malformed token request')
    const { conversation, token } = await store.create(body.data.locale)
    res.json({ conversationId: conversation.id, token, expires_in: TOKEN_EXPIRES_IN_SECONDS })
  })

  /** A new token for a live one (DirectLineJS refreshes every 15 minutes); the old one stops shortly after. */
  router.post('/tokens/refresh', async (req, res) => {
    const token = bearer(req)
    if (!token) throw new AppError('unauthorized', 'missing Direct Line token (Authorization: Bearer …)')
    const refreshed = await store.refresh(token)
    if (!refreshed) throw new AppError('forbidden', 'invalid or expired Direct Line token')
    res.json({ conversationId: refreshed.conversation.id, token: refreshed.token, expires_in: TOKEN_EXPIRES_IN_SECONDS })
  })

  /**
   * Azure's `GET /session/getsessionid` (DirectLineJS's getSessionId; Web Chat adds the id to a
   * sign-in card's link as its code challenge): `{ "sessionId": … }` for the bearer token. Ours is
   * the visitor's conversation's, the same for each of its tokens, and tells nothing else.
   */
  router.get('/session/getsessionid', async (req, res) => {
    const conversation = await authenticated(req)
    res.json({ sessionId: createHash('sha256').update(`directline-session|${conversation.id}`).digest('base64url') })
  })

  // Starting a conversation with a token opens the conversation the token was made for.
  router.post('/conversations', async (req, res) => {
    const conversation = await authenticated(req)
    // As Azure: 201 when the conversation starts, 200 when a token's conversation is started again.
    res.status((await store.started(conversation.id)) ? 200 : 201).json(describe(req, conversation, bearer(req)!))
  })

  // Reconnecting (DirectLineJS with a conversationId): the same conversation, a fresh stream URL.
  router.get('/conversations/:conversationId', async (req, res) => {
    const conversation = await authorized(req)
    res.json(describe(req, conversation, bearer(req)!, typeof req.query.watermark === 'string' ? req.query.watermark : undefined))
  })

  router.get('/conversations/:conversationId/activities', async (req, res) => {
    const conversation = await authorized(req)
    res.json(await store.after(conversation.id, typeof req.query.watermark === 'string' ? req.query.watermark : undefined))
  })

  router.post('/conversations/:conversationId/activities', limitByIp(deps.limits, 'directLinePosts'), async (req, res) => {
    const conversation = await authorized(req)
    const parsed = incomingActivity.safeParse(req.body)
    if (!parsed.success) throw new AppError('bad_request', `malformed activity: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`)
    res.json(await post(req, conversation, parsed.data))
  })

  /**
   * Direct Line's upload, as Azure's: multipart/form-data with the files and, in a part of type
   * `application/vnd.microsoft.activity`, the message that carries them (DirectLineJS sends it so
   * when Web Chat's upload button is used). The files are received first, then the message goes
   * to the bot like any other, with them.
   */
  router.post('/conversations/:conversationId/upload', limitByIp(deps.limits, 'directLinePosts'), express.raw({ type: 'multipart/form-data', limit: uploadLimit(deps) }), async (req, res) => {
    const conversation = await authorized(req)
    if (!deps.media) throw new AppError('unavailable', 'uploads are not taken here')
    if (!Buffer.isBuffer(req.body)) throw new AppError('bad_request', 'send the files as multipart/form-data')
    const form = await new Response(req.body, { headers: { 'content-type': req.header('content-type') ?? '' } }).formData().catch(() => {
      throw new AppError('bad_request', 'malformed multipart/form-data body')
    })
    const files: File[] = []
    let described: unknown = { type: 'message' }
    for (const [name, part] of form.entries()) {
      if (typeof part === 'string') continue
      if (name === 'activity' || part.type.startsWith('application/vnd.microsoft.activity')) {
        try {
          described = JSON.parse(await part.text())
        } catch {
          throw new AppError('bad_request', 'the activity part is not JSON')
        }
      } else files.push(part)
    }
    if (!files.length) throw new AppError('bad_request', 'no file in the upload')
    const parsed = incomingActivity.safeParse({ ...(described as object), attachments: [] })
    if (!parsed.success) throw new AppError('bad_request', `malformed activity: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`)
    res.json(await post(req, conversation, parsed.data, files))
  })

  async function post(req: Request, conversation: DirectLineConversationRecord, posted: z.infer<typeof incomingActivity>, files: File[] = []) {
    // A browser over the visitor's message limit is told to wait, and nothing is stored.
    const allowance = await deps.limits.check('messages', identityKey('webchat', `directline:${conversation.userId}`))
    if (!allowance.ok) throw new AppError('too_many_requests', 'too many messages; wait a moment', undefined, allowance.retryAfterSeconds)
    const clientActivityId = posted.channelData?.clientActivityID ?? posted.id ?? (files.length ? randomUUID() : undefined)
    // The visitor is who the token says, whatever the client claims.
    const from = { id: conversation.userId, name: posted.from?.name, role: 'user' }
    const { id: _ignored, ...rest } = posted
    // An upload's files are received before the message is stored, under a key its retries share.
    const messageId = files.length ? `${conversation.id}|upload|${clientActivityId}` : undefined
    const media =
      messageId && deps.media
        ? await deps.media.receive(
            { channel: 'webchat', address: `directline:${conversation.userId}`, providerMessageId: messageId },
            await Promise.all(files.map(async (file) => ({ bytes: new Uint8Array(await file.arrayBuffer()) }))),
          )
        : undefined
    const shown = messageId ? await uploaded(messageId, files) : undefined
    const { activity } = await store.append(conversation.id, { ...rest, from, ...(shown && { attachments: shown }) } as Activity, { fromBot: false, clientActivityId })
    // A client's retry of an activity already stored still goes to the bot: if the first attempt
    // failed (the database went away mid-turn), this one does the turn; if it succeeded, the
    // conversation recognises the message id and its replies are not stored twice (the connector
    // below keys them by the message they answer).
    const forBot = {
      ...activity,
      // Set here, never taken from the client: the visitor's address, for per-visitor hand-off limits.
      channelData: { ...(activity.channelData as object | undefined), clientIp: req.ip, aftercare: messageId ? { messageId, media } : undefined },
      channelId: 'directline',
      serviceUrl: connectorUrl(deps),
      recipient: { id: 'bot', name: deps.botName, role: 'bot' },
      conversation: { id: conversation.id },
      locale: posted.locale ?? conversation.locale ?? undefined,
    } as unknown as BotActivity
    // Answer once the bot has replied, so the client's next poll finds the replies in order.
    let failure: unknown
    try {
      await deps.adapter.processActivityDirect('', forBot, async (context) => {
        try {
          await deps.bot(context)
        } catch (error) {
          failure = error
          throw error
        }
      })
    } catch (error) {
      failure ??= error
    }
    if (failure !== undefined) {
      const known = toAppError(failure)
      // 503 with Retry-After: DirectLineJS offers the visitor "Retry", which posts it again.
      if (known?.status === 503) throw known
      deps.logger.error({ err: failure, conversation: conversation.id }, 'Direct Line activity failed in the bot')
    }
    return { id: activity.id }
  }

  /** The uploaded files as the visitor's transcript shows them: the ones kept, by a link to our copy. */
  async function uploaded(messageId: string, files: File[]) {
    const rows = await deps.store.attachmentsOf(messageId)
    return rows.flatMap((row) =>
      row.status === 'stored' && deps.mediaUrl ? [{ contentType: row.contentType, contentUrl: deps.mediaUrl(row.id), name: files[row.position]?.name || `file ${row.position + 1}` }] : [],
    )
  }

  /** Where the bot's replies arrive (botbuilder posts to serviceUrl): loopback and secret path only. */
  const connector = express.Router({ mergeParams: true })
  connector.use((req, _res, next) => {
    const key = Buffer.from(String(req.params.key))
    const expected = Buffer.from(deps.connectorKey)
    const loopback = ['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(req.socket.remoteAddress ?? '')
    if (!loopback || key.length !== expected.length || !timingSafeEqual(key, expected)) return next(new AppError('forbidden', 'not our connector'))
    next()
  })
  const fromBot = async (req: Request) => {
    const conversationId = String(req.params.conversationId)
    if (!(await store.exists(conversationId))) throw new AppError('not_found', `no conversation ${conversationId}`)
    const body = (req.body ?? {}) as Activity
    if (typeof body.type !== 'string') throw new AppError('bad_request', 'malformed activity')
    const { id: _ignored, serviceUrl: _serviceUrl, ...rest } = body
    const { activity } = await store.append(
      conversationId,
      { ...rest, from: { id: 'bot', name: deps.botName, role: 'bot' } },
      { fromBot: true, clientActivityId: replyKey(body as { channelData?: unknown }) },
    )
    return { id: activity.id }
  }
  connector.post('/v3/conversations/:conversationId/activities', async (req, res) => {
    res.json(await fromBot(req))
  })
  connector.post('/v3/conversations/:conversationId/activities/:replyToId', async (req, res) => {
    res.json(await fromBot(req))
  })
  router.use('/connector/:key', connector)

  // Direct Line 3.0's error shape, which its clients read: `{ "error": { "code", "message" } }`.
  router.use((_req, _res, next) => next(new AppError('not_found', 'no such Direct Line endpoint')))
  router.use((error: unknown, _req: Request, res: express.Response, next: express.NextFunction) => {
    const known = toAppError(error)
    if (!known || res.headersSent) return next(error)
    if (known.retryAfterSeconds !== undefined) res.set('Retry-After', String(known.retryAfterSeconds))
    res.status(known.status).json({ error: { code: directLineCode(known), message: known.message } })
  })

  return router
}

/** Azure's codes where they exist: a refused token is TokenExpired, whatever the reason. */
function directLineCode(error: AppError): string {
  if (error.status === 403 && /token/i.test(error.message)) return 'TokenExpired'
  const codes: Record<number, string> = {
    400: 'BadArgument',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'NotFound',
    409: 'Conflict',
    413: 'MessageSizeTooBig',
    415: 'BadArgument',
    429: 'TooManyRequests',
  }
  return codes[error.status] ?? 'ServiceError'
}
