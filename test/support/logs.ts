/** A logger that keeps its lines in memory, for tests that check what operators would read. */
import { Writable } from 'node:stream'
import { pino, type Logger } from 'pino'

export interface MemoryLog {
  logger: Logger
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  lines: Record<string, any>[]
}

export function memoryLogger(level: 'info' | 'debug' = 'info'): MemoryLog {
  const lines: MemoryLog['lines'] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      done()
    },
  })
  return { logger: pino({ level }, stream), lines }
}
