/** A bot reply as Slack Block Kit: the text, and menus as buttons (pressing one is answering). */
import type { KnownBlock } from '@slack/types'
import type { Reply } from '../types.ts'
import { clipMd, joinMd, link, plain, section } from './mrkdwn.ts'
import { cutText } from '../../text/cut.ts'

export const CHOICE_ACTION_PREFIX = 'customer_choice:'

/** Bot replies can echo what the customer wrote (the request's summary): all of it is text, escaped. */
export function renderSlack(reply: Reply): { text: string; blocks: KnownBlock[] } {
  // Files as links: Slack shows what it can fetch, and ours need the link's signature.
  const text = reply.media?.length ? joinMd([plain(reply.text), ...reply.media.map((file, index) => link(file.url, file.name ?? `photo ${index + 1}`))], '\n') : plain(reply.text)
  const blocks: KnownBlock[] = [section(clipMd(text, 2900))]
  const choices = reply.choices ?? []
  // Slack allows 25 elements per actions block.
  for (let start = 0; start < choices.length; start += 25) {
    blocks.push({
      type: 'actions',
      elements: choices.slice(start, start + 25).map((choice, index) => ({
        type: 'button' as const,
        action_id: `${CHOICE_ACTION_PREFIX}${start + index}`,
        text: { type: 'plain_text' as const, text: cutText(choice.label, 75) },
        value: choice.value,
      })),
    })
  }
  return { text: clipMd(text, 3000).text, blocks }
}
