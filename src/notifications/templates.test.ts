/**
 * Issue 18: what an SMS costs. English texts keep to the GSM-7 alphabet (one "·" or "’" would make
 * the whole message UCS-2: 70 characters a segment instead of 160), and the notifications' segment
 * counts are printed per kind and language, worst cases included: no notification by SMS costs more
 * than 4 segments in English or 8 in Chinese, whatever staff wrote into it.
 */
import { describe, expect, it } from 'vitest'
import { copyFor } from '../../flows/copy.ts'
import { isGsm7, smsCost } from '../text/sms-segments.ts'
import { MAX_SEGMENTS, resolutionNotice, resolutionNotification, responseNotification } from './templates.ts'

const record = {
  number: 'SR-2026-000123',
  type: 'repair' as const,
  productModel: 'WM-800',
  serialNumber: 'SN4455',
  problem: 'The drum does not turn',
  category: 'Drum motor fault',
  rootCause: 'product_defect' as const,
  findings: 'Motor capacitor burnt out',
  solution: 'Replaced the motor capacitor; tested at full load',
  parts: [{ partNumber: 'CAP-450', name: 'Motor capacitor', quantity: 1, genuine: true, warrantyEndsAt: new Date('2027-11-25T06:40:00Z') }],
  requestedAt: new Date('2026-11-24T02:00:00Z'),
  resolvedAt: new Date('2026-11-26T05:00:00Z'),
  technician: 'Wang Gong',
}

const LINK = 'https://support.example.com/r/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'
const response = (category: string, locale: 'en' | 'zh-CN') =>
  responseNotification(
    { number: record.number, type: 'repair', category, technician: { name: 'Wang Gong', phone: '+8613911112222' }, appointmentAt: new Date('2026-11-25T06:00:00Z') },
    locale,
    'Asia/Shanghai',
  ).text

describe('what the notifications cost by SMS (issue 18)', () => {
  it('in English, in GSM-7 only; in Chinese within 8 segments; the figures per kind', () => {
    const kinds = {
      en: {
        response: response('Drum motor fault', 'en'),
        resolution: resolutionNotice(record, 'en', LINK).text,
        'response, longest category': response('Drum motor fault '.repeat(12), 'en'),
        'resolution, 4,000-character solution': resolutionNotice({ ...record, solution: 'Replaced the pump. '.repeat(210) }, 'en', LINK).text,
        'resolution, solution in Chinese (UCS-2)': resolutionNotice({ ...record, solution: '更换了电机电容并满载测试。'.repeat(300) }, 'en', LINK).text,
      },
      'zh-CN': {
        response: response('滚筒电机故障', 'zh-CN'),
        resolution: resolutionNotice({ ...record, solution: '更换了电机电容，满载测试正常' }, 'zh-CN', LINK).text,
        'response, longest category': response('滚筒电机故障，'.repeat(28), 'zh-CN'),
        'resolution, 4,000-character solution': resolutionNotice({ ...record, solution: '更换了电机电容并满载测试。'.repeat(300) }, 'zh-CN', LINK).text,
      },
    }
    for (const [locale, texts] of Object.entries(kinds) as ['en' | 'zh-CN', Record<string, string>][]) {
      const figures = Object.fromEntries(Object.entries(texts).map(([kind, text]) => [kind, { characters: text.length, ...smsCost(text) }]))
      console.info(`SMS per notification (${locale}):`, JSON.stringify(figures))
      for (const [kind, figure] of Object.entries(figures)) expect(figure.segments, `${locale} ${kind}`).toBeLessThanOrEqual(MAX_SEGMENTS[locale])
    }
    for (const kind of ['response', 'resolution', 'response, longest category', 'resolution, 4,000-character solution'] as const) {
      expect(isGsm7(kinds.en[kind]), `${kind}: ${[...kinds.en[kind]].filter((ch) => !isGsm7(ch)).join('')}`).toBe(true)
    }
    expect(smsCost(kinds.en.response).segments).toBeLessThanOrEqual(2)
    expect(smsCost(kinds.en.resolution).segments).toBeLessThanOrEqual(2)
  })

  it('the whole record (web chat, Slack) is in GSM-7 in English too, should it ever go by SMS', () => {
    expect(isGsm7(resolutionNotification(record, 'en', 'Asia/Shanghai', LINK).text)).toBe(true)
  })

  it('every English text of the conversation is GSM-7, except the one that names 中文 for Chinese speakers', () => {
    const copy = copyFor('en') as unknown as Record<string, unknown>
    const texts: [string, string][] = []
    const collect = (path: string, value: unknown) => {
      if (typeof value === 'string') texts.push([path, value])
      else if (typeof value === 'function') texts.push([path, String((value as (...args: unknown[]) => unknown)('X1', 'Repair', 'received', 'next', 3))])
      else if (value && typeof value === 'object') for (const [key, item] of Object.entries(value)) collect(`${path}.${key}`, item)
    }
    for (const [key, value] of Object.entries(copy)) collect(key, value)
    const broken = texts.filter(([path, text]) => !isGsm7(text) && !path.startsWith('globalWords') && !path.startsWith('ratingLabels'))
    expect(broken).toEqual([])
  })
})
