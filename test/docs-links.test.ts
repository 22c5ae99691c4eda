import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve(import.meta.dirname, '..')
const documents = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)]

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
function slug(heading: string): string {
  return heading
    .replace(/`/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-')
}

function anchorsOf(file: string): Set<string> {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '')
  return new Set([...text.matchAll(/^#{1,6}\s+(.+)$/gm)].map((m) => slug(m[1]!)))
}

/** Every relative link target of a Markdown text (code blocks and inline code left out). */
function relativeLinks(text: string): string[] {
  const prose = text.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '')
  return [...prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z][a-z0-9+.-]*:/i.test(t))
}

describe('documentation links', () => {
  it('finds the documents and their links', () => {
    expect(documents).toEqual(expect.arrayContaining(['README.md', 'docs/slack-app.md', 'docs/mailbox.md', 'docs/hosting-reports.md', 'docs/scale-out.md']))
    expect(relativeLinks(readFileSync(join(root, 'README.md'), 'utf8'))).toContain('docs/scale-out.md')
  })

  it.each(documents)('every relative link in %s points to an existing file (and heading)', (doc) => {
    const file = join(root, doc)
    const broken: string[] = []
    for (const target of relativeLinks(readFileSync(file, 'utf8'))) {
      const [path, anchor] = target.split('#') as [string, string | undefined]
      const resolved = path ? resolve(dirname(file), decodeURIComponent(path)) : file
      if (!existsSync(resolved)) {
        broken.push(`${target} (no ${relative(root, resolved)})`)
        continue
      }
      if (anchor && statSync(resolved).isFile() && resolved.endsWith('.md') && !anchorsOf(resolved).has(anchor)) broken.push(`${target} (no heading #${anchor})`)
    }
    expect(broken).toEqual([])
  })
})
