import { pino, type Logger } from 'pino'
import pretty from 'pino-pretty'
import type { Config } from './config.ts'

export type { Logger }

/** `json` for machines (log collectors, journald); `pretty` for a person at a terminal; `auto` picks by whether stdout is one. */
export type LogFormat = 'auto' | 'json' | 'pretty'

/**
 * JSON lines on stdout, or readable lines when a person is watching (LOG_FORMAT). Message bodies
 * and phone numbers are personal data: they are logged only at debug level, by the code that has
 * them, never by the request logger.
 */
export function createLogger(level: Config['logLevel'], format: LogFormat = 'auto'): Logger {
  const options = { level, base: { service: 'aftercare' }, timestamp: pino.stdTimeFunctions.isoTime }
  const readable = format === 'pretty' || (format === 'auto' && process.stdout.isTTY === true)
  if (!readable) return pino(options)
  // In-process and synchronous: every line is out before the process exits, as with JSON.
  return pino(options, pretty({ sync: true, colorize: process.stdout.isTTY === true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service' }))
}
