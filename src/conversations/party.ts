/** Who a message is from: the channel identity, its customer and its one conversation. */
import { detectLocale, type Locale } from '../../flows/locale.ts'
import { identityKey, type Inbound } from '../channels/types.ts'
import type { Tx } from '../db/client.ts'

export type Party = Awaited<ReturnType<typeof findOrCreateParty>>

/** The key that serialises everything that touches one sender's conversation. */
export const senderKey = identityKey

/** Takes the sender's transaction-scoped lock: turns and system events of one conversation take turns, across instances. */
export async function lockSender(tx: Tx, channel: string, address: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${senderKey(channel, address)}, 0))`
}

export async function findOrCreateParty(tx: Tx, inbound: Pick<Inbound, 'channel' | 'address' | 'text'>, defaultLocale: Locale) {
  const existing = await tx.channelIdentity.findUnique({
    where: { channel_address: { channel: inbound.channel, address: inbound.address } },
    include: { conversation: true },
  })
  if (existing?.conversation) return { ...existing, conversation: existing.conversation }
  const identity =
    existing ??
    (await tx.channelIdentity.create({
      data: {
        channel: inbound.channel,
        address: inbound.address,
        customer: { create: { phone: inbound.channel === 'sms' || inbound.channel === 'whatsapp' ? inbound.address : null, locale: defaultLocale } },
      },
    }))
  const customer = await tx.customer.findUniqueOrThrow({ where: { id: identity.customerId }, select: { locale: true } })
  // A first message such as 人工 or 帮助 is a command, not an answer, but it still shows the language.
  const locale = existing ? customer.locale : (detectLocale(inbound.text) ?? customer.locale)
  const conversation = await tx.conversation.create({ data: { identityId: identity.id, locale } })
  return { ...identity, conversation }
}

/** The party of an existing conversation (for events that do not come from the customer). */
export async function partyOfConversation(tx: Tx, conversationId: string) {
  const conversation = await tx.conversation.findUniqueOrThrow({ where: { id: conversationId }, include: { identity: true } })
  const { identity, ...rest } = conversation
  return { ...identity, conversation: rest }
}
