/** `npm start`: configuration → database → migrations → HTTP; SIGINT/SIGTERM stop it cleanly. */
import { existsSync } from 'node:fs'
import { ConfigError, loadConfig } from './config.ts'
import { createLogger } from './logger.ts'
import { startAftercare, StartupError } from './runtime.ts'

if (existsSync('.env')) process.loadEnvFile('.env')

let config: ReturnType<typeof loadConfig>
try {
  config = loadConfig()
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(`Aftercare cannot start: configuration error: ${error.message}`)
  process.exit(1)
}

const logger = createLogger(config.logLevel, config.logFormat)
try {
  const running = await startAftercare(config, { logger })
  let signals = 0
  const shutdown = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      logger.warn({ signal }, 'second signal: exiting at once')
      process.exit(1)
    }
    logger.info({ signal }, 'signal received')
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
} catch (error) {
  if (error instanceof StartupError) console.error(`Aftercare cannot start: ${error.message}`)
  else logger.fatal({ err: error }, 'Aftercare failed to start')
  process.exit(1)
}
