/** The agreement report as rows (one figure each, with numerator and denominator), CSV and Markdown. */
import type { ServiceType } from '../../flows/service-types.ts'
import { SERVICE_LABELS } from '../tickets/labels.ts'
import type { AgreementReport, Figures, Ratio } from './figures.ts'

export interface FigureRow {
  /** overall, type or technician */
  scope: string
  key: string
  figure: string
  numerator: number | null
  denominator: number | null
  value: number | null
}

/** Every figure of one scope, flattened; counts have no denominator. */
export function figureRows(figures: Figures): Omit<FigureRow, 'scope' | 'key'>[] {
  const share = (figure: string, r: Ratio) => ({ figure, numerator: r.numerator, denominator: r.denominator, value: r.value })
  const count = (figure: string, value: number) => ({ figure, numerator: null, denominator: null, value })
  return [
    count('requests', figures.requests.total),
    ...Object.entries(figures.requests.byType).map(([type, n]) => count(`requests.${type}`, n)),
    ...Object.entries(figures.requests.byChannel).map(([channel, n]) => count(`requests.channel.${channel}`, n)),
    share('responded_within_24h', figures.respondedWithin24h),
    share('installed_within_3_working_days', figures.installedWithin3WorkingDays),
    share('diagnosed_within_1h', figures.diagnosedWithin1h),
    { figure: 'cycle_days_average', numerator: figures.cycleDays.total, denominator: figures.cycleDays.count, value: figures.cycleDays.average },
    count('cycle_days_median', figures.cycleDays.median ?? NaN),
    share('satisfaction', figures.satisfaction),
    share('average_rating', figures.averageRating),
    share('feedback_within_24h', figures.feedbackWithin24h),
    ...Object.entries(figures.rootCauses.byCause).map(([cause, n]) => count(`root_cause.${cause}`, n)),
    share('root_cause.party_a', figures.rootCauses.partyA),
    share('root_cause.party_b', figures.rootCauses.partyB),
    count('parts_fitted', figures.parts.fitted),
    share('parts_genuine', figures.parts.genuine),
    share('warranty_repairs', figures.warrantyRepairs),
    count('complaints_opened', figures.complaints.opened),
    count('complaints_resolved', figures.complaints.resolved),
    count('complaints_open_at_end', figures.complaints.openAtEnd),
    ...Object.entries(figures.breaches.byKind).map(([kind, n]) => count(`breaches.${kind}`, n)),
    count('breaches', figures.breaches.total),
    count('breaches_excused_by_force_majeure', figures.breaches.excused),
    count('non_conforming_services', figures.damages.services),
    count('liquidated_damages', figures.damages.amount),
    count('services_excused_by_force_majeure', figures.damages.waived.services),
    count('force_majeure_damages_waived', figures.damages.waived.amount),
    ...Object.entries(figures.damages.byReason).map(([reason, n]) => count(`non_conformity.${reason}`, n)),
    count('force_majeure_notices', figures.forceMajeureNotices),
    ...Object.entries(figures.partyABreaches.byKind).map(([kind, n]) => count(`party_a_breaches.${kind}`, n)),
    count('party_a_breaches', figures.partyABreaches.total),
    count('direct_losses_caused_by_party_a', figures.directLosses.partyA.amount),
    count('direct_losses_caused_by_party_b', figures.directLosses.partyB.amount),
  ].map((row) => ({ ...row, value: row.value !== null && Number.isNaN(row.value) ? null : row.value }))
}

export function reportRows(report: AgreementReport): FigureRow[] {
  return [
    ...figureRows(report.overall).map((row) => ({ scope: 'overall', key: '', ...row })),
    ...Object.entries(report.byType).flatMap(([type, figures]) => figureRows(figures).map((row) => ({ scope: 'type', key: type, ...row }))),
    ...report.byTechnician.flatMap(({ technician, figures }) => figureRows(figures).map((row) => ({ scope: 'technician', key: technician.name, ...row }))),
  ]
}

/** RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled; CRLF lines. */
export function csvField(value: string | number | null): string {
  if (value === null) return ''
  // A text cell a spreadsheet would run as a formula (a technician named "=HYPERLINK(…)") is
  // quoted with a leading apostrophe, which spreadsheets show as text.
  const text = typeof value === 'number' ? String(Math.round(value * 1e6) / 1e6) : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

export function toCsv(report: AgreementReport): string {
  const header = ['period_from', 'period_to', 'time_zone', 'scope', 'key', 'figure', 'numerator', 'denominator', 'value']
  const lines = reportRows(report).map((row) =>
    [report.period.from, report.period.to, report.period.timeZone, row.scope, row.key, row.figure, row.numerator, row.denominator, row.value].map(csvField).join(','),
  )
  // A byte-order mark so that spreadsheet programs read the Chinese text as UTF-8.
  return `\ufeff${[header.join(','), ...lines].join('\r\n')}\r\n`
}

const percent = (r: Ratio) => (r.value === null ? '—' : `${(r.value * 100).toFixed(1)}% (${r.numerator}/${r.denominator})`)
const days = (value: number | null) => (value === null ? '—' : `${value.toFixed(2)} days`)

/** For the coordination meeting (§3.3c): the headline figures and the breakdowns, as Markdown. */
export function toMarkdown(report: AgreementReport): string {
  const o = report.overall
  const lines = [
    `# Service report ${report.period.from} – ${report.period.to} (${report.period.timeZone})`,
    '',
    '| figure | value | clause |',
    '|---|---|---|',
    `| requests | ${o.requests.total} (${Object.entries(o.requests.byChannel)
      .map(([channel, n]) => `${channel} ${n}`)
      .join(', ')}) | §3.1a |`,
    `| responded within 24 h | ${percent(o.respondedWithin24h)} | §2.2 |`,
    `| installed within 3 working days | ${percent(o.installedWithin3WorkingDays)} | §2.1a |`,
    `| diagnosed within 1 h | ${percent(o.diagnosedWithin1h)} | §3.1c |`,
    `| cycle, submission to confirmed fix | average ${days(o.cycleDays.average)}, median ${days(o.cycleDays.median)} (${o.cycleDays.count} services) | §3.1f |`,
    `| satisfied (rating 4–5) | ${percent(o.satisfaction)}; average rating ${o.averageRating.value === null ? '—' : o.averageRating.value.toFixed(2)} | §3.3b |`,
    `| feedback collected within 24 h | ${percent(o.feedbackWithin24h)} | §3.3a |`,
    `| product defects (Party A) / use and environment (Party B) | ${percent(o.rootCauses.partyA)} / ${percent(o.rootCauses.partyB)} | §3.2c |`,
    `| parts fitted, genuine | ${o.parts.fitted}, ${percent(o.parts.genuine)} | §2.3 |`,
    `| warranty repairs | ${percent(o.warrantyRepairs)} | §2.2a |`,
    `| complaints opened / resolved / open at end | ${o.complaints.opened} / ${o.complaints.resolved} / ${o.complaints.openAtEnd} | §3.3d |`,
    `| deadline breaches | ${o.breaches.total} (${Object.entries(o.breaches.byKind)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ')}) | §4.1b |`,
    `| non-conforming services, liquidated damages (10% of value, once per service) | ${o.damages.services}, ${o.damages.amount.toFixed(2)} ${report.currency} | §4.1b |`,
    `| reasons | ${
      Object.entries(o.damages.byReason)
        .filter(([, n]) => n)
        .map(([reason, n]) => `${reason.replace(/_/g, ' ')} ${n}`)
        .join(', ') || 'none'
    } | §4.1b |`,
    `| force majeure | ${o.forceMajeureNotices} notices to Party A; ${o.breaches.excused} breaches excused; ${o.damages.waived.services} services, ${o.damages.waived.amount.toFixed(2)} ${report.currency} waived | §4.1c |`,
    `| Party A's breaches | ${o.partyABreaches.total} (${Object.entries(o.partyABreaches.byKind)
      .map(([kind, n]) => `${kind.replace(/_/g, ' ')} ${n}`)
      .join(', ')}) | §4.1a |`,
    `| direct losses caused by Party A / by Party B | ${o.directLosses.partyA.amount.toFixed(2)} / ${o.directLosses.partyB.amount.toFixed(2)} ${report.currency} (${o.directLosses.partyA.count} / ${o.directLosses.partyB.count}) | §4.1d |`,
    '',
    '## By service type',
    '',
    '| type | requests | responded ≤ 24 h | satisfied | cycle (avg days) | breaches | damages |',
    '|---|---|---|---|---|---|---|',
    ...Object.entries(report.byType).map(
      ([type, f]) =>
        `| ${SERVICE_LABELS[type as ServiceType]} | ${f.requests.total} | ${percent(f.respondedWithin24h)} | ${percent(f.satisfaction)} | ${days(f.cycleDays.average)} | ${f.breaches.total} | ${f.damages.amount.toFixed(2)} |`,
    ),
    '',
    '## By technician (§3.2d–e)',
    '',
    '| technician | responded ≤ 24 h | diagnosed ≤ 1 h | satisfied | complaints opened | breaches |',
    '|---|---|---|---|---|---|',
    ...report.byTechnician.map(
      ({ technician, figures: f }) =>
        `| ${technician.name.replace(/\|/g, '\\|')} | ${percent(f.respondedWithin24h)} | ${percent(f.diagnosedWithin1h)} | ${percent(f.satisfaction)} | ${f.complaints.opened} | ${f.breaches.total} |`,
    ),
    '',
  ]
  return lines.join('\n')
}
