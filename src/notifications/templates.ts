/**
 * What the customer receives about their ticket, in their language: the response notification
 * (§3.1b) and the resolution notification carrying the service record (§3.1e).
 */
import type { Reply } from '../../flows/conversation.machine.ts'
import { copyFor } from '../../flows/copy.ts'
import { dayIn, formatCustomerTime, formatDate } from '../../flows/dates.ts'
import type { Locale } from '../../flows/locale.ts'
import type { ServiceType } from '../../flows/service-types.ts'
import type { RootCause } from '../tickets/action-input.ts'
import { fitToSegments } from '../text/sms-segments.ts'

export interface ResponseFacts {
  number: string
  type: ServiceType
  category: string | null
  technician: { name: string; phone: string | null } | null
  appointmentAt: Date | null
}

export interface ServiceRecord {
  number: string
  type: ServiceType
  productModel: string
  serialNumber: string | null
  problem: string | null
  category: string | null
  rootCause: RootCause | null
  findings: string | null
  solution: string | null
  parts: { partNumber: string; name: string; quantity: number; genuine: boolean; warrantyEndsAt: Date }[]
  requestedAt: Date
  resolvedAt: Date
  technician: string | null
}

const ROOT_CAUSE_LABELS: Record<Locale, Record<RootCause, string>> = {
  en: { product_defect: 'product defect', improper_use: 'improper use', environment: 'site environment', wear: 'normal wear', other: 'other' },
  'zh-CN': { product_defect: '产品缺陷', improper_use: '使用不当', environment: '使用环境', wear: '正常磨损', other: '其他' },
}

/** "1 day 3 hours" / "1天3小时", rounded to the hour (to the minute under an hour). */
export function formatDuration(milliseconds: number, locale: Locale): string {
  const minutes = Math.max(1, Math.round(milliseconds / 60_000))
  if (minutes < 60) return locale === 'zh-CN' ? `${minutes}分钟` : `${minutes} minute${minutes === 1 ? '' : 's'}`
  const hours = Math.round(minutes / 60)
  const days = Math.floor(hours / 24)
  const rest = hours % 24
  if (locale === 'zh-CN') return `${days ? `${days}天` : ''}${rest ? `${rest}小时` : ''}`
  const parts = [days ? `${days} day${days === 1 ? '' : 's'}` : '', rest ? `${rest} hour${rest === 1 ? '' : 's'}` : ''].filter(Boolean)
  return parts.join(' ')
}

export function responseNotification(facts: ResponseFacts, locale: Locale, timeZone: string): Reply {
  const copy = copyFor(locale)
  const zh = locale === 'zh-CN'
  const render = (category: string) => {
    const lines = [zh ? `您的服务申请 ${facts.number} 已受理。` : `Your request ${facts.number} has been accepted.`]
    lines.push(zh ? `问题确认：${category}` : `Confirmed as: ${category}`)
    if (facts.technician) {
      const who = facts.technician.phone ? `${facts.technician.name} (${facts.technician.phone})` : facts.technician.name
      lines.push(zh ? `技术员：${who}` : `Technician: ${who}`)
    }
    if (facts.appointmentAt) {
      const when = formatCustomerTime(facts.appointmentAt, locale, timeZone)
      lines.push(zh ? `预约时间：${when}` : `Appointment: ${when}`)
    }
    lines.push(zh ? '回复“状态”随时查看进度。' : 'Reply STATUS at any time to see how it is going.')
    return lines.join('\n')
  }
  // Staff's category is the free text here: cut, if need be, to keep the SMS within MAX_SEGMENTS (issue 18).
  return { text: fitToSegments(render, facts.category ?? copy.serviceTypes[facts.type], MAX_SEGMENTS[locale]) }
}

/** One line of the service record (§3.1e): the SMS/chat text and the printable page show the same. */
export interface RecordField {
  label: string
  value: string
}

/** The service record's fields, in the customer's language; English in GSM-7 characters only. */
export function serviceRecordFields(record: ServiceRecord, locale: Locale, timeZone: string): RecordField[] {
  const copy = copyFor(locale)
  const zh = locale === 'zh-CN'
  const field = (en: string, cn: string, value: string) => ({ label: zh ? cn : en, value })
  // English in GSM-7 characters only (issue 18): one "·", "—" or "×" makes the whole SMS UCS-2,
  // which costs two to three times the segments. Chinese is UCS-2 anyway.
  const dot = zh ? ' · ' : ', '
  const fields = [field('Service', '服务', `${copy.serviceTypes[record.type]}${dot}${record.productModel}${record.serialNumber ? `${dot}S/N ${record.serialNumber}` : ''}`)]
  if (record.problem || record.category) fields.push(field('Problem', '问题', [record.category, record.problem].filter(Boolean).join(zh ? ' — ' : ' - ')))
  if (record.rootCause || record.findings) {
    const cause = record.rootCause ? ROOT_CAUSE_LABELS[locale][record.rootCause] : null
    fields.push(field('Diagnosis', '诊断', [record.findings, cause && (zh ? `原因：${cause}` : `cause: ${cause}`)].filter(Boolean).join(zh ? '；' : '; ')))
  }
  if (record.solution) fields.push(field('Solution', '解决方案', record.solution))
  for (const part of record.parts) {
    const until = formatDate(dayIn(part.warrantyEndsAt, timeZone), locale)
    const genuine = part.genuine ? '' : zh ? '（非原厂）' : ' (not original)'
    fields.push(
      field(
        'Part',
        '配件',
        zh ? `${part.name} ${part.partNumber} ×${part.quantity}${genuine}，保修至 ${until}` : `${part.name} ${part.partNumber} x${part.quantity}${genuine}, warranty until ${until}`,
      ),
    )
  }
  if (record.technician) fields.push(field('Technician', '技术员', record.technician))
  fields.push(field('Time from request to fix', '从申请到修复用时', formatDuration(record.resolvedAt.getTime() - record.requestedAt.getTime(), locale)))
  return fields
}

const confirmation = (locale: Locale): Pick<Reply, 'choices'> & { question: string } =>
  locale === 'zh-CN'
    ? {
        question: '问题解决了吗？解决了请回复“是”，没有请回复“否”。',
        choices: [
          { value: 'YES', label: '是，已解决' },
          { value: 'NO', label: '否，未解决' },
        ],
      }
    : {
        question: 'Is it fixed? Reply YES if it is, NO if it is not.',
        choices: [
          { value: 'YES', label: 'Yes, fixed' },
          { value: 'NO', label: 'No, not fixed' },
        ],
      }

/** The resolution with the whole service record (web chat, Slack); `link`: the printable page. */
export function resolutionNotification(record: ServiceRecord, locale: Locale, timeZone: string, link?: string): Reply {
  const zh = locale === 'zh-CN'
  const lines = [zh ? `服务单 ${record.number} 已处理完成。服务记录：` : `${record.number} is done. Your service record:`]
  for (const { label, value } of serviceRecordFields(record, locale, timeZone)) lines.push(zh ? `${label}：${value}` : `${label}: ${value}`)
  if (link) lines.push(zh ? `可打印的服务记录：${link}` : `To print or keep: ${link}`)
  const { question, choices } = confirmation(locale)
  lines.push(question)
  return { text: lines.join('\n'), choices }
}

/** SMS segments a notification may cost (issue 18): Chinese is UCS-2, 67 characters a segment. */
export const MAX_SEGMENTS: Record<Locale, number> = { en: 4, 'zh-CN': 8 }

/**
 * The resolution by SMS or WhatsApp (issue 18): what was done and the question, with the whole record
 * behind its link; within MAX_SEGMENTS whatever the technician wrote (the solution is cut to fit).
 */
export function resolutionNotice(record: ServiceRecord, locale: Locale, link: string): Reply {
  const zh = locale === 'zh-CN'
  const { question, choices } = confirmation(locale)
  const render = (solution: string) =>
    [
      zh ? `服务单 ${record.number} 已处理完成${solution ? `：${solution}` : '。'}` : `${record.number} is done${solution ? `: ${solution}` : '.'}`,
      zh ? `服务记录（配件、保修）：${link}` : `Your service record (parts, warranty): ${link}`,
      question,
    ].join('\n')
  return { text: fitToSegments(render, (record.solution ?? '').replace(/\s+/g, ' ').trim(), MAX_SEGMENTS[locale]), choices }
}
