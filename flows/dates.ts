/**
 * Calendar days as the customer writes them, and instants as the customer reads them.
 * Pure: "today" always comes in from the caller, in the service's time zone.
 */
import type { Locale } from './locale.ts'

/** A calendar day, YYYY-MM-DD. */
export type IsoDate = string

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const RELATIVE: Record<string, number> = {
  today: 0,
  tod: 0,
  now: 0,
  今天: 0,
  今日: 0,
  yesterday: -1,
  昨天: -1,
  昨日: -1,
  'day before yesterday': -2,
  前天: -2,
  tomorrow: 1,
  tmr: 1,
  明天: 1,
  明日: 1,
  'day after tomorrow': 2,
  后天: 2,
}

function toUtc(iso: IsoDate): Date {
  return new Date(`${iso}T00:00:00Z`)
}

export function addDays(iso: IsoDate, days: number): IsoDate {
  const date = toUtc(iso)
  date.setUTCDate(date.getUTCDate() + days)
  return date.toISOString().slice(0, 10)
}

export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round((toUtc(to).getTime() - toUtc(from).getTime()) / 86_400_000)
}

function valid(year: number, month: number, day: number): IsoDate | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined
  const date = new Date(Date.UTC(year, month - 1, day))
  if (date.getUTCMonth() !== month - 1) return undefined
  return date.toISOString().slice(0, 10)
}

/** A day and month without a year: the year that puts it nearest to today. */
function nearest(month: number, day: number, today: IsoDate): IsoDate | undefined {
  const year = Number(today.slice(0, 4))
  const candidates = [year - 1, year, year + 1].map((y) => valid(y, month, day)).filter((d): d is IsoDate => d !== undefined)
  candidates.sort((a, b) => Math.abs(daysBetween(today, a)) - Math.abs(daysBetween(today, b)))
  return candidates[0]
}

function withYear(year: number | undefined, month: number, day: number, today: IsoDate): IsoDate | undefined {
  if (year === undefined) return nearest(month, day, today)
  return valid(year < 100 ? 2000 + year : year, month, day)
}

/**
 * Reads a date: today / yesterday / tomorrow (English or Chinese), 2026-11-20, 20/11, 20/11/2026,
 * 11/20 (when the day cannot be a month), 11月20日, 2026年11月20日, 20 Nov, Nov 20.
 * Day-first wins when both readings are possible, as in the agreement's own forms.
 */
export function parseDate(text: string, today: IsoDate): IsoDate | undefined {
  const answer = text
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[.,。，]$/, '')
  if (answer in RELATIVE) return addDays(today, RELATIVE[answer]!)

  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(answer)
  if (m) return valid(Number(m[1]), Number(m[2]), Number(m[3]))

  m = /^(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$/.exec(answer)
  if (m) return withYear(m[1] ? Number(m[1]) : undefined, Number(m[2]), Number(m[3]), today)

  m = /^(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{2}|\d{4}))?$/.exec(answer)
  if (m) {
    const [a, b] = [Number(m[1]), Number(m[2])]
    const year = m[3] ? Number(m[3]) : undefined
    const [day, month] = a > 12 || b <= 12 ? [a, b] : [b, a]
    return withYear(year, month, day, today)
  }

  m = /^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?(?:,?\s+(\d{4}))?$/.exec(answer)
  if (m) {
    const month = MONTHS.indexOf(m[2]!.slice(0, 3)) + 1
    if (month) return withYear(m[3] ? Number(m[3]) : undefined, month, Number(m[1]), today)
  }
  m = /^([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?$/.exec(answer)
  if (m) {
    const month = MONTHS.indexOf(m[1]!.slice(0, 3)) + 1
    if (month) return withYear(m[3] ? Number(m[3]) : undefined, month, Number(m[2]), today)
  }
  return undefined
}

const intlLocale = (locale: Locale) => (locale === 'zh-CN' ? 'zh-CN' : 'en-GB')

/** "Thu 26 Nov, 14:05" / "11月26日周四 14:05", in the service's time zone. */
export function formatDateTime(instant: string | Date, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(intlLocale(locale), {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(new Date(instant))
}

/** How customers name a zone: the usual local name where we know one, else Intl's long name. */
const ZONE_NAMES: Record<string, Record<Locale, string>> = {
  'Asia/Shanghai': { en: 'Beijing time', 'zh-CN': '北京时间' },
  'Asia/Chongqing': { en: 'Beijing time', 'zh-CN': '北京时间' },
  'Asia/Hong_Kong': { en: 'Hong Kong time', 'zh-CN': '香港时间' },
  'Asia/Taipei': { en: 'Taipei time', 'zh-CN': '台北时间' },
  UTC: { en: 'UTC', 'zh-CN': 'UTC' },
  'Etc/UTC': { en: 'UTC', 'zh-CN': 'UTC' },
}

export function zoneName(timeZone: string, locale: Locale): string {
  const known = ZONE_NAMES[timeZone]?.[locale]
  if (known) return known
  const part = new Intl.DateTimeFormat(intlLocale(locale), { timeZone, timeZoneName: 'long' }).formatToParts(new Date()).find((item) => item.type === 'timeZoneName')
  return part?.value ?? timeZone
}

/** A time told to a customer: with its zone, so nobody reads it in their own ("Thu 26 Nov, 10:00 Beijing time" / "北京时间 11月26日周四 10:00"). */
export function formatCustomerTime(instant: string | Date, locale: Locale, timeZone: string): string {
  const time = formatDateTime(instant, locale, timeZone)
  return locale === 'zh-CN' ? `${zoneName(timeZone, locale)} ${time}` : `${time} ${zoneName(timeZone, locale)}`
}

/** "Wed 2 Dec" / "12月2日周三" for a calendar day. */
export function formatDay(iso: IsoDate, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale(locale), { timeZone: 'UTC', weekday: 'short', day: 'numeric', month: 'short' }).format(toUtc(iso))
}

/** "25 Nov 2027" / "2027年11月25日": a day with its year, for dates far off (warranties). */
export function formatDate(iso: IsoDate, locale: Locale): string {
  return new Intl.DateTimeFormat(intlLocale(locale), { timeZone: 'UTC', day: 'numeric', month: locale === 'zh-CN' ? 'long' : 'short', year: 'numeric' }).format(toUtc(iso))
}

/** The calendar day on which an instant falls, in a time zone. */
export function dayIn(instant: string | Date, timeZone: string): IsoDate {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(instant))
}
