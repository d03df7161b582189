/**
 * CORS for the chat's endpoints when another site embeds the chat (WEBCHAT_ALLOWED_ORIGINS, issue 18).
 * Only listed origins get the headers; nothing here carries cookies, so no credentials are allowed.
 * With no origins listed it does nothing: browsers keep other sites out, as before.
 */
import type { RequestHandler } from 'express'

const METHODS = 'GET, POST, OPTIONS'
/** What Web Chat and DirectLineJS send; a preflight asking for more is answered without it. */
const HEADERS = new Set(['authorization', 'content-type', 'x-ms-bot-agent', 'x-requested-with', 'x-ms-conversation-id'])

export function corsFor(origins: string[]): RequestHandler {
  const allowed = new Set(origins)
  return (req, res, next) => {
    const origin = req.header('origin')
    if (!origin || !allowed.has(origin)) return next()
    res.setHeader('access-control-allow-origin', origin)
    res.vary('origin')
    if (req.method !== 'OPTIONS' || !req.header('access-control-request-method')) return next()
    const asked = (req.header('access-control-request-headers') ?? '')
      .split(',')
      .map((name) => name.trim().toLowerCase())
      .filter((name) => HEADERS.has(name))
    res.setHeader('access-control-allow-methods', METHODS)
    if (asked.length) res.setHeader('access-control-allow-headers', asked.join(', '))
    res.setHeader('access-control-max-age', '600')
    res.status(204).end()
  }
}
