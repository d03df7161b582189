import twilio from 'twilio'
import type { Reply } from '../types.ts'
import { splitText } from '../../text/cut.ts'

/** Twilio refuses message bodies over 1,600 characters (error 21617). */
export const MAX_SMS_LENGTH = 1600

/** A reply as SMS text: a numbered menu becomes lines such as "1 Repair". */
export function renderSms(reply: Reply): string {
  if (!reply.numbered || !reply.choices?.length) return reply.text
  return [reply.text, ...reply.choices.map((choice) => `${choice.value} ${choice.label}`)].join('\n')
}

/** Splits a long text at line breaks, then spaces, then characters (never inside one) into bodies Twilio accepts. */
export function splitForSms(text: string, limit = MAX_SMS_LENGTH): string[] {
  return splitText(text, limit)
}

/** The webhook's answer: one <Message> per body, in order. */
export function toTwiml(replies: Reply[]): string {
  const response = new twilio.twiml.MessagingResponse()
  for (const reply of replies) for (const body of splitForSms(renderSms(reply))) response.message(body)
  return response.toString()
}
