import { LogLevel, type Logger as BoltLogger } from '@slack/logger'
import type { Logger } from '../../logger.ts'

/** Bolt's logger interface over our pino logger, so Slack's messages land in the same JSON log. */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'slack' })
  let level = LogLevel.INFO
  const join = (messages: unknown[]) => messages.map((message) => (typeof message === 'string' ? message : JSON.stringify(message))).join(' ')
  return {
    debug: (...messages) => child.debug(join(messages)),
    info: (...messages) => child.info(join(messages)),
    warn: (...messages) => child.warn(join(messages)),
    error: (...messages) => child.error(join(messages)),
    setLevel: (next) => {
      level = next
    },
    getLevel: () => level,
    setName: () => {},
  }
}
