/**
 * The staff dashboard in real Chromium: sign-in with the admin token, the agreement's figures
 * and charts for a period, and a refused wrong token. Screenshot in test/e2e/artifacts/.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, startTestApp, type TestApp } from '../support/app.ts'
import { seedReportFixture } from '../support/report-fixture.ts'
import { cspViolations, launchChromium } from './browser.ts'

const ARTIFACTS = path.join(import.meta.dirname, 'artifacts')
let t: TestApp
let browser: Browser

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true })
  t = await startTestApp({ now: '2026-11-30T02:00:00Z' })
  await seedReportFixture(t.db.prisma)
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await t?.close()
})

describe('the dashboard', () => {
  it('asks for the admin token, then shows the figures and charts for the period', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1300 } })
    const blocked = cspViolations(page)
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(`${t.url}/dashboard?from=2026-11-01&to=2026-11-30`)
    // People sign in with email and password (issue 15); the operator opens the token form.
    await page.locator('details summary').click()
    await page.locator('input[name=token]').fill(ADMIN_TOKEN)
    await page.getByRole('button', { name: 'Sign in with the token' }).click()
    await page.waitForURL(`${t.url}/dashboard`)
    // The page loads its default period first: let it finish, so that it cannot land after ours.
    await page.locator('body[data-loaded="true"]').waitFor()
    // The sign-in redirect dropped the query: choose the period again, as a user would.
    await page.locator('input[name=from]').fill('2026-11-01')
    await page.locator('input[name=to]').fill('2026-11-30')
    await page.locator('#period button[type=submit]').click()
    // A locator wait, not waitForFunction: polling a string predicate needs eval, which the page's CSP refuses.
    await page.locator('#status', { hasText: 'Period 2026-11-01 to 2026-11-30' }).waitFor()

    const cards = await page.locator('.card').allInnerTexts()
    expect(cards.find((text) => text.startsWith('Responded within 24 h'))).toContain('80.0%')
    expect(cards.find((text) => text.startsWith('Responded within 24 h'))).toContain('4 / 5')
    expect(cards.find((text) => text.startsWith('Satisfied'))).toContain('50.0%')
    expect(cards.find((text) => text.startsWith('Deadline breaches'))).toContain('damages 100.00 CNY (2 services)')
    const rows = await page.locator('#technician-table tbody tr').allInnerTexts()
    expect(rows.map((row) => row.split('\t')[0])).toEqual(['Li, Ming "Lao Li" 李明', 'Wang Gong', 'Zhao (no tickets)'])
    // Four charts drawn, each with the fixture's figures (worked out in test/reports.test.ts).
    // Page functions as strings: this file is type-checked without the DOM library.
    const charts = (await page.evaluate(
      `['trend', 'types', 'causes', 'technicians'].map((id) => { const chart = Chart.getChart(id); return chart ? { id, labels: chart.data.labels, data: chart.data.datasets.map((set) => set.data) } : { id, missing: true } })`,
    )) as { id: string; labels: string[]; data: (number | null)[][] }[]
    const [trend, types, causes, technicians] = charts
    // Twelve weeks to the clock's (Mon 30 Nov): responses decided, and ratings, as percentages.
    expect(trend).toEqual({
      id: 'trend',
      labels: ['2026-09-14', '2026-09-21', '2026-09-28', '2026-10-05', '2026-10-12', '2026-10-19', '2026-10-26', '2026-11-02', '2026-11-09', '2026-11-16', '2026-11-23', '2026-11-30'],
      data: [
        // T6 (met 1 Nov), T1 (met), T2 (late), T3 (met), T4 (met on Mon 30 Nov, due 1 Dec: it counts when made, issue 16).
        [null, null, null, null, null, null, 100, 100, 0, 100, null, 100],
        // T1 rated 5, T2 rated 2; T3's feedback was missed.
        [null, null, null, null, null, null, null, 100, 0, null, null, null],
      ],
    })
    // The charts speak as Slack does: named services, and who answers for a root cause (§3.2c).
    expect(types).toEqual({ id: 'types', labels: ['Repair', 'Installation', 'Maintenance', 'Spare parts', 'Technical support', 'Training'], data: [[2, 1, 1, 0, 0, 0]] })
    expect(causes?.labels.slice(0, 3)).toEqual(['Product defect (Party A)', 'Improper use (Party B)', 'Environment (Party B)'])
    expect(causes?.data).toEqual([[1, 1, 0, 0, 0]])
    // Responded within 24 h and satisfied, per technician: Li 1/1 and no ratings, Wang 1/2 and 1/2, Zhao nothing.
    expect(technicians).toEqual({
      id: 'technicians',
      labels: ['Li, Ming "Lao Li" 李明', 'Wang Gong', 'Zhao (no tickets)'],
      data: [
        [100, 50, null],
        [null, 50, null],
      ],
    })
    expect(await page.locator('#csv').getAttribute('href')).toBe('/api/reports/agreement.csv?from=2026-11-01&to=2026-11-30')
    await page.screenshot({ path: path.join(ARTIFACTS, 'dashboard.png'), fullPage: true })
    expect(errors).toEqual([])
    expect(blocked, 'the page works under its Content-Security-Policy').toEqual([])
  })

  it('refuses a wrong token, and the API refuses the page without a session', async () => {
    const context = await browser.newContext()
    const page = await context.newPage()
    const blocked = cspViolations(page)
    await page.goto(`${t.url}/dashboard`)
    await page.locator('details summary').click()
    await page.locator('input[name=token]').fill('not-the-token')
    await page.getByRole('button', { name: 'Sign in with the token' }).click()
    await page.waitForURL(/error=token/)
    expect(await page.locator('#token-error').isVisible()).toBe(true)
    const status = await page.evaluate(async () => (await fetch('/api/reports/trend')).status)
    expect(status).toBe(401)
    await context.close()
    expect(blocked, 'the page works under its Content-Security-Policy').toEqual([])
  })
})
