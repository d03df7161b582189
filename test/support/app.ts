/**
 * The real application, built in-process on a test database and a manual clock, listening on
 * a loopback port: tests talk to it over HTTP exactly as providers and staff do.
 */
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { App } from '../../src/app.ts'
import { assemble, type Assembled } from '../../src/assemble.ts'
import { ManualClock } from '../../src/clock.ts'
import { loadConfig, type Config } from '../../src/config.ts'
import { createLogger, type Logger } from '../../src/logger.ts'
import { createTestDatabase, type TestDatabase } from './database.ts'

export const PUBLIC_URL = 'https://aftercare.example.test'
export const TWILIO_AUTH_TOKEN = 'test-twilio-auth-token'
export const ADMIN_TOKEN = 'test-admin-token-0123456789'

export interface TestApp {
  url: string
  config: Config
  clock: ManualClock
  db: TestDatabase
  app: App
  assembled: Assembled
  /** fetch() against the admin API with the bearer token. */
  admin(path: string, init?: RequestInit): Promise<Response>
  /** GET on the admin API, parsed: tests read whatever fields they check. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  getJson(path: string): Promise<any>
  close(): Promise<void>
}

/** Serves a request handler on a free loopback port. */
export async function listen(handler: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

export interface TestAppOptions {
  env?: Record<string, string>
  now?: string
  db?: TestDatabase
  clock?: ManualClock
  /** Run job workers (default true); off simulates a crash after commit. */
  workers?: boolean
  /** Where the app logs (silent by default, or TEST_LOG_LEVEL). */
  logger?: Logger
  /**
   * Run the scheduled jobs as production does (timers every TIMER_SWEEP_SECONDS, the digest's
   * cron). Off by default: tests move a manual clock and sweep themselves, and a background
   * sweep would race them.
   */
  schedules?: boolean
}

export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const db = options.db ?? (await createTestDatabase())
  const config = loadConfig({
    PUBLIC_URL,
    TWILIO_AUTH_TOKEN,
    ADMIN_TOKEN,
    DATABASE_URL: db.url,
    SERVICE_TIMEZONE: 'Asia/Shanghai',
    OUTBOX_RETRY_DELAY: '1',
    OUTBOX_RETRY_LIMIT: '3',
    JOB_POLL_SECONDS: '0.5',
    ...options.env,
  })
  const clock = options.clock ?? new ManualClock(options.now ?? '2026-11-25T02:00:00Z')
  const assembled = await assemble({
    config,
    prisma: db.prisma,
    databaseUrl: db.url,
    ping: () =>
      db.prisma.$queryRaw`SELECT 1`.then(
        () => true,
        () => false,
      ),
    clock,
    logger: options.logger ?? createLogger((process.env.TEST_LOG_LEVEL as 'silent') ?? 'silent'),
    adminToken: ADMIN_TOKEN,
    workers: options.workers,
    schedules: options.schedules ?? false,
  })
  const app = assembled.app
  const { server, url } = await listen(app.express)
  app.listening(server, url)
  let closing: Promise<void> | undefined
  return {
    url,
    config,
    clock,
    db,
    app,
    assembled,
    getJson: (path) => fetch(url + path, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then((response) => response.json()),
    admin: (path, init = {}) => fetch(url + path, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', ...init.headers } }),
    /** Stops the instance, letting its sends in flight finish; closing again waits for the same stop. */
    close() {
      closing ??= (async () => {
        server.closeAllConnections()
        await new Promise<void>((resolve) => server.close(() => resolve()))
        await assembled.stop()
        if (!options.db) await db.drop()
      })()
      return closing
    },
  }
}
