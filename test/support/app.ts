/**
 * The real application, built in-process on a test database and a manual clock, listening on
 * a loopback port: tests talk to it over HTTP exactly as providers and staff do.
 */
import { createServer, type RequestListener, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { buildApp, type App } from '../../src/app.ts'
import { ManualClock } from '../../src/clock.ts'
import { loadConfig, type Config } from '../../src/config.ts'
import { createLogger } from '../../src/logger.ts'
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

export async function startTestApp(options: { env?: Record<string, string>; now?: string; db?: TestDatabase } = {}): Promise<TestApp> {
  const db = options.db ?? (await createTestDatabase())
  const config = loadConfig({
    PUBLIC_URL,
    TWILIO_AUTH_TOKEN,
    ADMIN_TOKEN,
    DATABASE_URL: db.url,
    SERVICE_TIMEZONE: 'Asia/Shanghai',
    ...options.env,
  })
  const clock = new ManualClock(options.now ?? '2026-11-25T02:00:00Z')
  const app = buildApp({ config, prisma: db.prisma, ping: () => db.prisma.$queryRaw`SELECT 1`.then(() => true, () => false), clock, logger: createLogger((process.env.TEST_LOG_LEVEL as 'silent') ?? 'silent'), adminToken: ADMIN_TOKEN })
  const { server, url } = await listen(app.express)
  return {
    url,
    config,
    clock,
    db,
    app,
    getJson: (path) => fetch(url + path, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then((response) => response.json()),
    admin: (path, init = {}) => fetch(url + path, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json', ...init.headers } }),
    async close() {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      if (!options.db) await db.drop()
    },
  }
}
