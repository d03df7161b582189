import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient } from './generated/client.ts'

export { Prisma } from './generated/client.ts'
export type { PrismaClient }
/** The client handed to code running inside `prisma.$transaction(async (tx) => …)`. */
export type Tx = Omit<PrismaClient, '$connect' | '$disconnect' | '$on' | '$transaction' | '$extends'>
/** Either the client or a transaction: for functions that work in both. */
export type Db = PrismaClient | Tx

export interface ClientOptions {
  /** Connections in the pool. One conversation turn holds one for its transaction. */
  poolSize?: number
}

/** Prisma over node-postgres: no native query engine, the WebAssembly query compiler. */
export function createPrisma(databaseUrl: string, options: ClientOptions = {}): PrismaClient {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.poolSize ?? 20 })
  return new PrismaClient({ adapter })
}
