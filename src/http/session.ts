/**
 * Staff sessions in the browser, kept on the server: the cookie carries a random key, the
 * database its hash, the scope (what it opens) and its ends — 12 hours after sign-in at most,
 * 2 hours without use. Signing out deletes the row, so a copied cookie stops working too.
 * Scopes: `figures` (the admin token's sign-in to the dashboard: the dashboard and the report
 * API) and `account` (a person's sign-in: what their role allows, issue 15).
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Request } from 'express'
import type { Clock } from '../clock.ts'
import type { PrismaClient } from '../db/client.ts'

export const SESSION_COOKIE = 'aftercare_session'
export const SESSION_HOURS = 12
export const SESSION_IDLE_HOURS = 2

export type SessionScope = 'figures' | 'account'

const hash = (key: string) => createHash('sha256').update(key).digest('hex')

export function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=')
    if (key !== name) continue
    try {
      return decodeURIComponent(value.join('='))
    } catch {
      return undefined // malformed escapes: no session, not an error
    }
  }
  return undefined
}

export interface Sessions {
  /** A new session; returns the cookie's value (shown once). */
  open(scope: SessionScope, accountId?: string): Promise<string>
  /** The live session of a request's cookie (moving its idle end forward), or undefined. */
  of(req: Request): Promise<{ scope: SessionScope; accountId: string | null } | undefined>
  /** Ends the request's session, if any. */
  close(req: Request): Promise<void>
}

export function createSessions(prisma: PrismaClient, clock: Clock): Sessions {
  return {
    async open(scope, accountId) {
      const key = randomBytes(32).toString('base64url')
      const now = clock.now().getTime()
      await prisma.staffSession.create({
        data: {
          id: hash(key),
          scope,
          accountId: accountId ?? null,
          createdAt: new Date(now),
          expiresAt: new Date(now + SESSION_HOURS * 3_600_000),
          idleUntil: new Date(now + SESSION_IDLE_HOURS * 3_600_000),
        },
      })
      // Sessions that ended go when new ones start: no sweep needed for a table this small.
      await prisma.staffSession.deleteMany({ where: { OR: [{ expiresAt: { lt: new Date(now) } }, { idleUntil: { lt: new Date(now) } }] } })
      return key
    },
    async of(req) {
      const key = cookie(req, SESSION_COOKIE)
      if (!key || key.length > 100) return undefined
      const now = clock.now()
      const session = await prisma.staffSession.findUnique({ where: { id: hash(key) } })
      if (!session || session.expiresAt <= now || session.idleUntil <= now) return undefined
      const idleUntil = new Date(Math.min(now.getTime() + SESSION_IDLE_HOURS * 3_600_000, session.expiresAt.getTime()))
      // Move the idle end at most once a minute, not on every request of a page.
      if (idleUntil.getTime() - session.idleUntil.getTime() > 60_000) await prisma.staffSession.update({ where: { id: session.id }, data: { idleUntil } })
      return { scope: session.scope as SessionScope, accountId: session.accountId }
    },
    async close(req) {
      const key = cookie(req, SESSION_COOKIE)
      if (key) await prisma.staffSession.deleteMany({ where: { id: hash(key) } })
    },
  }
}
