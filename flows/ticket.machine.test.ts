/**
 * The service process (§3.1) as a table: for each service, every reachable state and exactly
 * the actions legal there. Any action not listed must be refused.
 */
import { describe, expect, it } from 'vitest'
import { legalActions, nextStatus, TICKET_ACTIONS, type TicketAction } from './ticket.machine.ts'
import type { TicketStatus } from './copy.ts'
import type { ServiceType } from './service-types.ts'

const always = ['force_majeure', 'set_service_value', 'party_a_breach', 'direct_loss'] as const
/** §3.2e: from the response until the service is completed, another technician can take over. */
const working = [...always, 'reassign'] as const
const endOfLine: Partial<Record<TicketStatus, TicketAction[]>> = {
  resolved: ['confirm', 'reject', 'reopen', 'cancel', ...working],
  completed: ['reopen', 'close', ...always],
  closed: ['reopen', ...always],
  cancelled: [],
}

const TABLE: Record<ServiceType, Partial<Record<TicketStatus, TicketAction[]>>> = {
  repair: {
    submitted: ['respond', 'cancel', ...always],
    responded: ['arrive', 'cancel', ...working],
    on_site: ['diagnose', 'cancel', ...working],
    diagnosed: ['record_parts', 'test', 'cancel', ...working],
    repairing: ['record_parts', 'test', 'cancel', ...working],
    testing: ['resolve', 'cancel', ...working],
    ...endOfLine,
    reopened: ['respond', 'arrive', 'cancel', ...working],
  },
  maintenance: {
    submitted: ['respond', 'cancel', ...always],
    responded: ['arrive', 'cancel', ...working],
    on_site: ['diagnose', 'record_parts', 'test', 'cancel', ...working],
    diagnosed: ['record_parts', 'test', 'cancel', ...working],
    repairing: ['record_parts', 'test', 'cancel', ...working],
    testing: ['resolve', 'cancel', ...working],
    ...endOfLine,
    reopened: ['respond', 'arrive', 'cancel', ...working],
  },
  installation: {
    submitted: ['respond', 'cancel', ...always],
    responded: ['arrive', 'cancel', ...working],
    on_site: ['record_parts', 'test', 'cancel', ...working],
    repairing: ['record_parts', 'test', 'cancel', ...working],
    testing: ['resolve', 'cancel', ...working],
    ...endOfLine,
    reopened: ['respond', 'arrive', 'cancel', ...working],
  },
  training: {
    submitted: ['respond', 'cancel', ...always],
    responded: ['arrive', 'cancel', ...working],
    on_site: ['resolve', 'cancel', ...working],
    ...endOfLine,
    reopened: ['respond', 'arrive', 'cancel', ...working],
  },
  spare_parts: {
    submitted: ['respond', 'cancel', ...always],
    responded: ['record_parts', 'ship', 'cancel', ...working],
    shipped: ['resolve', 'cancel', ...working],
    ...endOfLine,
    reopened: ['respond', 'cancel', ...working],
  },
  technical_support: {
    submitted: ['respond', 'cancel', ...always],
    responded: ['resolve', 'cancel', ...working],
    ...endOfLine,
    reopened: ['respond', 'cancel', ...working],
  },
}

describe.each(Object.entries(TABLE) as [ServiceType, Partial<Record<TicketStatus, TicketAction[]>>][])('%s', (type, states) => {
  it.each(Object.entries(states) as [TicketStatus, TicketAction[]][])('in %s: exactly %j', (status, legal) => {
    expect(new Set(legalActions(type, status))).toEqual(new Set(legal))
    for (const action of TICKET_ACTIONS.filter((candidate) => !legal.includes(candidate))) {
      const event = action === 'test' ? { type: 'test' as const, passed: true } : { type: action as Exclude<TicketAction, 'test'> }
      expect(nextStatus(type, status, event), `${action} in ${status}`).toBeUndefined()
    }
  })
})

describe('where actions lead', () => {
  it.each<[ServiceType, TicketStatus, TicketAction, boolean | undefined, TicketStatus]>([
    ['repair', 'submitted', 'respond', undefined, 'responded'],
    ['repair', 'responded', 'arrive', undefined, 'on_site'],
    ['repair', 'on_site', 'diagnose', undefined, 'diagnosed'],
    ['repair', 'diagnosed', 'record_parts', undefined, 'repairing'],
    ['repair', 'repairing', 'record_parts', undefined, 'repairing'],
    // §3.1d: a failed functional test goes back to repairing; a passed one is ready to resolve.
    ['repair', 'diagnosed', 'test', false, 'repairing'],
    ['repair', 'repairing', 'test', true, 'testing'],
    ['repair', 'testing', 'resolve', undefined, 'resolved'],
    ['repair', 'resolved', 'confirm', undefined, 'completed'],
    ['repair', 'resolved', 'reject', undefined, 'reopened'],
    ['repair', 'completed', 'close', undefined, 'closed'],
    ['repair', 'closed', 'reopen', undefined, 'reopened'],
    ['repair', 'reopened', 'arrive', undefined, 'on_site'],
    ['repair', 'testing', 'cancel', undefined, 'cancelled'],
    ['repair', 'on_site', 'force_majeure', undefined, 'on_site'],
    ['installation', 'on_site', 'test', false, 'repairing'],
    ['installation', 'on_site', 'test', true, 'testing'],
    ['training', 'on_site', 'resolve', undefined, 'resolved'],
    ['spare_parts', 'responded', 'record_parts', undefined, 'responded'],
    ['spare_parts', 'responded', 'ship', undefined, 'shipped'],
    ['spare_parts', 'shipped', 'resolve', undefined, 'resolved'],
    ['technical_support', 'responded', 'resolve', undefined, 'resolved'],
  ])('%s: %s --%s(%s)--> %s', (type, from, action, passed, to) => {
    const event = action === 'test' ? { type: 'test' as const, passed: passed ?? true } : { type: action as Exclude<TicketAction, 'test'> }
    expect(nextStatus(type, from, event)).toBe(to)
  })
})
