/**
 * §3.1a in Slack: `/aftercare new` opens a form for a request taken by phone. The form checks the
 * answers with the conversation's rules before it closes (each problem under its field); the
 * ticket is then logged like one from the admin API.
 */
import type { View } from '@slack/types'
import { copyFor, type Field } from '../../../flows/copy.ts'
import { FORM_FIELDS } from '../../../flows/intake.ts'
import { SERVICE_TYPES } from '../../../flows/service-types.ts'
import { phoneRequestInput, type PhoneRequestInput } from '../../tickets/phone-requests.ts'

export const PHONE_REQUEST_MODAL_ID = 'phone_request'

const copy = copyFor('en')
const plain = (text: string) => ({ type: 'plain_text' as const, text })
const input = (blockId: string, label: string, element: Record<string, unknown>, options: { optional?: boolean; hint?: string } = {}) => ({
  type: 'input' as const,
  block_id: blockId,
  label: plain(label),
  ...(options.optional && { optional: true }),
  ...(options.hint && { hint: plain(options.hint) }),
  element: { action_id: 'value', ...element },
})
const textInput = (maxLength: number, multiline = false) => ({ type: 'plain_text_input', max_length: maxLength, ...(multiline && { multiline: true }) })

/** Which fields apply depends on the service, which the form does not know yet: those are optional here and checked on submit. */
export function phoneRequestModal(smsSending: boolean): View {
  const blocks = [
    {
      type: 'context',
      elements: [{ type: 'mrkdwn', text: 'A request taken by phone (§3.1a). Answers are checked as the chat checks them; fill what the service needs.' }],
    },
    input('serviceType', copy.fieldLabels.serviceType, {
      type: 'static_select',
      options: SERVICE_TYPES.map((type) => ({ text: plain(copy.serviceTypes[type]), value: type })),
    }),
    input('productModel', copy.fieldLabels.productModel, textInput(60)),
    input('serialNumber', copy.fieldLabels.serialNumber, textInput(40), { optional: true }),
    input('deliveryDate', copy.fieldLabels.deliveryDate, { type: 'datepicker' }, { optional: true, hint: 'Installations only (§2.1a).' }),
    input('description', 'What is needed', textInput(1000, true), { optional: true, hint: 'The fault, or what the customer asks. Not for installations.' }),
    input('siteAddress', copy.fieldLabels.siteAddress, textInput(300), { optional: true, hint: 'For work on site: repair, installation, maintenance, training.' }),
    input('contactName', copy.fieldLabels.contactName, textInput(80)),
    input('phone', 'Caller’s number', textInput(32), { hint: 'With the country code, e.g. +86 139 1234 5678.' }),
    input(
      'notifyBySms',
      'Texts',
      {
        type: 'checkboxes',
        options: [{ text: plain('Text the confirmation and updates to this number (a mobile)'), value: 'yes' }],
        ...(smsSending && { initial_options: [{ text: plain('Text the confirmation and updates to this number (a mobile)'), value: 'yes' }] }),
      },
      { optional: true, ...(!smsSending && { hint: 'SMS is not configured: texts would not go out.' }) },
    ),
    input(
      'locale',
      'Caller’s language',
      {
        type: 'static_select',
        options: [
          { text: plain('English'), value: 'en' },
          { text: plain('中文'), value: 'zh-CN' },
        ],
      },
      { optional: true },
    ),
  ]
  return {
    type: 'modal',
    callback_id: PHONE_REQUEST_MODAL_ID,
    title: plain('New phone request'),
    submit: plain('Log the request'),
    close: plain('Cancel'),
    blocks: blocks as View['blocks'],
  }
}

type Values = Record<string, Record<string, { value?: string | null; selected_option?: { value: string } | null; selected_date?: string | null; selected_options?: { value: string }[] }>>

/** The form's values as the admin API's body; errors are keyed by block, which is each field's name. */
export function readPhoneRequestForm(values: Values): { ok: true; input: PhoneRequestInput } | { ok: false; errors: Record<string, string> } {
  const element = (block: string) => values[block]?.value
  const textOf = (block: string) => element(block)?.value ?? element(block)?.selected_date ?? element(block)?.selected_option?.value ?? null
  const body = {
    ...Object.fromEntries(FORM_FIELDS.map((field: Field) => [field, textOf(field)])),
    serviceType: textOf('serviceType') ?? '',
    phone: textOf('phone') ?? '',
    notifyBySms: (element('notifyBySms')?.selected_options ?? []).length > 0,
    ...(textOf('locale') && { locale: textOf('locale') }),
  }
  const parsed = phoneRequestInput.safeParse(body)
  if (parsed.success) return { ok: true, input: parsed.data }
  const errors: Record<string, string> = {}
  for (const issue of parsed.error.issues) {
    const block = String(issue.path[0] ?? 'phone')
    errors[block in values ? block : 'phone'] ??= issue.message
  }
  return { ok: false, errors }
}
