/**
 * The chat page in real Chromium: a visitor files a request with the menu buttons and the send
 * box, sees the ticket number, and the response notification appears live when staff respond.
 * A reload continues the same conversation. Screenshots go to test/e2e/artifacts/.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startWorld, type World } from '../support/world.ts'
import { cspViolations, launchChromium } from './browser.ts'

const ARTIFACTS = path.join(import.meta.dirname, 'artifacts')
let world: World
let browser: Browser

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true })
  world = await startWorld()
  await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong', phone: '+8613911112222' }) })
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await world?.close()
})

async function type(page: Page, text: string) {
  const box = page.locator('[data-id="webchat-sendbox-input"]')
  await box.fill(text)
  await box.press('Enter')
}

/** A suggested action (the visible button; Web Chat repeats them for screen readers). */
const choice = (page: Page, name: string) => page.locator('.webchat__suggested-actions__button').getByText(name, { exact: true })

const bot = (page: Page, text: string | RegExp) => page.locator('.webchat__bubble:not(.webchat__bubble--from-user)').filter({ hasText: text }).last()

describe('the chat page', () => {
  it('files a request with buttons and typing, then shows the response notification live', async () => {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 900, height: 900 } })
    const page = await context.newPage()
    const blocked = cspViolations(page)
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await page.goto(`${world.t.url}/`)
    expect(await page.locator('h1').textContent()).toBe('Aftercare')

    await bot(page, 'What can we help you with?').waitFor()
    await choice(page, 'Repair').click()
    await bot(page, 'Which product is it?').waitFor()
    await type(page, 'WM-800')
    await bot(page, 'serial number').waitFor()
    await choice(page, 'Skip').click()
    await bot(page, 'describe the problem').waitFor()
    await type(page, 'The drum does not turn')
    await bot(page, 'send a photo of the fault').waitFor()
    await choice(page, 'Skip').last().click()
    await bot(page, 'Where should our technician come?').waitFor()
    await type(page, '88 Century Avenue, Shanghai')
    await bot(page, 'contact name').waitFor()
    await type(page, 'Li Wei')
    await bot(page, 'Please check your request').waitFor()
    await choice(page, 'Submit').click()
    const confirmation = bot(page, /Your request number is SR-\d{4}-\d{6}/)
    await confirmation.waitFor()
    const number = /SR-\d{4}-\d{6}/.exec((await confirmation.textContent()) ?? '')![0]
    // Buttons for what comes next: another request, or the visitor's requests.
    await choice(page, 'New request').waitFor()
    await choice(page, 'My requests').waitFor()

    const ticket = await world.t.getJson(`/api/tickets/${number}`)
    expect(ticket).toMatchObject({ channel: 'webchat', type: 'repair', productModel: 'WM-800', serialNumber: null, contactName: 'Li Wei' })

    // Staff respond; the notification appears in the open page without the visitor typing.
    const responded = await world.t.admin(`/api/tickets/${number}/actions`, {
      method: 'POST',
      body: JSON.stringify({ action: 'respond', technician: 'Wang Gong', appointmentAt: '2026-11-25T06:00:00Z' }),
    })
    expect(responded.status).toBe(200)
    await bot(page, `Your request ${number} has been accepted.`).waitFor({ timeout: 20_000 })
    await expect(bot(page, 'Technician: Wang Gong (+8613911112222)').count()).resolves.toBe(1)
    await page.screenshot({ path: path.join(ARTIFACTS, 'webchat-response-notification.png'), fullPage: true })

    // A reload continues the same conversation, history and all.
    await page.reload()
    await bot(page, `Your request ${number} has been accepted.`).waitFor()
    await type(page, 'status')
    await bot(page, `${number} - Repair - technician assigned`).waitFor()
    expect(errors).toEqual([])
    await context.close()
    expect(blocked, 'the page works under its Content-Security-Policy').toEqual([])
  })

  it('sends a photo with the upload button (issue 14): acknowledged and kept', async () => {
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    const blocked = cspViolations(page)
    await page.goto(`${world.t.url}/`)
    await bot(page, 'What can we help you with?').waitFor()
    // A real 1×1 PNG, attached the way a visitor does: the upload button's file input.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64')
    await page.locator('input[type="file"]').setInputFiles({ name: 'nameplate.png', mimeType: 'image/png', buffer: png })
    // Web Chat holds the picked file in the send box until the visitor sends it.
    await page.locator('[data-id="webchat-sendbox-input"]').press('Enter')
    await bot(page, 'Photo received, thank you.').waitFor()
    const kept = await world.t.db.prisma.attachment.findFirstOrThrow({ where: { channel: 'webchat' }, orderBy: { createdAt: 'desc' } })
    expect(kept).toMatchObject({ status: 'stored', contentType: 'image/png', bytes: png.length })
    // The visitor's message shows the file; our copy is the same bytes.
    await page.locator('.webchat__bubble--from-user').filter({ hasText: 'nameplate.png' }).first().waitFor()
    const served = await world.t.admin(`/api/attachments/${kept.id}`)
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true)
    await page.screenshot({ path: path.join(ARTIFACTS, 'webchat-photo.png') })
    await context.close()
    expect(blocked, 'the page works under its Content-Security-Policy').toEqual([])
  })

  it('speaks Chinese to a Chinese browser, buttons included', async () => {
    const context = await browser.newContext({ locale: 'zh-CN' })
    const page = await context.newPage()
    const blocked = cspViolations(page)
    await page.goto(`${world.t.url}/`)
    await bot(page, '请问需要什么服务').waitFor()
    await expect(choice(page, '安装').count()).resolves.toBe(1)
    expect(await page.locator('#subtitle').textContent()).toMatch(/售后服务/)
    await page.screenshot({ path: path.join(ARTIFACTS, 'webchat-chinese.png') })
    // The visible language switch: the bot and the page go to English, and back.
    await page.locator('#language').click()
    await bot(page, 'What can we help you with?').waitFor()
    await page.locator('#subtitle', { hasText: 'After-sales service' }).waitFor()
    expect(await page.locator('#language').textContent()).toBe('中文')
    await context.close()
    expect(blocked, 'the page works under its Content-Security-Policy').toEqual([])
  })

  it('a tab asleep past its token’s life (30 minutes) carries on in the same conversation (issue 18)', async () => {
    const context = await browser.newContext({ locale: 'en-US' })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    const sessions: number[] = []
    page.on('response', (response) => response.url().endsWith('/webchat/session') && sessions.push(response.status()))
    await page.goto(`${world.t.url}/`)
    await bot(page, 'What can we help you with?').waitFor()
    const before = (await page.evaluate('window.aftercareChat.session.conversationId')) as string
    // The laptop sleeps: the token lapses on the server's clock.
    world.t.clock.advance(31 * 60_000)
    try {
      // The first message is refused (TokenExpired); the page renews its token for the same conversation.
      await type(page, 'Repair')
      await expect
        .poll(
          async () => {
            await type(page, 'repair')
            return bot(page, 'Which product is it?').count()
          },
          { timeout: 20_000, interval: 3_000 },
        )
        .toBeGreaterThan(0)
      expect(await page.evaluate('window.aftercareChat.session.conversationId')).toBe(before)
      // One session at load, one fresh token after the refusal.
      expect(sessions).toEqual([200, 200])
      expect(errors).toEqual([])
    } finally {
      world.t.clock.advance(-31 * 60_000)
      await context.close()
    }
  })
})
