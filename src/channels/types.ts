/**
 * The only shapes that cross the channel boundary. Adapters turn a provider's payload into an
 * `Inbound` and render a `Reply`; nothing outside src/channels sees a provider's SDK or payload.
 */
import type { Reply } from '../../flows/conversation.machine.ts'
import type { MediaSummary } from '../../flows/input.ts'
import type { Locale } from '../../flows/locale.ts'

export type { Reply }
export type Channel = 'sms' | 'webchat' | 'slack' | 'whatsapp'

/** One customer identity as a key (locks, rate limits): the channel and the address on it. */
export const identityKey = (channel: string, address: string) => `${channel}:${address}`

export interface Inbound {
  channel: Channel
  /** The sender on that channel: an E.164 phone number for SMS. */
  address: string
  /** The provider's id for this message; a retried delivery carries the same one. */
  providerMessageId: string
  text: string
  receivedAt: Date
  /** The provider's subscription keywords (SMS STOP/START), as the adapter understood them. */
  subscription?: 'opt_out' | 'opt_in'
  /** `start`: the customer opened the chat and has not said anything yet (greet them). */
  intent?: 'start'
  /** The language the customer's device uses, for a conversation that has none yet. */
  localeHint?: Locale
  /** How to reach this customer unprompted later (a Bot Framework conversation reference). */
  reference?: Record<string, unknown>
  /** The visitor's IP address, when the channel knows it first-hand (the built-in Direct Line). */
  clientIp?: string
  /** The files that came with the message, already received (src/media/intake.ts). */
  media?: MediaSummary
}

/** What a turn produced for the customer. */
export interface TurnResult {
  replies: Reply[]
  /** The message had been processed before (a provider's retry): these are the first answers. */
  duplicate: boolean
  /** The conversation's language after the turn, for channels that label their messages. */
  locale: Locale
}

/**
 * A provider refused a proactive message, or could not be reached. `permanent`: retrying the
 * same message cannot help. Every channel's sender throws only this, so the outbox decides on
 * retries and provider health without knowing any SDK.
 */
export class SendError extends Error {
  override name = 'SendError'
  /** The provider's error code, when it gave one (Twilio 21610, Slack `channel_not_found`…). */
  readonly code: number | string | undefined
  /** The HTTP status, when there was an answer at all. */
  readonly status: number | undefined
  /** The provider asked us to wait this long (a 429's Retry-After). */
  readonly retryAfterSeconds: number | undefined

  constructor(
    message: string,
    readonly permanent: boolean,
    details: { code?: number | string; status?: number; retryAfterSeconds?: number } = {},
  ) {
    super(message)
    this.code = details.code
    this.status = details.status
    this.retryAfterSeconds = details.retryAfterSeconds
  }
}

/** Retry-After as seconds: a number of seconds or an HTTP date; undefined when absent or nonsense. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined
  const text = String(value).trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.min(Number(text), 24 * 3600)
  const at = Date.parse(text)
  return Number.isNaN(at) ? undefined : Math.max(0, Math.min((at - now) / 1000, 24 * 3600))
}

/** An inbound message's text as stored: its words, or what it was when it had none. */
export function messageBody(inbound: Pick<Inbound, 'intent' | 'text' | 'media'>): string {
  if (inbound.intent === 'start') return '[opened the chat]'
  const files = inbound.media ? inbound.media.accepted + inbound.media.refused.length : 0
  return !inbound.text.trim() && files ? `[${files === 1 ? 'a file' : `${files} files`}]` : inbound.text
}
