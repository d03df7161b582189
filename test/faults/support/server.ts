/**
 * Aftercare as a real process, started the way production starts it (`node --import tsx
 * src/server.ts`, the Dockerfile's CMD and the systemd unit; or `npm start`, the README's), on
 * a data directory of the test's own, against fake providers running in the test process.
 * Signals are real signals; kill -9 is kill -9.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import { BOT_TOKEN, STAFF_CHANNEL, type FakeSlackApi } from '../../fakes/slack-api.ts'
import type { FakeTwilioApi } from '../../fakes/twilio-api.ts'
import { ADMIN_TOKEN, PUBLIC_URL, TWILIO_AUTH_TOKEN } from '../../support/app.ts'
import { SIGNING_SECRET } from '../../support/slack.ts'

const ROOT = path.resolve(import.meta.dirname, '../../..')
export const SERVICE_NUMBER = '+8610000000000'

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port
      server.close(() => resolve(port))
    })
  })
}

/** A data directory the embedded PostgreSQL (running as `postgres` when we are root) can reach. */
export async function dataDirectory(): Promise<{ dir: string; remove(): Promise<void> }> {
  const base = await mkdtemp(path.join(tmpdir(), 'aftercare-fault-'))
  await chmod(base, 0o755)
  return { dir: path.join(base, 'data'), remove: () => rm(base, { recursive: true, force: true }) }
}

export interface Providers {
  twilio?: FakeTwilioApi
  slack?: FakeSlackApi
}

export function providerEnv(providers: Providers): Record<string, string> {
  return {
    TWILIO_AUTH_TOKEN,
    ...(providers.twilio && { TWILIO_ACCOUNT_SID: providers.twilio.accountSid, TWILIO_FROM: SERVICE_NUMBER, TWILIO_API_URL: providers.twilio.url }),
    ...(providers.slack && { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_STAFF_CHANNEL: STAFF_CHANNEL, SLACK_API_URL: `${providers.slack.url}/api/` }),
  }
}

export interface LogLine {
  level: number
  msg: string
  [field: string]: unknown
}

export class ServerProcess {
  readonly lines: LogLine[] = []
  readonly url: string
  private exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  private stderr = ''

  private constructor(
    readonly child: ChildProcess,
    readonly port: number,
    readonly dataDir: string,
  ) {
    this.url = `http://127.0.0.1:${port}`
    let buffered = ''
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString()
      const parts = buffered.split('\n')
      buffered = parts.pop()!
      for (const part of parts) {
        try {
          this.lines.push(JSON.parse(part) as LogLine)
        } catch {
          // npm's own banner lines
        }
      }
    })
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()))
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  }

  /**
   * Starts Aftercare and waits until it listens. `via: 'npm'` runs `npm start` (the README's
   * command); otherwise node itself is the process (the Dockerfile's CMD).
   */
  static async start(options: { dataDir: string; port?: number; env?: Record<string, string>; via?: 'npm' | 'node' }): Promise<ServerProcess> {
    const port = options.port ?? (await freePort())
    const env = {
      PATH: process.env.PATH!,
      HOME: process.env.HOME ?? '/root',
      PORT: String(port),
      DATA_DIR: options.dataDir,
      PUBLIC_URL,
      ADMIN_TOKEN,
      // Inbound SMS needs only the auth token; tests that send SMS add the rest (providerEnv).
      TWILIO_AUTH_TOKEN,
      LOG_LEVEL: 'info',
      SERVICE_TIMEZONE: 'Asia/Shanghai',
      JOB_POLL_SECONDS: '0.5',
      OUTBOX_RETRY_DELAY: '1',
      ...options.env,
    }
    const child =
      options.via === 'npm'
        ? spawn('npm', ['start', '--silent'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
        : spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
    const server = new ServerProcess(child, port, options.dataDir)
    await server
      .waitForLog((line) => line.msg === 'Aftercare is listening', 60_000)
      .catch(async (error: Error) => {
        child.kill('SIGKILL')
        throw new Error(
          `${error.message}\nstderr: ${server.stderr.slice(-2000)}\nlog: ${server.lines
            .slice(-5)
            .map((line) => line.msg)
            .join(' | ')}`,
        )
      })
    return server
  }

  async waitForLog(match: (line: LogLine) => boolean, timeoutMs = 30_000): Promise<LogLine> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const found = this.lines.find(match)
      if (found) return found
      if (this.child.exitCode !== null || this.child.signalCode !== null) throw new Error(`the server exited (${this.child.exitCode ?? this.child.signalCode}) before the expected log line`)
      if (Date.now() > deadline) throw new Error('timed out waiting for a log line')
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  /** Resolves with how the process ended. */
  ended() {
    return this.exited
  }

  kill(signal: NodeJS.Signals) {
    this.child.kill(signal)
  }

  /** The embedded PostgreSQL's postmaster: pid and port, from its lock file. */
  async postmaster(): Promise<{ pid: number; port: number } | undefined> {
    const file = path.join(this.dataDir, 'postgres', 'cluster', 'postmaster.pid')
    if (!existsSync(file)) return undefined
    const lines = (await readFile(file, 'utf8')).split('\n')
    return { pid: Number(lines[0]), port: Number(lines[3]) }
  }

  /** A superuser connection to the embedded server's `aftercare` database. */
  async databaseUrl(): Promise<string> {
    const password = (await readFile(path.join(this.dataDir, 'postgres', 'superuser-password'), 'utf8')).trim()
    const postmaster = await this.postmaster()
    return `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${postmaster!.port}/aftercare`
  }

  async database(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: await this.databaseUrl(), application_name: 'fault-test' })
    client.on('error', () => undefined)
    await client.connect()
    return client
  }

  /** Stops the process (SIGTERM, then SIGKILL) and whatever embedded PostgreSQL it left. */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      this.child.kill('SIGTERM')
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 20_000)
      await this.exited
      clearTimeout(timer)
    }
  }
}

/** Stops an embedded PostgreSQL a killed process left behind (its pid from the lock file). */
export async function stopOrphanedPostgres(dataDir: string): Promise<void> {
  const file = path.join(dataDir, 'postgres', 'cluster', 'postmaster.pid')
  if (!existsSync(file)) return
  const pid = Number((await readFile(file, 'utf8')).split('\n')[0])
  try {
    process.kill(pid, 'SIGINT')
  } catch {
    return
  }
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0)
    } catch {
      return
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values: number[], p: number): number {
  if (!values.length) return 0
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

/** One line of figures in the test output. */
export function report(title: string, figures: Record<string, string | number>): void {
  console.log(
    `[fault] ${title}: ${Object.entries(figures)
      .map(([name, value]) => `${name} ${value}`)
      .join(', ')}`,
  )
}
