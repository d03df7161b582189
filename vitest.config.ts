import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['flows/**/*.test.ts', 'src/**/*.test.ts', 'test/**/*.test.ts'],
    // Browser tests and the fault suite have their own commands (npm run test:e2e, test:faults).
    exclude: ['test/e2e/**', 'test/faults/**', 'node_modules/**'],
    // One PostgreSQL for the whole run; each test file gets its own database from a template.
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { LOG_LEVEL: 'silent' },
  },
})
