import { pino, type Logger } from 'pino'
import type { Config } from './config.ts'

export type { Logger }

/**
 * JSON lines on stdout. Message bodies and phone numbers are personal data: they are logged
 * only at debug level, by the code that has them, never by the request logger.
 */
export function createLogger(level: Config['logLevel']): Logger {
  return pino({ level, base: { service: 'aftercare' }, timestamp: pino.stdTimeFunctions.isoTime })
}
