/**
 * `npm run bench`: requests/s and latency of (a) a bare Express route returning fixed TwiML and
 * (b) a full signed SMS intake turn on the embedded database, 50 concurrent conversations,
 * measured in the same run on the same machine; the ratio b/a is the figure to compare.
 * BENCH_DURATION (seconds, default 10) and BENCH_CONNECTIONS (default 50) adjust it.
 * Then the outbox and timers (bench/outbox.ts), and the agreement report's time at 100,000 and
 * 1,000,000 tickets (bench/report.ts).
 */
import { randomBytes } from 'node:crypto'
import { cpus } from 'node:os'
import autocannon from 'autocannon'
import twilio from 'twilio'
import { BENCH_AUTH_TOKEN, BENCH_PUBLIC_URL } from './constants.ts'
import { benchChannels } from './channels.ts'
import { benchOutbox } from './outbox.ts'
import { benchReports } from './report.ts'
import { spawnBenchServer } from './spawn-server.ts'

const duration = Number(process.env.BENCH_DURATION ?? 10)
const connections = Number(process.env.BENCH_CONNECTIONS ?? 50)
const INTAKE = ['hi', '1', 'WM-800', 'skip', 'The drum does not turn', 'skip', '88 Century Avenue, Shanghai', 'Li Wei', 'YES']

async function startServer(mode: 'bare' | 'full') {
  const server = await spawnBenchServer(mode)
  return {
    ...server,
    /** Statements so far on the request path's pools (the turn's and the rate limits'). */
    async statements(): Promise<number> {
      let countsPort = 0
      for (let i = 0; i < 20 && !countsPort; i++) {
        countsPort = Number(server.output.map((line) => /^counts-port (\d+)$/.exec(line)?.[1]).find(Boolean) ?? 0)
        if (!countsPort) await new Promise((resolve) => setTimeout(resolve, 50))
      }
      const counts = (await (await fetch(`http://127.0.0.1:${countsPort}/`)).json()) as Record<string, number>
      return (counts.aftercare ?? 0) + (counts['aftercare-limits'] ?? 0)
    },
  }
}

let phones = 0
/** Each connection is one customer going through the intake, then a new customer. */
function intakeRequests(): autocannon.Request[] {
  return INTAKE.map((body, step) => ({
    method: 'POST' as const,
    path: '/twilio/sms',
    setupRequest: (request: autocannon.Request, state: object) => {
      const context = state as { phone?: string }
      if (step === 0) context.phone = `+86139${String(phones++).padStart(8, '0')}`
      const params = { MessageSid: `SM${randomBytes(16).toString('hex')}`, From: String(context.phone), To: '+8610000000000', Body: body }
      return {
        ...request,
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': twilio.getExpectedTwilioSignature(BENCH_AUTH_TOKEN, `${BENCH_PUBLIC_URL}/twilio/sms`, params),
        },
        body: new URLSearchParams(params).toString(),
      }
    },
  }))
}

/** Statements per turn, one customer at a time (the fewest of 3 customers, since background work also queries). */
async function statementsPerStep(server: Awaited<ReturnType<typeof startServer>>): Promise<number[]> {
  const fewest = INTAKE.map(() => Infinity)
  for (let customer = 0; customer < 3; customer++) {
    const phone = `+86136${String(customer).padStart(8, '0')}`
    for (const [step, body] of INTAKE.entries()) {
      const params = { MessageSid: `SM${randomBytes(16).toString('hex')}`, From: phone, To: '+8610000000000', Body: body }
      const before = await server.statements()
      await fetch(`http://127.0.0.1:${server.port}/twilio/sms`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(BENCH_AUTH_TOKEN, `${BENCH_PUBLIC_URL}/twilio/sms`, params) },
        body: new URLSearchParams(params).toString(),
      })
      fewest[step] = Math.min(fewest[step]!, (await server.statements()) - before)
    }
  }
  return fewest
}

async function measure(mode: 'bare' | 'full') {
  const server = await startServer(mode)
  try {
    // Warm-up: a few seconds of the same load, not counted.
    await autocannon({ url: `http://127.0.0.1:${server.port}`, connections, duration: Math.min(3, duration), requests: intakeRequests() })
    const result = await autocannon({ url: `http://127.0.0.1:${server.port}`, connections, duration, requests: intakeRequests() })
    const steps = mode === 'full' ? await statementsPerStep(server) : []
    return { result, steps, output: await server.stop() }
  } catch (error) {
    await server.stop()
    throw error
  }
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}`
console.log(`Aftercare SMS benchmark — ${machine}; ${connections} connections × ${duration} s each, after a 3 s warm-up\n`)
const bare = await measure('bare')
const full = await measure('full')

const row = (label: string, r: autocannon.Result) =>
  `${label.padEnd(36)} ${r.requests.average.toFixed(0).padStart(8)} ${String(r.latency.p50).padStart(8)} ${String(r.latency.p99).padStart(8)} ${String(r.non2xx + r.errors).padStart(7)}`
console.log(`${'scenario'.padEnd(36)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)}`)
console.log(row('(a) bare Express, fixed TwiML', bare.result))
console.log(row('(b) full signed SMS turn, embedded PG', full.result))
console.log(`\nratio b/a (throughput): ${(full.result.requests.average / bare.result.requests.average).toFixed(3)}`)
console.log(`ratio b/a (p50 latency): ${(full.result.latency.p50 / Math.max(bare.result.latency.p50, 1)).toFixed(1)}×`)
const tickets = full.output.find((line) => line.startsWith('tickets '))
if (tickets) console.log(`tickets created during (b): ${tickets.slice(8)}`)
// Round trips: statements on the turn's pool and the rate limits' pool, per step of one intake.
console.log(
  `round trips per turn (statements, one customer at a time): ${INTAKE.map((body, step) => `${body === 'hi' ? 'first message' : body === 'YES' ? 'submit' : JSON.stringify(body)} ${full.steps[step]}`).join(' · ')} · target ≤ 3 ordinary, ≤ 4 on submit`,
)

// Web chat and Slack turns, the same way (skip with BENCH_CHANNELS=none).
if (process.env.BENCH_CHANNELS !== 'none') {
  console.log('\nWeb chat and Slack turns:')
  for (const line of await benchChannels({ seconds: duration, visitors: 20, bareRequestsPerSecond: bare.result.requests.average })) console.log(line)
}

// The outbox, the timers, memory and start-up (skip with BENCH_OUTBOX=none).
if (process.env.BENCH_OUTBOX !== 'none') {
  console.log('\nOutbox, timers, memory, start-up (fake providers answering at once):')
  for (const line of await benchOutbox()) console.log(line)
}

// The agreement report at scale (skip with BENCH_REPORT_SIZES=none).
const sizes = (process.env.BENCH_REPORT_SIZES ?? '100000,1000000')
  .split(',')
  .map(Number)
  .filter((size) => size > 0)
if (sizes.length) {
  console.log('\nAgreement report (SQL aggregates) on seeded history:')
  for (const line of await benchReports(sizes)) console.log(line)
}
