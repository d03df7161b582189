import type { RequestHandler } from 'express'

/** `GET /healthz`: 200 when the database answers, 503 when it does not. For load balancers. */
export function health(ping: () => Promise<boolean>): RequestHandler {
  return async (_req, res) => {
    const up = await ping()
    res.status(up ? 200 : 503).json({ status: up ? 'ok' : 'degraded', database: up ? 'up' : 'down' })
  }
}
