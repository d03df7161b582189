/**
 * Which failures mean "the database is not there right now" rather than "our code is wrong".
 * The first kind must never be answered as if the work had been done or could not be done:
 * the caller answers 503 and the provider (or client) tries again later, when the same request
 * continues where it was. The shapes below were each seen from Prisma 7 + adapter-pg + pg 8
 * with a terminated backend, a stopped server and an exhausted pool.
 */
import { Prisma } from './generated/client.ts'

/** Prisma's codes for an unreachable server, a lost connection, a pool or transaction timeout, a conflict. */
const PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034'])

/** adapter-pg's kinds for connection-level failures. */
const ADAPTER_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TlsConnectionError', 'TooManyConnections', 'DatabaseUnavailable'])

/**
 * SQLSTATEs after which the same work can succeed a moment later: connection exceptions (08),
 * the server shutting down or restarting (57P01–57P03), too many connections (53300),
 * serialization failures and deadlocks (40001, 40P01), a query cancelled by a timeout (57014).
 */
const TRANSIENT_SQLSTATE = /^(08...|57P0[1-3]|53300|40001|40P01|57014)$/

/** Node's socket errors on the way to the server. */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'])

/** pg's own messages, which come without a code. */
const PG_MESSAGES =
  /Connection terminated|connection error and is not queryable|Client was closed and is not queryable|timeout exceeded when trying to connect|Connection terminated due to connection timeout|the database system is (starting up|shutting down|in recovery mode)/i

function oneIsTransient(error: unknown): boolean {
  if (!error || typeof error !== 'object') return false
  if (error instanceof Prisma.PrismaClientInitializationError || error instanceof Prisma.PrismaClientRustPanicError) return true
  const { code, message, kind, originalCode } = error as { code?: unknown; message?: unknown; kind?: unknown; originalCode?: unknown }
  if (typeof code === 'string' && (PRISMA_CODES.has(code) || SOCKET_CODES.has(code) || TRANSIENT_SQLSTATE.test(code))) return true
  if (typeof originalCode === 'string' && TRANSIENT_SQLSTATE.test(originalCode)) return true
  if (typeof kind === 'string' && ADAPTER_KINDS.has(kind)) return true
  return typeof message === 'string' && PG_MESSAGES.test(message)
}

/** True when `error` (or what caused it) says the database is unreachable or the work should simply be tried again. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const seen = new Set<unknown>()
  const pending: unknown[] = [error]
  while (pending.length) {
    const current = pending.pop()
    if (!current || typeof current !== 'object' || seen.has(current)) continue
    seen.add(current)
    if (oneIsTransient(current)) return true
    // cause: standard; meta.driverAdapterError: Prisma's; original(s): Bolt's coded errors; errors: AggregateError.
    const { cause, meta, original, originals, errors } = current as { cause?: unknown; meta?: { driverAdapterError?: unknown }; original?: unknown; originals?: unknown; errors?: unknown }
    pending.push(cause, original, meta?.driverAdapterError, (meta?.driverAdapterError as { cause?: unknown } | undefined)?.cause)
    for (const list of [errors, originals]) if (Array.isArray(list)) pending.push(...list)
  }
  return false
}
