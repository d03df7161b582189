/**
 * A satisfaction rating (§3.3a–b) as customers give it: 1 (very unsatisfied) to 5 (very
 * satisfied) as a digit, a word, Chinese, stars or an emoji.
 */
const WORDS: Record<string, number> = {
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  'very unsatisfied': 1,
  'very dissatisfied': 1,
  'very bad': 1,
  terrible: 1,
  awful: 1,
  horrible: 1,
  worst: 1,
  unsatisfied: 2,
  dissatisfied: 2,
  bad: 2,
  poor: 2,
  ok: 3,
  okay: 3,
  average: 3,
  neutral: 3,
  'so so': 3,
  'so-so': 3,
  fine: 3,
  good: 4,
  satisfied: 4,
  'very good': 5,
  'very satisfied': 5,
  excellent: 5,
  great: 5,
  perfect: 5,
  outstanding: 5,
  amazing: 5,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  非常不满意: 1,
  很不满意: 1,
  太差了: 1,
  很差: 1,
  不满意: 2,
  差: 2,
  不太满意: 2,
  一般: 3,
  还行: 3,
  还可以: 3,
  满意: 4,
  好: 4,
  比较满意: 4,
  挺好: 4,
  非常满意: 5,
  很满意: 5,
  很好: 5,
  非常好: 5,
  太好了: 5,
  完美: 5,
}

const EMOJI: Record<string, number> = { '👍': 5, '👎': 1, '😡': 1, '😠': 1, '😞': 2, '🙁': 2, '😐': 3, '🙂': 4, '😊': 5, '😀': 5, '😃': 5, '😄': 5, '❤️': 5, '❤': 5 }

/** The rating in an answer, or undefined when the answer is not a rating. */
export function parseRating(text: string): number | undefined {
  const answer = text
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/[.!。！~]+$/, '')
    .replace(/\s+/g, ' ')
  if (!answer) return undefined
  const digits = /^([1-5])(?:\s*(?:\/\s*5|分|星|stars?|out of 5))?$/.exec(answer)
  if (digits) return Number(digits[1])
  if (answer in WORDS) return WORDS[answer]
  const stars = [...answer.replace(/\ufe0f/g, '')].filter((char) => char === '⭐' || char === '★' || char === '*')
  if (stars.length && stars.length === [...answer.replace(/\ufe0f|\s/g, '')].length) return stars.length <= 5 ? stars.length : undefined
  const compact = answer.replace(/\s/g, '')
  if (compact in EMOJI) return EMOJI[compact]
  // The same emoji repeated ("👍👍") means the same.
  const chars = [...compact.replace(/\ufe0f/g, '')]
  if (chars.length > 1 && chars.every((char) => char === chars[0]) && chars[0]! in EMOJI) return EMOJI[chars[0]!]
  return undefined
}
