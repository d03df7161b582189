/**
 * The only shapes that cross the channel boundary. Adapters turn a provider's payload into an
 * `Inbound` and render a `Reply`; nothing outside src/channels sees a provider's SDK or payload.
 */
import type { Reply } from '../../flows/conversation.machine.ts'
import type { Locale } from '../../flows/locale.ts'

export type { Reply }
export type Channel = 'sms' | 'webchat' | 'slack'

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
}

/** What a turn produced for the customer. */
export interface TurnResult {
  replies: Reply[]
  /** The message had been processed before (a provider's retry): these are the first answers. */
  duplicate: boolean
  /** The conversation's language after the turn, for channels that label their messages. */
  locale: Locale
}

/** A provider refused a proactive message. `permanent`: retrying the same message cannot help. */
export class SendError extends Error {
  override name = 'SendError'

  constructor(
    message: string,
    readonly permanent: boolean,
    /** The provider's error code, when it gave one (Twilio 21610…). */
    readonly code?: number,
  ) {
    super(message)
  }
}
