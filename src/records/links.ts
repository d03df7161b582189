/**
 * Issue 18: the customer's link to their service record (§3.1e), short enough for an SMS: `/r/` and
 * 43 characters carrying the ticket's id, an expiry and a truncated HMAC (96 bits). Nothing in it
 * can be guessed or changed, and it stops working after RECORD_LINK_DAYS.
 */
import { signer } from '../http/signing.ts'

export const RECORD_LINK_PATH = '/r/'
const MAC_BYTES = 12

export type RecordLinkCheck = { ok: true; ticketId: string } | { ok: false; reason: 'invalid' | 'expired' }

export function recordLinks(secret: string, publicUrl: string, ttlDays: number) {
  const signing = signer(secret, 'service record links')
  return {
    url(ticketId: string, now: Date): string {
      const body = Buffer.alloc(20)
      Buffer.from(ticketId.replace(/-/g, ''), 'hex').copy(body, 0)
      body.writeUInt32BE(Math.floor(now.getTime() / 1000) + ttlDays * 86_400, 16)
      const token = Buffer.concat([body, signing.mac(body).subarray(0, MAC_BYTES)]).toString('base64url')
      return `${publicUrl}${RECORD_LINK_PATH}${token}`
    },
    check(token: string, now: Date): RecordLinkCheck {
      if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false, reason: 'invalid' }
      const bytes = Buffer.from(token, 'base64url')
      const body = bytes.subarray(0, 20)
      if (!signing.matches(body, bytes.subarray(20), MAC_BYTES)) return { ok: false, reason: 'invalid' }
      if (body.readUInt32BE(16) * 1000 < now.getTime()) return { ok: false, reason: 'expired' }
      const hex = body.subarray(0, 16).toString('hex')
      return { ok: true, ticketId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}` }
    },
  }
}

export type RecordLinks = ReturnType<typeof recordLinks>
