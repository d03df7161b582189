/**
 * Customers that behave like the providers deliver them: a message is retried with the same
 * MessageSid after a 5xx or a dropped connection (Twilio with connection overrides, Slack's
 * retries) until it is answered, and every answer and latency is recorded.
 */
import { newMessageSid, parseTwiml, signedSmsRequest } from '../../support/sms.ts'

export interface Stats {
  requests: number
  retries: number
  statuses: Record<string, number>
  /** Milliseconds from the first try to the answer, per message. */
  latencies: number[]
}

export const newStats = (): Stats => ({ requests: 0, retries: 0, statuses: {}, latencies: [] })

const REPAIR = ['1', 'WM-800', 'SN4455', 'The drum does not turn', 'skip', '88 Century Avenue, Shanghai', 'Li Wei']

/** Sends one SMS until it is answered (or `giveUpMs` passes); returns the TwiML messages. */
export async function sendUntilAnswered(baseUrl: () => string, from: string, body: string, stats: Stats, options: { giveUpMs?: number; pauseMs?: number } = {}): Promise<string[]> {
  const sid = newMessageSid()
  const started = Date.now()
  const giveUp = started + (options.giveUpMs ?? 60_000)
  for (let attempt = 0; ; attempt++) {
    if (attempt > 0) stats.retries++
    stats.requests++
    const request = signedSmsRequest({ MessageSid: sid, AccountSid: `AC${'0'.repeat(32)}`, From: from, To: '+861000000000', Body: body, NumMedia: '0' })
    try {
      const response = await fetch(baseUrl() + request.path, { ...request.init, signal: AbortSignal.timeout(20_000) })
      stats.statuses[response.status] = (stats.statuses[response.status] ?? 0) + 1
      const text = await response.text()
      if (response.status === 200) {
        stats.latencies.push(Date.now() - started)
        return parseTwiml(text)
      }
      if (response.status < 500) throw new Error(`the webhook answered ${response.status}: ${text}`)
    } catch (error) {
      if ((error as Error).message.startsWith('the webhook answered')) throw error
      stats.statuses.network = (stats.statuses.network ?? 0) + 1
    }
    if (Date.now() > giveUp) throw new Error(`no answer to "${body}" from ${from} within ${options.giveUpMs ?? 60_000} ms`)
    await new Promise((resolve) => setTimeout(resolve, options.pauseMs ?? 250))
  }
}

/** A whole repair request by SMS, each message retried until answered; returns the ticket number. */
export async function requestRepair(baseUrl: () => string, from: string, stats: Stats, options: { giveUpMs?: number } = {}): Promise<string> {
  for (const body of ['hi', ...REPAIR]) await sendUntilAnswered(baseUrl, from, body, stats, options)
  const done = (await sendUntilAnswered(baseUrl, from, 'YES', stats, options)).join('\n')
  const number = /SR-\d{4}-\d{6}/.exec(done)?.[0]
  if (!number) throw new Error(`${from}: no ticket number in "${done}"`)
  return number
}

export const phoneNumber = (prefix: number, index: number) => `+86${prefix}${String(index).padStart(6, '0')}`
