/**
 * The outbox and the timers, measured against an Aftercare process and fake providers that
 * answer at once (issue 12): 10,000 messages due at the same instant across SMS, web chat (the
 * built-in Direct Line) and Slack — time until all are handed over, per-customer order kept —;
 * how soon an idle system sends a new notification; how soon after its due time a deadline
 * breach reaches staff; the server's peak RSS; start-up time on an existing data directory.
 */
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts'
import { applyMigrations } from '../src/db/migrations.ts'
import { BOT_TOKEN, FakeSlackApi, STAFF_CHANNEL } from '../test/fakes/slack-api.ts'
import { FakeTwilioApi } from '../test/fakes/twilio-api.ts'
import { BENCH_AUTH_TOKEN } from './constants.ts'
import { spawnBenchServer } from './spawn-server.ts'

const CUSTOMERS = Number(process.env.BENCH_OUTBOX_CUSTOMERS ?? 2000)
const PER_CUSTOMER = 5
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function startServer(env: Record<string, string>) {
  const started = Date.now()
  const server = await spawnBenchServer('full', env)
  for (;;) {
    const health = await fetch(`http://127.0.0.1:${server.port}/healthz`).then(
      (response) => response.status,
      () => 0,
    )
    if (health === 200) break
    await sleep(50)
  }
  return { ...server, startedInMs: Date.now() - started }
}

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
}

/** Customers on the three channels, each with PER_CUSTOMER notifications queued, committed at once. */
async function queueBacklog(db: pg.Client): Promise<number> {
  await db.query('BEGIN')
  await db.query(
    `CREATE TEMP TABLE bench_ids ON COMMIT DROP AS
    SELECT i, gen_random_uuid() AS customer, gen_random_uuid() AS identity, gen_random_uuid() AS conversation,
      (ARRAY['sms','webchat','slack'])[1 + i % 3]::"Channel" AS channel
    FROM generate_series(1, $1::int) i`,
    [CUSTOMERS],
  )
  await db.query(`INSERT INTO "Customer" (id, locale) SELECT customer, 'en' FROM bench_ids`)
  await db.query(`INSERT INTO "DirectLineConversation" (id, "userId", "resumeKeyHash", "expiresAt")
    SELECT 'benchdl' || i, 'web_bench' || i, md5('bench' || i), now() + interval '7 days' FROM bench_ids WHERE channel = 'webchat'`)
  await db.query(`INSERT INTO "ChannelIdentity" (id, channel, address, "customerId", reference)
    SELECT identity, channel,
      CASE channel WHEN 'sms' THEN '+86137' || lpad(i::text, 8, '0') WHEN 'slack' THEN 'T0TEAM0001:U' || lpad(i::text, 9, '0') ELSE 'directline:web_bench' || i END,
      customer,
      CASE WHEN channel = 'webchat' THEN json_build_object('channelId', 'directline', 'conversation', json_build_object('id', 'benchdl' || i), 'serviceUrl', 'http://127.0.0.1/', 'bot', json_build_object('id', 'bot'), 'user', json_build_object('id', 'web_bench' || i))::jsonb END
    FROM bench_ids`)
  await db.query(`INSERT INTO "Conversation" (id, "identityId", locale, "updatedAt") SELECT conversation, identity, 'en', now() FROM bench_ids`)
  const { rowCount } = await db.query(`INSERT INTO "Message" (id, "conversationId", direction, channel, body, status, kind, "createdAt")
    SELECT gen_random_uuid(), conversation, 'outbound', channel, 'Notification ' || k || ' of ${PER_CUSTOMER}', 'queued', 'bot_message', (now() AT TIME ZONE 'UTC') + k * interval '1 ms'
    FROM bench_ids, generate_series(1, ${PER_CUSTOMER}) k`)
  await db.query('COMMIT')
  return rowCount ?? 0
}

/** Each recipient's notifications arrived in the order written. */
function inOrder(byRecipient: Map<string, string[]>): boolean {
  for (const bodies of byRecipient.values()) {
    const numbers = bodies.map((body) => Number(/Notification (\d+)/.exec(body)?.[1]))
    if (numbers.some((n, index) => index > 0 && n < numbers[index - 1]!)) return false
  }
  return true
}

const group = (pairs: [string, string][]) => {
  const map = new Map<string, string[]>()
  for (const [key, value] of pairs) map.set(key, [...(map.get(key) ?? []), value])
  return map
}

export async function benchOutbox(): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'aftercare-bench-outbox-'))
  await chmod(dir, 0o711)
  const postgres = await startEmbeddedPostgres({ dir: path.join(dir, 'pg') })
  const twilio = await new FakeTwilioApi(undefined, BENCH_AUTH_TOKEN).start()
  const slack = await new FakeSlackApi().start()
  const lines: string[] = []
  const admin = new pg.Client({ connectionString: postgres.adminUrl })
  await admin.connect()
  await admin.query('CREATE DATABASE outbox')
  await admin.end()
  const url = postgres.urlFor('outbox')
  await applyMigrations(url)
  const env = {
    DATABASE_URL: url,
    DATA_DIR: path.join(dir, 'data'),
    TWILIO_ACCOUNT_SID: twilio.accountSid,
    TWILIO_FROM: '+8610000000000',
    TWILIO_API_URL: twilio.url,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: 'bench-slack-signing-secret',
    SLACK_STAFF_CHANNEL: STAFF_CHANNEL,
    SLACK_API_URL: `${slack.url}/api/`,
    SERVICE_TIMEZONE: 'Asia/Shanghai',
  }
  let server = await startServer(env)
  const db = new pg.Client({ connectionString: url })
  await db.connect()
  try {
    let peakRss = await rssMb(server.pid)
    const idleRss = peakRss
    const sampler = setInterval(() => void rssMb(server.pid).then((mb) => (peakRss = Math.max(peakRss, mb))), 200)

    // 1. A backlog due at once.
    const perProvider = async () => {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "DirectLineActivity" WHERE "fromBot"`)
      return { sms: twilio.sent.length, slack: slack.of('chat.postMessage').filter((call) => String(call.args.channel).startsWith('D')).length, webchat: rows[0]!.n }
    }
    const total = await queueBacklog(db)
    const committed = Date.now()
    // What each provider has to deliver (customers are spread over the channels as evenly as the count allows).
    const { rows: queued } = await db.query<{ channel: string; n: number }>(`SELECT channel::text, count(*)::int AS n FROM "Message" WHERE direction = 'outbound' GROUP BY 1`)
    const expected = Object.fromEntries(queued.map((row) => [row.channel, row.n]))
    const doneAt: Record<string, number> = {}
    let handedAt = 0
    while (Date.now() - committed < 120_000) {
      const counts = await perProvider()
      for (const [provider, n] of Object.entries(counts)) if (n >= (expected[provider] ?? Infinity) && !doneAt[provider]) doneAt[provider] = Date.now() - committed
      if (counts.sms + counts.slack + counts.webchat >= total) {
        handedAt = Date.now()
        break
      }
      await sleep(100)
    }
    const drainMs = handedAt ? handedAt - committed : NaN
    if (!handedAt) {
      const { rows } = await db.query(`SELECT channel, status, count(*)::int AS n, min("lastError") AS error FROM "Message" GROUP BY 1, 2`)
      console.error('not all delivered:', JSON.stringify(rows), 'twilio', twilio.sent.length, 'slack', slack.of('chat.postMessage').length)
    }
    const { rows: webchat } = await db.query<{ conversation: string; text: string }>(
      `SELECT "conversationId" AS conversation, activity->>'text' AS text FROM "DirectLineActivity" WHERE "fromBot" ORDER BY id`,
    )
    const ordered =
      inOrder(group(twilio.sent.map((sms) => [sms.to, sms.body]))) &&
      inOrder(
        group(
          slack
            .of('chat.postMessage')
            .filter((call) => String(call.args.channel).startsWith('D'))
            .map((call) => [String(call.args.channel), String(call.args.text)]),
        ),
      ) &&
      inOrder(group(webchat.map((row) => [row.conversation, row.text])))
    lines.push(
      `${total.toLocaleString('en')} notifications due at once (${CUSTOMERS} customers × ${PER_CUSTOMER}, SMS/web chat/Slack): handed to the providers in ${(drainMs / 1000).toFixed(1)} s (${Math.round(total / (drainMs / 1000))}/s) · target ≤ 20 s · order per customer kept: ${ordered ? 'yes' : 'NO'}`,
    )
    lines.push(
      `  each provider's share done after: SMS ${((doneAt.sms ?? NaN) / 1000).toFixed(1)} s, web chat ${((doneAt.webchat ?? NaN) / 1000).toFixed(1)} s, Slack ${((doneAt.slack ?? NaN) / 1000).toFixed(1)} s`,
    )

    // 2. An idle system: one notification, committed, until the provider has it.
    const { rows: smsConversation } = await db.query<{ id: string }>(`SELECT c.id FROM "Conversation" c JOIN "ChannelIdentity" i ON i.id = c."identityId" WHERE i.channel = 'sms' LIMIT 1`)
    const idle: number[] = []
    for (let run = 0; run < 5; run++) {
      await sleep(1_000)
      const before = twilio.sent.length
      await db.query(
        `INSERT INTO "Message" (id, "conversationId", direction, channel, body, status, kind) VALUES (gen_random_uuid(), $1, 'outbound', 'sms', 'Notification 9 of 9', 'queued', 'bot_message')`,
        [smsConversation[0]!.id],
      )
      const at = Date.now()
      while (twilio.sent.length === before && Date.now() - at < 10_000) await sleep(5)
      idle.push(Date.now() - at)
    }
    idle.sort((a, b) => a - b)
    lines.push(`idle system, commit → provider: median ${idle[2]} ms, worst ${idle[4]} ms of 5 · target ≤ 1,000 ms`)

    // 3. A deadline that falls due: how late its breach reaches staff.
    await db.query(`INSERT INTO "Ticket" (id, number, "customerId", type, "productModel", "contactName", channel, "channelAddress", locale, "serviceValue", "updatedAt")
      SELECT gen_random_uuid(), 'SR-2026-900001', "customerId", 'repair', 'WM-800', 'Bench', 'sms', address, 'en', 500, now() FROM "ChannelIdentity" WHERE channel = 'sms' LIMIT 1`)
    const dueAt = new Date(Date.now() + 3_000)
    await db.query(`INSERT INTO "Deadline" (id, "ticketId", kind, "startsAt", "dueAt") SELECT gen_random_uuid(), id, 'response', $1, $2 FROM "Ticket" WHERE number = 'SR-2026-900001'`, [
      new Date(dueAt.getTime() - 24 * 3_600_000),
      dueAt,
    ])
    let alertedAt = 0
    while (!alertedAt && Date.now() - dueAt.getTime() < 60_000) {
      if (slack.of('chat.postMessage').some((call) => String(call.args.text).includes('was missed'))) alertedAt = Date.now()
      await sleep(50)
    }
    const { rows: breach } = await db.query<{ breached: Date }>(`SELECT "breachedAt" AS breached FROM "DeadlineBreach" LIMIT 1`)
    lines.push(
      `deadline breach: recorded ${breach[0] ? ((breach[0].breached.getTime() - dueAt.getTime()) / 1000).toFixed(1) : '—'} s after its due time, in the staff channel ${alertedAt ? ((alertedAt - dueAt.getTime()) / 1000).toFixed(1) : '—'} s after · target ≤ 5 s`,
    )

    clearInterval(sampler)
    lines.push(`server RSS: ${idleRss.toFixed(0)} MB idle after start, peak ${peakRss.toFixed(0)} MB during these · target < 300 MB`)

    // 4. Start-up on the existing data directory, to a healthy /healthz.
    await server.stop()
    server = await startServer(env)
    lines.push(`start on an existing data directory to a healthy /healthz: ${(server.startedInMs / 1000).toFixed(1)} s · target ≤ 10 s`)
  } finally {
    await db.end()
    await server.stop()
    await twilio.stop()
    await slack.stop()
    await postgres.stop()
    await rm(dir, { recursive: true, force: true })
  }
  return lines
}
