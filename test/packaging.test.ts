/**
 * Issue 16: what the container image needs. The image installs with `npm ci --omit=dev` and copies
 * only what the Dockerfile names; this machine has no Docker daemon to build it (CI builds and runs
 * the image where one exists: .ci/run), so these check the two ways it would break without one:
 * the server importing a development-only package, and a directory the server reads left out.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { builtinModules } from 'node:module'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '..')
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; devDependencies: Record<string, string> }

/** What the image runs: the server, the flows, and the operators' scripts; never tests. */
function runtimeFiles(): string[] {
  const files: string[] = []
  for (const dir of ['src', 'flows', 'scripts']) {
    for (const entry of readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })) {
      if (!entry.isFile() || !/\.(ts|mts|mjs|js)$/.test(entry.name) || /\.test\.ts$/.test(entry.name)) continue
      const file = path.join(entry.parentPath, entry.name)
      if (file.includes(`${path.sep}public${path.sep}`)) continue // browser code, served as files
      files.push(file)
    }
  }
  return files
}

/** Module specifiers of static imports, re-exports and dynamic imports with a literal. */
function specifiers(file: string): string[] {
  const text = readFileSync(file, 'utf8')
  const found: string[] = []
  for (const match of text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|(?:^|\n)\s*import\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) {
    found.push((match[1] ?? match[2] ?? match[3])!)
  }
  return found
}

const packageOf = (specifier: string) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : specifier.split('/')[0]!)
const builtin = (specifier: string) => specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0]!)

describe('the container image (issue 16)', () => {
  it('the server and scripts import only production dependencies (the image installs with --omit=dev)', () => {
    const files = runtimeFiles()
    expect(files.length).toBeGreaterThan(100)
    const missing: string[] = []
    for (const file of files) {
      for (const specifier of specifiers(file)) {
        if (specifier.startsWith('.') || builtin(specifier)) continue
        // Type-only imports vanish at run time; tsx strips them too.
        if (new RegExp(`import\\s+type\\s[^'"]*['"]${specifier.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}['"]`).test(readFileSync(file, 'utf8'))) continue
        const name = packageOf(specifier)
        if (!(name in pkg.dependencies)) missing.push(`${path.relative(root, file)} imports ${name}${name in pkg.devDependencies ? ' (a devDependency)' : ''}`)
      }
    }
    expect(missing).toEqual([])
  })

  it('the Dockerfile copies every top-level directory the server reaches', () => {
    const dockerfile = readFileSync(path.join(root, 'Dockerfile'), 'utf8')
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '))
    const copied = new Set([...runtime.matchAll(/^COPY\s+(?!--from)(.+)\s+\S+$/gm)].flatMap((match) => match[1]!.split(/\s+/)))
    const reached = new Set<string>(['src', 'prisma'])
    for (const file of runtimeFiles().filter((file) => !file.startsWith(path.join(root, 'scripts')))) {
      for (const specifier of specifiers(file).filter((s) => s.startsWith('.'))) {
        reached.add(path.relative(root, path.resolve(path.dirname(file), specifier)).split(path.sep)[0]!)
      }
    }
    expect([...reached].filter((top) => !copied.has(top))).toEqual([])
    // The entry point the image runs, and tsx's configuration.
    expect(runtime).toContain('CMD ["node", "--import", "tsx", "src/server.ts"]')
    expect(copied.has('tsconfig.json')).toBe(true)
  })
})
