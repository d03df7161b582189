/**
 * Cutting and splitting text for providers' limits without breaking a character: a limit counted
 * in UTF-16 units (Slack's 75 for an option, Twilio's 1,600 for a body) must not fall inside an
 * emoji — a lone surrogate is refused (Slack) or shown as "�" (SMS) — nor between a letter and its
 * accent or the parts of 👍🏽 or 👨‍👩‍👧. Cuts fall on grapheme boundaries (Intl.Segmenter).
 */
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

/** The longest start of `text` of at most `max` UTF-16 units that ends on a grapheme boundary. */
export function graphemePrefix(text: string, max: number): string {
  if (text.length <= max) return text
  let end = 0
  for (const { segment, index } of graphemes.segment(text)) {
    if (index + segment.length > max) break
    end = index + segment.length
  }
  return text.slice(0, end)
}

/** At most `max` UTF-16 units, with "…" where it was cut. */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text
  return `${graphemePrefix(text, max - 1)}…`
}

/** The end of `text`, at most `max` units, starting on a grapheme boundary, with "…" before it when cut. */
export function cutTextStart(text: string, max: number): string {
  if (text.length <= max) return text
  let start = text.length
  const starts = [...graphemes.segment(text)].map(({ index }) => index)
  for (let i = starts.length - 1; i >= 0 && text.length - starts[i]! <= max - 1; i--) start = starts[i]!
  return `…${text.slice(start)}`
}

/**
 * Splits a text into parts of at most `limit` units: at line breaks where it can, else at spaces,
 * else at grapheme boundaries. Nothing is lost; no part ends inside a character.
 */
export function splitText(text: string, limit: number): string[] {
  const parts: string[] = []
  let current = ''
  const push = (part: string) => part && parts.push(part)
  for (const line of text.split('\n')) {
    const candidate = current ? `${current}\n${line}` : line
    if (candidate.length <= limit) {
      current = candidate
      continue
    }
    push(current)
    let rest = line
    while (rest.length > limit) {
      const head = graphemePrefix(rest, limit)
      const space = head.lastIndexOf(' ')
      // A word boundary in the second half of the part, else the character boundary.
      const cut = space > limit / 2 ? space : head.length
      push(rest.slice(0, cut))
      rest = rest.slice(cut).replace(/^ /, '')
    }
    current = rest
  }
  push(current)
  return parts
}
