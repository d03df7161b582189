/** Issue 18: cuts and splits never break a character (surrogate pairs, skin tones, ZWJ families, flags, accents). */
import { describe, expect, it } from 'vitest'
import { cutText, cutTextStart, graphemePrefix, splitText } from './cut.ts'

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const HARD = ['👍🏽', '👨‍👩‍👧', '🇨🇳', 'é', '漢', '😀']

describe('cutting at a limit counted in UTF-16 units', () => {
  it.each(HARD)('never splits %s, at every possible limit', (emoji) => {
    const text = `${'ab'.repeat(3)}${emoji.repeat(6)}tail`
    for (let max = 1; max <= text.length; max++) {
      for (const cut of [cutText(text, max), graphemePrefix(text, max), cutTextStart(text, max)]) {
        expect(cut.length, `${max}`).toBeLessThanOrEqual(max)
        expect(LONE_SURROGATE.test(cut), `${JSON.stringify(cut)} at ${max}`).toBe(false)
        // Whole graphemes only: what is kept is a run of the original's graphemes.
        expect(text.includes(cut.replace(/…/g, '')), `${JSON.stringify(cut)} at ${max}`).toBe(true)
      }
    }
  })

  it('leaves short text alone and marks a cut', () => {
    expect(cutText('Repair', 75)).toBe('Repair')
    expect(cutText('abcdef', 4)).toBe('abc…')
    expect(cutTextStart('abcdef', 4)).toBe('…def')
  })
})

describe('splitting for SMS bodies', () => {
  it('keeps every character, at line breaks first, then spaces, never inside an emoji', () => {
    const text = ['First line', `${'word '.repeat(30)}`, '😀'.repeat(40), 'Reply YES if it is fixed.'].join('\n')
    const parts = splitText(text, 50)
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(50)
      expect(LONE_SURROGATE.test(part)).toBe(false)
    }
    expect(parts.join('').replace(/[\s]/g, '')).toBe(text.replace(/[\s]/g, ''))
    expect(parts.at(-1)).toBe('Reply YES if it is fixed.')
  })
})
