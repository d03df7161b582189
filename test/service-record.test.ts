/**
 * Issue 18: the service record behind the resolution SMS's link (§3.1e). The link is signed and
 * expires; the page shows what the technician wrote as text; a link that is altered, cut or old
 * opens nothing and says why, in both languages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp } from './support/app.ts'
import { eventually, startWorld, submitBySms, type World } from './support/world.ts'
import { act } from './support/tickets.ts'

const TECHNICAL_SUPPORT = ['5', 'Router R1', 'skip', 'How do I reset it?', 'skip', 'Ed']

let world: World
beforeAll(async () => {
  world = await startWorld()
  await world.t.admin('/api/technicians', { method: 'POST', body: JSON.stringify({ name: 'Wang Gong' }) })
})
afterAll(() => world.close())

async function resolvedBySms(phoneNumber: string, solution: string): Promise<{ number: string; body: string; path: string }> {
  const { number } = await submitBySms(world.t, phoneNumber, TECHNICAL_SUPPORT)
  await act(world.t, number, { action: 'respond', technician: 'Wang Gong' })
  await act(world.t, number, { action: 'resolve', solution })
  const sms = await eventually(() => world.twilio.sent.find((message) => message.to === phoneNumber && message.body.includes('service record')), 'the resolution SMS')
  const link = /https:\/\/\S+(\/r\/[A-Za-z0-9_-]{43})/.exec(sms.body)
  expect(link, sms.body).not.toBeNull()
  return { number, body: sms.body, path: link![1]! }
}

describe('the service record link (issue 18)', () => {
  it('shows what the technician wrote as text, never as markup', async () => {
    const { path } = await resolvedBySms('+8613800004001', 'Fixed <script>alert(1)</script> & "tested"')
    const page = await fetch(world.t.url + path)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toMatch(/^text\/html/)
    const html = await page.text()
    expect(html).not.toContain('<script>')
    expect(html).toContain('<tr><th>Solution</th><td>Fixed &#60;script&#62;alert(1)&#60;/script&#62; &#38; &#34;tested&#34;</td></tr>')
  })

  it('a long solution is cut to keep the SMS within 4 segments; the page has it whole', async () => {
    const solution = `Replaced the drain pump, cleaned the filter and the hoses, ${'checked every connection again; '.repeat(40)}done.`
    const { body, path } = await resolvedBySms('+8613800004002', solution)
    expect(body.length).toBeLessThanOrEqual(4 * 153)
    expect(body).toContain('Replaced the drain pump, cleaned the filter and the hoses, checked every connection again;')
    expect(body).toMatch(/\.\.\.\nYour service record/)
    expect(await (await fetch(world.t.url + path)).text()).toContain(`<td>${solution}</td>`)
  })

  it('an altered or cut token is 404, an expired one 410, each saying why; no page is cached', async () => {
    const { path } = await resolvedBySms('+8613800004003', 'Reset the controller')
    const token = path.slice(3)
    const altered = `/r/${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`
    const forged = await fetch(world.t.url + altered)
    expect(forged.status).toBe(404)
    expect(await forged.text()).toContain('This link is not valid')
    expect((await fetch(`${world.t.url}/r/${token.slice(0, 20)}`)).status).toBe(404)
    // RECORD_LINK_DAYS (90) later.
    world.t.clock.advance(91 * 86_400_000)
    try {
      const expired = await fetch(world.t.url + path)
      expect(expired.status).toBe(410)
      expect(expired.headers.get('cache-control')).toBe('private, no-store')
      const text = await expired.text()
      expect(text).toContain('This link has expired')
      expect(text).toContain('此链接已过期')
    } finally {
      world.t.clock.advance(-91 * 86_400_000)
    }
  })

  it('has a limit per client: LIMIT_RECORD_VIEWS, good links or not, then 429', async () => {
    const limited = await startTestApp({ env: { LIMIT_RECORD_VIEWS: '2/600' } })
    try {
      const statuses = []
      for (let i = 0; i < 3; i++) statuses.push((await fetch(`${limited.url}/r/${'A'.repeat(43)}`)).status)
      expect(statuses).toEqual([404, 404, 429])
    } finally {
      await limited.close()
    }
  })
})
