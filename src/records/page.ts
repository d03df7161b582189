/**
 * The printable service record (§3.1e) a customer opens from their resolution SMS: the same fields as
 * the chat version (serviceRecordFields), in their language, on one page that prints on A4.
 */
import { formatDateTime } from '../../flows/dates.ts'
import type { Locale } from '../../flows/locale.ts'
import { type Html, html } from '../http/html.ts'
import { type ServiceRecord, serviceRecordFields } from '../notifications/templates.ts'

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1b1f24}
h1{font-size:1.4rem;margin:0 0 .25rem}p.brand{color:#57606a;margin:0 0 1.5rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;vertical-align:top;padding:.5rem .25rem;border-top:1px solid #d0d7de}
th{width:34%;font-weight:600;color:#424a53}footer{margin-top:2rem;color:#57606a;font-size:.9rem}
@media print{body{margin:0;max-width:none}footer{display:none}}`

const TEXT = {
  en: { title: 'Service record', requested: 'Requested', resolved: 'Resolved', keep: 'Keep this record: it shows the parts fitted and their warranty.' },
  'zh-CN': { title: '服务记录', requested: '申请时间', resolved: '完成时间', keep: '请保存本记录：其中列有更换的配件及保修期。' },
} as const

const page = (locale: Locale, title: string, body: Html) =>
  html`<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex"><title>${title}</title><style>${STYLE}</style></head><body>${body}</body></html>`
    .text

export function recordPage(record: ServiceRecord, options: { locale: Locale; timeZone: string; brandName: string }): string {
  const { locale, timeZone } = options
  const text = TEXT[locale]
  const rows = [
    ...serviceRecordFields(record, locale, timeZone),
    { label: text.requested, value: formatDateTime(record.requestedAt, locale, timeZone) },
    { label: text.resolved, value: formatDateTime(record.resolvedAt, locale, timeZone) },
  ]
  return page(
    locale,
    `${text.title} ${record.number}`,
    html`<h1>${text.title} ${record.number}</h1><p class="brand">${options.brandName}</p>
<table>${rows.map((row) => html`<tr><th>${row.label}</th><td>${row.value}</td></tr>`)}</table>
<footer>${text.keep}</footer>`,
  )
}

/** Why a link opens nothing, in both languages (the link does not say whose it was). */
export function recordLinkProblemPage(reason: 'invalid' | 'expired' | 'missing'): string {
  const message = {
    invalid: ['This link is not valid. Check that it was copied whole.', '此链接无效，请确认链接完整。'],
    expired: ['This link has expired. Reply STATUS to us by SMS, or ask us for the record again.', '此链接已过期。请短信回复“状态”，或联系我们重新获取服务记录。'],
    missing: ['There is no service record here (yet).', '此处（暂时）没有服务记录。'],
  }[reason]
  return page('en', 'Service record', html`<h1>Service record · 服务记录</h1><p>${message[0]}</p><p lang="zh-CN">${message[1]}</p>`)
}
