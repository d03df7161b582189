/**
 * Every connection pool the product owns is made here, so every one survives a dropped
 * connection. pg emits 'error' on a pool for an idle client, and on the client itself when the
 * server ends a connection between queries (a restart, a failover, `pg_terminate_backend`, an
 * idle timeout at a proxy); an 'error' event without a listener ends the process. Each pool and
 * each client gets a listener that logs; pg then drops the broken client and the next query
 * opens a new connection.
 */
import pg from 'pg'
import type { Logger } from '../logger.ts'

export interface PoolOptions {
  /** Shown in pg_stat_activity, so an operator can tell our pools apart. */
  name: string
  max: number
  logger?: Logger
  /** Told of every dropped connection (for /metrics). */
  onDropped?(pool: string): void
}

/**
 * A connection runs one query at a time. Prisma's query interpreter sends a transaction's
 * independent queries concurrently on its one connection; pg queues them, but queueing inside
 * the client is deprecated (a DeprecationWarning on every such transaction, and gone in pg 9).
 * Promise-style queries wait their turn here instead, in the order they were made; callback and
 * submittable queries (pg-pool's own, cursors) pass straight through, as before.
 */
export class SequentialClient extends pg.Client {
  #last: Promise<unknown> = Promise.resolve()

  override query(...args: unknown[]): never {
    const [config, values, callback] = args as [{ submit?: unknown } | string, unknown, unknown]
    const run = () => (super.query as (...rest: unknown[]) => unknown).apply(this, args)
    if (typeof callback === 'function' || typeof values === 'function' || (typeof config === 'object' && config !== null && typeof config.submit === 'function')) return run() as never
    const result = this.#last.then(run)
    this.#last = result.catch(() => undefined)
    return result as never
  }
}

export function createPool(connectionString: string, options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: options.max, application_name: options.name, connectionTimeoutMillis: 10_000, Client: SequentialClient })
  const dropped = (error: Error) => {
    options.logger?.warn({ pool: options.name, err: { message: error.message, code: (error as { code?: string }).code } }, 'database connection dropped; the next query reconnects')
    options.onDropped?.(options.name)
  }
  pool.on('error', dropped)
  // Errors on a checked-out client between queries reach the client, not the pool. A client is
  // not ended on every one of them, so each gets one listener for life (no per-use listener churn).
  pool.on('connect', (client) => client.on('error', () => undefined))
  return pool
}

/** A single connection of our own (migrations, advisory locks), with the same protection. */
export function createClient(config: string | pg.ClientConfig, logger: Logger | undefined): pg.Client {
  const client = new pg.Client(typeof config === 'string' ? { connectionString: config } : config)
  client.on('error', (error) => logger?.warn({ err: { message: error.message } }, 'database connection dropped'))
  return client
}
