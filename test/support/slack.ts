/**
 * Slack, as it calls us: requests signed with the signing secret (`v0=` HMAC-SHA256 over
 * `v0:{timestamp}:{body}`), for events (JSON), interactivity and slash commands (form-encoded).
 */
import { createHmac, randomBytes } from 'node:crypto'

export const SIGNING_SECRET = 'test-slack-signing-secret'

export interface SignOptions {
  secret?: string
  /** Seconds since the epoch; defaults to now. */
  timestamp?: number
  retryNum?: number
}

export function signedSlackInit(body: string, contentType: string, options: SignOptions = {}): RequestInit {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000)
  const signature = `v0=${createHmac('sha256', options.secret ?? SIGNING_SECRET)
    .update(`v0:${timestamp}:${body}`)
    .digest('hex')}`
  return {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signature,
      ...(options.retryNum && { 'x-slack-retry-num': String(options.retryNum), 'x-slack-retry-reason': 'http_timeout' }),
    },
    body,
  }
}

export class SlackWorkspace {
  constructor(private readonly baseUrl: string) {}

  post(body: string, contentType: string, options?: SignOptions) {
    return fetch(`${this.baseUrl}/slack/events`, signedSlackInit(body, contentType, options))
  }

  /** An Events API callback; returns the response. */
  event(event: Record<string, unknown>, options: SignOptions & { eventId?: string } = {}) {
    const body = JSON.stringify({
      token: 'legacy',
      team_id: 'T0TEAM0001',
      api_app_id: 'A0APP00001',
      type: 'event_callback',
      event_id: options.eventId ?? `Ev${randomBytes(5).toString('hex').toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: 'T0TEAM0001', user_id: 'U0BOT00001', is_bot: true }],
      event,
    })
    return this.post(body, 'application/json', options)
  }

  /** An interactivity payload (block_actions, view_submission). */
  interaction(payload: Record<string, unknown>, options?: SignOptions) {
    return this.post(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), 'application/x-www-form-urlencoded', options)
  }

  command(text: string, user = 'U0STAFF001', channel = 'C0STAFF0001') {
    const body = new URLSearchParams({
      command: '/aftercare',
      text,
      team_id: 'T0TEAM0001',
      channel_id: channel,
      user_id: user,
      user_name: 'staff',
      trigger_id: 'trigger-1',
      response_url: 'https://hooks.slack.test/commands/1',
      api_app_id: 'A0APP00001',
    }).toString()
    return this.post(body, 'application/x-www-form-urlencoded')
  }
}

export const staffUser = { id: 'U0STAFF001', username: 'li.ming', name: 'li.ming', team_id: 'T0TEAM0001' }

/** What every interaction payload from our test workspace carries. */
const interaction = (type: string, user: typeof staffUser, triggerId: string) => ({
  type,
  team: { id: 'T0TEAM0001', domain: 'test' },
  user,
  api_app_id: 'A0APP00001',
  token: 'legacy',
  trigger_id: triggerId,
})

/** A button press in the ticket's message. */
export function buttonPress(actionId: string, value: string, user = staffUser) {
  return {
    ...interaction('block_actions', user, `trigger-${randomBytes(4).toString('hex')}`),
    channel: { id: 'C0STAFF0001', name: 'service-desk' },
    container: { type: 'message', channel_id: 'C0STAFF0001', message_ts: '1.1' },
    // Each press has its own action_ts (Slack's retries of one press repeat it).
    actions: [{ type: 'button', action_id: actionId, block_id: `ticket:${value}`, value, action_ts: `${Math.floor(Date.now() / 1000)}.${randomBytes(3).readUIntBE(0, 3)}` }],
  }
}

/** Choosing an option of a menu in the ticket's message (an overflow or a select menu). */
export function menuChoice(actionId: string, type: 'overflow' | 'static_select', value: string, user = staffUser) {
  const press = buttonPress(actionId, value, user)
  const [action] = press.actions
  return { ...press, actions: [{ type, action_id: actionId, block_id: action!.block_id, selected_option: { text: { type: 'plain_text', text: value }, value }, action_ts: action!.action_ts }] }
}

/** Submitting a modal that Aftercare opened, with the values typed into it. */
export function viewSubmission(view: { id?: string; private_metadata: string; blocks: unknown[]; callback_id?: string }, values: Record<string, unknown>, user = staffUser) {
  return {
    ...interaction('view_submission', user, 'trigger-submit'),
    view: {
      // Each opened modal has its own id; submitting the same one twice repeats it.
      id: view.id ?? `V${randomBytes(5).toString('hex').toUpperCase()}`,
      type: 'modal',
      callback_id: view.callback_id ?? 'ticket_action',
      private_metadata: view.private_metadata,
      blocks: view.blocks,
      state: { values: Object.fromEntries(Object.entries(values).map(([block, value]) => [block, { value }])) },
    },
  }
}
