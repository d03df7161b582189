/** §2.1: the services a customer can ask for, in menu order. */
export const SERVICE_TYPES = ['repair', 'installation', 'maintenance', 'spare_parts', 'technical_support', 'training'] as const
export type ServiceType = (typeof SERVICE_TYPES)[number]

/** Services done at the customer's site: they need an address. */
export const ON_SITE: ReadonlySet<ServiceType> = new Set(['repair', 'installation', 'maintenance', 'training'])

/**
 * Words that name a service. `exact` words count only as the whole answer; `contained` words
 * also count inside a sentence ("my dryer is broken"), when they point to one service only.
 */
const WORDS: Record<ServiceType, { exact: string[]; contained: string[] }> = {
  repair: { exact: ['fix', 'fault'], contained: ['repair', 'broken', 'not working', '维修', '修理', '报修', '故障', '坏了'] },
  installation: { exact: ['setup', 'set up'], contained: ['install', 'installation', '安装'] },
  maintenance: { exact: ['service', 'servicing', 'checkup', 'check-up'], contained: ['maintenance', 'maintain', '保养', '维护', '检修'] },
  spare_parts: { exact: ['part', 'parts', 'spares', 'spare'], contained: ['spare part', 'spare parts', '配件', '备件', '零件'] },
  technical_support: { exact: ['support', 'question', 'tech'], contained: ['technical support', 'tech support', '技术支持', '技术咨询', '咨询'] },
  training: { exact: ['course'], contained: ['training', 'train', '培训'] },
}

const NUMERALS: Record<string, number> = { 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 }

/** Lower case, full-width forms folded, punctuation around the answer dropped. */
export function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/^[\s#.,;:!?。，！？、()（）"'“”]+|[\s.,;:!?。，！？、()（）"'“”]+$/gu, '')
    .replace(/\s+/g, ' ')
}

/** A menu number (`2`, `#2`, `2.`, `二`, `２`) when the whole answer is one. */
export function parseMenuNumber(text: string): number | undefined {
  const answer = normalize(text)
  if (/^\d{1,2}$/.test(answer)) return Number(answer)
  return NUMERALS[answer]
}

export function parseServiceType(text: string): ServiceType | undefined {
  const number = parseMenuNumber(text)
  if (number !== undefined) return SERVICE_TYPES[number - 1]
  const answer = normalize(text)
  if (!answer) return undefined
  for (const type of SERVICE_TYPES) {
    if (type.replace('_', ' ') === answer || WORDS[type].exact.includes(answer) || WORDS[type].contained.includes(answer)) return type
  }
  const padded = ` ${answer} `
  const found = SERVICE_TYPES.filter((type) =>
    WORDS[type].contained.some((word) => (/\p{Script=Han}/u.test(word) ? answer.includes(word) : padded.includes(` ${word} `) || padded.includes(` ${word}s `) || padded.includes(` ${word}ed `))),
  )
  return found.length === 1 ? found[0] : undefined
}
