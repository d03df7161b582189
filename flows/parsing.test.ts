/** The parsers behind the intake's questions, as tables. */
import { describe, expect, it } from 'vitest'
import { parseDate } from './dates.ts'
import { parseAnswer } from './intake.ts'
import { detectLocale } from './locale.ts'
import { parseServiceType } from './service-types.ts'
import { parseRating } from './ratings.ts'
import { parsePhone } from './phone.ts'

describe('service types, by number or word, English or Chinese', () => {
  it.each([
    ['1', 'repair'],
    ['#1', 'repair'],
    ['１', 'repair'],
    ['一', 'repair'],
    ['Repair', 'repair'],
    ['fix', 'repair'],
    ['维修', 'repair'],
    ['my dryer is broken', 'repair'],
    ['洗衣机坏了', 'repair'],
    ['2', 'installation'],
    ['install', 'installation'],
    ['安装', 'installation'],
    ['I need an installation.', 'installation'],
    ['3', 'maintenance'],
    ['service', 'maintenance'],
    ['保养', 'maintenance'],
    ['4', 'spare_parts'],
    ['spare parts', 'spare_parts'],
    ['parts', 'spare_parts'],
    ['配件', 'spare_parts'],
    ['5', 'technical_support'],
    ['tech support', 'technical_support'],
    ['技术支持', 'technical_support'],
    ['咨询', 'technical_support'],
    ['6', 'training'],
    ['training', 'training'],
    ['培训', 'training'],
  ])('%s → %s', (text, type) => expect(parseServiceType(text)).toBe(type))

  it.each(['0', '7', '12', '', 'hello', 'install and repair'])('%j is not a service', (text) => expect(parseServiceType(text)).toBeUndefined())
})

describe('delivery dates, relative to today (2026-11-25)', () => {
  const today = '2026-11-25'
  it.each([
    ['today', '2026-11-25'],
    ['Yesterday', '2026-11-24'],
    ['tomorrow', '2026-11-26'],
    ['今天', '2026-11-25'],
    ['昨天', '2026-11-24'],
    ['前天', '2026-11-23'],
    ['2026-11-20', '2026-11-20'],
    ['2026/11/20', '2026-11-20'],
    ['20/11', '2026-11-20'],
    ['20.11.2026', '2026-11-20'],
    ['20/11/26', '2026-11-20'],
    ['11/20', '2026-11-20'],
    ['11月20日', '2026-11-20'],
    ['11月20号', '2026-11-20'],
    ['2026年11月20日', '2026-11-20'],
    ['20 Nov', '2026-11-20'],
    ['Nov 20', '2026-11-20'],
    ['November 20, 2026', '2026-11-20'],
    ['3rd Dec', '2026-12-03'],
    // Without a year, the nearest such day: early January is next year, December last year.
    ['5/1', '2027-01-05'],
  ])('%s → %s', (text, date) => expect(parseDate(text, today)).toBe(date))

  it.each(['30/2', '2026-13-01', '32/1', 'someday', '11月', ''])('%j is not a date', (text) => expect(parseDate(text, today)).toBeUndefined())

  it('refuses deliveries more than a year ago or 90 days ahead', () => {
    expect(parseAnswer('deliveryDate', '2025-11-01', today)).toEqual({ ok: false, hint: 'deliveryDateRange' })
    expect(parseAnswer('deliveryDate', '2027-03-01', today)).toEqual({ ok: false, hint: 'deliveryDateRange' })
    expect(parseAnswer('deliveryDate', '2026-02-01', today)).toEqual({ ok: true, value: '2026-02-01' })
  })
})

describe('serial numbers', () => {
  it.each([
    ['SN123456', 'SN123456'],
    ['s/n: ab-1234', 'AB-1234'],
    ['Serial number 77X9', '77X9'],
    ['序列号：W12345', 'W12345'],
  ])('%s → %s', (text, serial) => expect(parseAnswer('serialNumber', text, '2026-11-25')).toEqual({ ok: true, value: serial }))
  it.each(['skip', 'SKIP', 'none', '跳过', '没有'])('%s → skipped', (text) => expect(parseAnswer('serialNumber', text, '2026-11-25')).toEqual({ ok: true, value: null }))
  it.each(['ab', 'no digits here', 'has space 12'])('%j is not a serial number', (text) => expect(parseAnswer('serialNumber', text, '2026-11-25').ok).toBe(false))
})

describe('language of a message', () => {
  it.each([
    ['你好', 'zh-CN'],
    ['hello', 'en'],
    ['我的 X200 坏了', 'zh-CN'],
    ['123', undefined],
    ['👍', undefined],
  ])('%s → %s', (text, locale) => expect(detectLocale(text)).toBe(locale))
})

describe('satisfaction ratings (§3.3a)', () => {
  it.each([
    ['1', 1],
    ['5', 5],
    ['4/5', 4],
    ['3分', 3],
    ['5 stars', 5],
    ['one', 1],
    ['Five', 5],
    ['excellent', 5],
    ['Great!', 5],
    ['good', 4],
    ['ok', 3],
    ['bad', 2],
    ['terrible', 1],
    ['very satisfied', 5],
    ['五', 5],
    ['一', 1],
    ['非常满意', 5],
    ['满意', 4],
    ['一般', 3],
    ['不满意', 2],
    ['非常不满意', 1],
    ['⭐⭐⭐⭐', 4],
    ['⭐️⭐️⭐️', 3],
    ['★★', 2],
    ['⭐', 1],
    ['👍', 5],
    ['👍👍', 5],
    ['👎', 1],
    ['😐', 3],
    ['🙂', 4],
  ])('%s → %i', (text, rating) => expect(parseRating(text)).toBe(rating))

  it.each(['0', '6', '10', '1 2', 'maybe', 'the technician was late', '⭐⭐⭐⭐⭐⭐', '', '👍 but slow'])('%j is not a rating', (text) => expect(parseRating(text)).toBeUndefined())
})

describe('phone numbers', () => {
  it.each([
    ['13800138000', '+8613800138000'],
    ['138 0013 8000', '+8613800138000'],
    ['+86 138-0013-8000', '+8613800138000'],
    ['0044 7700 900123', '+447700900123'],
    ['+14155550123', '+14155550123'],
  ])('%s → %s', (text, phone) => expect(parsePhone(text)).toBe(phone))
  it.each(['12345', '23800138000', 'call me', ''])('%j is not a mobile number', (text) => expect(parsePhone(text)).toBeUndefined())
})

describe('free answers are kept as the customer wrote them (issue 16)', () => {
  it.each([
    ['description', '洗到一半停机，显示E24。', '洗到一半停机，显示E24。'],
    ['siteAddress', '上海市浦东新区世纪大道８８号（３号楼）', '上海市浦东新区世纪大道８８号（３号楼）'],
    ['contactName', '  李　伟 ', '李 伟'],
    ['description', 'It   leaks\nunder the door', 'It leaks under the door'],
  ] as const)('%s %j → %j', (field, text, kept) => expect(parseAnswer(field, text, '2026-11-25')).toEqual({ ok: true, value: kept }))

  it('still checks them in the normalised form: full-width spaces alone are no answer', () => {
    expect(parseAnswer('description', '　　　', '2026-11-25').ok).toBe(false)
  })
})
