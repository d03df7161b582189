/**
 * Twilio MMS (and WhatsApp) media: `NumMedia` files at `MediaUrl0…`, hosted by Twilio and fetched
 * with the account's credentials when the account requires them. Only URLs on the Twilio API's
 * own origin (TWILIO_API_URL) are fetched — a webhook's parameters never make us call anywhere
 * else — and Twilio's redirect to its media store is followed without the credentials.
 */
import type { TwilioConfig } from '../../config.ts'
import { TooLarge, type MediaFetcher } from '../../media/intake.ts'

const FETCH_TIMEOUT_MS = 10_000

/** The media URLs of an inbound webhook, in order (at most the 10 Twilio sends). */
export function mediaUrls(params: Record<string, string>): string[] {
  const count = Math.min(Number(params.NumMedia ?? 0) || 0, 10)
  return Array.from({ length: count }, (_, index) => params[`MediaUrl${index}`]).filter((url): url is string => typeof url === 'string' && url.length > 0)
}

/** Reads a response's body, refusing past `maxBytes` without reading the rest. */
export async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'))
  if (declared > maxBytes) {
    await response.body?.cancel()
    throw new TooLarge(`${declared} bytes`)
  }
  const chunks: Uint8Array[] = []
  let total = 0
  for await (const chunk of response.body ?? []) {
    total += chunk.length
    if (total > maxBytes) throw new TooLarge(`over ${maxBytes} bytes`)
    chunks.push(chunk)
  }
  return Buffer.concat(chunks)
}

export function twilioMediaFetcher(twilio: TwilioConfig): MediaFetcher {
  const origin = new URL(twilio.apiUrl).origin
  const authorization = twilio.accountSid ? `Basic ${Buffer.from(`${twilio.accountSid}:${twilio.authToken}`).toString('base64')}` : undefined
  return async (url, maxBytes) => {
    if (new URL(url).origin !== origin) throw new Error(`not a Twilio media URL (${origin} expected)`)
    // fetch drops Authorization when a redirect leaves the origin (Twilio's media store).
    const response = await fetch(url, { headers: authorization ? { authorization } : {}, redirect: 'follow', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) })
    if (!response.ok) {
      await response.body?.cancel()
      throw new Error(`Twilio media answered ${response.status}`)
    }
    return readCapped(response, maxBytes)
  }
}
