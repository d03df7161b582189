/**
 * What follows a ticket action, as domain events. `apply` checks that the action is legal,
 * writes its facts, deadlines and TicketEvent, then dispatches `ticket.<event>` to the listeners
 * registered at assembly (src/tickets/follow-ups.ts) — inside the same transaction, so whatever
 * they queue (notifications, Slack posts, surveys) commits with the change or not at all. A new
 * clause is a new listener, not an edit of `apply`.
 */
import type { Locale } from '../../flows/locale.ts'
import type { Prisma, Tx } from '../db/client.ts'
import type { TicketActionInput } from './action-input.ts'
import type { Actor } from './actors.ts'

/** The event each action raises. */
export const EVENT_OF = {
  respond: 'ticket.responded',
  arrive: 'ticket.arrived',
  diagnose: 'ticket.diagnosed',
  record_parts: 'ticket.parts_recorded',
  test: 'ticket.tested',
  ship: 'ticket.shipped',
  resolve: 'ticket.resolved',
  confirm: 'ticket.confirmed',
  reject: 'ticket.rejected',
  reopen: 'ticket.reopened',
  close: 'ticket.closed',
  cancel: 'ticket.cancelled',
  force_majeure: 'ticket.force_majeure_declared',
  set_service_value: 'ticket.value_set',
  party_a_breach: 'ticket.party_a_breach_recorded',
  direct_loss: 'ticket.direct_loss_recorded',
  reassign: 'ticket.reassigned',
} as const satisfies Record<TicketActionInput['action'], string>

type Action = keyof typeof EVENT_OF
export type TicketEventName = (typeof EVENT_OF)[Action]
type ActionOf<E extends TicketEventName> = { [A in Action]: (typeof EVENT_OF)[A] extends E ? A : never }[Action]

/** The ticket as the action found it, with what listeners need to read. */
export const appliedTicketInclude = {
  technician: true,
  parts: true,
  conversation: { select: { locale: true, identity: { select: { channel: true } } } },
} satisfies Prisma.TicketInclude
export type AppliedTicket = Prisma.TicketGetPayload<{ include: typeof appliedTicketInclude }>

export interface TicketChange<A extends Action = Action> {
  name: (typeof EVENT_OF)[A]
  tx: Tx
  /** Before the action. */
  ticket: AppliedTicket
  input: Extract<TicketActionInput, { action: A }>
  from: string
  to: string
  /** The ticket's technician after the action (`respond` assigns one). */
  technician: AppliedTicket['technician']
  actor: Actor
  at: Date
  /** The customer's language now (they may have switched since submitting). */
  locale: Locale
}

export type TicketListener<E extends TicketEventName> = (change: TicketChange<ActionOf<E>>) => Promise<void>

export interface TicketEvents {
  on<E extends TicketEventName>(name: E, listener: TicketListener<E>): void
  /** After every action (the Slack message's sync, say). */
  onEvery(listener: (change: TicketChange) => Promise<void>): void
  dispatch(change: TicketChange): Promise<void>
}

export function createTicketEvents(): TicketEvents {
  const listeners = new Map<string, ((change: TicketChange) => Promise<void>)[]>()
  const every: ((change: TicketChange) => Promise<void>)[] = []
  return {
    on(name, listener) {
      listeners.set(name, [...(listeners.get(name) ?? []), listener as unknown as (change: TicketChange) => Promise<void>])
    },
    onEvery(listener) {
      every.push(listener)
    },
    async dispatch(change) {
      // In order of registration, one after the other: they share the transaction's connection.
      for (const listener of [...(listeners.get(change.name) ?? []), ...every]) await listener(change)
    },
  }
}
