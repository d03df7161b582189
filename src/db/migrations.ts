/**
 * Prisma migrations without Prisma's native schema engine (it cannot be downloaded here, and
 * operators should not need it): the WebAssembly build of the same engine, talking to
 * PostgreSQL through `@prisma/adapter-pg`. Migration folders and the `_prisma_migrations`
 * history table are Prisma's own, so `prisma migrate deploy` agrees with what we did.
 */
import { randomUUID } from 'node:crypto'
import { readFile, readdir, mkdir, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { PrismaPg } from '@prisma/adapter-pg'
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils'
import * as engineModule from '@prisma/schema-engine-wasm/schema_engine_bg'
import type { MigrationList, SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg'
import pg from 'pg'
import { LOCKS, withAdvisoryLock } from './advisory-lock.ts'
import { createClient } from './pool.ts'
import { parse as parseConnectionString } from 'pg-connection-string'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

/** Where the schema and its migrations live; the repository's prisma/ folder unless a test says otherwise. */
export interface MigrationPaths {
  schemaPath: string
  migrationsDir: string
}

export const defaultPaths: MigrationPaths = {
  schemaPath: path.join(root, 'prisma', 'schema.prisma'),
  migrationsDir: path.join(root, 'prisma', 'migrations'),
}
const lockfileName = 'migration_lock.toml'
const noFilter = { externalTables: [], externalEnums: [] }

// @types/node 20 does not declare the WebAssembly global; this is the part we use.
declare const WebAssembly: {
  instantiate(bytes: Uint8Array, imports: object): Promise<{ instance: { exports: Record<string, unknown> } }>
}

let wasmReady: Promise<void> | undefined
let lastPanic: string | undefined

// A Rust panic inside the engine reports its message here before the call throws.
;(globalThis as { PRISMA_WASM_PANIC_REGISTRY?: unknown }).PRISMA_WASM_PANIC_REGISTRY = {
  set_message(message: string) {
    lastPanic = message
  },
}

/**
 * The engine arms 10-second timers it never clears: left as they are, every command-line tool
 * (and `npm start` stopped right after migrating) waited 10 s before exiting. Unreferenced,
 * they still fire while the process lives, and no longer keep it alive.
 */
function withUnrefTimers(module: typeof engineModule): Record<string, unknown> {
  const imports: Record<string, unknown> = { ...module }
  for (const [name, value] of Object.entries(module)) {
    if (!/^__wbg_setTimeout_/.test(name) || typeof value !== 'function') continue
    imports[name] = (...args: unknown[]) => {
      const timer = (value as (...args: unknown[]) => unknown)(...args)
      ;(timer as { unref?: () => void } | undefined)?.unref?.()
      return timer
    }
  }
  return imports
}

/** The package's main entry imports the .wasm the way bundlers do; Node needs it instantiated by hand. */
function loadWasm(): Promise<void> {
  wasmReady ??= (async () => {
    const require = createRequire(import.meta.url)
    const wasmPath = path.join(path.dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm')
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), { './schema_engine_bg.js': withUnrefTimers(engineModule) })
    engineModule.__wbg_set_wasm(instance.exports)
    ;(instance.exports as { __wbindgen_start(): void }).__wbindgen_start()
  })()
  return wasmReady
}

/**
 * pg's Pool lets a connection string override every other field, and adapter-pg creates the
 * shadow database by overriding `database`: so hand it discrete fields, never a URL.
 */
function poolConfig(databaseUrl: string): pg.PoolConfig {
  const { host, port, user, password, database, ssl } = parseConnectionString(databaseUrl)
  return { host: host ?? undefined, port: port ? Number(port) : undefined, user, password, database: database ?? undefined, ssl: ssl as pg.PoolConfig['ssl'], max: 2 }
}

/**
 * adapter-pg runs a migration script by splitting it at every `;`, which cuts a function body
 * (`$$ … ; … $$`) in pieces. PostgreSQL takes the whole script as one simple query instead, and
 * runs it as one transaction: a migration applies entirely or not at all.
 */
function wholeScripts<A extends { executeScript(script: string): Promise<void> }>(adapter: A): A {
  const pool = (adapter as unknown as { client: pg.Pool }).client
  adapter.executeScript = async (script) => {
    await pool.query(script)
  }
  return adapter
}

async function withEngine<T>(
  databaseUrl: string,
  schemaPath: string,
  use: (engine: SchemaEngine, schema: string) => Promise<T>,
  wrap: <A extends object>(adapter: A) => A = (adapter) => adapter,
): Promise<T> {
  await loadWasm()
  const schema = await readFile(schemaPath, 'utf8')
  const factory = new PrismaPg(poolConfig(databaseUrl))
  const connect = factory.connect.bind(factory)
  // The engine does not close what it opens; we do, so no connection outlives the command.
  const opened: { dispose(): Promise<void> }[] = []
  factory.connect = async () => {
    const adapter = wholeScripts(await connect())
    opened.push(adapter)
    return wrap(adapter)
  }
  // adapter-pg's own shadow database is dropped while its pool still holds a connection, which
  // PostgreSQL refuses; ours closes the pool first.
  factory.connectToShadowDb = async () => {
    const name = `prisma_migrate_shadow_db_${randomUUID()}`
    const admin = createClient(poolConfig(databaseUrl), undefined)
    await admin.connect()
    await admin.query(`CREATE DATABASE "${name}"`)
    const shadow = wholeScripts(await new PrismaPg({ ...poolConfig(databaseUrl), database: name }).connect())
    const dispose = shadow.dispose.bind(shadow)
    shadow.dispose = async () => {
      await dispose()
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      await admin.end()
    }
    opened.push(shadow)
    return wrap(shadow)
  }
  const adapter = bindMigrationAwareSqlAdapterFactory(factory)
  const engine = await engineModule.SchemaEngine.new({ datamodels: [[schemaPath, schema]] }, () => {}, adapter)
  try {
    return await use(engine, schema)
  } catch (error) {
    if (lastPanic) throw new Error(`schema engine panicked: ${lastPanic}`, { cause: error })
    throw error
  } finally {
    engine.free()
    for (const adapter of opened.reverse()) await adapter.dispose().catch(() => undefined)
  }
}

async function readMigrations(migrationsDir: string): Promise<MigrationList> {
  const lockContent = await readFile(path.join(migrationsDir, lockfileName), 'utf8').catch(() => null)
  const entries = await readdir(migrationsDir, { withFileTypes: true }).catch(() => [])
  const migrationDirectories = await Promise.all(
    entries
      .filter((entry) => entry.isDirectory())
      .map(async (entry) => ({
        path: entry.name,
        migrationFile: {
          path: 'migration.sql',
          content: await readFile(path.join(migrationsDir, entry.name, 'migration.sql'), 'utf8')
            .then((value) => ({ tag: 'ok' as const, value }))
            .catch((error: Error) => ({ tag: 'error' as const, value: error.message })),
        },
      })),
  )
  migrationDirectories.sort((a, b) => a.path.localeCompare(b.path))
  return { baseDir: migrationsDir, lockfile: { path: lockfileName, content: lockContent }, shadowDbInitScript: '', migrationDirectories }
}

/**
 * Applies every pending migration. Several instances starting together on one database take
 * turns through an advisory lock, so each migration runs once.
 * @returns the names of the migrations applied now
 */
export async function applyMigrations(databaseUrl: string, paths: MigrationPaths = defaultPaths): Promise<string[]> {
  return withAdvisoryLock(poolConfig(databaseUrl), LOCKS.migrations, async () => {
    const migrationsList = await readMigrations(paths.migrationsDir)
    return withEngine(databaseUrl, paths.schemaPath, async (engine) => (await engine.applyMigrations({ migrationsList, filters: noFilter })).appliedMigrationNames)
  })
}

/**
 * The engine describes the shadow database with catalog queries that return PostgreSQL's
 * internal `"char"` type, which adapter-pg neither maps nor accepts. While a migration is being
 * written, pg reports such columns as text (their values arrive as one-letter strings anyway)
 * and the adapter's answers are corrected to the engine's `Character` column type.
 */
const PG_CHAR = 18
const PG_TEXT = 25
const CHARACTER_COLUMN = 6 // ColumnTypeEnum.Character in @prisma/driver-adapter-utils
const charColumns = new WeakMap<object, number[]>()

type Queryable = { queryRaw(query: unknown): Promise<{ rows: unknown[]; columnTypes: number[] }> }

function correctCharColumns<T extends object>(queryable: T): T {
  const target = queryable as unknown as Queryable & { startTransaction?(...args: unknown[]): Promise<object> }
  const queryRaw = target.queryRaw.bind(target)
  target.queryRaw = async (query) => {
    const result = await queryRaw(query)
    for (const index of charColumns.get(result.rows) ?? []) result.columnTypes[index] = CHARACTER_COLUMN
    return result
  }
  if (target.startTransaction) {
    const start = target.startTransaction.bind(target)
    target.startTransaction = async (...args) => correctCharColumns(await start(...args))
  }
  return queryable
}

async function withCharColumns<T>(work: (wrap: <A extends object>(adapter: A) => A) => Promise<T>): Promise<T> {
  const proto = (pg as unknown as { Result: { prototype: { rows: unknown[]; addFields(fields: { dataTypeID: number }[]): void } } }).Result.prototype
  const original = proto.addFields
  proto.addFields = function (this: { rows: unknown[] }, fields) {
    const indices = fields.flatMap((field, index) => (field.dataTypeID === PG_CHAR ? [index] : []))
    for (const index of indices) fields[index]!.dataTypeID = PG_TEXT
    if (indices.length) charColumns.set(this.rows, indices)
    return original.call(this, fields)
  }
  try {
    return await work(correctCharColumns)
  } finally {
    proto.addFields = original
  }
}

/**
 * Writes `prisma/migrations/<timestamp>_<name>/migration.sql` from the difference between the
 * migrations so far and `prisma/schema.prisma` (replayed on a temporary shadow database).
 * @returns the new folder's name, or undefined when the schema has not changed
 */
export async function createMigration(databaseUrl: string, name: string, paths: MigrationPaths = defaultPaths): Promise<string | undefined> {
  const { schemaPath, migrationsDir } = paths
  const migrationsList = await readMigrations(migrationsDir)
  return withCharColumns((wrap) =>
    withEngine(
      databaseUrl,
      schemaPath,
      async (engine, schema) => {
        // The wasm engine's createMigration cannot make a shadow database; diff can, through the adapter.
        const files = [{ path: schemaPath, content: schema }]
        const diff = await engine.diff({
          from: migrationsList.migrationDirectories.length ? { tag: 'migrations', ...migrationsList } : { tag: 'empty' },
          to: { tag: 'schemaDatamodel', files },
          script: true,
          exitCode: true,
          filters: noFilter,
        })
        if (diff.exitCode !== 2 || !diff.stdout) return undefined
        const folderName = `${new Date().toISOString().replace(/\D/g, '').slice(0, 14)}_${name.replace(/[^A-Za-z0-9_]+/g, '_')}`
        await mkdir(path.join(migrationsDir, folderName), { recursive: true })
        await writeFile(path.join(migrationsDir, folderName, 'migration.sql'), diff.stdout)
        if (migrationsList.lockfile.content === null) {
          await writeFile(path.join(migrationsDir, lockfileName), '# Please do not edit this file manually\n# It should be added in your version-control system (e.g., Git)\nprovider = "postgresql"\n')
        }
        return folderName
      },
      wrap,
    ),
  )
}
