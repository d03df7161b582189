/** Passwords: argon2id with OWASP's parameters (19 MiB, 2 passes), through a maintained binding. */
import { hash, verify } from '@node-rs/argon2'

export const PASSWORD_MIN = 10
export const PASSWORD_MAX = 200

/** Why a new password is refused, or undefined when it will do. */
export function passwordProblem(password: string): string | undefined {
  if (password.length < PASSWORD_MIN) return `a password needs at least ${PASSWORD_MIN} characters`
  if (password.length > PASSWORD_MAX) return `a password has at most ${PASSWORD_MAX} characters`
  return undefined
}

export const hashPassword = (password: string) => hash(password)

/** A hash to verify against when there is no account, so that an unknown email takes as long as a wrong password. */
let decoy: Promise<string> | undefined

export async function passwordMatches(stored: string | null | undefined, password: string): Promise<boolean> {
  if (!stored) {
    await verify(await (decoy ??= hash('decoy password, never matched')), password).catch(() => false)
    return false
  }
  return verify(stored, password).catch(() => false)
}
