import { describe, expect, it } from 'vitest'
import { querySlots } from './query-slots.ts'

describe('report query slots', () => {
  it('runs at most `size` queries at once, every one of them, failures included', async () => {
    const inSlot = querySlots(2)
    let running = 0
    let most = 0
    const query = (value: number) =>
      inSlot(async () => {
        running++
        most = Math.max(most, running)
        await new Promise((resolve) => setTimeout(resolve, 5))
        running--
        if (value === 3) throw new Error('query 3 failed')
        return value
      })
    const results = await Promise.allSettled([1, 2, 3, 4, 5, 6].map(query))
    expect(most).toBe(2)
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message))).toEqual([1, 2, 'query 3 failed', 4, 5, 6])
    // The slots are free again afterwards.
    expect(await Promise.all([query(7), query(8)])).toEqual([7, 8])
  })
})
