/** How staff see actions, alerts and facts in Slack (English: the staff workspace's language). */
import type { TicketAction } from '../../../flows/ticket.machine.ts'

export const ACTION_LABELS: Record<TicketAction, string> = {
  respond: 'Respond',
  arrive: 'Arrived on site',
  diagnose: 'Diagnose',
  record_parts: 'Record parts',
  test: 'Functional test',
  ship: 'Shipped',
  resolve: 'Resolve',
  confirm: 'Customer confirmed',
  reject: 'Customer rejected',
  reopen: 'Reopen',
  close: 'Close',
  cancel: 'Cancel ticket',
  force_majeure: 'Force majeure',
  set_service_value: 'Set service value',
  party_a_breach: 'Party A breach',
  direct_loss: 'Direct loss',
  reassign: 'Reassign',
}

/** Actions shown as buttons; the rest of the legal ones sit in the "More" menu. */
export const PRIMARY_ACTIONS: readonly TicketAction[] = ['respond', 'arrive', 'diagnose', 'record_parts', 'test', 'ship', 'resolve', 'confirm']
/** The customer's own answer; staff use reopen instead. */
export const CUSTOMER_ONLY_ACTIONS: readonly TicketAction[] = ['reject']
/** Actions that need no input: applied at the click. */
export const ONE_CLICK_ACTIONS: readonly TicketAction[] = ['arrive', 'confirm', 'close']
