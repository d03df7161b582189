import { createHash, timingSafeEqual } from 'node:crypto'

const digest = (value: string) => createHash('sha256').update(value).digest()

/** The bearer token of a request, or undefined (an empty or blank one is none). */
export function bearerOf(header: string | undefined): string | undefined {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1]
  return token?.trim() ? token : undefined
}

/** Constant-time comparison of a presented token with ours. */
export function sameToken(presented: string | undefined, expected: string): boolean {
  return presented !== undefined && expected.length > 0 && timingSafeEqual(digest(presented), digest(expected))
}
