/**
 * docs/configuration.md and .env.example, written from the variables' own entries
 * (`npm run docs:config`); a test fails when either file is stale.
 */
import { ENVIRONMENT, GROUPS, type VariableDoc, variableDocs } from './environment.ts'

interface Variable extends VariableDoc {
  name: string
}

export function variables(): Variable[] {
  return Object.entries(ENVIRONMENT.shape).map(([name, schema]) => {
    const doc = variableDocs.get(schema)
    if (!doc) throw new Error(`${name} has no documentation entry`)
    return { name, ...doc }
  })
}

function byGroup(): [string, Variable[]][] {
  const all = variables()
  return Object.entries(GROUPS).map(([key, title]) => [title, all.filter((variable) => variable.group === key)])
}

const code = (text: string) => `\`${text.replaceAll('|', '\\|')}\``
const cell = (text: string) => text.replaceAll('|', '\\|')

function defaultText(variable: Variable): string {
  if (variable.default !== undefined) return variable.default === '' ? '(empty)' : code(variable.default)
  if (variable.shown) return cell(variable.shown)
  return '—'
}

export function renderConfigurationPage(): string {
  const lines = [
    '# Configuration',
    '',
    '<!-- Generated from src/config/environment.ts by `npm run docs:config`; edit there, not here. -->',
    '',
    'Aftercare reads its configuration from the environment once at start-up; a `.env` file in the working',
    'directory is read too (the environment wins). A malformed value stops start-up with one line naming the',
    'variable. Every variable is optional: with none set, `npm start` runs on an embedded PostgreSQL under',
    '`./data` with SMS and Slack off. [`.env.example`](../.env.example) lists the same variables.',
    '',
    'Back to the [README](../README.md).',
  ]
  for (const [title, group] of byGroup()) {
    lines.push('', `## ${title}`, '', '| variable | default | |', '|---|---|---|')
    for (const variable of group) lines.push(`| \`${variable.name}\` | ${defaultText(variable)} | ${cell(variable.about)} |`)
  }
  return `${lines.join('\n')}\n`
}

/** Wraps prose to comment lines of at most `width` characters. */
function commentLines(text: string, width = 100): string[] {
  const lines: string[] = []
  let line = '#'
  for (const word of text.replaceAll('`', '').split(/\s+/)) {
    if (line.length > 1 && line.length + 1 + word.length > width) {
      lines.push(line)
      line = '#'
    }
    line += ` ${word}`
  }
  lines.push(line)
  return lines
}

export function renderEnvExample(): string {
  const lines = [
    '# Aftercare configuration, generated from src/config/environment.ts (`npm run docs:config`).',
    '# Every variable is optional: with none set, `npm start` runs on an embedded PostgreSQL under',
    '# ./data with SMS and Slack off. Copy to .env and uncomment what you set (the environment wins',
    '# over the file). The same list with defaults: docs/configuration.md.',
  ]
  for (const [title, group] of byGroup()) {
    lines.push('', `# --- ${title}`)
    for (const variable of group) {
      lines.push('', ...commentLines(variable.default === undefined && variable.shown ? `${variable.about} Default: ${variable.shown}.` : variable.about))
      lines.push(`# ${variable.name}=${variable.example ?? variable.default ?? ''}`)
    }
  }
  return `${lines.join('\n')}\n`
}
