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
    await page.locator('input[name=token]').fill(ADMIN_TOKEN)
    await page.locator('button[type=submit]').click()
    await page.waitForURL(`${t.url}/dashboard`)
    // The sign-in redirect dropped the query: choose the period again, as a user would.
    await page.locator('input[name=from]').fill('2026-11-01')
    await page.locator('input[name=to]').fill('2026-11-30')
    await page.locator('#period button[type=submit]').click()
    // Page functions as strings: this file is type-checked without the DOM library.
    await page.waitForFunction(`document.getElementById('status').textContent.startsWith('Period 2026-11-01')`)

    const cards = await page.locator('.card').allInnerTexts()
    expect(cards.find((text) => text.startsWith('Responded within 24 h'))).toContain('75.0%')
    expect(cards.find((text) => text.startsWith('Responded within 24 h'))).toContain('3 / 4')
    expect(cards.find((text) => text.startsWith('Satisfied'))).toContain('50.0%')
    expect(cards.find((text) => text.startsWith('Deadline breaches'))).toContain('damages 50.00 CNY')
    const rows = await page.locator('#technician-table tbody tr').allInnerTexts()
    expect(rows.map((row) => row.split('\t')[0])).toEqual(['Li, Ming "Lao Li" 李明', 'Wang Gong', 'Zhao (no tickets)'])
    // Four charts drawn.
    expect(await page.evaluate(`[...document.querySelectorAll('canvas')].filter((canvas) => canvas.width > 0).length`)).toBe(4)
    // The charts speak as Slack does: named services, and who answers for a root cause (§3.2c).
    expect(await page.evaluate(`Chart.getChart('types').data.labels`)).toEqual(['Repair', 'Installation', 'Maintenance', 'Spare parts', 'Technical support', 'Training'])
    expect(await page.evaluate(`Chart.getChart('causes').data.labels.slice(0, 3)`)).toEqual(['Product defect (Party A)', 'Improper use (Party B)', 'Environment (Party B)'])
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
    await page.locator('input[name=token]').fill('not-the-token')
    await page.locator('button[type=submit]').click()
    await page.waitForURL(/error=1/)
    expect(await page.locator('#error').isVisible()).toBe(true)
    const status = await page.evaluate(async () => (await fetch('/api/reports/trend')).status)
    expect(status).toBe(401)
    await context.close()
    expect(blocked, 'the page works under its Content-Security-Policy').toEqual([])
  })
})
