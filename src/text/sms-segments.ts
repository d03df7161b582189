/**
 * What an SMS costs: carriers bill segments of 160 GSM-7 characters (153 when several are joined;
 * an extended character such as € counts two), or of 70 UCS-2 units (67 joined) as soon as one
 * character is outside GSM-7. Issue 18: notifications are kept within a number of segments by
 * construction, cutting the free-text part that makes them long.
 */
const GSM7 = new Set([...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'])
const GSM7_EXTENDED = new Set([...'^{}\\[~]|€'])

export const isGsm7 = (text: string) => [...text].every((ch) => GSM7.has(ch) || GSM7_EXTENDED.has(ch))

export interface SmsCost {
  encoding: 'GSM-7' | 'UCS-2'
  segments: number
}

export function smsCost(text: string): SmsCost {
  if (isGsm7(text)) {
    const units = [...text].reduce((sum, ch) => sum + (GSM7_EXTENDED.has(ch) ? 2 : 1), 0)
    return { encoding: 'GSM-7', segments: units <= 160 ? 1 : Math.ceil(units / 153) }
  }
  const units = text.length
  return { encoding: 'UCS-2', segments: units <= 70 ? 1 : Math.ceil(units / 67) }
}

/**
 * The longest cut of `field` (whole graphemes, "..." marking the cut) for which `render(cut)` costs at
 * most `maxSegments`; `render('')` when even that does not fit.
 */
export function fitToSegments(render: (field: string) => string, field: string, maxSegments: number): string {
  if (smsCost(render(field)).segments <= maxSegments) return render(field)
  const graphemes = [...new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(field)].length
  let low = 0
  let high = graphemes - 1
  const cut = (count: number) => (count === 0 ? '' : `${prefixOf(field, count).trimEnd()}...`)
  while (low < high) {
    const middle = Math.ceil((low + high) / 2)
    if (smsCost(render(cut(middle))).segments <= maxSegments) low = middle
    else high = middle - 1
  }
  return render(cut(low))
}

/** The first `count` graphemes of a text. */
function prefixOf(text: string, count: number): string {
  let taken = 0
  let end = 0
  for (const { index, segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    if (taken === count) break
    end = index + segment.length
    taken++
  }
  return text.slice(0, end)
}
