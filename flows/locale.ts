export const LOCALES = ['en', 'zh-CN'] as const
export type Locale = (typeof LOCALES)[number]

const HAN = /\p{Script=Han}/u
const LATIN = /\p{Script=Latin}/u

/** The language a message is written in, if it shows one: Chinese characters win. */
export function detectLocale(text: string): Locale | undefined {
  if (HAN.test(text)) return 'zh-CN'
  if (LATIN.test(text)) return 'en'
  return undefined
}
