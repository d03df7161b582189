/**
 * Proactive SMS through Twilio's REST API, with the official SDK. twilio-node has no base-URL
 * option, so a request client rewrites Twilio's hosts to TWILIO_API_URL (a local fake in tests,
 * a regional edge or proxy in some deployments).
 */
import twilio from 'twilio'
import type RequestClient from 'twilio/lib/base/RequestClient.js'
import type { TwilioConfig } from '../../config.ts'
import { SendError } from '../types.ts'
import { splitForSms } from './render.ts'

/** Twilio error codes after which retrying the same message cannot succeed. */
const PERMANENT_ERRORS: Record<number, string> = {
  21211: 'invalid "To" number',
  21408: 'region not enabled for this account',
  21610: 'recipient opted out (STOP)',
  21612: 'cannot route to this number',
  21614: 'not a mobile number',
  21617: 'message body too long',
}

export class SmsSendError extends SendError {
  override name = 'SmsSendError'
}

type RequestOptions<T> = RequestClient.RequestOptions<T>

class RedirectingRequestClient extends twilio.RequestClient {
  constructor(private readonly apiUrl: string) {
    super({ timeout: 15_000 })
  }

  override request<T>(opts: RequestOptions<T>) {
    const uri = opts.uri.replace(/^https:\/\/[a-z.-]*twilio\.com/, this.apiUrl)
    return super.request<T>({ ...opts, uri })
  }
}

export interface SmsSender {
  /** Sends one text (split if over 1,600 characters); returns the message SIDs. */
  send(to: string, text: string): Promise<string[]>
}

/** undefined when proactive SMS is not configured (no account SID or sender). */
export function createSmsSender(config: TwilioConfig | undefined): SmsSender | undefined {
  if (!config?.accountSid || !config.from) return undefined
  const from = config.from
  const redirect = config.apiUrl !== 'https://api.twilio.com'
  const client = twilio(config.accountSid, config.authToken, redirect ? { httpClient: new RedirectingRequestClient(config.apiUrl) } : {})
  const sender = from.startsWith('MG') ? { messagingServiceSid: from } : { from }
  return {
    async send(to, text) {
      const sids: string[] = []
      for (const body of splitForSms(text)) {
        try {
          const message = await client.messages.create({ to, body, ...sender })
          sids.push(message.sid)
        } catch (error) {
          const code = (error as { code?: number }).code
          const status = (error as { status?: number }).status
          // Only network errors, 429 and 5xx can succeed later; any other 4xx is about this message.
          const permanent = (code !== undefined && code in PERMANENT_ERRORS) || (status !== undefined && status >= 400 && status < 500 && status !== 429)
          const reason = code !== undefined && code in PERMANENT_ERRORS ? PERMANENT_ERRORS[code] : (error as Error).message
          throw new SmsSendError(`Twilio refused the message${status ? ` (HTTP ${status}${code ? `, error ${code}` : ''})` : ''}: ${reason}`, permanent, code)
        }
      }
      return sids
    },
  }
}
