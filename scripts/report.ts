/**
 * `npm run report -- --from 2026-11-01 --to 2026-11-30 --format md|csv|json`: the agreement's
 * figures for a period (days in SERVICE_TIMEZONE), for the terminal or the coordination meeting
 * (§3.3c). Without dates: the last 30 days.
 */
import { DateTime } from 'luxon'
import { loadConfig } from '../src/config.ts'
import { createPrisma } from '../src/db/client.ts'
import { agreementReport } from '../src/reports/agreement.ts'
import { toCsv, toMarkdown } from '../src/reports/render.ts'
import { cliDatabase, flags } from './cli-database.ts'

const args = flags(process.argv.slice(2))
const format = args.format ?? 'md'
if (!['md', 'csv', 'json'].includes(format)) {
  console.error('usage: npm run report -- [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format md|csv|json]')
  process.exit(2)
}
const config = loadConfig()
const today = DateTime.now().setZone(config.serviceTimeZone)
const period = { from: args.from ?? today.minus({ days: 29 }).toISODate()!, to: args.to ?? today.toISODate()! }
const database = await cliDatabase()
const prisma = createPrisma(database.url, { poolSize: 8 })
try {
  const report = await agreementReport(prisma, period, { timeZone: config.serviceTimeZone, currency: config.currency })
  process.stdout.write(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : format === 'csv' ? toCsv(report) : toMarkdown(report))
} catch (error) {
  console.error((error as Error).message)
  process.exitCode = 1
} finally {
  await prisma.$disconnect()
  await database.close()
}
