/**
 * Twilio's inbound-message webhook: `POST /twilio/sms`, form-encoded and signed (signature.ts).
 * The answer is TwiML in the same response. `POST /twilio/status`: delivery reports of what we sent.
 */
import express, { type Router } from 'express'
import { z } from 'zod'
import type { TwilioConfig } from '../../config.ts'
import { AppError } from '../../errors.ts'
import type { Inbound, TurnResult } from '../types.ts'
import { subscriptionKeyword } from './keywords.ts'
import { toTwiml } from './render.ts'
import { mediaUrls } from './media.ts'
import { verifiedTwilioForm } from './signature.ts'
import type { MediaIntake } from '../../media/intake.ts'
import { DELIVERY_STATUSES, type DeliveryReports } from '../../notifications/delivery-reports.ts'

const inboundSms = z.object({
  MessageSid: z.string().regex(/^[A-Z]{2}[0-9a-fA-F]{32}$/, 'MessageSid is not a Twilio SID'),
  From: z.string().min(3).max(64),
  To: z.string().max(64).optional(),
  Body: z.string().max(5000).default(''),
})

const statusCallback = z.object({
  MessageSid: z.string().regex(/^[A-Z]{2}[0-9a-fA-F]{32}$/, 'MessageSid is not a Twilio SID'),
  MessageStatus: z.enum(DELIVERY_STATUSES),
  ErrorCode: z.preprocess((value) => (value === '' ? undefined : value), z.coerce.number().int().min(0).max(999_999).optional()),
})

export interface SmsReceiverDeps {
  twilio: TwilioConfig | undefined
  publicUrl: string
  handle(inbound: Inbound): Promise<TurnResult>
  now(): Date
  /** MMS: the files are received before the turn. */
  media?: MediaIntake
  /** Where status callbacks go (issue 18). */
  deliveryReports?: DeliveryReports
}

/**
 * E.164 without the spaces and dashes some gateways add. A bare run of digits gets its "+" back:
 * an unencoded "+" in a URL query arrives as a space.
 */
export const normalizePhone = (phone: string) => {
  const compact = phone.replace(/[\s\-().]/g, '')
  return /^\d{7,15}$/.test(compact) ? `+${compact}` : compact
}

export function smsReceiver(deps: SmsReceiverDeps): Router {
  const router = express.Router()
  router.post('/sms', express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }), async (req, res) => {
    const params = verifiedTwilioForm(req, deps.twilio, deps.publicUrl)
    const parsed = inboundSms.safeParse(params)
    if (!parsed.success) throw new AppError('bad_request', `malformed Twilio webhook: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`)
    const message = parsed.data
    // Twilio delivers WhatsApp to the same webhook, the sender prefixed: a channel of its own.
    const whatsapp = message.From.startsWith('whatsapp:')
    const channel = whatsapp ? 'whatsapp' : 'sms'
    const address = normalizePhone(whatsapp ? message.From.slice('whatsapp:'.length) : message.From)
    const urls = mediaUrls(params)
    const media =
      urls.length && deps.media
        ? await deps.media.receive(
            { channel, address, providerMessageId: message.MessageSid },
            urls.map((url) => ({ url })),
          )
        : undefined
    const turn = await deps.handle({
      channel,
      address,
      providerMessageId: message.MessageSid,
      text: message.Body,
      receivedAt: deps.now(),
      // STOP/START are SMS keywords (carriers' rules); WhatsApp users block the business instead.
      ...(!whatsapp && { subscription: subscriptionKeyword(message.Body) }),
      ...(media && { media }),
    })
    res.type('text/xml').send(toTwiml(turn.replies))
  })
  // Issue 18: the StatusCallback of every message we send. Twilio wants a 2xx; an id we do not know
  // (a message of another app on the account, or erased) is answered the same, with nothing done.
  router.post('/status', express.urlencoded({ extended: false, limit: '16kb', parameterLimit: 50 }), async (req, res) => {
    const params = verifiedTwilioForm(req, deps.twilio, deps.publicUrl)
    const parsed = statusCallback.safeParse(params)
    if (!parsed.success) throw new AppError('bad_request', `malformed Twilio status callback: ${parsed.error.issues.map((issue) => issue.message).join('; ')}`)
    if (deps.deliveryReports) {
      const { MessageSid, MessageStatus, ErrorCode } = parsed.data
      await deps.deliveryReports.record({ providerId: MessageSid, status: MessageStatus, ...(ErrorCode !== undefined && { errorCode: ErrorCode }) })
    }
    res.status(204).end()
  })
  return router
}
