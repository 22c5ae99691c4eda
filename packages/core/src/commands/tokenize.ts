import { DomainError } from '../errors.ts'

// Opening quote -> closing quotes. Slack and phones turn " into “ ” or « »; German keyboards give „ “.
const QUOTES: Record<string, string> = {
  '"': '"',
  "'": "'",
  '“': '”“',
  '”': '”',
  '„': '“”',
  '«': '»',
  '‘': '’‘',
  '‚': '‘’',
}

/**
 * Splits a command line into words like a shell: spaces separate, quotes (straight, curly, « », „ “) group,
 * a backslash escapes the next character. An unterminated quote is an error that says where it started.
 */
export function tokenize(input: string): string[] {
  const tokens: string[] = []
  let current = ''
  let inToken = false
  const chars = [...input]
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!
    if (ch === '\\' && i + 1 < chars.length) {
      current += chars[++i]
      inToken = true
      continue
    }
    if (/\s/u.test(ch)) {
      if (inToken) tokens.push(current)
      current = ''
      inToken = false
      continue
    }
    const closers = QUOTES[ch]
    // A quote opens at the start of a word or after "=" (--name="..."); inside a word an apostrophe is a
    // letter (O'Brien), while a straight double quote still groups as in a shell.
    if (closers !== undefined && (current === '' || current.endsWith('=') || ch === '"')) {
      const start = i
      let closed = false
      inToken = true
      for (i = i + 1; i < chars.length; i++) {
        const c = chars[i]!
        if (closers.includes(c)) {
          closed = true
          break
        }
        if (c === '\\' && ch === '"' && i + 1 < chars.length) {
          current += chars[++i]
          continue
        }
        current += c
      }
      if (!closed) {
        const near = chars.slice(start, start + 20).join('')
        throw new DomainError('UNTERMINATED_QUOTE', `A quote is not closed: ${near}${chars.length - start > 20 ? '…' : ''}. Close it, e.g. "Hekla Útgerð ehf".`, { field: 'input' })
      }
      continue
    }
    current += ch
    inToken = true
  }
  if (inToken) tokens.push(current)
  return tokens
}

/** Quotes a word if it needs it, so a command can be shown back to the user. */
export function quoteToken(word: string): string {
  return /^[\p{L}\p{N}@._:/+-]+$/u.test(word) ? word : `"${word.replace(/(["\\])/g, '\\$1')}"`
}

/**
 * Joins words back into one line that tokenize() splits into the same words: a word with spaces, quotes or a
 * backslash is double-quoted (used to store segment criteria as readable text).
 */
export function joinWords(words: readonly string[]): string {
  return words.map((w) => (w === '' || /[\s\\]/u.test(w) || [...w].some((c) => QUOTES[c] !== undefined) ? `"${w.replace(/(["\\])/g, '\\$1')}"` : w)).join(' ')
}
