import { WebClient } from '@slack/web-api'
import type { SlackConfig } from '../../config.ts'

/**
 * The Slack Web API client, pointed at SLACK_API_URL. Its own retries are off: the job queue
 * retries failed posts, and interactive calls (views.open) must answer within seconds anyway.
 */
export type SlackClient = WebClient

/** How long one Web API call may take; the outbox lease is longer. */
export const SLACK_TIMEOUT_MS = 15_000

export function createSlackClient(config: SlackConfig): SlackClient {
  return new WebClient(config.botToken, { slackApiUrl: config.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: SLACK_TIMEOUT_MS })
}
