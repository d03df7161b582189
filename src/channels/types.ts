/**
 * The only shapes that cross the channel boundary. Adapters turn a provider's payload into an
 * `Inbound` and render a `Reply`; nothing outside src/channels sees a provider's SDK or payload.
 */
import type { Reply } from '../../flows/conversation.machine.ts'

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
}

/** What a turn produced for the customer. */
export interface TurnResult {
  replies: Reply[]
  /** The message had been processed before (a provider's retry): these are the first answers. */
  duplicate: boolean
}
