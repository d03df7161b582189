import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { inject } from 'vitest'
import { createPrisma, type PrismaClient } from '../../src/db/client.ts'

export interface TestDatabase {
  url: string
  name: string
  prisma: PrismaClient
  drop(): Promise<void>
}

function urlWithDatabase(adminUrl: string, database: string): string {
  const url = new URL(adminUrl)
  url.pathname = `/${database}`
  return url.toString()
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject('postgresAdminUrl') })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

/** An empty database with every migration applied, of this test file's own. */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  const name = `t_${randomBytes(6).toString('hex')}`
  const template = options.migrated === false ? 'template0' : inject('templateDatabase')
  await admin((client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template}`))
  const url = urlWithDatabase(inject('postgresAdminUrl'), name)
  const prisma = createPrisma(url, { poolSize: 10 })
  return {
    url,
    name,
    prisma,
    async drop() {
      await prisma.$disconnect()
      await admin((client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
    },
  }
}
