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

const USAGE = `usage: npm run report -- [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--format md|csv|json]

The agreement's figures for the days from --from to --to (inclusive, in SERVICE_TIMEZONE).
Without dates: the last 30 days, today included (as the dashboard shows by default).`

const args = flags(process.argv.slice(2))
if (args.help || args.h) {
  console.log(USAGE)
  process.exit(0)
}
const format = args.format ?? 'md'
const refuse = (problem: string) => {
  console.error(`${problem}\n\n${USAGE}`)
  process.exit(2)
}
if (!['md', 'csv', 'json'].includes(format)) refuse(`--format ${format}: not md, csv or json`)
for (const name of ['from', 'to'] as const) {
  const value = args[name]
  // 2026-11-31 has the right shape and is not a day.
  if (value !== undefined && !(/^\d{4}-\d{2}-\d{2}$/.test(value) && DateTime.fromISO(value).isValid)) refuse(`--${name} ${value}: not a date (YYYY-MM-DD)`)
}
if (args.from && args.to && args.from > args.to) refuse(`--from ${args.from} is after --to ${args.to}`)
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
