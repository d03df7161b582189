/**
 * Report time at scale: seeds 100,000 and 1,000,000 tickets of history (src/db/seed.ts) into
 * databases on a throwaway embedded PostgreSQL and times the agreement report for the last
 * 30 days and the last year (median of 3 runs each). BENCH_REPORT_SIZES overrides the sizes.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { DateTime } from 'luxon'
import pg from 'pg'
import { createPrisma } from '../src/db/client.ts'
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts'
import { applyMigrations } from '../src/db/migrations.ts'
import { seedHistory } from '../src/db/seed.ts'
import { agreementReport } from '../src/reports/agreement.ts'

const TIME_ZONE = 'Asia/Shanghai'

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint()
  const value = await work()
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!

export async function benchReports(sizes: number[]): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aftercare-bench-report-'))
  await chmod(dir, 0o711)
  const server = await startEmbeddedPostgres({ dir })
  const lines: string[] = []
  try {
    const now = new Date()
    const today = DateTime.fromJSDate(now, { zone: TIME_ZONE })
    const periods = [
      { label: 'last 30 days', from: today.minus({ days: 29 }).toISODate()!, to: today.toISODate()! },
      { label: 'last year', from: today.minus({ days: 364 }).toISODate()!, to: today.toISODate()! },
    ]
    for (const size of sizes) {
      const name = `bench_${size}`
      const admin = new pg.Client({ connectionString: server.adminUrl })
      await admin.connect()
      await admin.query(`CREATE DATABASE ${name}`)
      await admin.end()
      const url = server.urlFor(name)
      await applyMigrations(url)
      const seeded = await timed(() => seedHistory(url, { tickets: size, now }))
      const prisma = createPrisma(url, { poolSize: 10 })
      for (const period of periods) {
        const runs: number[] = []
        let requests = 0
        for (let run = 0; run < 3; run++) {
          const { ms, value } = await timed(() => agreementReport(prisma, period, { timeZone: TIME_ZONE, currency: 'CNY' }))
          runs.push(ms)
          requests = value.overall.requests.total
        }
        lines.push(`${size.toLocaleString('en').padStart(10)} tickets · ${period.label.padEnd(12)} · ${requests.toLocaleString('en').padStart(9)} in period · report ${median(runs).toFixed(0).padStart(6)} ms (median of 3)`)
      }
      lines.push(`${size.toLocaleString('en').padStart(10)} tickets · seeding took ${(seeded.ms / 1000).toFixed(1)} s`)
      await prisma.$disconnect()
    }
  } finally {
    await server.stop()
    await rm(dir, { recursive: true, force: true })
  }
  return lines
}
