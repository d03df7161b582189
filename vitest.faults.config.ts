import { defineConfig } from 'vitest/config'

/**
 * The fault suite (`npm run test:faults`): real Aftercare processes, real signals, each on an
 * embedded PostgreSQL of its own, against fake providers. One file at a time: the processes
 * already use both cores.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.fault.test.ts'],
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
})
