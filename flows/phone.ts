/**
 * A mobile number as a customer types it, in E.164. Numbers without a country code are read as
 * Chinese mobiles (11 digits starting with 1), the agreement's market.
 */
export function parsePhone(text: string): string | undefined {
  const compact = text.normalize('NFKC').replace(/[\s\-().]/g, '')
  if (/^\+[1-9]\d{7,14}$/.test(compact)) return compact
  if (/^00[1-9]\d{7,14}$/.test(compact)) return `+${compact.slice(2)}`
  if (/^1[3-9]\d{9}$/.test(compact)) return `+86${compact}`
  return undefined
}
