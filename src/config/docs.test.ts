import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { loadConfig } from '../config.ts'
import { renderConfigurationPage, renderEnvExample, variables } from './docs.ts'

const read = (file: string) => readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')

describe('configuration docs (issue 16: defaults live in one place)', () => {
  it('docs/configuration.md and .env.example are what src/config/environment.ts says (run `npm run docs:config` if not)', () => {
    expect(read('docs/configuration.md')).toBe(renderConfigurationPage())
    expect(read('.env.example')).toBe(renderEnvExample())
  })

  it('every documented default is a value the variable accepts', () => {
    for (const variable of variables().filter((v) => v.default !== undefined)) {
      expect(() => loadConfig({ [variable.name]: variable.default }), variable.name).not.toThrow()
    }
  })

  it('the documented defaults are the ones the service runs with', () => {
    const config = loadConfig({})
    const documented = Object.fromEntries(variables().map((variable) => [variable.name, variable.default]))
    expect(documented.PORT).toBe(String(config.port))
    expect(documented.OUTBOX_RETRY_DELAY).toBe(String(config.outbox.retryDelaySeconds))
    expect(documented.LIMIT_HANDOFFS).toBe(`${config.limits.handoffs.points}/${config.limits.handoffs.seconds}`)
    expect(documented.FEEDBACK_WINDOW).toBe(String(config.feedback.windowMs / 3_600_000))
    expect(documented.OUTBOX_CONCURRENCY).toBe(
      Object.entries(config.outbox.concurrency)
        .map(([provider, n]) => `${provider}=${n}`)
        .join(','),
    )
    expect(documented.BOT_SERVICE_URLS).toBe(config.botServiceUrls.join(','))
  })
})
