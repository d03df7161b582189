/**
 * Subscription keywords for SMS. Twilio and carriers act on the English ones themselves and
 * still forward the message; we record the same outcome so that nothing proactive is sent to
 * an opted-out number. `TD` and `退订` are what Chinese carriers teach subscribers to send.
 *
 * CANCEL is on Twilio's default opt-out list but is also the bot's word to abandon a request;
 * we treat it as the latter. If Twilio has blocked the number anyway, the next proactive send
 * fails with error 21610, which marks the identity opted out.
 */
const OPT_OUT = new Set(['stop', 'stopall', 'unsubscribe', 'end', 'quit', 'revoke', 'optout', 'td', '停止', '退订'])
const OPT_IN = new Set(['start', 'unstop', 'subscribe'])

export function subscriptionKeyword(body: string): 'opt_out' | 'opt_in' | undefined {
  const word = body
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[.!。！]+$/, '')
  if (OPT_OUT.has(word)) return 'opt_out'
  if (OPT_IN.has(word)) return 'opt_in'
  return undefined
}
