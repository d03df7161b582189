/**
 * Proactive SMS through Twilio's REST API, with the official SDK. twilio-node has no base-URL
 * option and hides response headers from its errors, so our own request client rewrites
 * Twilio's hosts to TWILIO_API_URL (a local fake in tests, a regional edge or proxy in some
 * deployments) and reads a 429's Retry-After before the SDK turns it into an exception.
 */
import twilio from 'twilio'
import type RequestClient from 'twilio/lib/base/RequestClient.js'
import type { TwilioConfig } from '../../config.ts'
import { parseRetryAfter, SendError } from '../types.ts'
import { splitForSms } from './render.ts'
import { cutText } from '../../text/cut.ts'

/** Twilio error codes after which retrying the same message cannot succeed. */
const PERMANENT_ERRORS: Record<number, string> = {
  21211: 'invalid "To" number',
  21408: 'region not enabled for this account',
  21610: 'recipient opted out (STOP)',
  21612: 'cannot route to this number',
  21614: 'not a mobile number',
  21617: 'message body too long',
}

/** How long one REST call may take; the outbox's lease is longer than this. */
export const TWILIO_TIMEOUT_MS = 15_000

export class SmsSendError extends SendError {
  override name = 'SmsSendError'
}

type RequestOptions<T> = RequestClient.RequestOptions<T>

class AftercareRequestClient extends twilio.RequestClient {
  constructor(private readonly apiUrl: string | undefined) {
    super({ timeout: TWILIO_TIMEOUT_MS })
  }

  override async request<T>(opts: RequestOptions<T>) {
    const uri = this.apiUrl ? opts.uri.replace(/^https:\/\/[a-z.-]*twilio\.com/, this.apiUrl) : opts.uri
    const response = await super.request<T>({ ...opts, uri })
    if (response.statusCode === 429) {
      const headers = response.headers as Record<string, unknown> | undefined
      const retryAfterSeconds = parseRetryAfter(headers?.['retry-after'] ?? headers?.['Retry-After'])
      if (retryAfterSeconds !== undefined) {
        throw new SmsSendError(`Twilio is rate limiting (HTTP 429, retry after ${retryAfterSeconds} s)`, false, { status: 429, retryAfterSeconds })
      }
    }
    return response
  }
}

export interface SmsSender {
  /** Sends one text (split if over 1,600 characters), the files with its first part (MMS); returns the message SIDs. */
  send(to: string, text: string, mediaUrls?: string[]): Promise<string[]>
}

function toSendError(error: unknown): SendError {
  if (error instanceof SendError) return error
  const code = (error as { code?: unknown }).code
  const status = (error as { status?: unknown }).status
  const twilioCode = typeof code === 'number' ? code : undefined
  const httpStatus = typeof status === 'number' ? status : undefined
  // Only network errors, 429 and 5xx can succeed later; any other 4xx is about this message.
  const permanent = (twilioCode !== undefined && twilioCode in PERMANENT_ERRORS) || (httpStatus !== undefined && httpStatus >= 400 && httpStatus < 500 && httpStatus !== 429)
  const reason = twilioCode !== undefined && twilioCode in PERMANENT_ERRORS ? PERMANENT_ERRORS[twilioCode] : (error as Error).message
  const answer = httpStatus ? ` (HTTP ${httpStatus}${twilioCode ? `, error ${twilioCode}` : ''})` : ' (no answer)'
  return new SmsSendError(`Twilio refused the message${answer}: ${reason}`, permanent, { code: twilioCode ?? (typeof code === 'string' ? code : undefined), status: httpStatus })
}

const twilioClient = (config: TwilioConfig & { accountSid: string }) =>
  twilio(config.accountSid, config.authToken, { httpClient: new AftercareRequestClient(config.apiUrl !== 'https://api.twilio.com' ? config.apiUrl : undefined) })

export interface SendOptions {
  /** Issue 18: where Twilio reports each message's delivery (`PUBLIC_URL/twilio/status`). */
  statusCallback?: string
}

const reportTo = (options: SendOptions) => (options.statusCallback ? { statusCallback: options.statusCallback } : {})

export interface WhatsappSender {
  /**
   * Sends a text (and files) to a WhatsApp number. Within 24 hours of the customer's last
   * message it is free text; after that WhatsApp takes only an approved template, so the
   * message's kind must have one (TWILIO_WHATSAPP_TEMPLATES), whose variable {{1}} is the text.
   */
  send(to: string, text: string, context: { mediaUrls?: string[]; kind?: string; lastInboundAt: Date | null; now?: Date }): Promise<string[]>
}

/** WhatsApp's customer-service window: free-form messages until 24 h after the customer's last. */
export const WHATSAPP_WINDOW_MS = 24 * 3_600_000

/** undefined when proactive WhatsApp is not configured (no account SID or WhatsApp sender). */
export function createWhatsappSender(config: TwilioConfig | undefined, options: SendOptions = {}): WhatsappSender | undefined {
  if (!config?.accountSid || !config.whatsappFrom) return undefined
  const client = twilioClient({ ...config, accountSid: config.accountSid })
  const from = `whatsapp:${config.whatsappFrom}`
  const report = reportTo(options)
  return {
    async send(to, text, context) {
      const open = context.lastInboundAt !== null && (context.now ?? new Date()).getTime() - context.lastInboundAt.getTime() < WHATSAPP_WINDOW_MS
      const template = context.kind ? config.whatsappTemplates[context.kind] : undefined
      if (!open && !template) {
        throw new SmsSendError(`outside WhatsApp's 24-hour window, and no approved template for ${context.kind ?? 'this message'} (TWILIO_WHATSAPP_TEMPLATES)`, true, { code: 63016 })
      }
      const sids: string[] = []
      try {
        if (!open) {
          const message = await client.messages.create({ to: `whatsapp:${to}`, from, contentSid: template!, contentVariables: JSON.stringify({ 1: cutText(text, 1000) }), ...report })
          return [message.sid]
        }
        for (const [index, body] of splitForSms(text).entries()) {
          const media = index === 0 && context.mediaUrls?.length ? { mediaUrl: context.mediaUrls.slice(0, 1) } : {}
          const message = await client.messages.create({ to: `whatsapp:${to}`, from, body, ...media, ...report })
          sids.push(message.sid)
        }
      } catch (error) {
        throw toSendError(error)
      }
      return sids
    },
  }
}

/** undefined when proactive SMS is not configured (no account SID or sender). */
export function createSmsSender(config: TwilioConfig | undefined, options: SendOptions = {}): SmsSender | undefined {
  if (!config?.accountSid || !config.from) return undefined
  const report = reportTo(options)
  const from = config.from
  const client = twilioClient({ ...config, accountSid: config.accountSid })
  const sender = from.startsWith('MG') ? { messagingServiceSid: from } : { from }
  return {
    async send(to, text, mediaUrls = []) {
      const sids: string[] = []
      for (const [index, body] of splitForSms(text).entries()) {
        try {
          // Twilio takes up to 10 files per message, fetched from the links (ours, signed).
          const media = index === 0 && mediaUrls.length ? { mediaUrl: mediaUrls.slice(0, 10) } : {}
          const message = await client.messages.create({ to, body, ...media, ...sender, ...report })
          sids.push(message.sid)
        } catch (error) {
          throw toSendError(error)
        }
      }
      return sids
    },
  }
}
