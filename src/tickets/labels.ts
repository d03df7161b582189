/**
 * How staff read service types and root causes, wherever they see them: Slack, the report's
 * Markdown, the dashboard (served to it as /dashboard/labels.js). English, the staff's language.
 */
import { copyFor } from '../../flows/copy.ts'
import type { ServiceType } from '../../flows/service-types.ts'
import { RESPONSIBLE_PARTY, ROOT_CAUSES, type RootCause } from './action-input.ts'

export const SERVICE_LABELS: Record<ServiceType, string> = copyFor('en').serviceTypes

const CAUSE_NAMES: Record<RootCause, string> = {
  product_defect: 'Product defect',
  improper_use: 'Improper use',
  environment: 'Environment',
  wear: 'Normal wear',
  other: 'Other',
}

/** With the party that answers for it (§3.2c), where one does. */
export const ROOT_CAUSE_LABELS = Object.fromEntries(
  ROOT_CAUSES.map((cause) => [cause, RESPONSIBLE_PARTY[cause] ? `${CAUSE_NAMES[cause]} (Party ${RESPONSIBLE_PARTY[cause]})` : CAUSE_NAMES[cause]]),
) as Record<RootCause, string>
