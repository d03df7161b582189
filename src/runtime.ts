/**
 * Starting and stopping the whole product: database (embedded or external), migrations, HTTP.
 * `src/server.ts` runs this for `npm start`; tests run it to restart on the same data.
 */
import { StartupError } from './errors.ts'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { App } from './app.ts'
import { assemble, type Assembled } from './assemble.ts'
import { systemClock, type Clock } from './clock.ts'
import { describeChannels, type Config } from './config.ts'
import type { PrismaClient } from './db/client.ts'
import { openDatabase } from './db/database.ts'
import { createLogger, type Logger } from './logger.ts'
import { createMetrics } from './observability/metrics.ts'

export interface RunningAftercare {
  url: string
  port: number
  prisma: PrismaClient
  app: App
  assembled: Assembled
  /** Stops accepting, lets in-flight requests finish, then closes the database. */
  stop(): Promise<void>
}

export { StartupError }

export interface StartOptions {
  clock?: Clock
  logger?: Logger
  /** How long in-flight requests get to finish at shutdown. */
  drainMilliseconds?: number
}

/** An admin token must be long and without blanks: anything else in the file is replaced, never trusted. */
export const usableAdminToken = (token: string) => token.length >= 16 && !/\s/.test(token)

/** ADMIN_TOKEN, or a random one kept in DATA_DIR so that it survives restarts. */
async function adminTokenFor(config: Config, logger: Logger): Promise<string> {
  if (config.adminToken) return config.adminToken
  const file = path.join(config.dataDir, 'admin-token')
  if (existsSync(file)) {
    const kept = (await readFile(file, 'utf8')).trim()
    if (usableAdminToken(kept)) return kept
    logger.warn({ file }, 'the admin-token file was empty, short or blank: replaced it with a new generated token')
  } else {
    logger.warn({ file }, 'ADMIN_TOKEN is not set: generated an admin API token and saved it in this file')
  }
  const token = randomBytes(24).toString('base64url')
  await writeFile(file, `${token}\n`, { mode: 0o600 })
  return token
}

export async function startAftercare(config: Config, options: StartOptions = {}): Promise<RunningAftercare> {
  const logger = options.logger ?? createLogger(config.logLevel, config.logFormat)
  const clock = options.clock ?? systemClock
  await mkdir(config.dataDir, { recursive: true })
  const adminToken = await adminTokenFor(config, logger)
  const metrics = createMetrics({ defaultMetrics: true })
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger, metrics })

  let assembled: Assembled
  try {
    assembled = await assemble({ config, prisma: database.prisma, databaseUrl: database.url, ping: database.ping, clock, logger, adminToken, metrics })
  } catch (error) {
    await database.close()
    throw error
  }
  const app = assembled.app
  let server: Server
  try {
    // Not express's listen: Express 5 calls its callback on an error too, as if it listened.
    server = await new Promise<Server>((resolve, reject) => {
      const http = createServer(app.express)
      http.once('error', reject)
      http.listen(config.port, () => {
        http.off('error', reject)
        resolve(http)
      })
    })
  } catch (error) {
    await assembled.stop()
    await database.close()
    const code = (error as NodeJS.ErrnoException).code
    // What a newcomer meets most: another program (or another Aftercare) on the port.
    if (code === 'EADDRINUSE') throw new StartupError(`port ${config.port} is already in use by another program: stop it, or set PORT to a free port`, { cause: error })
    if (code === 'EACCES') throw new StartupError(`this user may not listen on port ${config.port}: set PORT to 1024 or above`, { cause: error })
    throw error
  }
  const port = (server.address() as AddressInfo).port
  app.listening(server, `http://127.0.0.1:${port}`)
  for (const note of describeChannels(config)) logger[note.level](note.message)
  logger.info({ port, publicUrl: config.publicUrl, database: config.databaseUrl ? 'external' : 'embedded' }, 'Aftercare is listening')

  let stopping: Promise<void> | undefined
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    prisma: database.prisma,
    app,
    assembled,
    stop() {
      stopping ??= (async () => {
        logger.info('shutting down: finishing in-flight requests')
        const closed = new Promise<void>((resolve) => server.close(() => resolve()))
        // Keep-alive connections become idle once their request is answered: close them then.
        const idle = setInterval(() => server.closeIdleConnections(), 50)
        server.closeIdleConnections()
        const drain = setTimeout(() => server.closeAllConnections(), options.drainMilliseconds ?? 10_000)
        await closed
        clearInterval(idle)
        clearTimeout(drain)
        logger.info('stopping job workers')
        await assembled.stop()
        await database.close()
        logger.info('stopped')
      })()
      return stopping
    },
  }
}
