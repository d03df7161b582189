/**
 * The fault suite (issue 10), part one: Aftercare as real processes on the embedded
 * PostgreSQL, hurt the way production hurts it: kill -9 under load, connections terminated,
 * the database killed, a send cut off mid-call, SIGTERM with requests in flight, one sender's
 * flood, two instances on one database. Each test prints its figures (`[fault] …`).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { STAFF_CHANNEL, FakeSlackApi } from '../fakes/slack-api.ts'
import { FakeTwilioApi } from '../fakes/twilio-api.ts'
import { ADMIN_TOKEN } from '../support/app.ts'
import { signedSmsRequest } from '../support/sms.ts'
import { senderKey } from '../../src/conversations/party.ts'
import { newStats, phoneNumber, requestRepair, sendUntilAnswered } from './support/clients.ts'
import { dataDirectory, freePort, percentile, providerEnv, report, ServerProcess, stopOrphanedPostgres } from './support/server.ts'

const cleanup: (() => Promise<unknown>)[] = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step().catch(() => undefined)
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const range = (n: number) => Array.from({ length: n }, (_, index) => index)

async function started(options: Parameters<typeof ServerProcess.start>[0]) {
  const server = await ServerProcess.start(options)
  cleanup.push(() => server.stop())
  return server
}

async function scratch() {
  const data = await dataDirectory()
  cleanup.push(async () => {
    await stopOrphanedPostgres(data.dir)
    await data.remove()
  })
  return data.dir
}

async function fakes() {
  const twilio = await new FakeTwilioApi().start()
  const slack = await new FakeSlackApi().start()
  cleanup.push(
    () => twilio.stop(),
    () => slack.stop(),
  )
  return { twilio, slack }
}

const admin = (server: ServerProcess, path: string, body?: object) =>
  fetch(server.url + path, { method: body ? 'POST' : 'GET', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, ...(body && { body: JSON.stringify(body) }) })

async function ticketsPerPhone(server: ServerProcess): Promise<Map<string, number>> {
  const db = await server.database()
  const { rows } = await db.query<{ address: string; n: number }>(`SELECT "channelAddress" AS address, count(*)::int AS n FROM "Ticket" GROUP BY 1`)
  await db.end()
  return new Map(rows.map((row) => [row.address, row.n]))
}

describe('processes killed and connections dropped', () => {
  it('kill -9 mid-load, clients retrying: no request lost, no ticket duplicated', async () => {
    const dataDir = await scratch()
    const port = await freePort()
    let server = await started({ dataDir, port })
    const stats = newStats()
    const customers = range(24).map((index) => phoneNumber(1390, index))
    const load = Promise.all(customers.map((phone) => requestRepair(() => server.url, phone, stats, { giveUpMs: 90_000 })))
    await sleep(1_500)
    const before = stats.requests
    server.kill('SIGKILL')
    await server.ended()
    const killedAt = Date.now()
    server = await started({ dataDir, port })
    const downMs = Date.now() - killedAt
    const numbers = await load

    const tickets = await ticketsPerPhone(server)
    expect(new Set(numbers).size).toBe(customers.length)
    for (const phone of customers) expect(tickets.get(phone), phone).toBe(1)
    report('kill -9 mid-load', {
      customers: customers.length,
      'requests before the kill': before,
      requests: stats.requests,
      retries: stats.retries,
      'down (restart on the same data) ms': downMs,
      lost: 0,
      'duplicated tickets': 0,
    })
  })

  it('idle and in-transaction connections terminated under load: the server stays up and no conversation is reset', async () => {
    const server = await started({ dataDir: await scratch() })
    const stats = newStats()
    const customers = range(16).map((index) => phoneNumber(1391, index))
    const load = Promise.all(customers.map((phone) => requestRepair(() => server.url, phone, stats)))
    const db = await server.database()
    let terminated = 0
    for (const _ of range(8)) {
      await sleep(300)
      const { rows } = await db.query(`SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE datname = 'aftercare' AND pid <> pg_backend_pid()`)
      terminated += rows[0].n
    }
    await db.end()
    await load

    expect(server.child.exitCode).toBeNull()
    const resets = server.lines.filter((line) => line.msg.includes('resetting the conversation'))
    expect(resets).toEqual([])
    const tickets = await ticketsPerPhone(server)
    for (const phone of customers) expect(tickets.get(phone), phone).toBe(1)
    const dropped = server.lines.filter((line) => line.msg.startsWith('database connection dropped')).length
    report('connections terminated', {
      'connections terminated': terminated,
      'drops logged': dropped,
      requests: stats.requests,
      '503 answers': stats.statuses[503] ?? 0,
      'conversations reset': resets.length,
      tickets: tickets.size,
    })
  })

  it('the embedded PostgreSQL killed: 503 while it is down, back without restarting Aftercare, nothing lost', async () => {
    const server = await started({ dataDir: await scratch() })
    const stats = newStats()
    const phone = phoneNumber(1392, 1)
    for (const body of ['hi', '1', 'WM-800']) await sendUntilAnswered(() => server.url, phone, body, stats)
    const postmaster = await server.postmaster()
    process.kill(postmaster!.pid, 'SIGKILL')
    const killedAt = Date.now()

    let sawDown = false
    let healthyAt = 0
    const duringOutage: number[] = []
    for (let i = 0; i < 600 && !healthyAt; i++) {
      const health = await fetch(`${server.url}/healthz`).then(
        (response) => response.status,
        () => 0,
      )
      if (health === 503) {
        sawDown = true
        if (duringOutage.length < 3) {
          const request = signedSmsRequest({
            MessageSid: `SM${'f'.repeat(30)}${String(i).padStart(2, '0')}`,
            AccountSid: `AC${'0'.repeat(32)}`,
            From: phoneNumber(1392, 2),
            To: '+861000000000',
            Body: 'hi',
            NumMedia: '0',
          })
          const answer = await fetch(server.url + request.path, request.init)
          duringOutage.push(answer.status)
          if (answer.status === 503) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0)
        }
      }
      if (health === 200 && sawDown) healthyAt = Date.now()
      await sleep(100)
    }
    expect(sawDown).toBe(true)
    expect(healthyAt).toBeGreaterThan(0)
    expect(duringOutage.every((status) => status === 503)).toBe(true)
    // The customer carries on where they were.
    const next = (await sendUntilAnswered(() => server.url, phone, 'SN4455', stats)).join('\n')
    expect(next).toMatch(/describe|problem|fault/i)
    const metrics = await (await admin(server, '/metrics')).text()
    expect(metrics).toMatch(/^aftercare_embedded_postgres_restarts_total 1$/m)
    expect(server.child.exitCode).toBeNull()
    report('embedded PostgreSQL killed', { 'unhealthy for ms': healthyAt - killedAt, 'answers while down': duringOutage.join('/'), restarts: 1, 'Aftercare restarted': 'no' })
  })

  it('kill -9 during a provider call: the message is sent again within a minute', async () => {
    const { twilio, slack } = await fakes()
    const dataDir = await scratch()
    const env = providerEnv({ twilio, slack })
    let server = await started({ dataDir, env })
    const stats = newStats()
    const phone = phoneNumber(1393, 1)
    await admin(server, '/api/technicians', { name: 'Wang Gong' })
    const number = await requestRepair(() => server.url, phone, stats)
    twilio.hangNext(1)
    expect((await admin(server, `/api/tickets/${number}/actions`, { action: 'respond', technician: 'Wang Gong' })).status).toBe(200)
    const deadline = Date.now() + 20_000
    while (!twilio.attempts.some((attempt) => attempt.to === phone && attempt.status === 0)) {
      if (Date.now() > deadline) throw new Error('the send never reached Twilio')
      await sleep(50)
    }
    server.kill('SIGKILL')
    await server.ended()
    const killedAt = Date.now()
    server = await started({ dataDir, env })
    while (!twilio.sent.some((sent) => sent.to === phone)) {
      if (Date.now() - killedAt > 90_000) throw new Error('the notification was never sent again')
      await sleep(200)
    }
    const resentAfter = Date.now() - killedAt
    expect(resentAfter).toBeLessThan(60_000)
    expect(twilio.sent.filter((sent) => sent.to === phone)).toHaveLength(1)
    report('kill -9 during a provider call', { 'sent again after ms': resentAfter, 'lease s': 30, 'delivered (answered) sends': 1 })
  })
})

describe('signals', () => {
  for (const via of ['npm', 'node'] as const) {
    it(`SIGTERM to ${via === 'npm' ? '`npm start` (the README)' : '`node --import tsx src/server.ts` (the Dockerfile, systemd)'}: in-flight requests answered, clean exit, nothing left running`, async () => {
      const server = await started({ dataDir: await scratch(), via })
      const stats = newStats()
      const phone = phoneNumber(1394, via === 'npm' ? 1 : 2)
      await sendUntilAnswered(() => server.url, phone, 'hi', stats)
      // Hold the sender's lock and conversation: the next message waits in the middle of its turn.
      const db = await server.database()
      await db.query('BEGIN')
      await db.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [senderKey('sms', phone)])
      await db.query(`SELECT 1 FROM "Conversation" c JOIN "ChannelIdentity" i ON i.id = c."identityId" WHERE i.address = $1 FOR UPDATE OF c`, [phone])
      const inFlight = sendUntilAnswered(() => server.url, phone, '1', stats, { giveUpMs: 5_000 })
      for (let i = 0; i < 100; i++) {
        const { rows } = await db.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND pid <> pg_backend_pid()`)
        if (rows[0].n > 0) break
        await sleep(50)
      }
      const signalledAt = Date.now()
      server.kill('SIGTERM')
      await server.waitForLog((line) => line.msg.startsWith('shutting down'))
      await db.query('COMMIT')
      await db.query('SELECT pg_advisory_unlock_all()')
      await db.end()
      const answer = await inFlight
      const { code, signal } = await server.ended()
      const stoppedInMs = Date.now() - signalledAt
      expect(answer.join('\n')).toMatch(/Which product/)
      expect(code).toBe(0)
      expect(signal).toBeNull()
      expect(await server.postmaster()).toBeUndefined()
      expect(server.lines.some((line) => line.msg === 'stopped')).toBe(true)
      report(`SIGTERM via ${via}`, { 'exit code': String(code), 'stopped in ms': stoppedInMs, 'in-flight request': 'answered 200', 'embedded PostgreSQL': 'stopped' })
    })
  }
})

describe('load and instances', () => {
  it('one sender’s burst of 300 beside ordinary traffic: others are answered promptly', async () => {
    const server = await started({ dataDir: await scratch() })
    const ordinaryTraffic = (stats: ReturnType<typeof newStats>, offset: number) =>
      Promise.all(
        range(20).map(async (index) => {
          const phone = phoneNumber(1395, offset + index)
          for (const body of ['hi', '1', 'WM-800', 'SN1', 'It leaks']) await sendUntilAnswered(() => server.url, phone, body, stats)
        }),
      )
    // Warm-up, then the same traffic alone as the baseline.
    await ordinaryTraffic(newStats(), 500)
    const alone = newStats()
    await ordinaryTraffic(alone, 100)

    const burst = newStats()
    const others = newStats()
    const flooder = phoneNumber(1395, 1)
    const startedAt = Date.now()
    const flood = Promise.all(range(300).map((index) => sendUntilAnswered(() => server.url, flooder, `message ${index}`, burst, { giveUpMs: 120_000, pauseMs: 1_000 })))
    await ordinaryTraffic(others, 200)
    const othersDoneMs = Date.now() - startedAt
    await flood
    expect(others.statuses[500] ?? 0).toBe(0)
    expect(others.statuses[503] ?? 0).toBe(0)
    expect(burst.statuses[500] ?? 0).toBe(0)
    const db = await server.database()
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM "Message" WHERE direction = 'inbound' AND "conversationId" = (SELECT c.id FROM "Conversation" c JOIN "ChannelIdentity" i ON i.id = c."identityId" WHERE i.address = $1)`,
      [flooder],
    )
    await db.end()
    expect(rows[0].n).toBe(300)
    report('one-sender burst', {
      'others alone p50/p99 ms': `${percentile(alone.latencies, 50)}/${percentile(alone.latencies, 99)}`,
      'others beside the burst p50/p99 ms': `${percentile(others.latencies, 50)}/${percentile(others.latencies, 99)}`,
      'others done after ms': othersDoneMs,
      'burst done after ms': Date.now() - startedAt,
      'burst answered 503 at once (over the per-sender bound) then retried': burst.statuses[503] ?? 0,
      'burst messages stored': rows[0].n,
    })
  })

  it('two instances on one database: each notification and staff post happens once', async () => {
    const { twilio, slack } = await fakes()
    const env = providerEnv({ twilio, slack })
    const a = await started({ dataDir: await scratch(), env })
    const b = await started({ dataDir: await scratch(), env: { ...env, DATABASE_URL: await a.databaseUrl() } })
    await admin(a, '/api/technicians', { name: 'Wang Gong' })
    const stats = newStats()
    const phones = range(10).map((index) => phoneNumber(1396, index))
    const numbers = await Promise.all(phones.map((phone, index) => requestRepair(() => (index % 2 ? a.url : b.url), phone, stats)))
    await Promise.all(numbers.map((number, index) => admin(index % 2 ? b : a, `/api/tickets/${number}/actions`, { action: 'respond', technician: 'Wang Gong' })))
    const deadline = Date.now() + 30_000
    while (phones.some((phone) => !twilio.sent.some((sent) => sent.to === phone)) || numbers.some((number) => !slack.posted(STAFF_CHANNEL).some((text) => text.includes(number)))) {
      if (Date.now() > deadline) throw new Error('not everything was delivered')
      await sleep(200)
    }
    await sleep(2_000)
    for (const phone of phones)
      expect(
        twilio.sent.filter((sent) => sent.to === phone),
        phone,
      ).toHaveLength(1)
    for (const number of numbers)
      expect(
        slack.of('chat.postMessage').filter((call) => call.args.channel === STAFF_CHANNEL && !call.args.thread_ts && String(call.args.text).includes(number)),
        number,
      ).toHaveLength(1)
    const deliveredBy = (server: ServerProcess) => server.lines.filter((line) => line.msg === 'message delivered').length
    report('two instances', { tickets: numbers.length, 'notifications sent': twilio.sent.length, 'delivered by A': deliveredBy(a), 'delivered by B': deliveredBy(b), duplicates: 0 })
  })
})
