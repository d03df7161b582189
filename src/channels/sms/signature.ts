/**
 * Twilio signs every webhook (inbound messages, status callbacks) with the account's auth token over
 * the URL it was given: PUBLIC_URL + path, which behind a proxy is not the URL Express sees.
 */
import type { Request } from 'express'
import twilio from 'twilio'
import type { TwilioConfig } from '../../config.ts'
import { AppError } from '../../errors.ts'

/** The form's fields, once the signature over them holds; 503 when SMS is off, 403 when it does not hold. */
export function verifiedTwilioForm(req: Request, config: TwilioConfig | undefined, publicUrl: string): Record<string, string> {
  if (!config) throw new AppError('unavailable', 'the SMS channel is not configured (TWILIO_AUTH_TOKEN)')
  const params: Record<string, string> = req.body && typeof req.body === 'object' ? req.body : {}
  const signature = req.header('x-twilio-signature')
  if (!signature || !twilio.validateRequest(config.authToken, signature, publicUrl + req.originalUrl, params)) {
    throw new AppError('forbidden', 'invalid Twilio signature')
  }
  return params
}
