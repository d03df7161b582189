/**
 * §3.2a: a customer's product model against Party A's catalogue. Customers write "xr 200",
 * "XR200" or "Xr-200" for XR-200; they also mistype. Pure: the catalogue is handed in.
 */

/** A model without case, spaces or punctuation: what two spellings of one model share. */
export function modelKey(text: string): string {
  return text
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[\s\-_./·]+/g, '')
}

/** A catalogue model as the conversation shows it. */
export interface ListedModel {
  model: string
  manualUrl: string | null
}

export interface ListedProduct extends ListedModel {
  key: string
}

/** What the catalogue says of an answer; undefined when there is no catalogue. */
export type ProductMatch =
  | { kind: 'listed'; model: string; manualUrl: string | null }
  /** Not in the catalogue; the closest models, best first (perhaps none). */
  | { kind: 'unlisted'; suggestions: ListedModel[] }

const MAX_SUGGESTIONS = 3

/** Edit distance (insertions, deletions, substitutions, swaps of neighbours), stopping early past `limit`. */
function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1
  let before = new Array<number>(b.length + 1).fill(0)
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    let best = i
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let value = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) value = Math.min(value, before[j - 2]! + 1)
      current.push(value)
      best = Math.min(best, value)
    }
    if (best > limit) return limit + 1
    before = previous
    previous = current
  }
  return previous[b.length]!
}

/** Exact (by key), else the few models within a typo or two, or that the answer starts or is part of. */
export function matchModel(text: string, products: ReadonlyMap<string, ListedProduct>): ProductMatch | undefined {
  if (products.size === 0) return undefined
  const key = modelKey(text)
  const listed = products.get(key)
  if (listed) return { kind: 'listed', model: listed.model, manualUrl: listed.manualUrl }
  // Short keys have many neighbours: one typo allowed below 5 characters, two from there.
  const limit = key.length < 5 ? 1 : 2
  const scored: { product: ListedProduct; score: number }[] = []
  for (const product of products.values()) {
    const contains = key.length >= 3 && product.key.length >= 3 && (product.key.startsWith(key) || key.includes(product.key))
    const score = contains ? 1 : distance(key, product.key, limit)
    if (score <= limit) scored.push({ product, score })
  }
  scored.sort((a, b) => a.score - b.score || a.product.model.localeCompare(b.product.model))
  return { kind: 'unlisted', suggestions: scored.slice(0, MAX_SUGGESTIONS).map(({ product }) => ({ model: product.model, manualUrl: product.manualUrl })) }
}

/**
 * The catalogue's word on a message, for the turn that reads it: only while the conversation
 * (its persisted snapshot) is asking for the model, so other answers cost no lookup.
 */
export function productFor(snapshot: unknown, text: string, products: ReadonlyMap<string, ListedProduct>): ProductMatch | undefined {
  const asking = (snapshot as { context?: { asking?: unknown } } | null | undefined)?.context?.asking
  return asking === 'productModel' ? matchModel(text, products) : undefined
}
