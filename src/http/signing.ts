/**
 * Keys for the links we sign (media for staff, service records for customers): each purpose has its
 * own key derived from the admin token, which every instance shares, so a signature made for one
 * purpose opens nothing of another. Changing the token ends every link given before.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

export function signer(secret: string, purpose: string) {
  const key = createHash('sha256').update(`aftercare ${purpose}\0${secret}`).digest()
  const mac = (data: string | Buffer) => createHmac('sha256', key).update(data).digest()
  return {
    mac,
    /** Constant-time comparison of a MAC (or its first bytes) given by a client. */
    matches(data: string | Buffer, given: Buffer, length = 32): boolean {
      const expected = mac(data).subarray(0, length)
      return given.length === expected.length && timingSafeEqual(given, expected)
    },
  }
}
