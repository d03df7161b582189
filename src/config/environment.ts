/**
 * Every environment variable Aftercare reads: its schema, its default and what it means, in one place.
 * `loadConfig` (src/config.ts) parses with this schema; `npm run docs:config` writes docs/configuration.md
 * and .env.example from the same entries, so a default cannot say one thing in code and another in the docs.
 */
import { z } from 'zod'
import { LOCALES } from '../../flows/locale.ts'
import type { ServiceType } from '../../flows/service-types.ts'

export const GROUPS = {
  server: 'Server and database',
  sms: 'SMS and WhatsApp (Twilio)',
  calendar: "The agreement's calendar and money",
  slack: 'Slack for staff',
  webchat: 'Web chat (Bot Framework)',
  outbox: 'Delivery of notifications (the outbox)',
  operations: 'Operations',
  media: "Customers' files",
  limits: 'Limits (see SECURITY.md)',
  people: 'Talking to a person, feedback and complaints',
} as const

export interface VariableDoc {
  group: keyof typeof GROUPS
  /** What it does, for the docs table and .env.example (Markdown code spans allowed). */
  about: string
  /** Taken when the variable is unset or empty, and parsed like a given value. */
  default?: string
  /** How a default computed in code reads (`http://localhost:$PORT`), when there is no `default`. */
  shown?: string
  /** A value worth showing in .env.example, when the default is not one. */
  example?: string
}

export const variableDocs = z.registry<VariableDoc>()

const blankToUndefined = (value: unknown) => (value === '' ? undefined : value)

/** A variable with a default: its parsed value is always there. */
function withDefault<T extends z.ZodType>(schema: T, doc: VariableDoc & { default: string }) {
  const variable = z.preprocess((value) => blankToUndefined(value) ?? doc.default, schema)
  variableDocs.add(variable as z.ZodType, doc)
  return variable
}

/** A variable that may be absent (its absence means something: a channel off, a value computed in code). */
function optional<T extends z.ZodType>(schema: T, doc: VariableDoc) {
  const variable = z.preprocess(blankToUndefined, schema.optional())
  variableDocs.add(variable as z.ZodType, doc)
  return variable
}

const httpUrl = () => z.url({ protocol: /^https?$/ })
const withoutTrailingSlash = () => httpUrl().transform((url) => url.replace(/\/+$/, ''))
const flag = () => z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1')

/** `30/600`: 30 per 600 seconds. */
const rateLimit = () =>
  z
    .string()
    .regex(/^\d+\/\d+$/, 'must be <count>/<seconds>, such as 30/600')
    .transform((text) => {
      const [points, seconds] = text.split('/').map(Number) as [number, number]
      return { points, seconds }
    })
    .refine((limit) => limit.points >= 1 && limit.seconds >= 1, 'count and seconds must be at least 1')

/** Where Bot Framework channels (Azure Bot Service, Teams) post from: their replies go back there. */
export const DEFAULT_BOT_SERVICE_URLS = ['https://*.botframework.com/', 'https://smba.trafficmanager.net/', 'https://*.botframework.azure.us/']

/** Placeholder prices; every deployment should set SERVICE_VALUES from its own price list. */
export const DEFAULT_SERVICE_VALUES: Record<ServiceType, number> = {
  repair: 500,
  installation: 300,
  maintenance: 300,
  spare_parts: 200,
  technical_support: 100,
  training: 800,
}

/** §3.3d: what makes a message a complaint when nobody says so. COMPLAINT_KEYWORDS replaces it. */
export const DEFAULT_COMPLAINT_KEYWORDS = [
  'complaint',
  'complain',
  'unacceptable',
  'disappointed',
  'terrible service',
  'awful',
  'rude',
  'refund',
  'lawyer',
  'scam',
  'angry',
  '投诉',
  '不满意',
  '太差',
  '差劲',
  '态度差',
  '态度不好',
  '退款',
  '欺骗',
  '骗人',
  '生气',
  '垃圾',
]

/** The kinds of proactive message that may need a WhatsApp template (outside the 24-hour window). */
export const WHATSAPP_TEMPLATE_KINDS = ['response_notification', 'resolution_notification', 'feedback_prompt', 'bot_message', 'staff_reply', 'request_logged']

export const ENVIRONMENT = z.object({
  // Server and database
  PORT: withDefault(z.coerce.number().int().min(0).max(65535), { group: 'server', default: '3000', about: 'HTTP port to listen on.' }),
  PUBLIC_URL: optional(withoutTrailingSlash(), {
    group: 'server',
    shown: 'http://localhost:$PORT',
    example: 'https://support.example.com',
    about: 'The externally visible base URL, without a trailing slash. Twilio signs each webhook over the URL it was configured with, so behind a proxy or tunnel this must be that public URL.',
  }),
  DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL'), {
    group: 'server',
    shown: 'an embedded PostgreSQL under `DATA_DIR`',
    example: 'postgresql://aftercare:secret@db.internal:5432/aftercare',
    about: 'An external PostgreSQL (13 or later). The user needs CREATE on the database (migrations, the job queue’s schema).',
  }),
  DATA_DIR: withDefault(z.string(), { group: 'server', default: './data', about: 'Where the embedded database and the generated admin token live.' }),
  LOG_LEVEL: withDefault(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']), {
    group: 'server',
    default: 'info',
    about: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`. Message bodies and phone numbers are logged only at `debug` and below.',
  }),
  LOG_FORMAT: withDefault(z.enum(['auto', 'json', 'pretty']), {
    group: 'server',
    default: 'auto',
    about: '`pretty` (readable lines), `json`, or `auto`: pretty when stdout is a terminal, JSON lines otherwise.',
  }),
  ADMIN_TOKEN: optional(z.string().min(16, 'must be at least 16 characters').regex(/^\S+$/, 'must not contain spaces'), {
    group: 'server',
    shown: 'generated into `$DATA_DIR/admin-token`',
    example: 'change-me-to-a-long-random-string',
    about: 'The bootstrap administrator’s bearer token (at least 16 characters); staff sign in with accounts. Set it explicitly when running several instances.',
  }),
  TRUST_PROXY: withDefault(z.string().max(200), {
    group: 'server',
    default: 'loopback, linklocal, uniquelocal',
    example: '1',
    about: 'Which proxies’ `X-Forwarded-For` names the client (Express “trust proxy”): `false`, `true`, a hop count, or addresses.',
  }),

  // SMS and WhatsApp
  TWILIO_ACCOUNT_SID: optional(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits'), {
    group: 'sms',
    example: 'ACxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    about: 'The account SID (AC…) from the Twilio console; with `TWILIO_FROM`, needed to send notifications.',
  }),
  TWILIO_AUTH_TOKEN: optional(z.string().min(8), { group: 'sms', example: 'your_auth_token', about: 'The account’s auth token. Without it the SMS channel is off; inbound SMS work with it alone.' }),
  TWILIO_FROM: optional(z.string().regex(/^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, 'must be an E.164 number (+8613800138000) or a Messaging Service SID (MG…)'), {
    group: 'sms',
    example: '+15005550006',
    about: 'The number messages are sent from (E.164) or a Messaging Service SID (MG…).',
  }),
  TWILIO_WHATSAPP_FROM: optional(z.string().regex(/^\+[1-9]\d{6,14}$/, 'must be the WhatsApp sender in E.164, such as +14155238886'), {
    group: 'sms',
    example: '+14155238886',
    about: 'The WhatsApp sender (E.164) for notifications to WhatsApp customers; inbound WhatsApp needs nothing more than the SMS webhook.',
  }),
  TWILIO_WHATSAPP_TEMPLATES: optional(z.string().max(2000), {
    group: 'sms',
    example: 'response_notification=HX00000000000000000000000000000000',
    about: `Approved Content templates (HX… SIDs) per message kind, for WhatsApp messages more than 24 hours after the customer’s last: ${WHATSAPP_TEMPLATE_KINDS.map((kind) => `\`${kind}\``).join(', ')}.`,
  }),
  RECORD_LINK_DAYS: withDefault(z.coerce.number().int().min(1).max(3650), {
    group: 'sms',
    default: '90',
    about: 'Days the service record’s link in a resolution SMS or WhatsApp message works (the record itself is kept; changing `ADMIN_TOKEN` ends every link).',
  }),
  TWILIO_API_URL: withDefault(withoutTrailingSlash(), { group: 'sms', default: 'https://api.twilio.com', about: 'Twilio’s REST API; change only for a regional edge, a proxy or a test fake.' }),

  // The agreement's calendar and money
  SERVICE_TIMEZONE: withDefault(
    z.string().refine((zone) => Intl.supportedValuesOf('timeZone').includes(zone) || zone === 'UTC', 'must be an IANA time zone such as Asia/Shanghai'),
    { group: 'calendar', default: 'Asia/Shanghai', about: 'IANA time zone for working days, deadlines, times told to customers and ticket-number years.' },
  ),
  HOLIDAYS_FILE: optional(z.string(), { group: 'calendar', example: './holidays.json', about: 'A JSON file of public holidays and make-up working days (see `holidays.example.json`).' }),
  DEFAULT_LOCALE: withDefault(z.enum(LOCALES), {
    group: 'calendar',
    default: 'en',
    about: `Language for a customer whose first message shows none (digits only, say): ${LOCALES.map((l) => `\`${l}\``).join(' or ')}.`,
  }),
  SERVICE_VALUES: optional(z.string().max(1000), {
    group: 'calendar',
    shown: Object.entries(DEFAULT_SERVICE_VALUES)
      .map(([type, value]) => `${type}=${value}`)
      .join(','),
    example: 'repair=800,installation=500,maintenance=400',
    about: 'The value of each service type (§4.1b: damages are 10% of it); types not named keep the placeholder. Staff can set one ticket’s value.',
  }),
  CURRENCY: withDefault(z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY'), { group: 'calendar', default: 'CNY', about: 'Shown with service values and damages.' }),
  DIGEST_CRON: withDefault(z.string().regex(/^\S+(\s+\S+){4}$/, 'must be a cron expression with 5 fields, such as "0 9 * * 1" (Mondays 09:00)'), {
    group: 'calendar',
    default: '0 9 * * 1',
    about: 'When the weekly digest (§3.3c) goes to the Slack staff channel: cron, 5 fields, in `SERVICE_TIMEZONE`.',
  }),

  // Slack
  SLACK_BOT_TOKEN: optional(z.string().regex(/^xoxb-/, 'must be a bot token (xoxb-…)'), {
    group: 'slack',
    example: 'xoxb-…',
    about: 'The bot token from the app’s “OAuth & Permissions” page. With the next two it turns Slack on: all three or none.',
  }),
  SLACK_SIGNING_SECRET: optional(z.string().min(8), { group: 'slack', example: '…', about: '“Signing Secret” from the app’s “Basic Information” page.' }),
  SLACK_STAFF_CHANNEL: optional(z.string().regex(/^[CG][A-Z0-9]{6,}$/, 'must be a channel id such as C0123456789 (channel details → bottom of the About tab)'), {
    group: 'slack',
    example: 'C0123456789',
    about: 'The channel id (C…) where tickets are posted and worked: channel details → About → bottom. Invite the app to it.',
  }),
  SLACK_API_URL: withDefault(
    httpUrl().transform((url) => url.replace(/\/*$/, '/')),
    { group: 'slack', default: 'https://slack.com/api/', about: 'Slack’s Web API; change only for a proxy or a test fake.' },
  ),
  SLACK_REQUIRE_ACCOUNT: withDefault(flag(), { group: 'slack', default: 'false', about: '`true`: staff whose Slack user is linked to no account cannot act from Slack.' }),
  SLACK_CLIENT_ID: optional(z.string().trim().min(1).max(100), {
    group: 'slack',
    example: '1234.5678',
    about:
      '“Sign in with Slack” for staff, with `SLACK_CLIENT_SECRET` (Basic Information → App Credentials; redirect URL `PUBLIC_URL/login/slack/callback`, user scopes openid, email, profile). Only Slack users linked to an account sign in.',
  }),
  SLACK_CLIENT_SECRET: optional(z.string().trim().min(1).max(200), { group: 'slack', example: '…', about: 'The app’s client secret, for “Sign in with Slack”.' }),
  SLACK_TEAM_ID: optional(
    z
      .string()
      .trim()
      .regex(/^T[A-Z0-9]+$/),
    { group: 'slack', example: 'T0123456', about: 'Limits “Sign in with Slack” to this workspace.' },
  ),
  SLACK_OIDC_URL: withDefault(withoutTrailingSlash(), { group: 'slack', default: 'https://slack.com', about: 'Slack’s OpenID Connect issuer; change only for a test fake.' }),

  // Web chat
  MICROSOFT_APP_ID: optional(z.string().regex(/^[0-9a-f-]{36}$/i, 'must be the app registration’s id (a GUID)'), {
    group: 'webchat',
    shown: 'local mode',
    example: '00000000-0000-0000-0000-000000000000',
    about:
      'Azure Bot Service. Unset (local mode): the chat page uses the built-in Direct Line and `/api/messages` is closed. Set: `/api/messages` requires Bot Framework tokens and replies go only to `BOT_SERVICE_URLS`.',
  }),
  MICROSOFT_APP_PASSWORD: optional(z.string(), { group: 'webchat', example: 'client-secret-of-the-app-registration', about: 'The app registration’s client secret.' }),
  MICROSOFT_APP_TENANT_ID: optional(z.string(), { group: 'webchat', example: 'your-tenant-id', about: 'The tenant, for `SingleTenant` and `UserAssignedMSI`.' }),
  MICROSOFT_APP_TYPE: withDefault(z.enum(['MultiTenant', 'SingleTenant', 'UserAssignedMSI']), {
    group: 'webchat',
    default: 'MultiTenant',
    about: '`MultiTenant`, `SingleTenant` or `UserAssignedMSI`.',
  }),
  DIRECT_LINE_SECRET: optional(z.string().min(10), {
    group: 'webchat',
    example: '…',
    about: 'Azure Direct Line secret (Azure Bot → Channels → Direct Line): the page then gets short-lived tokens from Azure, minted by this server; the secret never reaches the browser.',
  }),
  DIRECT_LINE_URL: withDefault(withoutTrailingSlash(), { group: 'webchat', default: 'https://directline.botframework.com', about: 'Azure Direct Line’s endpoint (a regional one, say).' }),
  BRAND_NAME: withDefault(z.string().max(60), { group: 'webchat', default: 'Aftercare', about: 'The name shown on the chat page: the manufacturer’s or the service company’s.' }),
  WEBCHAT_ALLOWED_ORIGINS: optional(
    z
      .string()
      .max(2000)
      .transform((text) =>
        text
          .split(',')
          .map((origin) => origin.trim())
          .filter(Boolean),
      )
      .refine(
        (origins) => origins.every((origin) => /^https?:\/\/[^/\s]+$/.test(origin) && new URL(origin).origin === origin),
        'must be origins such as https://www.example.com (scheme and host, no path), comma-separated',
      ),
    {
      group: 'webchat',
      shown: 'none: the chat works on this server’s own pages only',
      example: 'https://www.example.com',
      about: 'Other sites that may embed the chat: their pages may call `/webchat/session` and Direct Line (CORS) and frame the chat page.',
    },
  ),
  BOT_SERVICE_URLS: withDefault(z.string().max(2000), {
    group: 'webchat',
    default: DEFAULT_BOT_SERVICE_URLS.join(','),
    about: 'Where Bot Framework replies may go (with an app id): URL prefixes, `*` for one host label.',
  }),
  BOT_EMULATOR: withDefault(flag(), {
    group: 'webchat',
    default: 'false',
    about: 'Local development with the Bot Framework Emulator, without an app id: opens `/api/messages` to unauthenticated activities whose serviceUrl is on loopback. Never in production.',
  }),

  // The outbox
  OUTBOX_RETRY_LIMIT: withDefault(z.coerce.number().int().min(0).max(50), {
    group: 'outbox',
    default: '8',
    about: 'Failures held against one message before it is given up on (a provider’s outage is not held against it).',
  }),
  OUTBOX_RETRY_DELAY: withDefault(z.coerce.number().int().min(1).max(3600), {
    group: 'outbox',
    default: '30',
    about: 'Seconds before the first retry, doubling after each failure (a provider’s Retry-After wins).',
  }),
  OUTBOX_CONCURRENCY: withDefault(z.string().max(200), {
    group: 'outbox',
    default: 'sms=16,webchat=16,slack=8',
    about: 'Sends in flight per provider and instance: one number for all, or per provider.',
  }),
  OUTBOX_POLL_MS: withDefault(z.coerce.number().int().min(20).max(10_000), { group: 'outbox', default: '250', about: 'How often (ms) an idle instance looks for new messages.' }),
  OUTBOX_LEASE_SECONDS: withDefault(z.coerce.number().int().min(25).max(3600), {
    group: 'outbox',
    default: '30',
    about: 'How long a claimed message is the claiming instance’s before another may send it (after a crash mid-send).',
  }),
  PROVIDER_ALERT_AFTER: withDefault(z.coerce.number().min(0.05).max(1440), {
    group: 'outbox',
    default: '5',
    about:
      'Minutes a provider (Twilio, Slack, the web chat connector) fails continuously before staff are told, in the staff channel and by SMS to `PROVIDER_ALERT_PHONES` when Slack is the one down.',
  }),
  PROVIDER_ALERT_PHONES: optional(z.string().max(1000), {
    group: 'outbox',
    example: '+8613800138000,+8613900139000',
    about: 'On-call numbers (E.164, comma-separated) told by SMS of a failing provider.',
  }),

  // Operations
  METRICS_TOKEN: optional(z.string().min(16, 'must be at least 16 characters'), {
    group: 'operations',
    shown: 'the admin token only',
    example: 'a-long-random-token-for-the-scraper',
    about: 'Bearer token for `GET /metrics` (Prometheus).',
  }),
  JOB_POLL_SECONDS: withDefault(z.coerce.number().min(0.5).max(60), { group: 'operations', default: '2', about: 'How often job workers look for work, in seconds.' }),
  TIMER_SWEEP_SECONDS: withDefault(z.coerce.number().min(0.5).max(60), {
    group: 'operations',
    default: '2',
    about: 'How often deadlines (warnings, breaches), unanswered hand-offs and survey prompts are checked, in seconds (one instance at a time).',
  }),

  // Customers' files
  MEDIA_DIR: optional(z.string(), { group: 'media', shown: '`$DATA_DIR/media`', about: 'Where customers’ files (photos, PDFs) are kept, named by their SHA-256.' }),
  MEDIA_MAX_BYTES: withDefault(z.coerce.number().int().min(1024).max(100_000_000), { group: 'media', default: '10000000', about: 'The largest file a customer can send (at most 5 per message).' }),
  MEDIA_S3_BUCKET: optional(z.string().regex(/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/, 'must be an S3 bucket name'), {
    group: 'media',
    example: 'aftercare-media',
    about: 'A bucket on S3 or an S3-compatible service (MinIO, R2…) instead of `MEDIA_DIR`; needed for several instances.',
  }),
  MEDIA_S3_ENDPOINT: optional(httpUrl(), { group: 'media', shown: 'AWS', example: 'http://minio:9000', about: 'The S3-compatible service’s endpoint.' }),
  MEDIA_S3_REGION: withDefault(z.string().min(1).max(40), { group: 'media', default: 'us-east-1', about: 'The bucket’s region.' }),
  MEDIA_S3_PREFIX: withDefault(z.string().max(200), { group: 'media', default: 'aftercare/media/', about: 'Key prefix for the files in the bucket.' }),
  MEDIA_S3_ACCESS_KEY_ID: optional(z.string().min(1).max(200), { group: 'media', shown: 'the AWS SDK’s default chain', about: 'Credentials for the bucket, with `MEDIA_S3_SECRET_ACCESS_KEY`.' }),
  MEDIA_S3_SECRET_ACCESS_KEY: optional(z.string().min(1).max(200), { group: 'media', about: 'The secret of `MEDIA_S3_ACCESS_KEY_ID`.' }),

  // Limits
  LIMIT_WEBCHAT_SESSIONS: withDefault(rateLimit(), { group: 'limits', default: '30/600', about: 'Chat sessions and Direct Line tokens per client IP (`count/seconds`, as every limit here).' }),
  LIMIT_DIRECTLINE_POSTS: withDefault(rateLimit(), { group: 'limits', default: '120/60', about: 'Direct Line posts per client IP.' }),
  LIMIT_MESSAGES: withDefault(rateLimit(), { group: 'limits', default: '30/60', about: 'Messages per customer on every channel (SMS and Slack: kept, not processed, the customer told once).' }),
  LIMIT_HANDOFFS: withDefault(rateLimit(), { group: 'limits', default: '3/3600', about: 'Live hand-offs per customer (and per visitor IP on web chat).' }),
  LIMIT_RECORD_VIEWS: withDefault(rateLimit(), { group: 'limits', default: '60/600', about: 'Service record pages (`/r/…`, from resolution SMS) per client IP, good links or not.' }),
  LIMIT_SIGN_IN: withDefault(rateLimit(), { group: 'limits', default: '10/900', about: 'Failed staff sign-ins per client IP and per email.' }),
  LINK_CODE_COOLDOWN: withDefault(z.coerce.number().int().min(1).max(3600), { group: 'limits', default: '60', about: 'Seconds between verification codes to one phone (LINK).' }),
  LINK_CODES_PER_DAY: withDefault(z.coerce.number().int().min(1).max(100), { group: 'limits', default: '5', about: 'Verification codes per phone and per conversation a day.' }),
  LINK_COUNTRY_CODES: optional(z.string().regex(/^\d{1,4}(,\d{1,4})*$/, 'must be calling codes such as 86,852'), {
    group: 'limits',
    shown: 'any',
    example: '86,852',
    about: 'The calling codes verification codes may go to.',
  }),
  VERIFICATION_SMS_PER_HOUR: withDefault(z.coerce.number().int().min(1).max(100_000), {
    group: 'limits',
    default: '100',
    about: 'An hourly budget of verification SMS for the whole service; when spent, staff are alerted once (notifications still go out).',
  }),

  // People
  HANDOFF_TIMEOUT: withDefault(z.coerce.number().int().min(1).max(1440), {
    group: 'people',
    default: '15',
    about: 'Minutes before a hand-off nobody from staff answers is escalated again (`<!here>` in the staff channel) and the customer told what to expect.',
  }),
  FEEDBACK_DELAY: withDefault(z.coerce.number().int().min(0).max(1440), { group: 'people', default: '10', about: 'Minutes after the fix is resolved before the rating question goes out (§3.3a).' }),
  FEEDBACK_REMINDER: withDefault(z.coerce.number().min(0.1).max(24), { group: 'people', default: '12', about: 'Hours without an answer before one reminder.' }),
  FEEDBACK_WINDOW: withDefault(
    z.coerce
      .number()
      .min(1)
      .max(24 * 14),
    { group: 'people', default: '24', about: 'Hours after the resolution within which feedback counts as collected in time (§3.3a); later answers are kept, marked late.' },
  ),
  CONFIRM_WINDOW: withDefault(
    z.coerce
      .number()
      .min(1)
      .max(24 * 60),
    { group: 'people', default: '72', about: 'Hours after a resolution with neither YES nor NO before the service is completed, unconfirmed, and the customer told (§3.3a).' },
  ),
  COMPLAINT_KEYWORDS: optional(z.string().max(4000), {
    group: 'people',
    shown: 'a built-in English and Chinese list',
    example: 'complaint,unacceptable,refund,投诉,不满意,退款',
    about: 'Words (comma-separated, any language) that make a customer’s message a complaint (§3.3d).',
  }),
})

export type Environment = z.infer<typeof ENVIRONMENT>
