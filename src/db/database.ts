/**
 * The database the product runs on: the external server named by DATABASE_URL, or else the
 * embedded one under DATA_DIR. Either way, pending migrations are applied before use.
 */
import path from 'node:path'
import pg from 'pg'
import type { Logger } from '../logger.ts'
import { createPrisma, type PrismaClient } from './client.ts'
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.ts'
import { applyMigrations } from './migrations.ts'

export const EMBEDDED_DATABASE = 'aftercare'

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
}

async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl })
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
  const embedded = await startEmbeddedPostgres({ dir: path.join(options.dataDir, 'postgres'), attach: options.attach })
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
  const prisma = createPrisma(url, { poolSize: options.poolSize })
  return {
    url,
    prisma,
    async ping() {
      try {
        await prisma.$queryRaw`SELECT 1`
        return true
      } catch {
        return false
      }
    },
    async close() {
      await prisma.$disconnect()
      await embedded?.stop()
    },
  }
}
