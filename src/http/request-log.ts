import type { IncomingMessage, ServerResponse } from 'node:http'
import { pinoHttp } from 'pino-http'
import type { Logger } from '../logger.ts'

/**
 * One log line per request. The query string can carry phone numbers (`?phone=`), so only the
 * path is logged unless the level is debug.
 */
export function requestLog(logger: Logger) {
  const verbose = logger.isLevelEnabled('debug')
  return pinoHttp({
    logger,
    quietReqLogger: true,
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    serializers: {
      req: (req: { method: string; url: string; raw?: IncomingMessage }) => ({
        method: req.method,
        url: verbose ? req.url : req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  })
}
