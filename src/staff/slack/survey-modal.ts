/** §3.3a: skipping a survey from Slack asks why, and whether the customer asked for it. */
import type { View } from '@slack/types'

export const SURVEY_SKIP_MODAL_ID = 'survey_skip'

export function surveySkipModal(number: string): View {
  return {
    type: 'modal',
    callback_id: SURVEY_SKIP_MODAL_ID,
    private_metadata: JSON.stringify({ number }),
    title: { type: 'plain_text', text: 'Skip the survey' },
    submit: { type: 'plain_text', text: 'Skip it' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks: [
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Ticket *${number}*` }] },
      { type: 'input', block_id: 'reason', label: { type: 'plain_text', text: 'Why (§3.3a)' }, element: { type: 'plain_text_input', action_id: 'value', multiline: true } },
      {
        type: 'input',
        block_id: 'customerAsked',
        optional: true,
        label: { type: 'plain_text', text: 'Who decided' },
        element: { type: 'checkboxes', action_id: 'value', options: [{ text: { type: 'plain_text', text: 'The customer asked not to be surveyed' }, value: 'yes' }] },
      },
    ],
  }
}
