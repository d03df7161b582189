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

export function createPool(connectionString: string, options: PoolOptions): pg.Pool {
  const pool = new pg.Pool({ connectionString, max: options.max, application_name: options.name, connectionTimeoutMillis: 10_000 })
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
