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
  const lines = [zh ? `您的服务申请 ${facts.number} 已受理。` : `Your request ${facts.number} has been accepted.`]
  lines.push(zh ? `问题确认：${facts.category ?? copy.serviceTypes[facts.type]}` : `Confirmed as: ${facts.category ?? copy.serviceTypes[facts.type]}`)
  if (facts.technician) {
    const who = facts.technician.phone ? `${facts.technician.name} (${facts.technician.phone})` : facts.technician.name
    lines.push(zh ? `技术员：${who}` : `Technician: ${who}`)
  }
  if (facts.appointmentAt) {
    const when = formatCustomerTime(facts.appointmentAt, locale, timeZone)
    lines.push(zh ? `预约时间：${when}` : `Appointment: ${when}`)
  }
  lines.push(zh ? '回复“状态”随时查看进度。' : 'Reply STATUS at any time to see how it is going.')
  return { text: lines.join('\n') }
}

export function resolutionNotification(record: ServiceRecord, locale: Locale, timeZone: string): Reply {
  const copy = copyFor(locale)
  const zh = locale === 'zh-CN'
  const label = (en: string, cn: string) => (zh ? `${cn}：` : `${en}: `)
  const lines = [zh ? `服务单 ${record.number} 已处理完成。服务记录：` : `${record.number} is done. Your service record:`]
  // English in GSM-7 characters only (issue 18): one "·", "—" or "×" makes the whole SMS UCS-2,
  // which costs two to three times the segments. Chinese is UCS-2 anyway.
  const dot = zh ? ' · ' : ', '
  lines.push(`${label('Service', '服务')}${copy.serviceTypes[record.type]}${dot}${record.productModel}${record.serialNumber ? `${dot}S/N ${record.serialNumber}` : ''}`)
  if (record.problem || record.category) lines.push(`${label('Problem', '问题')}${[record.category, record.problem].filter(Boolean).join(zh ? ' — ' : ' - ')}`)
  if (record.rootCause || record.findings) {
    const cause = record.rootCause ? ROOT_CAUSE_LABELS[locale][record.rootCause] : null
    lines.push(`${label('Diagnosis', '诊断')}${[record.findings, cause && (zh ? `原因：${cause}` : `cause: ${cause}`)].filter(Boolean).join(zh ? '；' : '; ')}`)
  }
  if (record.solution) lines.push(`${label('Solution', '解决方案')}${record.solution}`)
  for (const part of record.parts) {
    const until = formatDate(dayIn(part.warrantyEndsAt, timeZone), locale)
    const genuine = part.genuine ? '' : zh ? '（非原厂）' : ' (not original)'
    lines.push(zh ? `配件：${part.name} ${part.partNumber} ×${part.quantity}${genuine}，保修至 ${until}` : `Part: ${part.name} ${part.partNumber} x${part.quantity}${genuine}, warranty until ${until}`)
  }
  if (record.technician) lines.push(`${label('Technician', '技术员')}${record.technician}`)
  lines.push(`${label('Time from request to fix', '从申请到修复用时')}${formatDuration(record.resolvedAt.getTime() - record.requestedAt.getTime(), locale)}`)
  lines.push(zh ? '问题解决了吗？解决了请回复“是”，没有请回复“否”。' : 'Is it fixed? Reply YES if it is, NO if it is not.')
  return {
    text: lines.join('\n'),
    choices: zh
      ? [
          { value: 'YES', label: '是，已解决' },
          { value: 'NO', label: '否，未解决' },
        ]
      : [
          { value: 'YES', label: 'Yes, fixed' },
          { value: 'NO', label: 'No, not fixed' },
        ],
  }
}
