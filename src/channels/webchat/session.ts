/**
 * `POST /webchat/session`: what the chat page needs to open (or resume) a conversation.
 * Local mode: a conversation on our built-in Direct Line. Azure mode (DIRECT_LINE_SECRET): a
 * short-lived token from Azure's Direct Line, minted here so the secret never reaches the browser.
 */
import { randomBytes } from 'node:crypto'
import express, { type Router } from 'express'
import { z } from 'zod'
import type { BotFrameworkConfig } from '../../config.ts'
import { AppError } from '../../errors.ts'
import { limitByIp, type RateLimits } from '../../http/rate-limits.ts'
import { TOKEN_EXPIRES_IN_SECONDS, type DirectLineStore } from './directline/store.ts'

const sessionRequest = z.object({
  // Local mode resumes with `resumeKey` (pages saved before tokens expired sent their token: it was
  // the key, and still is); Azure mode refreshes the token it had.
  resume: z.object({ conversationId: z.string().max(200), resumeKey: z.string().max(200).optional(), token: z.string().max(2000).optional(), userId: z.string().max(200).optional() }).optional(),
  locale: z.string().max(20).optional(),
})

export interface ChatSession {
  mode: 'local' | 'azure'
  /** Direct Line base URL; null: this server (the page uses its own origin). */
  domain: string | null
  token: string
  conversationId: string
  /** The visitor's id in that conversation: Web Chat shows their own messages by it. */
  userId: string
  /** True when this continues the conversation the page had. */
  resumed: boolean
  /** Local mode: what the page keeps to come back to this conversation (tokens expire in 30 minutes). */
  resumeKey?: string
  /** Seconds the token is good for; the page (DirectLineJS) refreshes it before. */
  expiresIn?: number
}

export function sessionRouter(deps: { config: BotFrameworkConfig; store: DirectLineStore; limits: RateLimits; fetch?: typeof fetch }): Router {
  const { config, store } = deps
  const http = deps.fetch ?? fetch
  const router = express.Router()

  async function azure(path: 'generate' | 'refresh', authorization: string, body?: object) {
    const response = await http(`${config.directLineUrl}/v3/directline/tokens/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${authorization}`, 'content-type': 'application/json' },
      body: JSON.stringify(body ?? {}),
    })
    if (!response.ok) return undefined
    return (await response.json()) as { conversationId: string; token: string }
  }

  router.post('/webchat/session', limitByIp(deps.limits, 'webchatSessions'), express.json({ limit: '16kb' }), async (req, res) => {
    const parsed = sessionRequest.safeParse(req.body ?? {})
    if (!parsed.success) throw new AppError('bad_request', 'malformed session request')
    const { resume, locale } = parsed.data
    let session: ChatSession | undefined

    if (config.directLineSecret) {
      const domain = `${config.directLineUrl}/v3/directline`
      const refreshed = resume?.userId && resume.token && (await azure('refresh', resume.token))
      if (refreshed) session = { mode: 'azure', domain, conversationId: refreshed.conversationId, token: refreshed.token, userId: resume.userId!, resumed: true }
      else {
        const userId = `web_${randomBytes(12).toString('base64url')}`
        const generated = await azure('generate', config.directLineSecret, { user: { id: userId } })
        if (!generated) throw new AppError('unavailable', 'Azure Direct Line refused to issue a token')
        session = { mode: 'azure', domain, conversationId: generated.conversationId, token: generated.token, userId, resumed: false }
      }
    } else if (!config.appId) {
      const key = resume?.resumeKey ?? resume?.token
      const resumed = resume && key ? await store.resume(resume.conversationId, key) : undefined
      if (resumed) {
        session = {
          mode: 'local',
          domain: null,
          conversationId: resumed.conversation.id,
          token: resumed.token,
          userId: resumed.conversation.userId,
          resumed: true,
          resumeKey: key,
          expiresIn: TOKEN_EXPIRES_IN_SECONDS,
        }
      } else {
        const { conversation, token, resumeKey } = await store.create(locale)
        session = { mode: 'local', domain: null, conversationId: conversation.id, token, userId: conversation.userId, resumed: false, resumeKey, expiresIn: TOKEN_EXPIRES_IN_SECONDS }
      }
    } else {
      throw new AppError('unavailable', 'the chat page needs DIRECT_LINE_SECRET when MICROSOFT_APP_ID is set')
    }
    res.setHeader('cache-control', 'no-store')
    res.json(session)
  })
  return router
}
