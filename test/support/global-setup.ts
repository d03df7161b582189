/**
 * Starts one embedded PostgreSQL for the whole test run and prepares a template database with
 * every migration applied. Test files clone the template (CREATE DATABASE … TEMPLATE), which
 * takes milliseconds, instead of starting servers or re-running migrations.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres.ts'
import { applyMigrations } from '../../src/db/migrations.ts'
import { startJobQueue } from '../../src/jobs/queue.ts'
import { createLogger } from '../../src/logger.ts'

export const TEMPLATE_DATABASE = 'aftercare_template'

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string
    templateDatabase: string
  }
}

export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(tmpdir(), 'aftercare-test-pg-'))
  // Durability is not what these tests are about: skip the fsyncs.
  const server = await startEmbeddedPostgres({ dir, settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } })
  const admin = new pg.Client({ connectionString: server.adminUrl })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`)
  await admin.end()
  await applyMigrations(server.urlFor(TEMPLATE_DATABASE))
  // The job queue's schema and queues too, so each test file's queue starts instantly.
  const queue = await startJobQueue({ databaseUrl: server.urlFor(TEMPLATE_DATABASE), logger: createLogger('silent'), retryLimit: 1, retryDelaySeconds: 1, pollSeconds: 1 })
  await queue.stop()
  project.provide('postgresAdminUrl', server.adminUrl)
  project.provide('templateDatabase', TEMPLATE_DATABASE)
  return async () => {
    await server.stop()
    await rm(dir, { recursive: true, force: true })
  }
}
