/**
 * Files a Slack customer shares in a direct message (`file_share`): downloaded with the bot token
 * (the `files:read` scope) from Slack's file host only — `files.slack.com`, or the host of
 * SLACK_API_URL where Slack is reached through another address (a test double, a proxy).
 */
import type { SlackConfig } from '../../config.ts'
import type { MediaFetcher } from '../../media/intake.ts'
import { readCapped } from '../sms/media.ts'

export interface SharedFile {
  url_private_download?: string
  url_private?: string
}

/** The download address of each shared file, in order. */
export const fileUrls = (files: SharedFile[] | undefined): string[] =>
  (files ?? []).map((file) => file.url_private_download ?? file.url_private).filter((url): url is string => typeof url === 'string' && url.length > 0)

export function slackFileFetcher(slack: SlackConfig): MediaFetcher {
  const allowed = new Set(['https://files.slack.com', new URL(slack.apiUrl).origin])
  return async (url, maxBytes) => {
    if (!allowed.has(new URL(url).origin)) throw new Error('not a Slack file URL')
    const response = await fetch(url, { headers: { authorization: `Bearer ${slack.botToken}` }, redirect: 'follow', signal: AbortSignal.timeout(10_000) })
    // Without files:read, Slack answers its sign-in page (HTML, 200) instead of the file: the type check refuses it.
    if (!response.ok) {
      await response.body?.cancel()
      throw new Error(`Slack file host answered ${response.status}`)
    }
    return readCapped(response, maxBytes)
  }
}
