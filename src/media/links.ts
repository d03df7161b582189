/**
 * Links to customers' files for people without the admin token (staff clicking in Slack): signed
 * and expiring, never guessable. The key derives from the admin token, which every instance
 * shares; changing the token ends every link given before.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

const LINK_TTL_SECONDS = 7 * 24 * 3600

export function mediaLinks(secret: string, publicUrl: string) {
  const key = createHash('sha256').update(`aftercare media links\0${secret}`).digest()
  const sign = (id: string, expires: number) => createHmac('sha256', key).update(`${id}\0${expires}`).digest('base64url')
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
      const expected = Buffer.from(sign(id, at))
      const given = Buffer.from(signature)
      return given.length === expected.length && timingSafeEqual(given, expected)
    },
  }
}

export type MediaLinks = ReturnType<typeof mediaLinks>
