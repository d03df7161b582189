/**
 * Issue 15: the people behind Aftercare — accounts, their set-password links and API tokens.
 * Secrets (passwords, link keys, tokens) are shown once and stored only as hashes.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Clock } from '../clock.ts'
import type { PrismaClient } from '../db/client.ts'
import { Prisma } from '../db/client.ts'
import { AppError } from '../errors.ts'
import { hashPassword, passwordMatches, passwordProblem } from './passwords.ts'
import type { AccountRole } from './roles.ts'

/** A set-password link works once, for a day. */
const RESET_HOURS = 24
/** API tokens start with this, so that a leaked one is recognisable (secret scanners, logs). */
export const TOKEN_PREFIX = 'act_'

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')

const accountSelect = {
  id: true,
  email: true,
  name: true,
  role: true,
  slackUserId: true,
  technicianId: true,
  technician: { select: { name: true } },
  disabledAt: true,
  createdAt: true,
  passwordHash: true,
} as const

type AccountRow = Prisma.AccountGetPayload<{ select: typeof accountSelect }>

/** An account as the API and the console show it: never its password hash. */
export function accountJson(row: AccountRow) {
  const { passwordHash, technician, ...rest } = row
  return { ...rest, technician: technician?.name ?? null, hasPassword: passwordHash !== null }
}
export type AccountView = ReturnType<typeof accountJson>

/** Who is signed in, as the rest of the app needs it. */
export interface SignedIn {
  id: string
  name: string
  email: string
  role: AccountRole
  technicianId: string | null
}

const signedIn = (row: { id: string; name: string; email: string; role: AccountRole; technicianId: string | null }): SignedIn => ({
  id: row.id,
  name: row.name,
  email: row.email,
  role: row.role,
  technicianId: row.technicianId,
})

export interface NewAccount {
  email: string
  name: string
  role: AccountRole
  slackUserId?: string | null
  /** For technicians: the technician's name or id on tickets (created when unknown). */
  technician?: string | null
  password?: string
}

export interface AccountChange {
  name?: string
  role?: AccountRole
  slackUserId?: string | null
  technician?: string | null
  disabled?: boolean
}

export function createAccountService(deps: { prisma: PrismaClient; clock: Clock; publicUrl: string }) {
  const { prisma, clock } = deps

  /** The technician a technician account stands for: by id or name, else a new one. */
  async function technicianFor(tx: Prisma.TransactionClient, name: string, given: string | null | undefined): Promise<string> {
    const wanted = given?.trim() || name
    const existing = /^[0-9a-f-]{36}$/i.test(wanted)
      ? await tx.technician.findUnique({ where: { id: wanted } })
      : await tx.technician.findFirst({ where: { name: { equals: wanted, mode: 'insensitive' } } })
    if (existing) return existing.id
    return (await tx.technician.create({ data: { name: wanted } })).id
  }

  async function issueReset(tx: Prisma.TransactionClient, accountId: string): Promise<string> {
    const key = randomBytes(32).toString('base64url')
    const now = clock.now()
    // One live link per account: a new one ends the earlier ones.
    await tx.passwordReset.deleteMany({ where: { accountId } })
    await tx.passwordReset.create({ data: { id: sha256(key), accountId, expiresAt: new Date(now.getTime() + RESET_HOURS * 3_600_000), createdAt: now } })
    return `${deps.publicUrl.replace(/\/$/, '')}/password?key=${key}`
  }

  /** A new password: every session of the account ends, so a stolen one stops here. */
  async function setPassword(tx: Prisma.TransactionClient, accountId: string, passwordHash: string) {
    const account = await tx.account.update({ where: { id: accountId }, data: { passwordHash } })
    await tx.staffSession.deleteMany({ where: { accountId } })
    return account
  }

  const conflict = (error: unknown): never => {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new AppError(
        'conflict',
        `an account with that ${String((error.meta as { target?: unknown } | undefined)?.target ?? 'email or Slack user').includes('slack') ? 'Slack user' : 'email'} already exists`,
      )
    }
    throw error
  }

  return {
    /** Creates an account; without a password, returns a link for the person to set one. */
    async create(input: NewAccount): Promise<{ account: AccountView; setPasswordUrl: string | null }> {
      if (input.password !== undefined) {
        const problem = passwordProblem(input.password)
        if (problem) throw new AppError('bad_request', problem)
      }
      const passwordHash = input.password !== undefined ? await hashPassword(input.password) : null
      return prisma
        .$transaction(async (tx) => {
          const technicianId = input.role === 'technician' ? await technicianFor(tx, input.name, input.technician) : null
          const row = await tx.account.create({
            data: { email: input.email.trim().toLowerCase(), name: input.name.trim(), role: input.role, slackUserId: input.slackUserId || null, technicianId, passwordHash, createdAt: clock.now() },
            select: accountSelect,
          })
          return { account: accountJson(row), setPasswordUrl: passwordHash ? null : await issueReset(tx, row.id) }
        })
        .catch(conflict)
    },

    async list(): Promise<AccountView[]> {
      return (await prisma.account.findMany({ orderBy: [{ disabledAt: { sort: 'desc', nulls: 'first' } }, { name: 'asc' }], select: accountSelect })).map(accountJson)
    },

    async get(id: string): Promise<AccountView> {
      const row = await prisma.account.findUnique({ where: { id }, select: accountSelect })
      if (!row) throw new AppError('not_found', `no account ${id}`)
      return accountJson(row)
    },

    /** Changes an account; disabling it ends its sessions at once (its tokens stop working too). */
    async update(id: string, change: AccountChange): Promise<AccountView> {
      return prisma
        .$transaction(async (tx) => {
          const current = await tx.account.findUnique({ where: { id } })
          if (!current) throw new AppError('not_found', `no account ${id}`)
          const role = change.role ?? current.role
          const name = change.name?.trim() ?? current.name
          const technicianId = role !== 'technician' ? null : change.technician !== undefined || !current.technicianId ? await technicianFor(tx, name, change.technician) : current.technicianId
          const row = await tx.account.update({
            where: { id },
            data: {
              name,
              role,
              technicianId,
              ...(change.slackUserId !== undefined && { slackUserId: change.slackUserId || null }),
              ...(change.disabled !== undefined && { disabledAt: change.disabled ? (current.disabledAt ?? clock.now()) : null }),
            },
            select: accountSelect,
          })
          // A role or status change applies now, not at the session's end.
          if (change.disabled || change.role) await tx.staffSession.deleteMany({ where: { accountId: id } })
          return accountJson(row)
        })
        .catch(conflict)
    },

    /** A one-time link to set a new password (for a forgotten one, or a first one). */
    async resetLink(id: string): Promise<string> {
      return prisma.$transaction(async (tx) => {
        if (!(await tx.account.findUnique({ where: { id }, select: { id: true } }))) throw new AppError('not_found', `no account ${id}`)
        return issueReset(tx, id)
      })
    },

    /** Whether a set-password link's key is live (for showing its form). */
    async resetIsLive(key: string): Promise<boolean> {
      if (!key || key.length > 100) return false
      const reset = await prisma.passwordReset.findUnique({ where: { id: sha256(key) }, include: { account: { select: { disabledAt: true } } } })
      return Boolean(reset && !reset.usedAt && reset.expiresAt > clock.now() && !reset.account.disabledAt)
    },

    /** Sets the password through a link; the link is spent and every session of the account ends. */
    async completeReset(key: string, password: string): Promise<SignedIn> {
      const problem = passwordProblem(password)
      if (problem) throw new AppError('bad_request', problem)
      const passwordHash = await hashPassword(password)
      return prisma.$transaction(async (tx) => {
        const now = clock.now()
        // Spent in the same statement that checks it: two uses of one link cannot both succeed.
        const spent = await tx.passwordReset.updateManyAndReturn({ where: { id: sha256(key), usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now }, select: { accountId: true } })
        if (spent.length === 0) throw new AppError('bad_request', 'this link has expired or was used already; ask an admin for a new one')
        const account = await setPassword(tx, spent[0]!.accountId, passwordHash)
        if (account.disabledAt) throw new AppError('forbidden', 'this account is disabled')
        return signedIn(account)
      })
    },

    /** A person changes their own password, proving the current one; their sessions and links end. */
    async changePassword(id: string, current: string, password: string): Promise<void> {
      const problem = passwordProblem(password)
      if (problem) throw new AppError('bad_request', problem)
      const stored = await prisma.account.findUnique({ where: { id }, select: { passwordHash: true } })
      if (!(await passwordMatches(stored?.passwordHash, current))) throw new AppError('forbidden', 'the current password is not right')
      const passwordHash = await hashPassword(password)
      await prisma.$transaction(async (tx) => {
        await setPassword(tx, id, passwordHash)
        await tx.passwordReset.deleteMany({ where: { accountId: id } })
      })
    },

    /** The account of an email and password, or undefined (unknown, wrong, disabled, no password yet). */
    async signIn(email: string, password: string): Promise<SignedIn | undefined> {
      const account = await prisma.account.findUnique({ where: { email: email.trim().toLowerCase() } })
      const matches = await passwordMatches(account?.passwordHash, password)
      return account && matches && !account.disabledAt ? signedIn(account) : undefined
    },

    async byId(id: string): Promise<SignedIn | undefined> {
      const account = await prisma.account.findUnique({ where: { id } })
      return account && !account.disabledAt ? signedIn(account) : undefined
    },

    /** The account a Slack user is (issue 15: their actions in Slack are recorded as it). */
    async bySlackUser(slackUserId: string): Promise<SignedIn | undefined> {
      const account = await prisma.account.findUnique({ where: { slackUserId } })
      return account && !account.disabledAt ? signedIn(account) : undefined
    },

    /** A new API token for an account: the token is in the answer, and nowhere else ever again. */
    async createToken(accountId: string, name: string) {
      const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`
      const row = await prisma.apiToken.create({
        data: { accountId, name: name.trim(), hash: sha256(token), prefix: token.slice(0, TOKEN_PREFIX.length + 6), createdAt: clock.now() },
        select: { id: true, name: true, prefix: true, createdAt: true },
      })
      return { ...row, token }
    },

    listTokens(accountId: string) {
      return prisma.apiToken.findMany({ where: { accountId }, orderBy: { createdAt: 'desc' }, select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true } })
    },

    async revokeToken(accountId: string, tokenId: string): Promise<void> {
      const revoked = await prisma.apiToken.updateMany({ where: { id: tokenId, accountId, revokedAt: null }, data: { revokedAt: clock.now() } })
      if (revoked.count === 0 && !(await prisma.apiToken.findFirst({ where: { id: tokenId, accountId } }))) throw new AppError('not_found', `no token ${tokenId}`)
    },

    /** The account of a presented API token, or undefined. */
    async byToken(token: string): Promise<SignedIn | undefined> {
      if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return undefined
      const row = await prisma.apiToken.findUnique({ where: { hash: sha256(token) }, include: { account: true } })
      if (!row || row.revokedAt || row.account.disabledAt) return undefined
      const now = clock.now()
      // Recorded at most once a minute, not on every call of an integration.
      if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) await prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: now } })
      return signedIn(row.account)
    },

    /** Accounts that can sign in: none means the admin token is the only way in. */
    count: () => prisma.account.count({ where: { disabledAt: null } }),
  }
}

export type AccountService = ReturnType<typeof createAccountService>
