/**
 * Linking a web-chat or Slack customer to a phone number (issue 5): a 6-digit code is texted to
 * the number, and only the right code, typed back in the same conversation within 10 minutes,
 * makes the two one customer. Nobody is merged on a guess: a phone number merely typed into a
 * conversation links nothing.
 */
import { createHash, randomInt, timingSafeEqual } from 'node:crypto'
import type { Locale } from '../../flows/locale.ts'
import type { Tx } from '../db/client.ts'
import type { Logger } from '../logger.ts'
import { queueMessage } from '../notifications/outbox.ts'
import { findOrCreateParty, lockSender, type Party } from './party.ts'

export const CODE_LIFETIME_MS = 10 * 60_000
export const MAX_ATTEMPTS = 5

const hash = (code: string) => createHash('sha256').update(code).digest()

/** Texts a fresh code to `phone` (through its SMS identity's outbox) and records its hash. */
export async function sendVerificationCode(tx: Tx, party: Party, phone: string, now: Date): Promise<void> {
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
  await tx.phoneVerification.create({ data: { conversationId: party.conversation.id, phone, codeHash: hash(code).toString('hex'), expiresAt: new Date(now.getTime() + CODE_LIFETIME_MS) } })
  // The code goes through the phone's own SMS conversation (created if new), under its lock.
  await lockSender(tx, 'sms', phone)
  const sms = await findOrCreateParty(tx, { channel: 'sms', address: phone, text: '' }, party.conversation.locale as Locale)
  const text = party.conversation.locale === 'zh-CN' ? `您的售后服务验证码：${code}（10 分钟内有效）。` : `Your after-sales service code: ${code} (valid for 10 minutes).`
  await queueMessage(tx, { conversationId: sms.conversation.id, channel: 'sms', kind: 'verification_code', ticketId: null, reply: { text }, at: now })
}

/**
 * Checks a code typed in the conversation. When right, the conversation's customer becomes the
 * phone's customer: their identities and tickets move over, so STATUS on any channel lists all.
 */
export async function verifyCode(tx: Tx, logger: Logger, party: Party, code: string, now: Date): Promise<{ linked: boolean; phone: string; attemptsLeft: number }> {
  const pending = await tx.phoneVerification.findFirst({ where: { conversationId: party.conversation.id, verifiedAt: null }, orderBy: { createdAt: 'desc' } })
  if (!pending || pending.expiresAt <= now || pending.attempts >= MAX_ATTEMPTS) return { linked: false, phone: pending?.phone ?? '', attemptsLeft: 0 }
  if (!timingSafeEqual(hash(code), Buffer.from(pending.codeHash, 'hex'))) {
    const attempts = pending.attempts + 1
    await tx.phoneVerification.update({ where: { id: pending.id }, data: { attempts } })
    return { linked: false, phone: pending.phone, attemptsLeft: MAX_ATTEMPTS - attempts }
  }
  await tx.phoneVerification.update({ where: { id: pending.id }, data: { verifiedAt: now } })
  const owner = await tx.channelIdentity.findUniqueOrThrow({ where: { channel_address: { channel: 'sms', address: pending.phone } }, select: { customerId: true } })
  const from = party.customerId
  if (owner.customerId !== from) {
    await tx.channelIdentity.updateMany({ where: { customerId: from }, data: { customerId: owner.customerId } })
    await tx.ticket.updateMany({ where: { customerId: from }, data: { customerId: owner.customerId } })
    const merged = await tx.customer.findUniqueOrThrow({ where: { id: from }, select: { name: true } })
    await tx.customer.update({ where: { id: owner.customerId }, data: { phone: pending.phone, ...(merged.name && { name: merged.name }) } })
    await tx.customer.delete({ where: { id: from } })
    logger.info({ into: owner.customerId, from }, 'customers linked by a verified phone number')
  }
  return { linked: true, phone: pending.phone, attemptsLeft: MAX_ATTEMPTS }
}
