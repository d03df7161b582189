/** The database a command-line tool works on: DATABASE_URL, or the embedded one under DATA_DIR (shared with a running `npm start`). */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { resolveDatabaseUrl } from '../src/db/database.ts'
import { applyMigrations } from '../src/db/migrations.ts'
import { createLogger } from '../src/logger.ts'

export async function cliDatabase() {
  if (existsSync('.env')) process.loadEnvFile('.env')
  const { url, embedded } = await resolveDatabaseUrl({
    databaseUrl: process.env.DATABASE_URL || undefined,
    dataDir: path.resolve(process.env.DATA_DIR || 'data'),
    logger: createLogger('warn'),
    attach: true,
  })
  await applyMigrations(url)
  return { url, close: async () => embedded?.stop() }
}

/** `--name value` pairs from argv. */
export function flags(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (let i = 0; i < argv.length; i++) {
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]!)
    if (!match) continue
    out[match[1]!] = match[2] ?? (argv[i + 1] && !argv[i + 1]!.startsWith('--') ? argv[++i]! : 'true')
  }
  return out
}
