/**
 * The agreement's service process (§3.1) as a pure state machine: which action is legal in
 * which state, for which service, and where it leads. The ticket service asks it before every
 * change; nothing else decides a ticket's status.
 *
 * On-site services follow §3.1b–e:
 *   repair       submitted → responded → on_site → diagnosed → repairing* → testing → resolved
 *   maintenance  like repair; diagnosis (inspection findings) is optional
 *   installation submitted → responded → on_site → [repairing*] → testing → resolved
 *   training     submitted → responded → on_site → resolved
 * Services without a visit take a shorter path:
 *   spare_parts        submitted → responded (parts recorded) → shipped → resolved
 *   technical_support  submitted → responded → resolved
 * Then, for every service: resolved → completed (the customer confirms) → closed (after
 * feedback); a rejected fix, or staff, reopen it; until completed, staff can cancel it.
 * A failed functional test (§3.1d) goes back to repairing.
 */
import { getNextSnapshot, setup, type SnapshotFrom } from 'xstate'
import type { TicketStatus } from './copy.ts'
import type { ServiceType } from './service-types.ts'

export const TICKET_ACTIONS = [
  'respond',
  'arrive',
  'diagnose',
  'record_parts',
  'test',
  'ship',
  'resolve',
  'confirm',
  'reject',
  'reopen',
  'close',
  'cancel',
  'force_majeure',
  'set_service_value',
  'party_a_breach',
  'direct_loss',
  'reassign',
] as const
export type TicketAction = (typeof TICKET_ACTIONS)[number]

export type TicketEvent = { type: Exclude<TicketAction, 'test'> } | { type: 'test'; passed: boolean }

const is =
  (...types: ServiceType[]) =>
  ({ context }: { context: { type: ServiceType } }) =>
    types.includes(context.type)

const passed = ({ event }: { event: TicketEvent }) => event.type === 'test' && event.passed

/** Actions that record something without moving the ticket. */
const stay = { actions: 'record' } as const
/** Records about the service that change nothing in its process (§4.1a–d). */
const annotations = { force_majeure: stay, set_service_value: stay, party_a_breach: stay, direct_loss: stay } as const
/** §3.2e: another technician takes over, from the response until the service is completed. */
const reassignable = { reassign: stay } as const
/** Until the customer has confirmed, staff can still cancel. */
const cancellable = { cancel: { target: '#ticket.cancelled' } } as const
const testing = {
  test: [{ guard: passed, target: '#ticket.testing' }, { target: '#ticket.repairing' }],
} as const

export const ticketMachine = setup({
  types: {
    context: {} as { type: ServiceType },
    events: {} as TicketEvent,
    input: {} as { type: ServiceType },
  },
  actions: {
    // The facts are written by the ticket service; the machine only says the action is legal.
    record: () => {},
  },
}).createMachine({
  id: 'ticket',
  context: ({ input }) => ({ type: input.type }),
  initial: 'submitted',
  states: {
    submitted: {
      on: { respond: 'responded', ...cancellable, ...annotations },
    },
    responded: {
      on: {
        ...reassignable,
        arrive: { guard: is('repair', 'installation', 'maintenance', 'training'), target: 'on_site' },
        record_parts: { guard: is('spare_parts'), ...stay },
        ship: { guard: is('spare_parts'), target: 'shipped' },
        resolve: { guard: is('technical_support'), target: 'resolved' },
        ...cancellable,
        ...annotations,
      },
    },
    on_site: {
      on: {
        ...reassignable,
        diagnose: { guard: is('repair', 'maintenance'), target: 'diagnosed' },
        record_parts: { guard: is('installation', 'maintenance'), target: 'repairing' },
        test: [
          { guard: ({ context, event }) => (context.type === 'installation' || context.type === 'maintenance') && passed({ event }), target: 'testing' },
          { guard: is('installation', 'maintenance'), target: 'repairing' },
        ],
        resolve: { guard: is('training'), target: 'resolved' },
        ...cancellable,
        ...annotations,
      },
    },
    diagnosed: {
      on: { record_parts: 'repairing', ...testing, ...reassignable, ...cancellable, ...annotations },
    },
    repairing: {
      on: { record_parts: stay, ...testing, ...reassignable, ...cancellable, ...annotations },
    },
    testing: {
      on: { resolve: 'resolved', ...reassignable, ...cancellable, ...annotations },
    },
    shipped: {
      on: { resolve: 'resolved', ...reassignable, ...cancellable, ...annotations },
    },
    resolved: {
      on: { confirm: 'completed', reject: 'reopened', reopen: 'reopened', ...reassignable, ...cancellable, ...annotations },
    },
    completed: {
      on: { close: 'closed', reopen: 'reopened', ...annotations },
    },
    closed: {
      on: { reopen: 'reopened', ...annotations },
    },
    reopened: {
      on: {
        ...reassignable,
        respond: 'responded',
        arrive: { guard: is('repair', 'installation', 'maintenance', 'training'), target: 'on_site' },
        ...cancellable,
        ...annotations,
      },
    },
    cancelled: { type: 'final' },
  },
})

type TicketSnapshot = SnapshotFrom<typeof ticketMachine>

function snapshotAt(type: ServiceType, status: TicketStatus): TicketSnapshot {
  return ticketMachine.resolveState({ value: status, context: { type } })
}

function sample(action: TicketAction, testPassed = true): TicketEvent {
  return action === 'test' ? { type: 'test', passed: testPassed } : { type: action }
}

/** The actions staff (or the customer) may take on a ticket of this service in this status. */
export function legalActions(type: ServiceType, status: TicketStatus): TicketAction[] {
  const snapshot = snapshotAt(type, status)
  return TICKET_ACTIONS.filter((action) => snapshot.can(sample(action)))
}

/** Where an action leads, or undefined when it is not legal here. */
export function nextStatus(type: ServiceType, status: TicketStatus, event: TicketEvent): TicketStatus | undefined {
  const snapshot = snapshotAt(type, status)
  if (!snapshot.can(event)) return undefined
  return getNextSnapshot(ticketMachine, snapshot, event).value as TicketStatus
}
