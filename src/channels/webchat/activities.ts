/**
 * A bot reply as a Bot Framework activity: text, the conversation's locale, and menus as
 * suggested actions (buttons in Web Chat and Teams). A button shows its label in the transcript
 * and sends its value, the same answer a customer could type.
 */
import type { Activity, CardAction } from 'botbuilder'
import type { Locale } from '../../../flows/locale.ts'
import type { Reply } from '../types.ts'

export function toActivity(reply: Reply, locale: Locale): Partial<Activity> {
  const actions: CardAction[] = (reply.choices ?? []).map((choice) => ({
    type: 'messageBack',
    title: choice.label,
    text: choice.value,
    displayText: choice.label,
    value: choice.value,
  }))
  return {
    type: 'message',
    text: reply.text,
    textFormat: 'plain',
    locale,
    ...(actions.length && { suggestedActions: { to: [], actions } }),
  }
}
