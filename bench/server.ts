/**
 * A server for the benchmark, in a process of its own so the load generator does not share
 * its event loop: `bare` is Express 5 answering fixed TwiML (the ceiling), `full` is Aftercare
 * on a fresh embedded database. Prints `port <n>` when ready; stops on SIGTERM.
 */
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import express from 'express'
import pg from 'pg'
import { loadConfig } from '../src/config.ts'
import { startAftercare } from '../src/runtime.ts'
import { BENCH_AUTH_TOKEN, BENCH_PUBLIC_URL } from './constants.ts'

// BENCH_COUNT_QUERIES: count statements per pool (application_name), printed at exit: round trips per turn.
const queries: Record<string, number> = {}
if (process.env.BENCH_COUNT_QUERIES) {
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown
  pg.Client.prototype.query = function (this: pg.Client & { connectionParameters?: { application_name?: string } }, ...args: unknown[]) {
    const pool = this.connectionParameters?.application_name ?? 'other'
    queries[pool] = (queries[pool] ?? 0) + 1
    return query.apply(this, args)
  } as typeof pg.Client.prototype.query
}

const mode = process.argv[2]
if (mode === 'bare') {
  const app = express()
  app.post('/twilio/sms', express.urlencoded({ extended: false }), (_req, res) => {
    res.type('text/xml').send('<?xml version="1.0" encoding="UTF-8"?><Response><Message>Hello! What can we help you with?</Message></Response>')
  })
  const server = app.listen(0, () => console.log(`port ${(server.address() as AddressInfo).port}`))
  process.on('SIGTERM', () => server.close(() => process.exit(0)))
} else if (mode === 'full') {
  const dir = await mkdtemp(path.join(tmpdir(), 'aftercare-bench-'))
  await chmod(dir, 0o711)
  // BENCH_SERVER_ENV (JSON): more settings, e.g. a DATABASE_URL and fake providers for the outbox bench.
  const extra = JSON.parse(process.env.BENCH_SERVER_ENV ?? '{}') as Record<string, string>
  const running = await startAftercare(
    loadConfig({ PORT: '0', DATA_DIR: dir, PUBLIC_URL: BENCH_PUBLIC_URL, TWILIO_AUTH_TOKEN: BENCH_AUTH_TOKEN, ADMIN_TOKEN: 'bench-admin-token-0123456789', LOG_LEVEL: 'silent', ...extra }),
  )
  console.log(`port ${running.port}`)
  if (process.env.BENCH_COUNT_QUERIES) {
    // The counts so far, for the load generator to read between requests.
    const counter = createServer((_req, res) => res.end(JSON.stringify(queries)))
    counter.listen(0, '127.0.0.1', () => console.log(`counts-port ${(counter.address() as AddressInfo).port}`))
    counter.unref()
  }
  if (process.env.BENCH_MEMORY_LOG) {
    setInterval(() => {
      const m = process.memoryUsage()
      const mb = (n: number) => Math.round(n / 1048576)
      console.error(`memory rss ${mb(m.rss)} heapUsed ${mb(m.heapUsed)} heapTotal ${mb(m.heapTotal)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)}`)
    }, 2000).unref()
  }
  process.on('SIGTERM', async () => {
    const tickets = await running.prisma.ticket.count()
    console.log(`tickets ${tickets}`)
    if (process.env.BENCH_COUNT_QUERIES) console.log(`queries ${JSON.stringify(queries)}`)
    await running.stop()
    await rm(dir, { recursive: true, force: true })
    process.exit(0)
  })
} else {
  console.error('usage: tsx bench/server.ts bare|full')
  process.exit(2)
}
