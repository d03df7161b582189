/**
 * Links to customers' files for people without the admin token (staff clicking in Slack): signed
 * and expiring, never guessable (keys: src/http/signing.ts).
 */
import { signer } from '../http/signing.ts'

const LINK_TTL_SECONDS = 7 * 24 * 3600

export function mediaLinks(secret: string, publicUrl: string) {
  const signing = signer(secret, 'media links')
  const sign = (id: string, expires: number) => signing.mac(`${id}\0${expires}`).toString('base64url')
  const path = (id: string, now: number) => {
    const expires = Math.floor(now / 1000) + LINK_TTL_SECONDS
    return `/media/${id}?expires=${expires}&signature=${sign(id, expires)}`
  }
  return {
    /** The link's path and query, for our own pages (resolved against wherever they are served). */
    path: (id: string, now = Date.now()) => path(id, now),
    /** A link that works for a week from `now`, anywhere (Slack, an email). */
    url: (id: string, now = Date.now()) => `${publicUrl}${path(id, now)}`,
    verify(id: string, expires: unknown, signature: unknown, now = Date.now()): boolean {
      const at = Number(expires)
      if (!Number.isInteger(at) || at * 1000 < now || typeof signature !== 'string') return false
      return signing.matches(`${id}\0${at}`, Buffer.from(signature, 'base64url')) && Buffer.from(signature, 'base64url').toString('base64url') === signature
    },
  }
}

export type MediaLinks = ReturnType<typeof mediaLinks>
