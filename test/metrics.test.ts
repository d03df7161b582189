/**
 * GET /metrics (issue 10): what operators alert on, in Prometheus's format, for the metrics
 * token or the admin token and nobody else.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ADMIN_TOKEN, startTestApp, type TestApp } from './support/app.ts'
import { Phone } from './support/sms.ts'

const METRICS_TOKEN = 'metrics-scraper-token-0123'
let t: TestApp
beforeAll(async () => {
  t = await startTestApp({ env: { METRICS_TOKEN } })
})
afterAll(() => t.close())

const scrape = (token?: string) => fetch(`${t.url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} })

describe('/metrics', () => {
  it('refuses a scrape without the metrics or admin token', async () => {
    expect((await scrape()).status).toBe(401)
    expect((await scrape('wrong-token-wrong-token')).status).toBe(401)
    expect((await scrape(ADMIN_TOKEN)).status).toBe(200)
  })

  it('exposes turns, latency, the outbox, deliveries, deadlines, the database and the embedded server', async () => {
    await new Phone(t.url, '+8613800009001').say('hi')
    const response = await scrape(METRICS_TOKEN)
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/plain')
    const text = await response.text()
    expect(text).toMatch(/^aftercare_turns_total\{channel="sms",outcome="ok"\} 1$/m)
    expect(text).toMatch(/^aftercare_turn_duration_seconds_count\{channel="sms"\} 1$/m)
    for (const channel of ['sms', 'webchat', 'slack']) {
      expect(text).toMatch(new RegExp(`^aftercare_outbox_backlog\\{channel="${channel}"\\} 0$`, 'm'))
      expect(text).toMatch(new RegExp(`^aftercare_outbox_oldest_age_seconds\\{channel="${channel}"\\} 0$`, 'm'))
    }
    expect(text).toMatch(/^aftercare_database_up 1$/m)
    for (const family of [
      'aftercare_delivery_attempts_total',
      'aftercare_provider_up',
      'aftercare_deadline_warnings_total',
      'aftercare_deadline_breaches_total',
      'aftercare_database_connections_dropped_total',
      'aftercare_embedded_postgres_restarts_total',
    ]) {
      expect(text).toContain(`# TYPE ${family}`)
    }
  })
})
