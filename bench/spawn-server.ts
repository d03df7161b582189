/**
 * Starts bench/server.ts in a process of its own (so the load generator does not share its
 * event loop) and waits for its `port <n>` line; the lines it prints are kept.
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'

export interface BenchServer {
  pid: number
  port: number
  /** Every line the server printed so far. */
  output: string[]
  stop(): Promise<string[]>
}

export async function spawnBenchServer(mode: 'bare' | 'full', env: Record<string, string> = {}): Promise<BenchServer> {
  const profile = process.env.BENCH_CPU_PROF && mode === 'full' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', 'bench/server.ts', mode], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, BENCH_SERVER_ENV: JSON.stringify(env), ...(mode === 'full' && { BENCH_COUNT_QUERIES: '1' }) },
  })
  const output: string[] = []
  const lines = createInterface({ input: child.stdout! })
  const port = await new Promise<number>((resolve, reject) => {
    lines.on('line', (line) => {
      output.push(line)
      const match = /^port (\d+)$/.exec(line)
      if (match) resolve(Number(match[1]))
    })
    child.on('exit', (code) => reject(new Error(`bench server exited (${code})`)))
  })
  return {
    pid: child.pid!,
    port,
    output,
    async stop() {
      const exited = new Promise((resolve) => child.on('exit', resolve))
      child.kill('SIGTERM')
      await exited
      return output
    },
  }
}
