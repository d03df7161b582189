import { defineConfig } from 'vitest/config'

/** Browser tests (`npm run test:e2e`): real Chromium against the app on loopback. */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    pool: 'forks',
    maxWorkers: 1,
    testTimeout: 90_000,
    hookTimeout: 90_000,
    env: { LOG_LEVEL: 'silent' },
  },
})
