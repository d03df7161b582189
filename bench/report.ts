/**
 * Report time at scale: seeds 100,000 and 1,000,000 tickets of history (src/db/seed.ts, bulk)
 * into databases on a throwaway embedded PostgreSQL, builds the daily rollups, and times the
 * agreement report for the last 30 days and the last year and the dashboard's weekly trend
 * (median of 3 runs each, after one warm-up), against the same report read from the raw rows in
 * the same run. BENCH_REPORT_SIZES overrides the sizes.
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
import { rebuildRollups } from '../src/reports/rollups.ts'
import { weeklyTrend } from '../src/reports/trend.ts'

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
  // A throwaway cluster, tuned for loading as PostgreSQL's "Populating a Database" advises: no
  // fsync, no WAL for tables emptied in the loading transaction.
  const server = await startEmbeddedPostgres({ dir, settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', wal_level: 'minimal', max_wal_senders: '0' } })
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
      const seeded = await timed(() => seedHistory(url, { tickets: size, now, bulk: true }))
      const label = `${size.toLocaleString('en').padStart(10)} tickets`
      lines.push(`${label} · seeding ${(seeded.ms / 1000).toFixed(1)} s · target ≤ 60 s (1,000,000)`)
      const prisma = createPrisma(url, { poolSize: 10 })
      const built = await timed(() => rebuildRollups(prisma, TIME_ZONE))
      lines.push(`${label} · rollups built from the rows in ${(built.ms / 1000).toFixed(1)} s (once, at the first start or a change of SERVICE_TIMEZONE)`)
      const medianOf3 = async (work: () => Promise<unknown>) => {
        await work()
        const runs: number[] = []
        for (let run = 0; run < 3; run++) runs.push((await timed(work)).ms)
        return median(runs)
      }
      for (const period of periods) {
        let requests = 0
        const fast = await medianOf3(async () => {
          const report = await agreementReport(prisma, period, { timeZone: TIME_ZONE, currency: 'CNY' })
          if (report.source !== 'rollups') throw new Error('the report did not use the rollups')
          requests = report.overall.requests.total
        })
        const raw = (await timed(() => agreementReport(prisma, period, { timeZone: TIME_ZONE, currency: 'CNY', source: 'rows' }))).ms
        const target = period.label === 'last year' ? 1500 : 300
        lines.push(
          `${label} · ${period.label.padEnd(12)} · ${requests.toLocaleString('en').padStart(9)} in period · report ${fast.toFixed(0).padStart(5)} ms (median of 3) · target ≤ ${target} ms · from the raw rows ${raw.toFixed(0)} ms (×${(raw / fast).toFixed(1)})`,
        )
      }
      const trend = await medianOf3(() => weeklyTrend(prisma, { weeks: 12, now, timeZone: TIME_ZONE }))
      lines.push(`${label} · weekly trend (12 weeks) ${trend.toFixed(0)} ms (median of 3) · target ≤ 300 ms`)
      await prisma.$disconnect()
    }
  } finally {
    await server.stop()
    await rm(dir, { recursive: true, force: true })
  }
  return lines
}
