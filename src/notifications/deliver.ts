/**
 * Sends a proactive message (one the customer did not just ask for) to a channel identity.
 * The checks every channel shares live here; each adapter only delivers.
 */
import type { Db } from '../db/client.ts'
import { renderSms } from '../channels/sms/render.ts'
import type { SmsSender } from '../channels/sms/sender.ts'
import type { Reply } from '../channels/types.ts'

export interface Senders {
  sms: SmsSender | undefined
}

export class NotDeliverable extends Error {
  override name = 'NotDeliverable'

  constructor(
    readonly reason: 'opted_out' | 'channel_off' | 'unknown_identity',
    message: string,
  ) {
    super(message)
  }
}

/** Delivers `reply` to the identity; refuses opted-out identities and channels that are off. */
export async function deliver(db: Db, senders: Senders, identityId: string, reply: Reply): Promise<string[]> {
  const identity = await db.channelIdentity.findUnique({ where: { id: identityId } })
  if (!identity) throw new NotDeliverable('unknown_identity', `no channel identity ${identityId}`)
  if (identity.optedOutAt) throw new NotDeliverable('opted_out', `the customer opted out of ${identity.channel} on ${identity.optedOutAt.toISOString()}`)
  switch (identity.channel) {
    case 'sms':
      if (!senders.sms) throw new NotDeliverable('channel_off', 'proactive SMS is not configured (TWILIO_ACCOUNT_SID, TWILIO_FROM)')
      return senders.sms.send(identity.address, renderSms(reply))
    default:
      throw new NotDeliverable('channel_off', `no sender for ${identity.channel} yet`)
  }
}
