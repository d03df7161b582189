/**
 * Issue 15: the staff console in real Chromium. An agent signs in, finds a ticket by the
 * customer's phone number, responds with a technician, and answers a customer waiting for a
 * person (the fake Twilio receives the SMS); Party A sees the figures and tickets but no action,
 * and its POST is refused. Screenshots in test/e2e/artifacts/.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { eventually, REPAIR, startWorld, submitBySms, type World } from '../support/world.ts'
import { cspViolations, launchChromium } from './browser.ts'

const ARTIFACTS = path.join(import.meta.dirname, 'artifacts')
const PASSWORD = 'correct horse battery'
let world: World
let browser: Browser

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true })
  world = await startWorld()
  await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong' }) })
  for (const [email, role] of [
    ['dispatcher@service.example', 'agent'],
    ['maker@partya.example', 'party_a'],
  ]) {
    const created = await world.t.admin('/api/accounts', { method: 'POST', body: JSON.stringify({ email, name: role === 'agent' ? 'Li Ming' : 'Party A', role, password: PASSWORD }) })
    expect(created.status).toBe(201)
  }
  browser = await launchChromium()
})
afterAll(async () => {
  await browser?.close()
  await world?.close()
})

async function signIn(page: Page, email: string) {
  await page.goto(`${world.t.url}/console`)
  await page.waitForURL(/\/login\?next=%2Fconsole|\/login\?next=\/console/)
  await page.locator('input[name=email]').fill(email)
  await page.locator('input[name=password]').fill(PASSWORD)
  await page.getByRole('button', { name: 'Sign in', exact: true }).click()
  await page.waitForURL(`${world.t.url}/console`)
}

describe('the console', () => {
  it('an agent finds a ticket by phone, responds with a technician, and answers a customer waiting for a person', async () => {
    const { phone, number } = await submitBySms(world.t, '+8613700330001', REPAIR)
    await submitBySms(world.t, '+8613700330002', REPAIR) // another customer's ticket, not to be found
    const context = await browser.newContext({ viewport: { width: 1200, height: 1000 }, locale: 'en-US' })
    const page = await context.newPage()
    const blocked = cspViolations(page)
    const errors: string[] = []
    page.on('pageerror', (error) => errors.push(error.message))
    await signIn(page, 'dispatcher@service.example')

    await page.locator('input[name=phone]').fill(phone.number)
    await page.getByRole('button', { name: 'Show' }).click()
    await page.locator(`tr[data-number="${number}"]`).waitFor()
    expect(await page.locator('tr.row').count()).toBe(1)
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-tickets.png'), fullPage: true })
    await page.locator(`tr[data-number="${number}"] a`).click()
    await page.getByRole('heading', { name: new RegExp(`${number} · Repair · submitted`) }).waitFor()

    await page.locator('button[data-action="respond"]').click()
    await page.locator('form.action select[name=technician]').selectOption('Wang Gong')
    await page.locator('form.action input[name=category]').fill('Drum motor fault')
    await page.locator('form.action button[type=submit]').click()
    await page.locator('p.done', { hasText: 'done' }).or(page.locator('p.done')).first().waitFor()
    await page.getByRole('heading', { name: new RegExp(`${number} · Repair · responded`) }).waitFor()
    const ticket = (await world.t.getJson(`/api/tickets/${number}`)) as { technician: { name: string }; events: { type: string; actor: string }[] }
    expect(ticket.technician.name).toBe('Wang Gong')
    const account = await world.t.db.prisma.account.findUniqueOrThrow({ where: { email: 'dispatcher@service.example' } })
    expect(ticket.events.at(-1)!.actor).toBe(`account:${account.id}`)
    await eventually(() => world.twilio.sent.find((sms) => sms.to === phone.number && sms.body.includes('Wang Gong')), 'the response notification')
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-ticket.png'), fullPage: true })

    // The customer asks for a person; the agent answers from the console.
    await phone.say('AGENT')
    await page.goto(`${world.t.url}/console#/handoffs`)
    const waiting = page.locator('section.panel', { hasText: phone.number })
    await waiting.waitFor()
    await waiting.locator('textarea[name=text]').fill('Hello, this is Li Ming. Wang Gong comes tomorrow at 9.')
    await waiting.getByRole('button', { name: 'Send' }).click()
    const sms = await eventually(() => world.twilio.sent.find((message) => message.to === phone.number && message.body.startsWith('Li Ming:')), 'the reply by SMS')
    expect(sms.body).toBe('Li Ming: Hello, this is Li Ming. Wang Gong comes tomorrow at 9.')
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-handoff.png'), fullPage: true })

    // An API token for an integration: made in the console, shown once, works as the agent, revoked.
    await page.goto(`${world.t.url}/console#/me`)
    await page.locator('input[name=name]').fill('ERP integration')
    await page.getByRole('button', { name: 'New token' }).click()
    const token = (await page.locator('#new-token').textContent())!
    expect(token).toMatch(/^act_/)
    expect((await fetch(`${world.t.url}/api/tickets`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
    await page.getByRole('button', { name: 'Revoke' }).click()
    await page.locator('tr[data-token]', { hasText: 'Revoke:' }).waitFor()
    expect((await fetch(`${world.t.url}/api/tickets`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401)
    expect(errors).toEqual([])
    expect(blocked, 'the console works under its Content-Security-Policy').toEqual([])
    await context.close()
  })

  it('takes a repair from submission to completion in the browser alone', async () => {
    const { number } = await submitBySms(world.t, '+8613700330004', REPAIR)
    const context = await browser.newContext({ viewport: { width: 1200, height: 1000 }, locale: 'en-US' })
    const page = await context.newPage()
    const blocked = cspViolations(page)
    await signIn(page, 'dispatcher@service.example')
    await page.goto(`${world.t.url}/console#/tickets/${number}`)
    const act = async (action: string, fill: (form: ReturnType<Page['locator']>) => Promise<void>, status: string) => {
      await page.locator(`button[data-action="${action}"]`).click()
      const form = page.locator(`form.action[data-action="${action}"]`)
      await fill(form)
      await form.locator('button[type=submit]').click()
      await page.getByRole('heading', { name: new RegExp(`${number} · Repair · ${status}$`) }).waitFor()
    }
    await act(
      'respond',
      (form) =>
        form
          .locator('select[name=technician]')
          .selectOption('Wang Gong')
          .then(() => undefined),
      'responded',
    )
    await act('arrive', async () => undefined, 'on_site')
    await act(
      'diagnose',
      async (form) => {
        await form.locator('select[name=rootCause]').selectOption('product_defect')
        await form.locator('textarea[name=findings]').fill('Motor capacitor burnt out')
      },
      'diagnosed',
    )
    // A form the server refuses says why above it, and keeps what was typed.
    await page.locator('button[data-action="record_parts"]').click()
    const parts = page.locator('form.action[data-action="record_parts"]')
    await parts.locator('input[name=partNumber]').fill('CAP-450')
    await parts.locator('input[name=name]').fill('Motor capacitor')
    await parts.locator('input[name=quantity]').fill('0')
    await parts.locator('button[type=submit]').click()
    await parts.locator('p.problem', { hasText: 'quantity' }).waitFor()
    await parts.locator('input[name=quantity]').fill('1')
    await parts.locator('input[name=genuine]').check()
    await parts.locator('button[type=submit]').click()
    await page.getByRole('heading', { name: new RegExp(`${number} · Repair · repairing$`) }).waitFor()
    await act('test', (form) => form.locator('input[name=passed]').check(), 'testing')
    await act('resolve', (form) => form.locator('textarea[name=solution]').fill('Replaced the motor capacitor'), 'resolved')
    await act('confirm', (form) => form.locator('textarea[name=note]').fill('Customer confirmed by phone'), 'completed')
    expect(((await world.t.getJson(`/api/tickets/${number}`)) as { status: string }).status).toBe('completed')
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-completed.png'), fullPage: true })
    expect(blocked).toEqual([])
    await context.close()
  })

  it('Party A sees the figures and the tickets, no action buttons, and its POST is refused', async () => {
    const { number } = await submitBySms(world.t, '+8613700330003', REPAIR)
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'en-US' })
    const page = await context.newPage()
    const blocked = cspViolations(page)
    await signIn(page, 'maker@partya.example')
    await page.goto(`${world.t.url}/console#/tickets/${number}`)
    await page
      .getByRole('heading', { name: new RegExp(number) })
      .first()
      .waitFor()
    expect(await page.locator('button[data-action]').count()).toBe(0)
    await page.getByText('Read-only: your role cannot change tickets.').waitFor()
    // The customer's number, masked.
    expect(await page.locator('dl.facts').textContent()).toContain('+86137****0003')
    expect(await page.locator('header nav a', { hasText: 'Figures' }).count()).toBe(1)
    expect(await page.locator('header nav a', { hasText: 'Accounts' }).count()).toBe(0)
    // In Chinese, on the same page.
    await page.locator('#language').click()
    await page.getByText('只读：您的角色不能修改服务单。').waitFor()
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-party-a-zh.png'), fullPage: true })
    const refused = (await page.evaluate(
      `fetch('/api/tickets/${number}/actions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'cancel', reason: 'no' }) }).then((r) => r.status)`,
    )) as number
    expect(refused).toBe(403)
    await page.goto(`${world.t.url}/dashboard`)
    await page.locator('body[data-loaded="true"]').waitFor()
    await page.screenshot({ path: path.join(ARTIFACTS, 'console-party-a-phone.png'), fullPage: true })
    expect(blocked).toEqual([])
    await context.close()
  })
})
