import { PrismaPg } from '@prisma/adapter-pg'
import type { Logger } from '../logger.ts'
import { PrismaClient } from './generated/client.ts'
import { createPool } from './pool.ts'

export { Prisma } from './generated/client.ts'
export type { PrismaClient }
/** The client handed to code running inside `prisma.$transaction(async (tx) => …)`. */
export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>
/** Either the client or a transaction: for functions that work in both. */
export type Db = PrismaClient | Tx

export interface ClientOptions {
  /** Connections in the pool. One conversation turn holds one for its transaction. */
  poolSize?: number
  /** Where dropped connections are reported. */
  logger?: Logger
  onDropped?(pool: string): void
}

/** Prisma over node-postgres: no native query engine, the WebAssembly query compiler. */
export function createPrisma(databaseUrl: string, options: ClientOptions = {}): PrismaClient {
  const pool = createPool(databaseUrl, { name: 'aftercare', max: options.poolSize ?? 20, logger: options.logger, onDropped: options.onDropped })
  // Our pool, not one the adapter makes: ours survives dropped connections (see pool.ts).
  return new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) })
}
