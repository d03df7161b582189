/**
 * Issue 18: what an SMS costs. English texts keep to the GSM-7 alphabet (one "·" or "’" would make
 * the whole message UCS-2: 70 characters a segment instead of 160), and the notifications' segment
 * counts are printed per kind, so a template that grows shows up here.
 */
import { describe, expect, it } from 'vitest'
import { copyFor } from '../../flows/copy.ts'
import { resolutionNotification, responseNotification } from './templates.ts'

const GSM7 = new Set([...'@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà'])
const GSM7_EXTENDED = new Set([...'^{}\\[~]|€'])
const isGsm7 = (text: string) => [...text].every((ch) => GSM7.has(ch) || GSM7_EXTENDED.has(ch))

/** Segments as carriers count them: 160/153 GSM-7 units (extended characters count two), else 70/67 UCS-2 units. */
function segments(text: string): { encoding: 'GSM-7' | 'UCS-2'; segments: number } {
  if (isGsm7(text)) {
    const units = [...text].reduce((sum, ch) => sum + (GSM7_EXTENDED.has(ch) ? 2 : 1), 0)
    return { encoding: 'GSM-7', segments: units <= 160 ? 1 : Math.ceil(units / 153) }
  }
  const units = text.length
  return { encoding: 'UCS-2', segments: units <= 70 ? 1 : Math.ceil(units / 67) }
}

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

describe('what the notifications cost by SMS', () => {
  it('in English, in GSM-7 only; the figures per kind', () => {
    const kinds = {
      response: responseNotification(
        { number: record.number, type: 'repair', category: 'Drum motor fault', technician: { name: 'Wang Gong', phone: '+8613911112222' }, appointmentAt: new Date('2026-11-25T06:00:00Z') },
        'en',
        'Asia/Shanghai',
      ).text,
      resolution: resolutionNotification(record, 'en', 'Asia/Shanghai').text,
    }
    const figures = Object.fromEntries(Object.entries(kinds).map(([kind, text]) => [kind, { characters: text.length, ...segments(text) }]))
    console.info('SMS per notification (English):', JSON.stringify(figures))
    for (const [kind, text] of Object.entries(kinds)) expect(isGsm7(text), `${kind}: ${[...text].filter((ch) => !isGsm7(ch)).join('')}`).toBe(true)
    expect(figures.response!.segments).toBeLessThanOrEqual(2)
    expect(figures.resolution!.segments).toBeLessThanOrEqual(4)
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
