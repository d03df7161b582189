/**
 * Configuration: read from the environment once, validated here, trusted everywhere else.
 * The variables, their defaults and their docs are one table: src/config/environment.ts.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { S3StoreConfig } from './media/s3-store.ts'
import { z } from 'zod'
import type { Holidays } from './tickets/calendar.ts'
import type { Locale } from '../flows/locale.ts'
import { SERVICE_TYPES, type ServiceType } from '../flows/service-types.ts'
import { DEFAULT_COMPLAINT_KEYWORDS, DEFAULT_SERVICE_VALUES, ENVIRONMENT, type Environment, WHATSAPP_TEMPLATE_KINDS } from './config/environment.ts'

export { DEFAULT_BOT_SERVICE_URLS, DEFAULT_COMPLAINT_KEYWORDS, DEFAULT_SERVICE_VALUES } from './config/environment.ts'

export interface TwilioConfig {
  authToken: string
  /** Both needed to send proactive messages; inbound works with the auth token alone. */
  accountSid: string | undefined
  from: string | undefined
  apiUrl: string
  /** The WhatsApp sender (E.164) for proactive WhatsApp; replies to a WhatsApp message need nothing more. */
  whatsappFrom: string | undefined
  /** Approved Content templates (HX… SIDs) per message kind, for messages outside the 24-hour window. */
  whatsappTemplates: Record<string, string>
}

export interface SlackConfig {
  botToken: string
  signingSecret: string
  /** Channel id (C…) where tickets are posted and worked. */
  staffChannel: string
  /** Web API base, ending in /api/. */
  apiUrl: string
  /** Issue 15: staff whose Slack user is linked to no account cannot act from Slack (SLACK_REQUIRE_ACCOUNT). */
  requireAccount: boolean
}

/** Issue 15: "Sign in with Slack" for staff, when the app's OAuth credentials are given. */
export interface SlackSignInConfig {
  clientId: string
  clientSecret: string
  oidcUrl: string
  apiUrl: string
  teamId?: string
}

export interface BotFrameworkConfig {
  /** Empty: local mode, no authentication (Emulator, the built-in Direct Line). */
  appId: string
  appPassword: string
  tenantId: string
  appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI'
  /** Azure Direct Line: the page gets short-lived tokens minted with this secret. */
  directLineSecret: string | undefined
  directLineUrl: string
}

export interface OutboxConfig {
  /** Failures held against one message after the first, with exponential backoff from `retryDelaySeconds`. */
  retryLimit: number
  retryDelaySeconds: number
  /** Sends in flight at once per provider, per instance. */
  concurrency: Record<'sms' | 'webchat' | 'slack', number>
  /** How often an idle instance looks for new messages. */
  pollMs: number
  /** A claimed message is another instance's to send again after this long (a crash mid-send). */
  leaseSeconds: number
  /** Staff are told when a provider has failed continuously for this long. */
  providerAlertAfterMs: number
  /** On-call phones told by SMS of a failing provider (when Twilio is not the one failing). */
  providerAlertPhones: string[]
}

/** `points` per `seconds`. */
export interface RateLimit {
  points: number
  seconds: number
}

export interface LimitsConfig {
  webchatSessions: RateLimit
  directLinePosts: RateLimit
  messages: RateLimit
  handoffs: RateLimit
  signIn: RateLimit
  recordViews: RateLimit
  linkCooldownSeconds: number
  linkCodesPerDay: number
  /** Calling codes verification codes may go to (86, 852…); empty: any. */
  linkCountryCodes: string[]
  verificationSmsPerHour: number
}

export interface Config {
  port: number
  publicUrl: string
  databaseUrl: string | undefined
  dataDir: string
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  /** LOG_FORMAT: readable lines at a terminal, JSON otherwise (`auto`). */
  logFormat: 'auto' | 'json' | 'pretty'
  adminToken: string | undefined
  twilio: TwilioConfig | undefined
  serviceTimeZone: string
  holidays: Holidays
  defaultLocale: Locale
  slack: SlackConfig | undefined
  slackSignIn: SlackSignInConfig | undefined
  botFramework: BotFrameworkConfig
  /** Shown on the chat page: the manufacturer's or service company's name. */
  brandName: string
  /** Issue 18: how long a customer's link to their service record works. */
  recordLinkDays: number
  /** Issue 18: other sites' origins allowed to embed the chat (CORS on its endpoints, frame-ancestors). */
  webchatAllowedOrigins: string[]
  /** §4.1b: the value of each service, from which liquidated damages (10%) are computed. */
  serviceValues: Record<ServiceType, number>
  currency: string
  outbox: OutboxConfig
  /** How often job workers look for work. */
  jobPollSeconds: number
  /** How often deadlines, hand-offs and surveys are checked (one instance at a time). */
  timerSweepSeconds: number
  /** Bearer token for GET /metrics (the admin token works too). */
  metricsToken: string | undefined
  limits: LimitsConfig
  /** Issue 14: files customers send; on S3 (or compatible) when MEDIA_S3_BUCKET is set, else under `dir`. */
  media: { dir: string; maxBytes: number; maxPerMessage: number; s3: S3StoreConfig | undefined }
  /** Express's `trust proxy`: which proxies' X-Forwarded-For names the client (rate limits by IP). */
  trustProxy: string | number | boolean
  /** Bot Framework serviceUrls replies may go to (with an app id), as URL prefixes with * for one host label. */
  botServiceUrls: string[]
  /** Lets the Bot Framework Emulator talk to /api/messages without an app id (loopback serviceUrls only). */
  botEmulator: boolean
  /** A hand-off nobody from staff answers within this long is escalated again. */
  handoffTimeoutMinutes: number
  feedback: FeedbackConfig
  /** Words that make a message or comment a complaint (§3.3d), lower case. */
  complaintKeywords: string[]
  /** When the weekly digest goes to the staff channel (cron, service time zone). */
  digestCron: string
}

export interface FeedbackConfig {
  /** §3.3a: after the service is resolved, the survey waits this long. */
  delayMs: number
  /** A reminder when no answer came this long after asking. */
  reminderMs: number
  /** Feedback counts as collected in time within this long after the resolution. */
  windowMs: number
  /** A fix the customer neither confirms nor rejects for this long is completed, unconfirmed. */
  confirmWindowMs: number
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

/** `repair=800,installation=500`: a price per service type, the rest keep their default. */
function parseServiceValues(text: string | undefined): Record<ServiceType, number> {
  const values = { ...DEFAULT_SERVICE_VALUES }
  if (!text) return values
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [type, amount] = entry.split('=').map((part) => part.trim())
    if (!SERVICE_TYPES.includes(type as ServiceType) || !amount || !/^\d+(\.\d{1,2})?$/.test(amount)) {
      throw new ConfigError(`SERVICE_VALUES: "${entry}" is not <service>=<amount> (services: ${SERVICE_TYPES.join(', ')})`)
    }
    values[type as ServiceType] = Number(amount)
  }
  return values
}

/** `response_notification=HX…,feedback_prompt=HX…`: a Content template SID per message kind. */
function parseWhatsappTemplates(text: string | undefined): Record<string, string> {
  const templates: Record<string, string> = {}
  for (const entry of (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [kind, sid] = entry.split('=').map((part) => part.trim())
    if (!kind || !WHATSAPP_TEMPLATE_KINDS.includes(kind) || !sid || !/^HX[0-9a-fA-F]{32}$/.test(sid)) {
      throw new ConfigError(`TWILIO_WHATSAPP_TEMPLATES: "${entry}" is not <kind>=<HX… template SID> (kinds: ${WHATSAPP_TEMPLATE_KINDS.join(', ')})`)
    }
    templates[kind] = sid
  }
  return templates
}

/** Sends in flight per provider: `8` for all, or `sms=8,webchat=16,slack=4` (the rest keep 16). */
function parseConcurrency(text: string): OutboxConfig['concurrency'] {
  if (/^\d+$/.test(text.trim())) {
    const all = Number(text)
    if (all < 1 || all > 256) throw new ConfigError('OUTBOX_CONCURRENCY: must be 1 to 256')
    return { sms: all, webchat: all, slack: all }
  }
  const values = { sms: 16, webchat: 16, slack: 16 }
  for (const entry of text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)) {
    const [provider, amount] = entry.split('=').map((part) => part.trim())
    if (!provider || !(provider in values) || !amount || !/^\d+$/.test(amount) || Number(amount) < 1 || Number(amount) > 256) {
      throw new ConfigError(`OUTBOX_CONCURRENCY: "${entry}" is not <provider>=<1..256> (providers: sms, webchat, slack)`)
    }
    values[provider as keyof typeof values] = Number(amount)
  }
  return values
}

/** `false`, `true`, a hop count, or Express's names and addresses (`loopback, 10.0.0.0/8`). Default: proxies on private networks. */
function parseTrustProxy(text: string): string | number | boolean {
  if (text === 'true' || text === 'false') return text === 'true'
  return /^\d+$/.test(text) ? Number(text) : text
}

function parsePhones(text: string | undefined): string[] {
  const phones = (text ?? '')
    .split(',')
    .map((phone) => phone.trim())
    .filter(Boolean)
  for (const phone of phones) if (!/^\+[1-9]\d{6,14}$/.test(phone)) throw new ConfigError(`PROVIDER_ALERT_PHONES: "${phone}" is not an E.164 number (+8613800138000)`)
  return phones
}

const isoDate = /^\d{4}-\d{2}-\d{2}$/

const holidaysFile = z.looseObject({
  holidays: z.array(z.string()).default([]),
  workdays: z.array(z.string()).default([]),
})

/** Expands `2026-10-01` and `2026-10-01..2026-10-07` entries into single days. */
function expandDays(entries: string[], file: string): Set<string> {
  const days = new Set<string>()
  for (const entry of entries) {
    const [from, to = from] = entry.split('..').map((part) => part.trim())
    if (!from || !isoDate.test(from) || !isoDate.test(to!)) throw new ConfigError(`HOLIDAYS_FILE: ${file}: "${entry}" is not a date (YYYY-MM-DD) or range (YYYY-MM-DD..YYYY-MM-DD)`)
    for (let day = new Date(`${from}T00:00:00Z`); day <= new Date(`${to}T00:00:00Z`); day.setUTCDate(day.getUTCDate() + 1)) {
      days.add(day.toISOString().slice(0, 10))
    }
  }
  return days
}

function loadHolidays(file: string | undefined): Holidays {
  if (!file) return { holidays: new Set(), workdays: new Set() }
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'))
  } catch (error) {
    throw new ConfigError(`HOLIDAYS_FILE: cannot read ${file}: ${(error as Error).message}`)
  }
  const parsed = holidaysFile.safeParse(raw)
  if (!parsed.success) throw new ConfigError(`HOLIDAYS_FILE: ${file}: expected { "holidays": [...], "workdays": [...] } of YYYY-MM-DD strings`)
  return { holidays: expandDays(parsed.data.holidays, file), workdays: expandDays(parsed.data.workdays, file) }
}

/** Parses the environment; throws a ConfigError naming the first bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ENVIRONMENT.safeParse(source)
  if (!parsed.success) {
    const messages = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(messages.join('; '))
  }
  const e = parsed.data
  const port = e.PORT
  return {
    port,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${port}`,
    databaseUrl: e.DATABASE_URL,
    dataDir: path.resolve(e.DATA_DIR),
    media: {
      dir: path.resolve(e.MEDIA_DIR ?? path.join(e.DATA_DIR, 'media')),
      maxBytes: e.MEDIA_MAX_BYTES,
      maxPerMessage: 5,
      s3: e.MEDIA_S3_BUCKET
        ? {
            bucket: e.MEDIA_S3_BUCKET,
            ...(e.MEDIA_S3_ENDPOINT && { endpoint: e.MEDIA_S3_ENDPOINT }),
            region: e.MEDIA_S3_REGION,
            prefix: e.MEDIA_S3_PREFIX,
            ...(e.MEDIA_S3_ACCESS_KEY_ID && e.MEDIA_S3_SECRET_ACCESS_KEY && { credentials: { accessKeyId: e.MEDIA_S3_ACCESS_KEY_ID, secretAccessKey: e.MEDIA_S3_SECRET_ACCESS_KEY } }),
          }
        : undefined,
    },
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    adminToken: e.ADMIN_TOKEN,
    twilio: e.TWILIO_AUTH_TOKEN
      ? {
          authToken: e.TWILIO_AUTH_TOKEN,
          accountSid: e.TWILIO_ACCOUNT_SID,
          from: e.TWILIO_FROM,
          apiUrl: e.TWILIO_API_URL,
          whatsappFrom: e.TWILIO_WHATSAPP_FROM,
          whatsappTemplates: parseWhatsappTemplates(e.TWILIO_WHATSAPP_TEMPLATES),
        }
      : undefined,
    serviceTimeZone: e.SERVICE_TIMEZONE,
    holidays: loadHolidays(e.HOLIDAYS_FILE),
    defaultLocale: e.DEFAULT_LOCALE,
    slack: slackConfig(e),
    slackSignIn: slackSignInConfig(e),
    botFramework: {
      appId: e.MICROSOFT_APP_ID ?? '',
      appPassword: e.MICROSOFT_APP_PASSWORD ?? '',
      tenantId: e.MICROSOFT_APP_TENANT_ID ?? '',
      appType: e.MICROSOFT_APP_TYPE,
      directLineSecret: e.DIRECT_LINE_SECRET,
      directLineUrl: e.DIRECT_LINE_URL,
    },
    brandName: e.BRAND_NAME,
    recordLinkDays: e.RECORD_LINK_DAYS,
    webchatAllowedOrigins: e.WEBCHAT_ALLOWED_ORIGINS ?? [],
    serviceValues: parseServiceValues(e.SERVICE_VALUES),
    currency: e.CURRENCY,
    outbox: {
      retryLimit: e.OUTBOX_RETRY_LIMIT,
      retryDelaySeconds: e.OUTBOX_RETRY_DELAY,
      concurrency: parseConcurrency(e.OUTBOX_CONCURRENCY),
      pollMs: e.OUTBOX_POLL_MS,
      leaseSeconds: e.OUTBOX_LEASE_SECONDS,
      providerAlertAfterMs: e.PROVIDER_ALERT_AFTER * 60_000,
      providerAlertPhones: parsePhones(e.PROVIDER_ALERT_PHONES),
    },
    jobPollSeconds: e.JOB_POLL_SECONDS,
    timerSweepSeconds: e.TIMER_SWEEP_SECONDS,
    metricsToken: e.METRICS_TOKEN,
    limits: {
      webchatSessions: e.LIMIT_WEBCHAT_SESSIONS,
      directLinePosts: e.LIMIT_DIRECTLINE_POSTS,
      messages: e.LIMIT_MESSAGES,
      handoffs: e.LIMIT_HANDOFFS,
      signIn: e.LIMIT_SIGN_IN,
      recordViews: e.LIMIT_RECORD_VIEWS,
      linkCooldownSeconds: e.LINK_CODE_COOLDOWN,
      linkCodesPerDay: e.LINK_CODES_PER_DAY,
      linkCountryCodes: e.LINK_COUNTRY_CODES ? e.LINK_COUNTRY_CODES.split(',') : [],
      verificationSmsPerHour: e.VERIFICATION_SMS_PER_HOUR,
    },
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    botServiceUrls: e.BOT_SERVICE_URLS.split(',')
      .map((url) => url.trim())
      .filter(Boolean),
    botEmulator: e.BOT_EMULATOR,
    handoffTimeoutMinutes: e.HANDOFF_TIMEOUT,
    feedback: {
      delayMs: e.FEEDBACK_DELAY * 60_000,
      reminderMs: e.FEEDBACK_REMINDER * 3_600_000,
      windowMs: e.FEEDBACK_WINDOW * 3_600_000,
      confirmWindowMs: e.CONFIRM_WINDOW * 3_600_000,
    },
    digestCron: e.DIGEST_CRON,
    complaintKeywords: e.COMPLAINT_KEYWORDS
      ? e.COMPLAINT_KEYWORDS.split(',')
          .map((word) => word.trim().toLowerCase())
          .filter(Boolean)
      : DEFAULT_COMPLAINT_KEYWORDS,
  }
}

function slackSignInConfig(e: Environment): SlackSignInConfig | undefined {
  if (!e.SLACK_CLIENT_ID && !e.SLACK_CLIENT_SECRET) return undefined
  if (!e.SLACK_CLIENT_ID || !e.SLACK_CLIENT_SECRET) throw new ConfigError('SLACK_CLIENT_ID and SLACK_CLIENT_SECRET: set both for "Sign in with Slack", or neither')
  return {
    clientId: e.SLACK_CLIENT_ID,
    clientSecret: e.SLACK_CLIENT_SECRET,
    oidcUrl: e.SLACK_OIDC_URL,
    apiUrl: e.SLACK_API_URL,
    ...(e.SLACK_TEAM_ID && { teamId: e.SLACK_TEAM_ID }),
  }
}

function slackConfig(e: Environment): SlackConfig | undefined {
  const given = [e.SLACK_BOT_TOKEN, e.SLACK_SIGNING_SECRET, e.SLACK_STAFF_CHANNEL].filter(Boolean).length
  if (given === 0) return undefined
  if (given < 3) throw new ConfigError('SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_STAFF_CHANNEL: set all three to turn Slack on, or none')
  return {
    botToken: e.SLACK_BOT_TOKEN!,
    signingSecret: e.SLACK_SIGNING_SECRET!,
    staffChannel: e.SLACK_STAFF_CHANNEL!,
    apiUrl: e.SLACK_API_URL,
    requireAccount: e.SLACK_REQUIRE_ACCOUNT,
  }
}

export interface StartupNote {
  level: 'info' | 'warn'
  message: string
}

/** One line per channel for the start-up log: what is on, and what is missing for the rest. */
export function describeChannels(config: Config): StartupNote[] {
  const info = (message: string): StartupNote => ({ level: 'info', message })
  const notes: StartupNote[] = []
  const twilio = config.twilio
  if (!twilio) notes.push(info('SMS channel off: set TWILIO_AUTH_TOKEN (and TWILIO_ACCOUNT_SID, TWILIO_FROM to send notifications)'))
  else if (!twilio.accountSid || !twilio.from) notes.push(info('SMS channel on for replies; proactive SMS off: set TWILIO_ACCOUNT_SID and TWILIO_FROM'))
  else notes.push(info(`SMS channel on: webhook ${config.publicUrl}/twilio/sms, sending from ${twilio.from}`))
  if (twilio?.whatsappFrom) {
    const templates = Object.keys(twilio.whatsappTemplates)
    notes.push(
      info(
        `WhatsApp on (same webhook): notifications from whatsapp:${twilio.whatsappFrom}; templates after 24 h for ${templates.length ? templates.join(', ') : 'no kind (set TWILIO_WHATSAPP_TEMPLATES)'}`,
      ),
    )
  }
  const bot = config.botFramework
  if (!bot.appId) {
    notes.push(
      config.botEmulator
        ? { level: 'warn', message: `Web chat in local mode; BOT_EMULATOR is on: /api/messages accepts unauthenticated activities from loopback (the Bot Framework Emulator). Not for production.` }
        : info(`Web chat in local mode: the chat page ${config.publicUrl}/ uses the built-in Direct Line; /api/messages is closed (set MICROSOFT_APP_ID for Azure Bot Service)`),
    )
  } else {
    notes.push(
      info(
        `Web chat on Azure Bot Service (app ${bot.appId}): /api/messages requires Bot Framework tokens; the chat page ${bot.directLineSecret ? 'uses Azure Direct Line tokens' : 'is off until DIRECT_LINE_SECRET is set'}`,
      ),
    )
  }
  if (!config.slack) notes.push(info('Slack off: set SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET and SLACK_STAFF_CHANNEL for the staff channel'))
  else notes.push(info(`Slack on: events at ${config.publicUrl}/slack/events, tickets in ${config.slack.staffChannel}`))
  return notes
}
