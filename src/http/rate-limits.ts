/**
 * Every limit on a public entry point, in one place: per client IP on the web chat's session
 * and Direct Line endpoints and on sign-in, per customer identity on messages into the bot and
 * on hand-offs, per phone and conversation on verification codes, and a global hourly budget of
 * verification SMS. Counters live in PostgreSQL (rate-limiter-flexible's RateLimiterPostgres,
 * one atomic upsert per check), so a limit holds across instances; if the database cannot be
 * reached, an in-memory limiter with the same allowance stands in.
 */
import type { RequestHandler } from 'express'
import type pg from 'pg'
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible'
import type { LimitsConfig, RateLimit } from '../config.ts'
import { AppError } from '../errors.ts'

export type LimitName =
  /** per client IP: /webchat/session and Direct Line tokens/generate */
  | 'webchatSessions'
  /** per client IP: activities posted to the built-in Direct Line */
  | 'directLinePosts'
  /** per customer identity, every channel */
  | 'messages'
  /** per customer identity: "you are sending too fast" is said once per window */
  | 'messagesNotice'
  /** per identity, and per client IP for web chat */
  | 'handoffs'
  /** per client IP: failed dashboard sign-ins */
  | 'signIn'
  /** per client IP: service record pages behind their links */
  | 'recordViews'
  /** per phone number: one code, then a pause */
  | 'linkCooldown'
  /** per phone number and per conversation, each day */
  | 'linkCodesPerDay'
  /** all verification SMS, per hour */
  | 'verificationSms'
  /** staff are told once an hour that the verification budget is spent */
  | 'verificationSmsAlert'

export type Verdict = { ok: true } | { ok: false; retryAfterSeconds: number }

export interface RateLimits {
  /** Takes one unit of `key`'s allowance under `name`; refused when none is left. */
  take(name: LimitName, key: string): Promise<Verdict>
  /** Whether `key` still has allowance, without taking any. */
  check(name: LimitName, key: string): Promise<Verdict>
  /**
   * Where a counter lives and what it allows, for a hot path that takes its unit inside a
   * statement of its own (the conversation turn): the row in "RateLimit" is the same one.
   */
  counter(name: LimitName, key: string): { storeKey: string; points: number; seconds: number }
}

const DAY = 24 * 3600

function allowances(config: LimitsConfig): Record<LimitName, RateLimit> {
  return {
    webchatSessions: config.webchatSessions,
    directLinePosts: config.directLinePosts,
    messages: config.messages,
    messagesNotice: { points: 1, seconds: config.messages.seconds },
    handoffs: config.handoffs,
    signIn: config.signIn,
    recordViews: config.recordViews,
    linkCooldown: { points: 1, seconds: config.linkCooldownSeconds },
    linkCodesPerDay: { points: config.linkCodesPerDay, seconds: DAY },
    verificationSms: { points: config.verificationSmsPerHour, seconds: 3600 },
    verificationSmsAlert: { points: 1, seconds: 3600 },
  }
}

const refused = (error: unknown): Verdict => {
  if (error instanceof RateLimiterRes) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(error.msBeforeNext / 1000)) }
  throw error
}

export function createRateLimits(pool: pg.Pool, config: LimitsConfig): RateLimits {
  const limiters = new Map<LimitName, RateLimiterAbstract>()
  for (const [name, allowance] of Object.entries(allowances(config)) as [LimitName, RateLimit][]) {
    const options = { points: allowance.points, duration: allowance.seconds, keyPrefix: name }
    limiters.set(
      name,
      new RateLimiterPostgres({
        ...options,
        storeClient: pool,
        storeType: 'pool',
        tableName: 'RateLimit',
        // The table is ours (a Prisma migration), not created by the library.
        tableCreated: true,
        clearExpiredByTimeout: true,
        insuranceLimiter: new RateLimiterMemory(options),
      }),
    )
  }
  const allowance = allowances(config)
  return {
    // rate-limiter-flexible's key: `${keyPrefix}:${key}`.
    counter: (name, key) => ({ storeKey: `${name}:${key}`, ...allowance[name] }),
    take: (name, key) =>
      limiters
        .get(name)!
        .consume(key)
        .then(() => ({ ok: true }) as const, refused),
    async check(name, key) {
      const limiter = limiters.get(name)!
      const state = await limiter.get(key)
      if (!state || state.consumedPoints < limiter.points) return { ok: true }
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(state.msBeforeNext / 1000)) }
    },
  }
}

/** Express middleware: one unit per request from the client's IP; over the limit, 429 with Retry-After. */
export function limitByIp(limits: RateLimits, name: LimitName): RequestHandler {
  return async (req, _res, next) => {
    const verdict = await limits.take(name, req.ip ?? req.socket.remoteAddress ?? 'unknown')
    if (verdict.ok) return next()
    next(new AppError('too_many_requests', 'too many requests; try again later', undefined, verdict.retryAfterSeconds))
  }
}
