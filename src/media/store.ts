/**
 * Where attachments' bytes live. Files are named by their SHA-256, so the same photo sent twice
 * is stored once, a name cannot be guessed from anything a customer knows, and a file is never
 * changed in place. The metadata (who sent it, which ticket) is in PostgreSQL (`Attachment`).
 *
 * The local adapter keeps them under DATA_DIR/media; several instances need a shared store.
 */
import { createHash, randomUUID } from 'node:crypto'
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import path from 'node:path'

export interface MediaStore {
  /** Stores the bytes (once per content); returns their SHA-256. */
  put(bytes: Uint8Array): Promise<string>
  /** The bytes, or undefined when the store does not have them. */
  get(sha256: string): Promise<Buffer | undefined>
  delete(sha256: string): Promise<void>
}

export const sha256Of = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex')
const SHA256 = /^[0-9a-f]{64}$/

export function localMediaStore(dir: string): MediaStore {
  const fileOf = (sha256: string) => {
    // Names come from our own hashes; refuse anything else rather than build a path from it.
    if (!SHA256.test(sha256)) throw new Error(`not a SHA-256: ${sha256.slice(0, 80)}`)
    return path.join(dir, sha256.slice(0, 2), sha256)
  }
  return {
    async put(bytes) {
      const sha256 = sha256Of(bytes)
      const file = fileOf(sha256)
      if (
        await stat(file).then(
          () => true,
          () => false,
        )
      )
        return sha256
      await mkdir(path.dirname(file), { recursive: true })
      // Written aside and renamed: a crash never leaves half a file under the real name.
      const temporary = `${file}.${randomUUID()}.tmp`
      await writeFile(temporary, bytes, { mode: 0o600 })
      await rename(temporary, file)
      return sha256
    },
    async get(sha256) {
      return readFile(fileOf(sha256)).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)))
    },
    async delete(sha256) {
      await rm(fileOf(sha256), { force: true })
    },
  }
}
