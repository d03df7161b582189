/**
 * Reports share the connection pool with message handling. A year's report on a large history
 * runs eight aggregates for seconds; unbounded, two or three at once would hold most of the pool
 * and make customers' messages wait. Every report query takes one of a few slots, so heavy
 * reporting slows other reports, not the service.
 */
export function querySlots(size: number) {
  let busy = 0
  const waiting: (() => void)[] = []
  return async function inSlot<T>(work: () => Promise<T>): Promise<T> {
    if (busy < size) busy++
    else await new Promise<void>((resolve) => waiting.push(resolve))
    try {
      return await work()
    } finally {
      // The slot passes straight to the next waiter, if any.
      const next = waiting.shift()
      if (next) next()
      else busy--
    }
  }
}

/** Per process: at most 4 of the pool's connections (20 by default) run report queries at once. */
export const inReportSlot = querySlots(4)

/**
 * The cycle medians' own connection (cycles.ts), apart from the report slots: a report holds
 * its slot while it waits for its medians, so sharing one limit could leave every report waiting
 * for the others' medians.
 */
export const inMedianSlot = querySlots(2)
