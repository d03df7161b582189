/**
 * Writes docs/configuration.md and .env.example from src/config/environment.ts.
 * `npm run docs:config` after adding or changing a variable; src/config/docs.test.ts fails until then.
 */
import { writeFileSync } from 'node:fs'
import { renderConfigurationPage, renderEnvExample } from '../src/config/docs.ts'

writeFileSync(new URL('../docs/configuration.md', import.meta.url), renderConfigurationPage())
writeFileSync(new URL('../.env.example', import.meta.url), renderEnvExample())
console.log('wrote docs/configuration.md and .env.example')
