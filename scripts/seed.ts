/** `npm run seed -- --tickets 100000`: realistic history (see src/db/seed.ts) in the configured database. */
import { seedHistory } from '../src/db/seed.ts'
import { cliDatabase, flags } from './cli-database.ts'

const args = flags(process.argv.slice(2))
const tickets = Number(args.tickets ?? 1000)
if (!Number.isInteger(tickets) || tickets < 1) {
  console.error('usage: npm run seed -- --tickets <number>')
  process.exit(2)
}
const database = await cliDatabase()
try {
  const started = Date.now()
  await seedHistory(database.url, { tickets, now: new Date() })
  console.log(`Seeded ${tickets.toLocaleString('en')} tickets of history in ${((Date.now() - started) / 1000).toFixed(1)} s.`)
} finally {
  await database.close()
}
