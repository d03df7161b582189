import { WebClient } from '@slack/web-api'
import type { SlackConfig } from '../../config.ts'
import { StartupError } from '../../errors.ts'
import type { Logger } from '../../logger.ts'

/**
 * The Slack Web API client, pointed at SLACK_API_URL. Its own retries are off: the job queue
 * retries failed posts, and interactive calls (views.open) must answer within seconds anyway.
 */
export type SlackClient = WebClient

/** How long one Web API call may take; the outbox lease is longer. */
export const SLACK_TIMEOUT_MS = 15_000

/** Who the app is in Slack (for Bolt to ignore its own messages); empty while Slack cannot be reached. */
export interface SlackIdentity {
  botId?: string
  botUserId?: string
}

/** Slack's answers that mean the token itself is wrong: nothing will work until it is changed. */
const REFUSED_TOKEN = ['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type']
const START_CHECK_MS = 5_000

/**
 * Checks the bot token once at start. A token Slack refuses stops start-up, naming the variable;
 * Slack out of reach does not: SMS and web chat run, Slack's work waits in the outbox and jobs,
 * which retry it.
 */
export async function checkSlackToken(client: SlackClient, logger: Logger): Promise<SlackIdentity> {
  let timer: NodeJS.Timeout | undefined
  try {
    const answer = await Promise.race([
      client.auth.test(),
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${START_CHECK_MS / 1000} s`)), START_CHECK_MS))),
    ])
    return { ...(answer.bot_id && { botId: answer.bot_id }), ...(answer.user_id && { botUserId: answer.user_id }) }
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error
    if (code && REFUSED_TOKEN.includes(code)) {
      throw new StartupError(`Slack refused SLACK_BOT_TOKEN (${code}): use the app's Bot User OAuth Token (xoxb-…) from its "OAuth & Permissions" page, installed in your workspace`)
    }
    logger.warn({ err: { message: (error as Error).message, code } }, 'Slack cannot be reached at start: SMS and web chat run; staff posts wait and are retried')
    return {}
  } finally {
    clearTimeout(timer)
  }
}

export function createSlackClient(config: SlackConfig): SlackClient {
  return new WebClient(config.botToken, { slackApiUrl: config.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: SLACK_TIMEOUT_MS })
}
