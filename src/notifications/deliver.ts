/**
 * Sends a proactive message (one the customer did not just ask for) to a channel identity.
 * The checks every channel shares live here; each adapter only delivers.
 */
import type { Locale } from '../../flows/locale.ts'
import { renderSms } from '../channels/sms/render.ts'
import type { SmsSender, WhatsappSender } from '../channels/sms/sender.ts'
import type { Reply, Channel } from '../channels/types.ts'
import type { WebchatSender } from '../channels/webchat/sender.ts'
import type { SlackCustomerSender } from '../channels/slack/sender.ts'
import type { Db } from '../db/client.ts'

export interface Senders {
  sms: SmsSender | undefined
  whatsapp?: WhatsappSender | undefined
  webchat?: WebchatSender | undefined
  slack?: SlackCustomerSender | undefined
}

export class NotDeliverable extends Error {
  override name = 'NotDeliverable'

  constructor(
    readonly reason: 'opted_out' | 'channel_off' | 'unknown_identity' | 'no_reference',
    message: string,
  ) {
    super(message)
  }
}

/** What sending needs to know of a customer's identity (the outbox reads it with the message). */
export interface Recipient {
  channel: Channel
  address: string
  optedOutAt: Date | null
  reference: unknown
  locale: string | null
  /** WhatsApp: when the customer last wrote (its 24-hour window). */
  lastInboundAt?: Date | string | null
}

/** Delivers `reply` to a recipient; refuses opted-out identities and channels that are off. */
export async function deliverTo(senders: Senders, recipient: Recipient, reply: Reply, kind?: string, now?: Date): Promise<string[]> {
  if (recipient.optedOutAt) throw new NotDeliverable('opted_out', `the customer opted out of ${recipient.channel} on ${new Date(recipient.optedOutAt).toISOString()}`)
  switch (recipient.channel) {
    case 'sms':
      if (!senders.sms) throw new NotDeliverable('channel_off', 'proactive SMS is not configured (TWILIO_ACCOUNT_SID, TWILIO_FROM)')
      return senders.sms.send(
        recipient.address,
        renderSms(reply),
        reply.media?.map((file) => file.url),
      )
    case 'webchat':
      if (!senders.webchat) throw new NotDeliverable('channel_off', 'web chat is not running')
      if (!recipient.reference) throw new NotDeliverable('no_reference', 'no conversation reference for this web chat customer')
      return senders.webchat.send(recipient.reference as Record<string, unknown>, reply, (recipient.locale ?? 'en') as Locale)
    case 'slack':
      if (!senders.slack) throw new NotDeliverable('channel_off', 'Slack is not configured')
      return senders.slack.send(recipient.address, reply)
    case 'whatsapp':
      if (!senders.whatsapp) throw new NotDeliverable('channel_off', 'proactive WhatsApp is not configured (TWILIO_ACCOUNT_SID, TWILIO_WHATSAPP_FROM)')
      return senders.whatsapp.send(recipient.address, renderSms(reply), {
        mediaUrls: reply.media?.map((file) => file.url),
        kind,
        lastInboundAt: recipient.lastInboundAt ? new Date(recipient.lastInboundAt) : null,
        ...(now && { now }),
      })
  }
}

/** Delivers `reply` to the identity with this id (looked up first). */
export async function deliver(db: Db, senders: Senders, identityId: string, reply: Reply): Promise<string[]> {
  const identity = await db.channelIdentity.findUnique({ where: { id: identityId }, include: { conversation: { select: { locale: true } } } })
  if (!identity) throw new NotDeliverable('unknown_identity', `no channel identity ${identityId}`)
  return deliverTo(senders, { ...identity, locale: identity.conversation?.locale ?? null }, reply)
}
