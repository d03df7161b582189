// Runs `prisma generate` at install. The Prisma CLI fetches its native schema engine before any
// command, even though generating the client never uses it, and that download fails offline.
// Pointing PRISMA_SCHEMA_ENGINE_BINARY at any existing file skips it.
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1' }
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url)
const result = spawnSync(process.execPath, ['node_modules/prisma/build/index.js', 'generate'], { stdio: 'inherit', env })
process.exit(result.status ?? 1)
