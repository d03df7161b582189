/**
 * The modal that collects an action's input in Slack, and the reading of its submission into
 * the same TicketActionInput the admin API takes (one service, two front ends).
 */
import type { KnownBlock, View } from '@slack/types'
import type { TicketAction } from '../../../flows/ticket.machine.ts'
import { DEADLINE_KINDS, PARTY_A_BREACHES, ROOT_CAUSES, ticketActionInput, type TicketActionInput } from '../../tickets/action-input.ts'
import { ROOT_CAUSE_LABELS } from '../../tickets/labels.ts'
import { ACTION_LABELS } from './labels.ts'
import { cutText } from '../../text/cut.ts'

const PARTY_A_BREACH_LABELS = { late_product_data: 'Product data or manuals late (§3.2a)', late_parts: 'Spare parts late', visit_prevented: 'Made a visit impossible' } as const
const DEADLINE_LABELS = {
  response: 'Response within 24 h (§2.2)',
  installation: 'Installation within 3 working days (§2.1a)',
  diagnosis: 'Diagnosis within 1 h on site (§3.1c)',
  feedback: 'Feedback within 24 h (§3.3a)',
} as const

export const MODAL_CALLBACK_ID = 'ticket_action'

type Field =
  | { kind: 'text'; id: string; label: string; multiline?: boolean; optional?: boolean; hint?: string }
  | { kind: 'select'; id: string; label: string; options: { value: string; label: string }[]; optional?: boolean }
  | { kind: 'datetime'; id: string; label: string; optional?: boolean }
  | { kind: 'radio'; id: string; label: string; options: { value: string; label: string }[] }
  | { kind: 'number'; id: string; label: string }
  | { kind: 'checkboxes'; id: string; label: string; options: { value: string; label: string }[]; optional?: boolean }

const PARTS_HINT = 'One part per line: part number, name, quantity, genuine or not (and why not). Example: DB-220, Drum belt, 1, genuine — or: SCR-3, Screw set, 4, not genuine, original out of stock'

function fieldsFor(action: TicketAction, technicians: { id: string; name: string }[]): Field[] {
  switch (action) {
    case 'respond':
      return [
        technicians.length
          ? { kind: 'select', id: 'technician', label: 'Technician', options: technicians.map((technician) => ({ value: technician.id, label: technician.name })) }
          : { kind: 'text', id: 'technician', label: 'Technician', hint: 'No technicians are registered yet: add them with POST /api/technicians' },
        { kind: 'datetime', id: 'appointmentAt', label: 'Appointment', optional: true },
        { kind: 'text', id: 'category', label: 'Problem confirmed as', optional: true },
        { kind: 'text', id: 'note', label: 'Note', multiline: true, optional: true },
      ]
    case 'diagnose':
      return [
        { kind: 'select', id: 'rootCause', label: 'Root cause (§3.2c)', options: ROOT_CAUSES.map((cause) => ({ value: cause, label: ROOT_CAUSE_LABELS[cause] })) },
        { kind: 'text', id: 'findings', label: 'Findings', multiline: true },
      ]
    case 'record_parts':
      return [{ kind: 'text', id: 'parts', label: 'Parts', multiline: true, hint: PARTS_HINT }]
    case 'test':
      return [
        {
          kind: 'radio',
          id: 'passed',
          label: 'Result',
          options: [
            { value: 'true', label: 'Passed' },
            { value: 'false', label: 'Failed: back to repair' },
          ],
        },
        { kind: 'text', id: 'notes', label: 'Notes', multiline: true, optional: true },
      ]
    case 'ship':
      return [
        { kind: 'text', id: 'carrier', label: 'Carrier', optional: true },
        { kind: 'text', id: 'tracking', label: 'Tracking number', optional: true },
      ]
    case 'resolve':
      return [{ kind: 'text', id: 'solution', label: 'Solution (goes into the service record)', multiline: true }]
    case 'reopen':
    case 'cancel':
      return [{ kind: 'text', id: 'reason', label: 'Reason', multiline: true }]
    case 'force_majeure':
      // §4.1c: it excuses only what the event prevented: name the deadlines, or the period.
      return [
        { kind: 'text', id: 'note', label: 'What happened (§4.1c)', multiline: true },
        { kind: 'checkboxes', id: 'affects', label: 'Deadlines it prevented', options: DEADLINE_KINDS.map((kind) => ({ value: kind, label: DEADLINE_LABELS[kind] })), optional: true },
        { kind: 'datetime', id: 'from', label: 'Or: from', optional: true },
        { kind: 'datetime', id: 'to', label: 'to', optional: true },
      ]
    case 'set_service_value':
      return [{ kind: 'number', id: 'value', label: 'Service value' }]
    case 'reassign':
      return [
        technicians.length
          ? { kind: 'select', id: 'technician', label: 'New technician', options: technicians.map((technician) => ({ value: technician.id, label: technician.name })) }
          : { kind: 'text', id: 'technician', label: 'New technician' },
        { kind: 'text', id: 'reason', label: 'Why (§3.2e)', multiline: true },
      ]
    case 'party_a_breach':
      return [
        { kind: 'select', id: 'kind', label: 'What Party A failed to do (§4.1a)', options: PARTY_A_BREACHES.map((kind) => ({ value: kind, label: PARTY_A_BREACH_LABELS[kind] })) },
        { kind: 'text', id: 'note', label: 'What happened', multiline: true },
      ]
    case 'direct_loss':
      return [
        {
          kind: 'radio',
          id: 'causedBy',
          label: 'Caused by (§4.1d)',
          options: [
            { value: 'party_a', label: 'Party A (the manufacturer)' },
            { value: 'party_b', label: 'Party B (us)' },
          ],
        },
        { kind: 'number', id: 'amount', label: 'Amount' },
        { kind: 'text', id: 'evidence', label: 'Evidence', multiline: true },
      ]
    default:
      return [{ kind: 'text', id: 'note', label: 'Note', multiline: true, optional: true }]
  }
}

function element(field: Field) {
  const action_id = 'value'
  switch (field.kind) {
    case 'text':
      return { type: 'plain_text_input', action_id, multiline: field.multiline ?? false }
    case 'select':
      return { type: 'static_select', action_id, options: field.options.slice(0, 100).map((option) => ({ text: { type: 'plain_text', text: cutText(option.label, 75) }, value: option.value })) }
    case 'datetime':
      return { type: 'datetimepicker', action_id }
    case 'radio':
      return { type: 'radio_buttons', action_id, options: field.options.map((option) => ({ text: { type: 'plain_text', text: option.label }, value: option.value })) }
    case 'number':
      return { type: 'number_input', action_id, is_decimal_allowed: true, min_value: '0' }
    case 'checkboxes':
      return { type: 'checkboxes', action_id, options: field.options.slice(0, 10).map((option) => ({ text: { type: 'plain_text', text: cutText(option.label, 75) }, value: option.value })) }
  }
}

export function actionModal(action: TicketAction, number: string, technicians: { id: string; name: string }[]): View {
  const blocks = fieldsFor(action, technicians).map(
    (field) =>
      ({
        type: 'input',
        block_id: field.id,
        optional: 'optional' in field ? (field.optional ?? false) : false,
        label: { type: 'plain_text', text: field.label },
        element: element(field),
        ...('hint' in field && field.hint && { hint: { type: 'plain_text', text: field.hint } }),
      }) as KnownBlock,
  )
  return {
    type: 'modal',
    callback_id: MODAL_CALLBACK_ID,
    private_metadata: JSON.stringify({ number, action }),
    title: { type: 'plain_text', text: ACTION_LABELS[action].slice(0, 24) },
    submit: { type: 'plain_text', text: 'Save' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [{ type: 'context', elements: [{ type: 'mrkdwn', text: `Ticket *${number}*` }] }, ...blocks],
  }
}

type StateValue = { value?: string | null; selected_option?: { value: string } | null; selected_options?: { value: string }[] | null; selected_date_time?: number | null }

/** One line of the parts box: "DB-220, Drum belt, 1, genuine" or "…, not genuine, why". */
function parsePartLine(line: string) {
  const [partNumber, name, quantity, genuine, ...why] = line.split(',').map((part) => part.trim())
  if (!partNumber || !name || !quantity || !/^\d+$/.test(quantity)) return undefined
  const isGenuine = !/^(no|not genuine|non-genuine|false|n)$/i.test(genuine ?? 'genuine')
  const reason = why.join(', ').trim()
  return { partNumber, name, quantity: Number(quantity), genuine: isGenuine, ...(reason && { reason }) }
}

export type ModalResult = { ok: true; input: TicketActionInput } | { ok: false; errors: Record<string, string> }

/** Reads a submitted modal; errors are keyed by block id, as Slack shows them under the fields. */
export function readSubmission(action: TicketAction, values: Record<string, Record<string, StateValue>>): ModalResult {
  const raw: Record<string, unknown> = { action }
  const errors: Record<string, string> = {}
  for (const [blockId, byAction] of Object.entries(values)) {
    const state = byAction.value
    if (!state) continue
    if (state.selected_options) {
      if (state.selected_options.length) raw[blockId] = state.selected_options.map((option) => option.value)
      continue
    }
    const value = state.selected_option?.value ?? state.value ?? (state.selected_date_time ? new Date(state.selected_date_time * 1000).toISOString() : null)
    if (value === null || value === undefined || value === '') continue
    if (blockId === 'parts') {
      const lines = value
        .split('\n')
        .map((line) => line.trim())
        .filter(Boolean)
      const parts = lines.map(parsePartLine)
      const bad = lines.filter((_, index) => !parts[index])
      if (bad.length) errors.parts = `Cannot read: "${bad[0]}". ${PARTS_HINT}`
      raw.parts = parts.filter(Boolean)
    } else if (blockId === 'passed') raw.passed = value === 'true'
    else if (blockId === 'value' || blockId === 'amount') raw[blockId] = Number(value)
    else raw[blockId] = value
  }
  if (Object.keys(errors).length) return { ok: false, errors }
  const parsed = ticketActionInput.safeParse(raw)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors[String(issue.path[0] ?? 'note')] ??= issue.message
    return { ok: false, errors }
  }
  return { ok: true, input: parsed.data }
}
