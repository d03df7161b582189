import twilio from 'twilio'
import type { Reply } from '../types.ts'

/** Twilio refuses message bodies over 1,600 characters (error 21617). */
export const MAX_SMS_LENGTH = 1600

/** A reply as SMS text: a numbered menu becomes lines such as "1 Repair". */
export function renderSms(reply: Reply): string {
  if (!reply.numbered || !reply.choices?.length) return reply.text
  return [reply.text, ...reply.choices.map((choice) => `${choice.value} ${choice.label}`)].join('\n')
}

/** Splits a long text at line breaks (or hard, as a last resort) into bodies Twilio accepts. */
export function splitForSms(text: string, limit = MAX_SMS_LENGTH): string[] {
  const parts: string[] = []
  let current = ''
  for (const line of text.split('\n')) {
    const candidate = current ? `${current}\n${line}` : line
    if (candidate.length <= limit) {
      current = candidate
      continue
    }
    if (current) parts.push(current)
    let rest = line
    while (rest.length > limit) {
      parts.push(rest.slice(0, limit))
      rest = rest.slice(limit)
    }
    current = rest
  }
  if (current) parts.push(current)
  return parts
}

/** The webhook's answer: one <Message> per body, in order. */
export function toTwiml(replies: Reply[]): string {
  const response = new twilio.twiml.MessagingResponse()
  for (const reply of replies) for (const body of splitForSms(renderSms(reply))) response.message(body)
  return response.toString()
}
