/**
 * Configuration: read from the environment once, validated here, trusted everywhere else.
 * Every variable is documented in .env.example.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { Holidays } from './tickets/calendar.ts'
import { LOCALES, type Locale } from '../flows/locale.ts'

export interface TwilioConfig {
  authToken: string
  /** Both needed to send proactive messages; inbound works with the auth token alone. */
  accountSid: string | undefined
  from: string | undefined
  apiUrl: string
}

export interface Config {
  port: number
  publicUrl: string
  databaseUrl: string | undefined
  dataDir: string
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'
  adminToken: string | undefined
  twilio: TwilioConfig | undefined
  serviceTimeZone: string
  holidays: Holidays
  defaultLocale: Locale
}

export class ConfigError extends Error {
  override name = 'ConfigError'
}

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema.optional())
const isoDate = /^\d{4}-\d{2}-\d{2}$/

const env = z.object({
  PORT: z.preprocess((v) => (v === '' || v === undefined ? '3000' : v), z.coerce.number().int().min(0).max(65535)),
  PUBLIC_URL: optional(z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, ''))),
  DATABASE_URL: optional(z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')),
  DATA_DIR: optional(z.string()),
  LOG_LEVEL: optional(z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])),
  ADMIN_TOKEN: optional(z.string().min(16, 'must be at least 16 characters')),
  TWILIO_ACCOUNT_SID: optional(z.string().regex(/^AC[0-9a-fA-F]{32}$/, 'must look like AC followed by 32 hex digits')),
  TWILIO_AUTH_TOKEN: optional(z.string().min(8)),
  TWILIO_FROM: optional(z.string().regex(/^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, 'must be an E.164 number (+8613800138000) or a Messaging Service SID (MG…)')),
  TWILIO_API_URL: optional(z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, ''))),
  SERVICE_TIMEZONE: optional(z.string().refine((zone) => Intl.supportedValuesOf('timeZone').includes(zone) || zone === 'UTC', 'must be an IANA time zone such as Asia/Shanghai')),
  HOLIDAYS_FILE: optional(z.string()),
  DEFAULT_LOCALE: optional(z.enum(LOCALES)),
})

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
  const parsed = env.safeParse(source)
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
    dataDir: path.resolve(e.DATA_DIR ?? 'data'),
    logLevel: e.LOG_LEVEL ?? 'info',
    adminToken: e.ADMIN_TOKEN,
    twilio: e.TWILIO_AUTH_TOKEN
      ? { authToken: e.TWILIO_AUTH_TOKEN, accountSid: e.TWILIO_ACCOUNT_SID, from: e.TWILIO_FROM, apiUrl: e.TWILIO_API_URL ?? 'https://api.twilio.com' }
      : undefined,
    serviceTimeZone: e.SERVICE_TIMEZONE ?? 'Asia/Shanghai',
    holidays: loadHolidays(e.HOLIDAYS_FILE),
    defaultLocale: e.DEFAULT_LOCALE ?? 'en',
  }
}

/** One line per channel for the start-up log: what is on, and what is missing for the rest. */
export function describeChannels(config: Config): string[] {
  const lines: string[] = []
  if (!config.twilio) lines.push('SMS channel off: set TWILIO_AUTH_TOKEN (and TWILIO_ACCOUNT_SID, TWILIO_FROM to send notifications)')
  else if (!config.twilio.accountSid || !config.twilio.from) lines.push('SMS channel on for replies; proactive SMS off: set TWILIO_ACCOUNT_SID and TWILIO_FROM')
  else lines.push(`SMS channel on: webhook ${config.publicUrl}/twilio/sms, sending from ${config.twilio.from}`)
  return lines
}
