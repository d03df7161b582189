/**
 * Files that reach the bot through a Bot Framework channel other than our own Direct Line: Azure
 * Direct Line (Web Chat's upload button), the Emulator. Each message activity lists them as
 * attachments with a `contentUrl` on the channel's host, or inline as a `data:` URI. Only URLs the
 * service-URL policy trusts (the Bot Framework hosts, loopback for the Emulator) are fetched: the
 * activity names them, and a request to anywhere else would be ours to make on a caller's word.
 */
import type { MediaFetcher } from '../../media/intake.ts'
import { readCapped } from '../sms/media.ts'
import type { ServiceUrlPolicy } from './service-urls.ts'

const FETCH_TIMEOUT_MS = 10_000
const DATA_URI = /^data:[^;,]*;base64,([A-Za-z0-9+/=\s]*)$/

type File = { url: string } | { bytes: Uint8Array }

/** The activity's files to receive: inline ones decoded, linked ones on trusted hosts; cards and others left out. */
export function activityFiles(attachments: unknown, policy: ServiceUrlPolicy): File[] {
  if (!Array.isArray(attachments)) return []
  return attachments.flatMap((attachment): File[] => {
    const url = (attachment as { contentUrl?: unknown } | null)?.contentUrl
    if (typeof url !== 'string') return []
    const inline = DATA_URI.exec(url)
    if (inline) return [{ bytes: Buffer.from(inline[1]!, 'base64') }]
    return policy.trusted(url) ? [{ url }] : []
  })
}

export function botAttachmentFetcher(policy: ServiceUrlPolicy): MediaFetcher {
  return async (url, maxBytes) => {
    if (!policy.trusted(url)) throw new Error('not a Bot Framework attachment URL')
    const response = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) })
    if (!response.ok) {
      await response.body?.cancel()
      throw new Error(`the channel's attachment answered ${response.status}`)
    }
    return readCapped(response, maxBytes)
  }
}
