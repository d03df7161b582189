/**
 * Everything that happens because time passed — deadline warnings and breaches (§2.1a, §2.2,
 * §3.1c), unanswered hand-offs, survey prompts, reminders and closings (§3.3a), retention —
 * checked every few seconds rather than once a minute, so each acts within seconds of its due
 * time. One instance sweeps at a time (a try-lock: the others skip that round); each sweep
 * claims its rows with SKIP LOCKED or conditional updates anyway.
 */
import type { Locks } from '../db/locks.ts'
import { isDatabaseUnavailable } from '../db/errors.ts'
import type { Logger } from '../logger.ts'

export interface Timers {
  stop(): Promise<void>
}

const SWEEP_LOCK = 'timers:sweep'

export function startTimers(deps: { locks: Locks; intervalMs: number; logger: Logger; sweep(): Promise<void> }): Timers {
  let stopped = false
  let running: Promise<unknown> = Promise.resolve()
  let lastFailure = 0
  const tick = () => {
    if (stopped) return
    running = deps.locks
      .tryWithLock(SWEEP_LOCK, deps.sweep)
      .catch((error: unknown) => {
        // A database outage fails every round: say so once a minute.
        if (isDatabaseUnavailable(error) && Date.now() - lastFailure < 60_000) return
        lastFailure = Date.now()
        deps.logger.error({ err: error }, 'timed sweep failed; the next round tries again')
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, deps.intervalMs)
      })
  }
  let timer: NodeJS.Timeout | undefined = setTimeout(tick, deps.intervalMs)
  return {
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
