/**
 * Issue 15: who may do what. One table, read by the API gate (src/http/auth.ts) and the console,
 * so the role matrix is written once and tested as a whole (test/accounts-roles.test.ts).
 */
import type { AccountRole } from '../db/generated/enums.ts'

export type { AccountRole }
export const ROLES = ['admin', 'agent', 'technician', 'party_a'] as const satisfies readonly AccountRole[]

/** Everything a role can be given; the type and the admin's grant are derived from it. */
export const PERMISSIONS = [
  'tickets:read',
  'tickets:create',
  'tickets:work',
  'reports:read',
  'feedback:read',
  'feedback:work',
  'complaints:read',
  'complaints:work',
  'technicians:read',
  'technicians:manage',
  // Records on a technician: staff's training and assessments, Party A's evaluations and replacement requests.
  'technicians:record',
  'conversations:read',
  // Answering a customer in a hand-off, giving them back to the bot.
  'conversations:reply',
  'customers:read',
  'customers:erase',
  'products:read',
  'products:import',
  'attachments:read',
  'accounts:manage',
  // Their own account: who am I, my API tokens, my password.
  'self',
] as const
export type Permission = (typeof PERMISSIONS)[number]

const EVERYONE: readonly Permission[] = ['tickets:read', 'attachments:read', 'products:read', 'self']

const GRANTS: Record<AccountRole, ReadonlySet<Permission>> = {
  // Everything, accounts and settings included.
  admin: new Set<Permission>(PERMISSIONS),
  agent: new Set<Permission>([
    ...EVERYONE,
    'tickets:create',
    'tickets:work',
    'reports:read',
    'feedback:read',
    'feedback:work',
    'complaints:read',
    'complaints:work',
    'technicians:read',
    'technicians:record',
    'conversations:read',
    'conversations:reply',
    'customers:read',
  ]),
  // Only their own tickets: the ticket routes narrow what `tickets:*` opens (see ticketScope).
  technician: new Set<Permission>([...EVERYONE, 'tickets:work']),
  // §3.2e, §3.3b: the manufacturer reads and evaluates; it never works a ticket.
  party_a: new Set<Permission>([...EVERYONE, 'reports:read', 'feedback:read', 'complaints:read', 'technicians:read', 'technicians:record']),
}

export const can = (role: AccountRole, permission: Permission) => GRANTS[role].has(permission)

/** The records each role may add to a technician (§3.2d–e). */
export const RECORD_KINDS: Record<AccountRole, readonly string[]> = {
  admin: ['training', 'assessment', 'evaluation', 'replacement_request'],
  agent: ['training', 'assessment'],
  technician: [],
  party_a: ['evaluation', 'replacement_request'],
}

/** What a technician may do to a ticket assigned to them: the work on site, not its dispatch. */
export const TECHNICIAN_ACTIONS: ReadonlySet<string> = new Set(['arrive', 'diagnose', 'record_parts', 'ship', 'test', 'resolve'])
