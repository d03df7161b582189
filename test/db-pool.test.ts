/**
 * Our pools' connections run one query at a time (src/db/pool.ts): Prisma sends a transaction's
 * independent queries together on its one connection, which pg 8 queues with a
 * DeprecationWarning (and pg 9 will refuse). Issue 16: no stray warnings in the server's output.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createPrisma, type PrismaClient } from '../src/db/client.ts'
import { createTestDatabase, type TestDatabase } from './support/database.ts'

let db: TestDatabase
let prisma: PrismaClient
beforeAll(async () => {
  db = await createTestDatabase()
  prisma = createPrisma(db.url, { poolSize: 2 })
})
afterAll(async () => {
  await prisma.$disconnect()
  await db.drop()
})

it('queries sent together in a transaction run in turn, in order, without a warning', async () => {
  const warnings: string[] = []
  const onWarning = (warning: Error) => warnings.push(warning.message)
  process.on('warning', onWarning)
  try {
    // One read with several relations: Prisma loads them concurrently on the transaction's connection.
    await prisma.customer.create({ data: { phone: '+8613900000001', identities: { create: { channel: 'sms', address: '+8613900000001' } } } })
    const loaded = await prisma.$transaction(async (tx) => tx.customer.findMany({ include: { identities: true, tickets: true, complaints: true } }))
    expect(loaded[0]!.identities).toHaveLength(1)
    const results = await prisma.$transaction(async (tx) =>
      Promise.all([tx.$queryRaw<{ n: number }[]>`SELECT 1 AS n FROM pg_sleep(0.05)`, tx.$queryRaw<{ n: number }[]>`SELECT 2 AS n`, tx.ticket.count(), tx.$queryRaw<{ n: number }[]>`SELECT 3 AS n`]),
    )
    expect([results[0][0]!.n, results[1][0]!.n, results[2], results[3][0]!.n]).toEqual([1, 2, 0, 3])
    // A failing query does not leave the ones after it waiting.
    const settled = await prisma.$transaction(async (tx) => Promise.allSettled([tx.$queryRaw`SELECT 1/0`, tx.$queryRaw`SELECT 1`]))
    expect(settled).toHaveLength(2)
    expect(settled[0]!.status).toBe('rejected')
    await new Promise((resolve) => setImmediate(resolve))
    expect(warnings.filter((message) => message.includes('already executing a query'))).toEqual([])
  } finally {
    process.off('warning', onWarning)
  }
})
