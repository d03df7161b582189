/** `npm run db:migration` and `npm run db:migrate` without Prisma's native engine. */
import { cp, mkdtemp, readdir, readFile, appendFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { applyMigrations, createMigration, defaultPaths } from '../src/db/migrations.ts'
import { createTestDatabase, type TestDatabase } from './support/database.ts'

const cleanup: (() => Promise<void>)[] = []
afterAll(async () => {
  for (const step of cleanup) await step()
})

async function scratchPrisma() {
  const dir = await mkdtemp(path.join(tmpdir(), 'aftercare-prisma-'))
  cleanup.push(() => rm(dir, { recursive: true, force: true }))
  await cp(path.dirname(defaultPaths.schemaPath), dir, { recursive: true })
  return { schemaPath: path.join(dir, 'schema.prisma'), migrationsDir: path.join(dir, 'migrations') }
}

async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase({ migrated: false })
  cleanup.push(() => db.drop())
  return db
}

describe('migrations', () => {
  it('finds nothing to write when the schema matches the migrations', async () => {
    const paths = await scratchPrisma()
    const db = await database()
    expect(await createMigration(db.url, 'nothing', paths)).toBeUndefined()
  })

  it('writes a new migration in Prisma’s format from a schema change, and applies it', async () => {
    const paths = await scratchPrisma()
    const db = await database()
    await appendFile(paths.schemaPath, '\nmodel Probe {\n  id    Int    @id @default(autoincrement())\n  label String\n}\n')

    const folder = await createMigration(db.url, 'add_probe', paths)
    expect(folder).toMatch(/^\d{14}_add_probe$/)
    const sql = await readFile(path.join(paths.migrationsDir, folder!, 'migration.sql'), 'utf8')
    expect(sql).toContain('CREATE TABLE "Probe"')
    expect((await readdir(paths.migrationsDir)).sort()).toContain('migration_lock.toml')
    // The shadow database it used is gone.
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    const shadows = await client.query("SELECT datname FROM pg_database WHERE datname LIKE 'prisma_migrate_shadow_db_%'")
    expect(shadows.rows).toEqual([])

    const applied = await applyMigrations(db.url, paths)
    expect(applied.at(-1)).toBe(folder)
    const history = await client.query('SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL ORDER BY started_at')
    expect(history.rows.map((row) => row.migration_name)).toEqual(applied)
    await client.query(`INSERT INTO "Probe" (label) VALUES ('works')`)
    await client.end()
    expect(await applyMigrations(db.url, paths)).toEqual([])
  })
})
