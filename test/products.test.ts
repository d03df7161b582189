/**
 * §3.2a: Party A's product catalogue — imported from CSV (admin API and `npm run products`),
 * all or nothing; the intake matches the customer's model against it, offers the closest ones,
 * keeps and flags an unlisted one, and gives technical support the model's manual at once.
 */
import { execFile } from 'node:child_process'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { STAFF_CHANNEL } from './fakes/slack-api.ts'
import { Phone } from './support/sms.ts'
import { eventually, startWorld, type World } from './support/world.ts'

let world: World
let phones = 0
const nextPhone = () => new Phone(world.t.url, `+86137000080${String(phones++).padStart(2, '0')}`)

beforeAll(async () => {
  world = await startWorld()
})
afterAll(() => world.close())

const CATALOGUE = [
  '\uFEFFmodel,name,manual_url,warranty_months',
  'XR-200,"Dryer, 8 kg",https://example.com/manuals/xr-200.pdf,24',
  'XR-250,Dryer 9 kg,,24',
  'WM-800,Washer,https://example.com/manuals/wm-800.pdf,',
].join('\r\n')

const importCsv = (csv: string, type = 'text/csv') => world.t.admin('/api/products/import', { method: 'POST', headers: { 'content-type': type }, body: csv })

describe('importing the catalogue', () => {
  it('adds the models, then updates only what changed', async () => {
    const first = await importCsv(CATALOGUE)
    expect(first.status, await first.clone().text()).toBe(200)
    expect(await first.json()).toEqual({ rows: 3, created: 3, updated: 0, unchanged: 0 })
    // The same model however written is the same product; columns the file leaves out stay as they were.
    const second = await importCsv('model,name\nxr 250,Dryer 9 kg (2026)\nXR-200,"Dryer, 8 kg"\n')
    expect(await second.json()).toEqual({ rows: 2, created: 0, updated: 1, unchanged: 1 })
    expect(await world.t.db.prisma.product.findUniqueOrThrow({ where: { key: 'XR200' } })).toMatchObject({ manualUrl: 'https://example.com/manuals/xr-200.pdf', warrantyMonths: 24 })
    const again = await importCsv(CATALOGUE)
    expect(await again.json()).toEqual({ rows: 3, created: 0, updated: 1, unchanged: 2 })
    const listed = (await world.t.getJson('/api/products?q=dryer')) as { total: number; items: { model: string; name: string; warrantyMonths: number }[] }
    expect(listed.items).toEqual([expect.objectContaining({ model: 'XR-200', name: 'Dryer, 8 kg', warrantyMonths: 24 }), expect.objectContaining({ model: 'XR-250', name: 'Dryer 9 kg' })])
  })

  it('refuses a file with any bad line, naming each, and imports none of it', async () => {
    const before = await world.t.db.prisma.product.count()
    const bad = await importCsv(['model,manual_url', 'AB-1,javascript:alert(1)', 'NEW-1,', 'x,', 'new 1,'].join('\n'))
    expect(bad.status).toBe(400)
    const body = (await bad.json()) as { problems: { line: number; problem: string }[] }
    expect(body.problems).toEqual([
      { line: 2, problem: expect.stringContaining('manual_url') },
      { line: 4, problem: expect.stringContaining('2 to 60 characters') },
      { line: 5, problem: 'new 1 is the same model as line 3' },
    ])
    for (const refused of [await importCsv('sku,name\nA1,x\n'), await importCsv('model\n"XR-300\n'), await importCsv(JSON.stringify({ model: 'XR-300' }), 'application/json')]) {
      expect(refused.status).toBe(400)
    }
    expect((await importCsv(`model\n${'XR-1\n'.repeat(1_000_000)}`)).status).toBe(413)
    expect(await world.t.db.prisma.product.count()).toBe(before)
  })

  it('imports from the command line too', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'aftercare-products-'))
    await writeFile(path.join(dir, 'more.csv'), 'model,name\nAC-35,Air conditioner\n')
    const run = (...args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(process.execPath, ['--import', 'tsx', 'scripts/products.ts', ...args], { env: { ...process.env, DATABASE_URL: world.t.db.url, LOG_LEVEL: 'silent' } }, (error, stdout, stderr) =>
          resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
        ),
      )
    expect(await run('import', path.join(dir, 'more.csv'))).toMatchObject({ code: 0, stdout: '1 products read: 1 added, 0 updated, 0 unchanged\n' })
    await writeFile(path.join(dir, 'bad.csv'), 'model\nA\n')
    expect(await run('import', path.join(dir, 'bad.csv'))).toMatchObject({ code: 1, stderr: expect.stringContaining('line 2: model: 2 to 60 characters') })
    expect((await run('list')).stdout).toContain('AC-35,Air conditioner,,')
  })
})

describe('the intake against the catalogue', () => {
  beforeAll(async () => {
    await importCsv(CATALOGUE)
  })

  it('offers the closest models for a mistyped one, and a number picks it', async () => {
    const phone = nextPhone()
    await phone.sayAll(['hi', '1'])
    const offer = await phone.say('XR 20O')
    expect(offer).toContain('We do not have the model "XR 20O" on our list')
    expect(offer).toMatch(/1\D+XR-200/)
    expect(offer).toMatch(/2\D+XR-250/)
    expect(await phone.say('1')).toContain('serial number')
    await phone.sayAll(['skip', 'It leaks', 'skip', '1 Main Street, Shanghai', 'Ann Lee'])
    const number = /SR-\d{4}-\d{6}/.exec(await phone.say('YES'))![0]
    expect(await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).toMatchObject({ productModel: 'XR-200', productListed: true })
  })

  it('keeps a model that is not listed and flags it for staff', async () => {
    const phone = nextPhone()
    await phone.sayAll(['hi', '1'])
    expect(await phone.say('Bosch Serie 6')).toContain('serial number')
    await phone.sayAll(['skip', 'It leaks', 'skip', '1 Main Street, Shanghai', 'Ann Lee'])
    const number = /SR-\d{4}-\d{6}/.exec(await phone.say('YES'))![0]
    expect(await world.t.db.prisma.ticket.findUniqueOrThrow({ where: { number } })).toMatchObject({ productModel: 'Bosch Serie 6', productListed: false })
    const post = await eventually(
      () => world.slack.of('chat.postMessage').find((call) => call.args.channel === STAFF_CHANNEL && JSON.stringify(call.args.blocks ?? []).includes(number)),
      'the staff post',
    )
    expect(JSON.stringify(post.args.blocks)).toContain('Model not in the product catalogue')
  })

  it('sends technical support the manual of the model right away', async () => {
    const phone = nextPhone()
    await phone.sayAll(['hi', '5'])
    const answer = await phone.say('wm800')
    expect(answer).toContain('The manual for WM-800 may already answer your question: https://example.com/manuals/wm-800.pdf')
    expect(answer).toContain('serial number')
  })
})
