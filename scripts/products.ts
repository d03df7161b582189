/**
 * `npm run products -- import products.csv`: Party A's product data (§3.2a) into the catalogue —
 * models added or updated, all or nothing (each bad line is named). A running Aftercare sees the
 * change within 30 seconds. `npm run products -- list` prints the catalogue as CSV.
 */
import { readFile } from 'node:fs/promises'
import { createPrisma } from '../src/db/client.ts'
import { createLogger } from '../src/logger.ts'
import { createCatalogue, ImportRefused } from '../src/products/catalogue.ts'
import { csvField } from '../src/reports/render.ts'
import { cliDatabase } from './cli-database.ts'

const [command, file] = process.argv.slice(2)
if (!(command === 'import' && file) && command !== 'list') {
  console.error('usage: npm run products -- import <file.csv>   (columns: model, name, manual_url, warranty_months)\n       npm run products -- list')
  process.exit(2)
}
const csv = command === 'import' ? await readFile(file!, 'utf8').catch((error: Error) => (console.error(error.message), process.exit(2))) : ''
const database = await cliDatabase()
const prisma = createPrisma(database.url, { poolSize: 2 })
try {
  if (command === 'import') {
    const result = await createCatalogue(prisma, createLogger('warn')).import(csv)
    console.log(`${result.rows} products read: ${result.created} added, ${result.updated} updated, ${result.unchanged} unchanged`)
  } else {
    console.log('model,name,manual_url,warranty_months')
    for (const product of await prisma.product.findMany({ orderBy: { model: 'asc' } })) {
      console.log([product.model, product.name, product.manualUrl, product.warrantyMonths].map(csvField).join(','))
    }
  }
} catch (error) {
  if (error instanceof ImportRefused) for (const { line, problem } of error.problems) console.error(`line ${line}: ${problem}`)
  else console.error((error as Error).message)
  process.exitCode = 1
} finally {
  await prisma.$disconnect()
  await database.close()
}
