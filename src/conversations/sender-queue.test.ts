import { describe, expect, it } from 'vitest'
import { AppError } from '../errors.ts'
import { createSenderQueue } from './sender-queue.ts'

const gate = () => {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open }
}

describe('the per-sender queue', () => {
  it('runs one sender’s work in arrival order, one at a time, and other senders beside it', async () => {
    const queue = createSenderQueue({ maxPerSender: 10 })
    const first = gate()
    const order: string[] = []
    const a1 = queue.run('a', async () => {
      await first.opened
      order.push('a1')
    })
    const a2 = queue.run('a', async () => void order.push('a2'))
    await queue.run('b', async () => void order.push('b1'))
    expect(order).toEqual(['b1'])
    expect(queue.size()).toBe(2)
    first.open()
    await Promise.all([a1, a2])
    expect(order).toEqual(['b1', 'a1', 'a2'])
    expect(queue.size()).toBe(0)
  })

  it('a failure does not stop the next message of the same sender', async () => {
    const queue = createSenderQueue({ maxPerSender: 10 })
    const failed = queue.run('a', async () => {
      throw new Error('boom')
    })
    await expect(failed).rejects.toThrow('boom')
    await expect(queue.run('a', async () => 'next')).resolves.toBe('next')
  })

  it('refuses beyond the bound with 503 and Retry-After, without running the work', async () => {
    const queue = createSenderQueue({ maxPerSender: 2 })
    const hold = gate()
    const running = [queue.run('a', () => hold.opened), queue.run('a', async () => undefined)]
    let ran = false
    const refused = await queue.run('a', async () => void (ran = true)).catch((error: unknown) => error)
    expect(refused).toBeInstanceOf(AppError)
    expect(refused).toMatchObject({ status: 503, retryAfterSeconds: 30 })
    expect(ran).toBe(false)
    hold.open()
    await Promise.all(running)
  })
})
