/**
 * The database the product runs on: the external server named by DATABASE_URL, or else the
 * embedded one under DATA_DIR. Either way, pending migrations are applied before use.
 */
import path from 'node:path'
import type { Logger } from '../logger.ts'
import { createPrisma, type PrismaClient } from './client.ts'
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.ts'
import type { Metrics } from '../observability/metrics.ts'
import { applyMigrations } from './migrations.ts'
import { createClient } from './pool.ts'

export const EMBEDDED_DATABASE = 'aftercare'
const PING_TIMEOUT_MS = 2_000

export interface Database {
  url: string
  prisma: PrismaClient
  /** Whether the database answers a trivial query. */
  ping(): Promise<boolean>
  close(): Promise<void>
}

export interface DatabaseOptions {
  databaseUrl: string | undefined
  dataDir: string
  logger: Logger
  poolSize?: number
  /** Use the embedded server of a running `npm start` when there is one (command-line tools). */
  attach?: boolean
  /** Supervise the embedded server (restart it if it exits) and count in these metrics: the server does, tools do not. */
  metrics?: Metrics
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = createClient(adminUrl, undefined)
  await client.connect()
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (!rowCount) await client.query(`CREATE DATABASE "${name}"`)
  } finally {
    await client.end()
  }
}

/** Starts the embedded server when needed, resolves the URL, applies migrations. */
export async function resolveDatabaseUrl(options: Omit<DatabaseOptions, 'poolSize'>): Promise<{ url: string; embedded: EmbeddedPostgres | undefined }> {
  if (options.databaseUrl) return { url: options.databaseUrl, embedded: undefined }
  const { logger, metrics } = options
  const supervise = metrics && {
    exited: () => logger.error('embedded PostgreSQL exited: restarting it; requests get 503 until it is back'),
    restarted: (attempts: number) => {
      metrics.embeddedRestarts.inc()
      logger.warn({ attempts }, 'embedded PostgreSQL restarted')
    },
    restartFailed: (error: Error, retryInMs: number) => logger.error({ err: { message: error.message }, retryInMs }, 'embedded PostgreSQL did not start; trying again'),
  }
  const embedded = await startEmbeddedPostgres({ dir: path.join(options.dataDir, 'postgres'), attach: options.attach, supervise })
  try {
    await ensureDatabase(embedded.adminUrl, EMBEDDED_DATABASE)
  } catch (error) {
    await embedded.stop()
    throw error
  }
  options.logger.info({ dir: path.join(options.dataDir, 'postgres') }, 'embedded PostgreSQL started')
  return { url: embedded.urlFor(EMBEDDED_DATABASE), embedded }
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const { url, embedded } = await resolveDatabaseUrl(options)
  try {
    const applied = await applyMigrations(url)
    if (applied.length) options.logger.info({ migrations: applied }, 'migrations applied')
  } catch (error) {
    await embedded?.stop()
    throw error
  }
  const prisma = createPrisma(url, { poolSize: options.poolSize, logger: options.logger, onDropped: (pool) => options.metrics?.connectionsDropped.inc({ pool }) })
  return {
    url,
    prisma,
    async ping() {
      if (embedded && !embedded.up()) return false
      // A server that does not answer at all (a network partition) is as down as one that refuses.
      let timer: NodeJS.Timeout | undefined
      const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS)))
      const answered = prisma.$queryRaw`SELECT 1`.then(
        () => true,
        () => false,
      )
      return Promise.race([answered, timeout]).finally(() => clearTimeout(timer))
    },
    async close() {
      await prisma.$disconnect()
      await embedded?.stop()
    },
  }
}
