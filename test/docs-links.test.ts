/**
 * Issue 16: the README and docs/ link to each other and to files of the repository; a page moved or a
 * heading renamed breaks a link silently. Every relative link must reach a file, and every #anchor a
 * heading of the page it names (GitHub's slugs), and every npm script the README runs must exist.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '..')
const pages = [
  'README.md',
  'SECURITY.md',
  ...readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
]
const withoutCode = (text: string) => text.replace(/```[\s\S]*?```/g, '')

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
const slug = (heading: string) =>
  heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\- _]/gu, '')
    .replace(/ /g, '-')

function anchorsOf(file: string): Set<string> {
  const headings = withoutCode(readFileSync(file, 'utf8')).match(/^#+ .+$/gm) ?? []
  return new Set(headings.map((line) => slug(line.replace(/^#+ /, ''))))
}

describe('the documentation (issue 16)', () => {
  it('every relative link reaches a file, and every anchor a heading', () => {
    const broken: string[] = []
    for (const page of pages) {
      const text = withoutCode(readFileSync(path.join(root, page), 'utf8'))
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^(https?|mailto):/.test(target!)) continue
        const [file, anchor] = target!.split('#') as [string, string | undefined]
        const resolved = file ? path.resolve(path.dirname(path.join(root, page)), file) : path.join(root, page)
        if (!existsSync(resolved)) broken.push(`${page}: ${target} (no such file)`)
        else if (anchor && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) broken.push(`${page}: ${target} (no such heading)`)
      }
    }
    expect(broken).toEqual([])
  })

  it('every `npm run` in the README is a script of package.json', () => {
    const scripts = Object.keys((JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts)
    const used = [...readFileSync(path.join(root, 'README.md'), 'utf8').matchAll(/npm run ([\w:-]+)/g)].map((match) => match[1]!)
    expect(used.length).toBeGreaterThan(5)
    expect(used.filter((name) => !scripts.includes(name))).toEqual([])
  })
})
