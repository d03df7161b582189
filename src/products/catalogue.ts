/**
 * §3.2a: Party A's product data. Imported from CSV (admin API, `npm run products -- import`),
 * held in memory for the conversation (a turn matches the customer's model without a query), and
 * checked for changes at most every 30 s, so an import on one instance reaches the others soon.
 */
import { parse } from 'csv-parse/sync'
import { z } from 'zod'
import { modelKey, type ListedProduct } from '../../flows/products.ts'
import type { PrismaClient } from '../db/client.ts'
import { AppError } from '../errors.ts'
import type { Logger } from '../logger.ts'

/** More than a manufacturer's range; an import is one statement. */
export const MAX_PRODUCTS_PER_IMPORT = 20_000
const COLUMNS = ['model', 'name', 'manual_url', 'warranty_months'] as const
const RECHECK_MS = 30_000

const blankIsAbsent = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value)
const productRow = z.object({
  // The same bounds as a model typed in the chat (flows/intake.ts).
  model: z.string().trim().min(2, 'model: 2 to 60 characters').max(60, 'model: 2 to 60 characters'),
  name: z.preprocess(blankIsAbsent, z.string().trim().max(200).optional()),
  manual_url: z.preprocess(
    blankIsAbsent,
    z
      .url({ protocol: /^https?$/, error: 'manual_url: an http(s) address' })
      .max(2000)
      .optional(),
  ),
  warranty_months: z.preprocess(blankIsAbsent, z.coerce.number({ error: 'warranty_months: a whole number of months' }).int().min(0).max(240).optional()),
})

export interface ImportResult {
  rows: number
  created: number
  updated: number
  unchanged: number
}

/** Every problem of a file, by line; nothing is imported when there is one. */
export class ImportRefused extends AppError {
  constructor(readonly problems: { line: number; problem: string }[]) {
    super(
      'bad_request',
      `the file was not imported: ${problems
        .slice(0, 5)
        .map((item) => `line ${item.line}: ${item.problem}`)
        .join('; ')}${problems.length > 5 ? `; and ${problems.length - 5} more` : ''}`,
      {
        problems: problems.slice(0, 100),
      },
    )
  }
}

type Row = z.infer<typeof productRow> & { key: string }

/** Reads a catalogue file: a header naming some of COLUMNS (model required), a product per line. */
export function readCatalogueCsv(text: string): { columns: string[]; rows: Row[] } {
  let records: string[][]
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true })
  } catch (error) {
    throw new ImportRefused([{ line: (error as { lines?: number }).lines ?? 1, problem: `not CSV: ${(error as Error).message}` }])
  }
  const [header, ...lines] = records
  const columns = (header ?? []).map((name) => name.toLowerCase())
  const unknown = columns.filter((name) => !(COLUMNS as readonly string[]).includes(name))
  if (!columns.includes('model') || unknown.length) {
    throw new ImportRefused([{ line: 1, problem: `the header must name the columns ${COLUMNS.join(', ')} (model required)${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}` }])
  }
  if (lines.length > MAX_PRODUCTS_PER_IMPORT) throw new ImportRefused([{ line: MAX_PRODUCTS_PER_IMPORT + 2, problem: `at most ${MAX_PRODUCTS_PER_IMPORT} products per file` }])
  const problems: { line: number; problem: string }[] = []
  const seen = new Map<string, number>()
  const rows: Row[] = []
  lines.forEach((values, index) => {
    const line = index + 2
    const parsed = productRow.safeParse(Object.fromEntries(columns.map((name, column) => [name, values[column]])))
    if (!parsed.success) return problems.push({ line, problem: parsed.error.issues.map((issue) => issue.message).join('; ') })
    const key = modelKey(parsed.data.model)
    const earlier = seen.get(key)
    if (earlier) return problems.push({ line, problem: `${parsed.data.model} is the same model as line ${earlier}` })
    seen.set(key, line)
    rows.push({ ...parsed.data, key })
  })
  if (problems.length) throw new ImportRefused(problems)
  return { columns, rows }
}

export function createCatalogue(prisma: PrismaClient, logger: Logger) {
  let products: ReadonlyMap<string, ListedProduct> = new Map()
  let version = ''
  let checkedAt = 0
  let checking: Promise<void> | undefined

  async function load() {
    const [state] = await prisma.$queryRaw<{ version: string }[]>`SELECT count(*) || ':' || COALESCE(max("updatedAt")::text, '') AS version FROM "Product"`
    if (state!.version === version) return
    const rows = await prisma.product.findMany({ select: { model: true, key: true, manualUrl: true } })
    products = new Map(rows.map((row) => [row.key, row]))
    version = state!.version
  }

  /** Reloads when the table changed; one check at a time. */
  function refresh(): Promise<void> {
    checkedAt = Date.now()
    checking ??= load()
      .catch((error: unknown) => logger.warn({ err: error }, 'product catalogue not reloaded; the last one stays in use'))
      .finally(() => (checking = undefined))
    return checking
  }

  return {
    /** The catalogue as last loaded; a check for changes starts in the background when it is old. */
    products(): ReadonlyMap<string, ListedProduct> {
      if (Date.now() - checkedAt > RECHECK_MS) void refresh()
      return products
    },
    refresh,

    /**
     * Adds new models and updates listed ones (by model, however written). Models not in the file
     * stay; so do the columns a file leaves out (a blank cell in a column it has clears it).
     */
    async import(csv: string): Promise<ImportResult> {
      const { columns, rows } = readCatalogueCsv(csv)
      const has = (column: (typeof COLUMNS)[number]) => columns.includes(column)
      const payload = JSON.stringify(rows.map((row) => ({ model: row.model, key: row.key, name: row.name ?? null, manualUrl: row.manual_url ?? null, warrantyMonths: row.warranty_months ?? null })))
      const changed = await prisma.$queryRaw<{ created: boolean }[]>`
        WITH incoming AS (
          SELECT * FROM jsonb_to_recordset(${payload}::jsonb) AS p(model text, key text, name text, "manualUrl" text, "warrantyMonths" int)
        ), merged AS (
          SELECT i.model, i.key,
            CASE WHEN ${has('name')} THEN i.name ELSE p.name END AS name,
            CASE WHEN ${has('manual_url')} THEN i."manualUrl" ELSE p."manualUrl" END AS "manualUrl",
            CASE WHEN ${has('warranty_months')} THEN i."warrantyMonths" ELSE p."warrantyMonths" END AS "warrantyMonths",
            p.id IS NOT NULL AS listed,
            (p.model, p.name, p."manualUrl", p."warrantyMonths") IS NOT DISTINCT FROM
              (i.model, CASE WHEN ${has('name')} THEN i.name ELSE p.name END, CASE WHEN ${has('manual_url')} THEN i."manualUrl" ELSE p."manualUrl" END,
               CASE WHEN ${has('warranty_months')} THEN i."warrantyMonths" ELSE p."warrantyMonths" END) AS same
          FROM incoming i LEFT JOIN "Product" p ON p.key = i.key
        )
        INSERT INTO "Product" (id, model, key, name, "manualUrl", "warrantyMonths", "updatedAt")
        SELECT gen_random_uuid(), model, key, name, "manualUrl", "warrantyMonths", now() AT TIME ZONE 'UTC' FROM merged WHERE NOT same
        ON CONFLICT (key) DO UPDATE SET model = EXCLUDED.model, name = EXCLUDED.name, "manualUrl" = EXCLUDED."manualUrl",
          "warrantyMonths" = EXCLUDED."warrantyMonths", "updatedAt" = EXCLUDED."updatedAt"
        RETURNING (xmax = 0) AS created`
      // A check that started before the import may have read the old table: wait for it, then load afresh.
      await checking
      await refresh()
      const created = changed.filter((row) => row.created).length
      return { rows: rows.length, created, updated: changed.length - created, unchanged: rows.length - changed.length }
    },
  }
}

export type Catalogue = ReturnType<typeof createCatalogue>
