/**
 * One sender's turns run one at a time in this process, in arrival order, before they ask the
 * pool for a connection. The advisory lock in the turn's transaction still serialises senders
 * across instances; this queue keeps a burst from one sender from pinning every pooled
 * connection while it waits for that lock, which starved every other customer.
 */
import { AppError } from '../errors.ts'

export interface SenderQueue {
  run<T>(key: string, work: () => Promise<T>): Promise<T>
  /** Turns waiting or running, over all senders (for /metrics). */
  size(): number
}

export function createSenderQueue(options: { maxPerSender: number }): SenderQueue {
  const queues = new Map<string, { tail: Promise<unknown>; length: number }>()
  let total = 0
  return {
    run(key, work) {
      const queue = queues.get(key) ?? { tail: Promise.resolve(), length: 0 }
      if (queue.length >= options.maxPerSender) {
        // Far beyond anything a person types: answer without processing, the provider may retry later.
        return Promise.reject(new AppError('unavailable', 'too many messages from this sender at once; try again shortly', undefined, 30))
      }
      queue.length++
      total++
      queues.set(key, queue)
      const result = queue.tail.then(work).finally(() => {
        queue.length--
        total--
        if (queue.length === 0 && queues.get(key) === queue) queues.delete(key)
      })
      queue.tail = result.then(
        () => undefined,
        () => undefined,
      )
      return result
    },
    size: () => total,
  }
}
