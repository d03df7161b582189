/**
 * `npm run db:migration -- <name>`: writes prisma/migrations/<timestamp>_<name>/migration.sql
 * from the difference between the existing migrations and prisma/schema.prisma, then
 * regenerates the client. The migrations are replayed on a throwaway shadow database: on a
 * temporary embedded server, or on DATABASE_URL's server when set (it needs CREATEDB).
 */
import { spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts'
import { createMigration } from '../src/db/migrations.ts'

const name = process.argv[2]
if (!name || !/^[A-Za-z0-9_-]+$/.test(name)) {
  console.error('usage: npm run db:migration -- <name>   (letters, digits, _ and -)')
  process.exit(2)
}

const scratch = process.env.DATABASE_URL ? undefined : await mkdtemp(path.join(tmpdir(), 'aftercare-migration-'))
const server = scratch ? await startEmbeddedPostgres({ dir: scratch }) : undefined
try {
  const folder = await createMigration(process.env.DATABASE_URL ?? server!.adminUrl, name)
  if (!folder) console.log('prisma/schema.prisma matches the migrations: nothing to write.')
  else {
    console.log(`Wrote prisma/migrations/${folder}/migration.sql — review it, then commit it with the schema.`)
    spawnSync(process.execPath, ['scripts/generate-prisma-client.mjs'], { stdio: 'inherit' })
  }
} finally {
  await server?.stop()
  if (scratch) await rm(scratch, { recursive: true, force: true })
}
