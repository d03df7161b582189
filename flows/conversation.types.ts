/** What the conversation machine and the code that runs it say to each other. */
import type { DeadlineKind, Field, TicketStatus } from './copy.ts'
import type { InputEvent } from './input.ts'
import type { Draft, Submission } from './intake.ts'
import type { Locale } from './locale.ts'
import type { ListedModel } from './products.ts'
import type { ServiceType } from './service-types.ts'

export interface Choice {
  /** What the customer's answer is when they pick it. */
  value: string
  label: string
}

/** One message from the bot. */
export interface Reply {
  text: string
  choices?: Choice[]
  /** The choices are a numbered menu that text-only channels must list ("1 Repair"). */
  numbered?: boolean
  /** Files sent with the text (a staff member's photo in a hand-off), at links the customer's channel can fetch. */
  media?: { url: string; contentType: string; name?: string }[]
}

export interface CreatedTicket {
  number: string
  /** ISO instants. */
  responseDueAt: string
  installationDueAt: string | null
  /** Number of the earlier repair this one is a warranty claim on (§2.2a). */
  warrantyOf: string | null
}

export interface TicketSummary {
  number: string
  type: ServiceType
  status: TicketStatus
  nextDeadline: { kind: DeadlineKind; dueAt: string } | null
}

export type ConversationEvent =
  | InputEvent
  | { type: 'TICKET_CREATED'; ticket: CreatedTicket; timeZone: string }
  | { type: 'STATUS_RESULT'; tickets: TicketSummary[]; timeZone: string }
  /** The ticket service's answer to `answerResolution`: accepted unless the ticket had moved on. */
  | { type: 'RESOLUTION_ANSWERED'; number: string; fixed: boolean; accepted: boolean; liveHandoff: boolean }
  /** Staff gave the conversation back to the bot. */
  | { type: 'HANDOFF_ENDED' }
  /** Nobody from staff answered in time; the customer is told what to expect. */
  | { type: 'HANDOFF_DELAYED' }
  /** §3.3a: time to ask for the rating of a completed ticket (or to remind). */
  | { type: 'FEEDBACK_REQUESTED'; number: string; reminder: boolean }
  /** §3.3a: the confirm window closed without an answer; the service was recorded as done. */
  | { type: 'RESOLUTION_EXPIRED'; number: string }
  /** The answer to `verifyCode`: linked, or how many tries are left (0: start again). */
  | { type: 'LINK_RESULT'; linked: boolean; phone: string; attemptsLeft: number }
  /** The answer to `sendVerificationCode`: sent, or refused by a limit (and why). */
  | { type: 'CODE_RESULT'; sent: true; phone: string }
  | { type: 'CODE_RESULT'; sent: false; reason: CodeRefusal; retryAfterSeconds: number }
  /** The answer to a live `requestHandoff`: staff are being asked, or the customer asked too often lately. */
  | { type: 'HANDOFF_STARTED' }
  | { type: 'HANDOFF_REFUSED' }

export type ConversationEmitted =
  | { type: 'reply'; reply: Reply }
  | { type: 'submitTicket'; submission: Submission; locale: Locale }
  | { type: 'listTickets' }
  /** `live`: the bot steps aside and staff talk to the customer; otherwise only recorded. */
  | { type: 'requestHandoff'; reason: HandoffReason; live: boolean }
  /** During a live hand-off: a customer message for staff. */
  | { type: 'relayToStaff'; text: string; files: number }
  /** §3.3a: the customer's rating and/or comment on a completed ticket (null comment: skipped). */
  | { type: 'recordFeedback'; number: string; rating?: number; comment?: string | null }
  /** Linking a phone: text a code to the number the customer gave. */
  | { type: 'sendVerificationCode'; phone: string }
  | { type: 'verifyCode'; code: string }
  /** §3.1e: the customer's YES (fixed) or NO (not fixed) to a resolution notification. */
  | { type: 'answerResolution'; number: string; fixed: boolean }

export type Asking = Field | 'confirm'
/** Why no code was sent: asked again too soon, too many today, a country we do not text, the hourly SMS budget spent. */
export type CodeRefusal = 'cooldown' | 'limit' | 'country' | 'budget'
export type HandoffReason = 'customer_asked' | 'repeated_misses' | 'fix_rejected'

export interface ConversationContext {
  locale: Locale
  /** Set once the customer's language is known (first message or an explicit switch). */
  localeChosen: boolean
  draft: Draft
  /** The question waiting for an answer; null outside the intake. */
  asking: Asking | null
  /** Answers in a row that did not fit the current question. */
  misses: number
  /** Greet before the first question of a new request. */
  greet: boolean
  /** Why the conversation was handed to a person (set while handing off). */
  handoffReason: HandoffReason | null
  /** The number being linked, while its code is awaited. */
  linkingPhone?: string | null
  /** §3.2a: the model typed was not in the catalogue; the customer picks one of these, or insists. */
  modelDoubt?: { typed: string; suggestions: ListedModel[] } | null
  /** A feedback survey waiting for its rating, then its comment. It does not block anything. */
  survey?: { number: string; stage: 'rating' | 'comment'; hinted: boolean } | null
}
