/**
 * `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database
 * under DATA_DIR (started for the purpose and stopped after). `npm start` does the same.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { resolveDatabaseUrl } from '../src/db/database.ts'
import { applyMigrations } from '../src/db/migrations.ts'
import { createLogger } from '../src/logger.ts'

if (existsSync('.env')) process.loadEnvFile('.env')
const logger = createLogger('warn')
const { url, embedded } = await resolveDatabaseUrl({ databaseUrl: process.env.DATABASE_URL || undefined, dataDir: path.resolve(process.env.DATA_DIR || 'data'), logger, attach: true })
try {
  const applied = await applyMigrations(url)
  console.log(applied.length ? `Applied ${applied.length} migration(s):\n  ${applied.join('\n  ')}` : 'The database is up to date.')
} finally {
  await embedded?.stop()
}
