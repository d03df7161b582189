/**
 * The product as `npm start` runs it: embedded PostgreSQL under DATA_DIR, or an external server
 * from DATABASE_URL; data kept across restarts; /healthz on the production ping; a clean stop on
 * SIGTERM; clear config errors.
 */
import { spawn } from 'node:child_process'
import { createServer, type AddressInfo } from 'node:net'
import { existsSync } from 'node:fs'
import { chmod, mkdtemp, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import pg from 'pg'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.ts'
import { startAftercare } from '../src/runtime.ts'
import { BOT_TOKEN, FakeSlackApi } from './fakes/slack-api.ts'
import { ADMIN_TOKEN, PUBLIC_URL, TWILIO_AUTH_TOKEN } from './support/app.ts'
import { createTestDatabase } from './support/database.ts'
import { Phone, signedSmsRequest, newMessageSid } from './support/sms.ts'
import { eventually } from './support/world.ts'

const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})
async function dataDir() {
  const dir = await mkdtemp(path.join(tmpdir(), 'aftercare-data-'))
  // As root, PostgreSQL runs as the postgres user, which must be able to enter the folder.
  await chmod(dir, 0o711)
  dirs.push(dir)
  return dir
}

const baseEnv = { PORT: '0', PUBLIC_URL, TWILIO_AUTH_TOKEN, ADMIN_TOKEN, LOG_LEVEL: 'silent' }
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const adminGet = (url: string, path: string): Promise<any> => fetch(url + path, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then((response) => response.json())

describe('on the embedded database (no DATABASE_URL)', () => {
  it('keeps a half-finished intake across a restart, and the intake continues where it was', async () => {
    const config = loadConfig({ ...baseEnv, DATA_DIR: await dataDir() })
    const first = await startAftercare(config)
    const before = new Phone(first.url, '+8613700000001')
    await before.sayAll(['hi', '1', 'WM-800'])
    await first.stop()

    const second = await startAftercare(config)
    try {
      const after = new Phone(second.url, '+8613700000001')
      expect(await after.say('SN777001')).toContain('describe the problem')
      await after.sayAll(['Noisy spin', 'skip', '3 Harbour Road', 'Kim'])
      const done = await after.say('YES')
      expect(done).toMatch(/SR-2026-\d{6}|SR-\d{4}-\d{6}/)
      const list = await adminGet(second.url, '/api/tickets')
      expect(list.items).toEqual([expect.objectContaining({ productModel: 'WM-800', serialNumber: 'SN777001' })])
    } finally {
      await second.stop()
    }
  })

  it('generates an admin token in DATA_DIR when ADMIN_TOKEN is not set, and keeps it', async () => {
    const dir = await dataDir()
    const config = loadConfig({ ...baseEnv, ADMIN_TOKEN: '', DATA_DIR: dir })
    const running = await startAftercare(config)
    try {
      const { readFile } = await import('node:fs/promises')
      const token = (await readFile(path.join(dir, 'admin-token'), 'utf8')).trim()
      expect(token.length).toBeGreaterThanOrEqual(32)
      const response = await fetch(`${running.url}/api/tickets`, { headers: { authorization: `Bearer ${token}` } })
      expect(response.status).toBe(200)
    } finally {
      await running.stop()
    }
  })
})

describe('on an external PostgreSQL (DATABASE_URL)', () => {
  it('applies the migrations to an empty database at start and runs on it', async () => {
    const external = await createTestDatabase({ migrated: false })
    const running = await startAftercare(loadConfig({ ...baseEnv, DATA_DIR: await dataDir(), DATABASE_URL: external.url }))
    try {
      const phone = new Phone(running.url, '+8613700000002')
      await phone.sayAll(['hi', '5', 'Router R1', 'skip', 'How do I reset it?', 'skip', 'Lu'])
      expect(await phone.say('YES')).toContain('Your request number is')
      const migrations = await external.prisma.$queryRaw<{ migration_name: string }[]>`SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL`
      expect(migrations.length).toBeGreaterThan(0)
      expect(await external.prisma.ticket.count()).toBe(1)
    } finally {
      await running.stop()
      await external.drop()
    }
  })

  it('GET /healthz, with the production ping: 503 while the database refuses connections, 200 once it is back', async () => {
    const external = await createTestDatabase()
    const running = await startAftercare(loadConfig({ ...baseEnv, DATA_DIR: await dataDir(), DATABASE_URL: external.url }))
    const admin = new pg.Client({ connectionString: inject('postgresAdminUrl') })
    await admin.connect()
    const health = async () => {
      const response = await fetch(`${running.url}/healthz`)
      return { status: response.status, body: await response.json() }
    }
    try {
      expect(await health()).toEqual({ status: 200, body: { status: 'ok', database: 'up' } })
      // The database goes away: no new connections, and the open ones cut.
      await admin.query(`ALTER DATABASE ${external.name} WITH ALLOW_CONNECTIONS false`)
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [external.name])
      expect(await health()).toEqual({ status: 503, body: { status: 'degraded', database: 'down' } })
      await admin.query(`ALTER DATABASE ${external.name} WITH ALLOW_CONNECTIONS true`)
      await eventually(async () => (await health()).status === 200, 'healthy again')
    } finally {
      await admin.query(`ALTER DATABASE ${external.name} WITH ALLOW_CONNECTIONS true`)
      await admin.end()
      await running.stop()
      await external.drop()
    }
  })

  it('lets several instances start together on one database: each migration runs once', async () => {
    const external = await createTestDatabase({ migrated: false })
    const dir = await dataDir()
    const instances = await Promise.all([1, 2].map(() => startAftercare(loadConfig({ ...baseEnv, DATA_DIR: dir, DATABASE_URL: external.url }))))
    try {
      const rows = await external.prisma.$queryRaw<{ count: number }[]>`SELECT count(*)::int AS count FROM _prisma_migrations`
      const names = await external.prisma.$queryRaw<{ count: number }[]>`SELECT count(DISTINCT migration_name)::int AS count FROM _prisma_migrations`
      expect(rows[0]!.count).toBe(names[0]!.count)
    } finally {
      await Promise.all(instances.map((instance) => instance.stop()))
      await external.drop()
    }
  })
})

describe('npm start as a process', () => {
  function startProcess(env: Record<string, string>) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, ...env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const exited = new Promise<{ code: number | null; stderr: string }>((resolve) => {
      let stderr = ''
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      child.on('exit', (code) => resolve({ code, stderr }))
    })
    // The process's log, line by line: tests wait for what it says it is doing.
    const lines = createInterface({ input: child.stdout })
    const logged = (text: string) =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        lines.on('line', (line) => {
          if (line.includes(text)) resolve(JSON.parse(line))
        })
        child.on('exit', () => reject(new Error(`exited before logging "${text}"`)))
      })
    const listening = logged('Aftercare is listening').then((line) => line.port as number)
    listening.catch(() => undefined) // awaited only by the tests that expect it to listen
    return { child, exited, listening, logged }
  }

  it('on SIGTERM finishes the request in flight, then stops the embedded database and exits 0', async () => {
    const dir = await dataDir()
    const { child, exited, listening, logged } = startProcess({ ...baseEnv, DATA_DIR: dir })
    const port = await listening
    expect(existsSync(path.join(dir, 'postgres', 'cluster', 'postmaster.pid'))).toBe(true)

    // A webhook whose body is still arriving when the signal comes.
    const signed = signedSmsRequest({ MessageSid: newMessageSid(), From: '+8613700000003', Body: 'hello' })
    const body = signed.init.body
    // `Expect: 100-continue`: the server answers "100 Continue" once it has the request's
    // headers, so the request is in flight on the server before the signal, not still connecting.
    const req = request({ port, host: '127.0.0.1', path: '/twilio/sms', method: 'POST', headers: { ...signed.init.headers, 'content-length': Buffer.byteLength(body), expect: '100-continue' } })
    const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
      req.on('response', (res) => {
        let text = ''
        res.on('data', (chunk: Buffer) => (text += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode!, text }))
      })
      req.on('error', reject)
    })
    answer.catch(() => undefined) // awaited below
    const accepted = new Promise<void>((resolve) => req.once('continue', resolve))
    req.flushHeaders()
    await accepted
    req.write(body.slice(0, 10))
    // The signal, and the server saying it is shutting down (it has stopped accepting) …
    const shuttingDown = logged('shutting down')
    child.kill('SIGTERM')
    await shuttingDown
    // … and only then the rest of the body: the request must still be answered.
    req.end(body.slice(10))
    const response = await answer
    expect(response.status).toBe(200)
    expect(response.text).toContain('What can we help you with?')
    const { code } = await exited
    expect(code).toBe(0)
    expect(existsSync(path.join(dir, 'postgres', 'cluster', 'postmaster.pid'))).toBe(false)
  })

  it('a second instance on a DATA_DIR in use is refused, naming the process; tools attach to it instead', async () => {
    const dir = await dataDir()
    const { child, exited, listening } = startProcess({ ...baseEnv, DATA_DIR: dir })
    await listening
    await expect(startAftercare(loadConfig({ ...baseEnv, DATA_DIR: dir }))).rejects.toThrow(`is in use by another Aftercare process (pid ${child.pid})`)
    // Command-line tools (db:migrate, report, seed) use the running server.
    const { resolveDatabaseUrl } = await import('../src/db/database.ts')
    const { createLogger } = await import('../src/logger.ts')
    const attached = await resolveDatabaseUrl({ databaseUrl: undefined, dataDir: dir, logger: createLogger('silent'), attach: true })
    const client = new pg.Client({ connectionString: attached.url })
    await client.connect()
    expect((await client.query('SELECT count(*)::int AS n FROM "Ticket"')).rows[0].n).toBe(0)
    await client.end()
    await attached.embedded?.stop()
    child.kill('SIGTERM')
    expect((await exited).code).toBe(0)
  })

  it('a port in use: one line naming PORT, exit 1, and the embedded database left stopped', async () => {
    const blocker = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    const port = (blocker.address() as AddressInfo).port
    const dir = await dataDir()
    try {
      const { exited } = startProcess({ ...baseEnv, DATA_DIR: dir, PORT: String(port) })
      const { code, stderr } = await exited
      expect(code).toBe(1)
      expect(stderr).toContain(`Aftercare cannot start: port ${port} is already in use by another program: stop it, or set PORT to a free port`)
      // One line, not a stack.
      expect(stderr).not.toMatch(/^\s+at /m)
      expect(existsSync(path.join(dir, 'postgres', 'cluster', 'postmaster.pid'))).toBe(false)
    } finally {
      blocker.close()
    }
  })

  it('logs readable lines with LOG_FORMAT=pretty (what a terminal gets by default), JSON otherwise', async () => {
    const dir = await dataDir()
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { ...process.env, ...baseEnv, DATA_DIR: dir, LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const lines = createInterface({ input: child.stdout })
    const listening = await new Promise<string>((resolve, reject) => {
      lines.on('line', (line) => line.includes('Aftercare is listening') && resolve(line))
      child.on('exit', () => reject(new Error('exited before listening')))
    })
    expect(() => JSON.parse(listening)).toThrow()
    expect(listening).toMatch(/^\[\d{2}:\d{2}:\d{2}\] INFO: Aftercare is listening/)
    child.kill('SIGTERM')
    await new Promise((resolve) => child.on('exit', resolve))
  })

  it('a Slack token Slack refuses: one line naming SLACK_BOT_TOKEN, exit 1, nothing left running', async () => {
    const slack = await new FakeSlackApi().start()
    const dir = await dataDir()
    try {
      const { exited } = startProcess({
        ...baseEnv,
        DATA_DIR: dir,
        SLACK_BOT_TOKEN: 'xoxb-not-the-right-one',
        SLACK_SIGNING_SECRET: 'test-slack-signing-secret',
        SLACK_STAFF_CHANNEL: 'C0STAFF0001',
        SLACK_API_URL: `${slack.url}/api/`,
      })
      const { code, stderr } = await exited
      expect(code).toBe(1)
      expect(stderr).toContain('Aftercare cannot start: Slack refused SLACK_BOT_TOKEN (invalid_auth)')
      expect(stderr).not.toMatch(/^\s+at /m)
      expect(existsSync(path.join(dir, 'postgres', 'cluster', 'postmaster.pid'))).toBe(false)
    } finally {
      await slack.stop()
    }
  })

  it('Slack out of reach at start: Aftercare starts, says so, and SMS works', async () => {
    const closed = createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const unreachable = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/api/`
    closed.close()
    const { child, exited, listening, logged } = startProcess({
      ...baseEnv,
      DATA_DIR: await dataDir(),
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: 'test-slack-signing-secret',
      SLACK_STAFF_CHANNEL: 'C0STAFF0001',
      SLACK_API_URL: unreachable,
    })
    const warned = logged('Slack cannot be reached at start')
    const port = await listening
    await warned
    expect(await new Phone(`http://127.0.0.1:${port}`, '+8613700000077').say('hi')).toContain('What can we help you with?')
    child.kill('SIGTERM')
    expect((await exited).code).toBe(0)
  })

  it('refuses to start on a malformed variable and names it', async () => {
    const { exited } = startProcess({ ...baseEnv, DATA_DIR: await dataDir(), SERVICE_TIMEZONE: 'Mars/Olympus' })
    const { code, stderr } = await exited
    expect(code).toBe(1)
    expect(stderr).toContain('SERVICE_TIMEZONE: must be an IANA time zone')
  })
})

describe('configuration', () => {
  it.each([
    [{ PORT: 'eighty' }, 'PORT'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ TWILIO_ACCOUNT_SID: 'AB123' }, 'TWILIO_ACCOUNT_SID'],
    [{ TWILIO_FROM: '12345' }, 'TWILIO_FROM'],
    [{ DEFAULT_LOCALE: 'fr' }, 'DEFAULT_LOCALE'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ ADMIN_TOKEN: 'short' }, 'ADMIN_TOKEN'],
    [{ HOLIDAYS_FILE: '/nonexistent/holidays.json' }, 'HOLIDAYS_FILE'],
  ])('%j is refused, naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError)
    expect(() => loadConfig(env)).toThrow(new RegExp(`^${name}`))
  })

  it('has defaults for everything: no config file needed', () => {
    const config = loadConfig({})
    expect(config).toMatchObject({ port: 3000, publicUrl: 'http://localhost:3000', serviceTimeZone: 'Asia/Shanghai', defaultLocale: 'en', twilio: undefined, databaseUrl: undefined })
    expect(config.dataDir).toBe(path.resolve('data'))
  })
})

describe('the example holidays file', () => {
  it('parses, ranges expanded', () => {
    const config = loadConfig({ HOLIDAYS_FILE: 'holidays.example.json' })
    expect(config.holidays.holidays.size).toBe(7)
    expect([...config.holidays.workdays]).toEqual(['2026-09-20', '2026-10-10'])
  })
})
