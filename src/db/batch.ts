/**
 * Many small writes as few statements: items are collected for a few milliseconds (or until
 * there are `maxItems`) and written by one call; each caller's promise settles with its batch.
 * Used where a busy path would otherwise pay one round trip per item (the outbox's "sent").
 */
export function batched<T>(write: (items: T[]) => Promise<unknown>, options: { maxItems: number; maxWaitMs: number }): (item: T) => Promise<void> {
  let pending: { item: T; resolve(): void; reject(error: unknown): void }[] = []
  let timer: NodeJS.Timeout | undefined

  function flush() {
    clearTimeout(timer)
    timer = undefined
    const batch = pending
    pending = []
    if (!batch.length) return
    write(batch.map((entry) => entry.item)).then(
      () => batch.forEach((entry) => entry.resolve()),
      (error: unknown) => batch.forEach((entry) => entry.reject(error)),
    )
  }

  return (item) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ item, resolve, reject })
      if (pending.length >= options.maxItems) flush()
      else timer ??= setTimeout(flush, options.maxWaitMs)
    })
}
