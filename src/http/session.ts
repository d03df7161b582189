/**
 * The dashboard's sign-in: staff type the admin token once; the browser then holds a session
 * cookie (HttpOnly, SameSite=Strict, 12 hours) signed with the token, so the token itself is
 * never stored in the browser. The cookie opens read-only (GET) API calls only.
 */
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Request } from 'express'

export const SESSION_COOKIE = 'aftercare_session'
export const SESSION_HOURS = 12

const sign = (token: string, issuedAt: string) => createHmac('sha256', token).update(`dashboard:${issuedAt}`).digest('base64url')

export function sessionCookieValue(token: string, now: Date): string {
  const issuedAt = String(now.getTime())
  return `${issuedAt}.${sign(token, issuedAt)}`
}

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

export function validSession(value: string | undefined, token: string, now: Date): boolean {
  if (!value) return false
  const [issuedAt, signature] = value.split('.')
  if (!issuedAt || !signature || !/^\d+$/.test(issuedAt)) return false
  const age = now.getTime() - Number(issuedAt)
  if (age < 0 || age > SESSION_HOURS * 3_600_000) return false
  const expected = Buffer.from(sign(token, issuedAt))
  const given = Buffer.from(signature)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
