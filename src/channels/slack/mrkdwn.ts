/**
 * Slack mrkdwn that cannot carry a customer's markup. Slack reads `<!channel>`, `<@U…>`,
 * `<https://…|label>` and `&…;` in message text: a customer who writes them into a complaint,
 * an address or a hand-off message would ping the whole staff channel or plant a phishing link.
 *
 * Every Slack message of ours is a `Mrkdwn`, built with the `md` tag: each interpolated value is
 * escaped (`&`, `<`, `>`) unless it is `Mrkdwn` already — our own formatting, mentions of staff
 * (`mention`) and links we make (`link`). StaffChannel and the customer renderer accept only
 * `Mrkdwn`, so a plain string cannot reach Slack unescaped.
 */
import type { KnownBlock } from '@slack/types'
import { graphemePrefix } from '../../text/cut.ts'

export class Mrkdwn {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text
  }
}

type Part = Mrkdwn | string | number | null | undefined

export const escapeMrkdwn = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

const piece = (value: Part): string => (value instanceof Mrkdwn ? value.text : value === null || value === undefined ? '' : escapeMrkdwn(String(value)))

/** `md\`*${title}* — ${customerText}\``: the template is ours, the values are escaped. */
export function md(strings: TemplateStringsArray, ...values: Part[]): Mrkdwn {
  let text = strings[0]!
  values.forEach((value, index) => (text += piece(value) + strings[index + 1]!))
  return new Mrkdwn(text)
}

/** Customer text as it is, escaped. */
export const plain = (text: string | null | undefined): Mrkdwn => new Mrkdwn(piece(text))

/** Joins pieces with a separator of ours. */
export const joinMd = (parts: Part[], separator: string): Mrkdwn => new Mrkdwn(parts.map(piece).join(separator))

/** A staff member by Slack user id; anything that is not an id is shown as text. */
export const mention = (userId: string): Mrkdwn => (/^[UW][A-Z0-9]{2,}$/.test(userId) ? new Mrkdwn(`<@${userId}>`) : plain(userId))

/** A channel by id. */
export const channelLink = (channelId: string): Mrkdwn => (/^[CG][A-Z0-9]{2,}$/.test(channelId) ? new Mrkdwn(`<#${channelId}>`) : plain(channelId))

/** A link of ours (https only), with an escaped label. */
export const link = (url: string, label: string): Mrkdwn => (/^https:\/\/[^\s<>|]+$/.test(url) ? new Mrkdwn(`<${url}|${escapeMrkdwn(label).replace(/\|/g, '¦')}>`) : plain(label))

/** Quotes customer text line by line (`> …`). */
export const quote = (text: string): Mrkdwn => new Mrkdwn(`> ${escapeMrkdwn(text).replace(/\n/g, '\n> ')}`)

/**
 * Shortens to at most `max` characters without cutting an escape (`&amp;`) or a mention/link
 * (`<…>`) in half, which Slack would show as garbage or refuse.
 */
export function clipMd(value: Mrkdwn, max: number): Mrkdwn {
  if (value.text.length <= max) return value
  let cut = max - 1
  const openTag = value.text.lastIndexOf('<', cut)
  if (openTag > value.text.lastIndexOf('>', cut)) cut = openTag
  const amp = value.text.lastIndexOf('&', cut)
  if (amp >= 0 && amp > value.text.lastIndexOf(';', cut) && cut - amp < 6) cut = amp
  return new Mrkdwn(`${graphemePrefix(value.text, cut)}…`)
}

/** Block Kit pieces whose text is mrkdwn: built only from Mrkdwn. */
export const section = (text: Mrkdwn): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text: clipMd(text, 3000).text } })
export const contextBlock = (texts: Mrkdwn[]): KnownBlock => ({ type: 'context', elements: texts.slice(0, 10).map((text) => ({ type: 'mrkdwn' as const, text: clipMd(text, 2000).text })) })

/**
 * What a person typed in Slack, as plain text. Slack sends `&`, `<`, `>` as entities and links,
 * mentions and channels as `<…>` markup; customers on other channels (and our database) should
 * see "A & B" and "https://…", not Slack's escapes.
 */
export function slackTextToPlain(text: string): string {
  return text
    .replace(/<(https?:\/\/[^|>]+)\|([^>]+)>/g, (_all, url: string, label: string) => (label === url ? url : `${label} (${url})`))
    .replace(/<(https?:\/\/[^>]+|mailto:[^>]+)>/g, '$1')
    .replace(/<@([A-Z0-9]+)(\|[^>]*)?>/g, (_all, id: string, label: string | undefined) => `@${label ? label.slice(1) : id}`)
    .replace(/<#([A-Z0-9]+)(?:\|([^>]*))?>/g, (_all, id: string, label: string | undefined) => `#${label || id}`)
    .replace(/<!(here|channel|everyone)>/g, '@$1')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
}
