/**
 * Text folding for search and duplicate detection: case- and accent-insensitive for every script.
 * Letters that do not decompose in Unicode get their customary Latin transliteration (ð -> d, þ -> th, æ -> ae,
 * ø -> o, ß -> ss), so "gudmunds" finds "Guðmundsdóttir" and "thora" finds "Þóra".
 */
const SPECIAL_FOLDS: Record<string, string> = {
  ð: 'd',
  þ: 'th',
  æ: 'ae',
  ø: 'o',
  œ: 'oe',
  ß: 'ss',
  ł: 'l',
  đ: 'd',
  ħ: 'h',
  ı: 'i',
  ŋ: 'n',
  ſ: 's',
}
const SPECIAL_RE = new RegExp(`[${Object.keys(SPECIAL_FOLDS).join('')}]`, 'g')

/** Lower-cases, strips accents (all scripts: ё -> е, й -> и) and transliterates special Latin letters. */
export function foldText(input: string): string {
  return input
    .normalize('NFKD')
    .toLowerCase()
    .replace(/\p{M}+/gu, '')
    .replace(SPECIAL_RE, (ch) => SPECIAL_FOLDS[ch] ?? ch)
    .normalize('NFC')
}

/** Splits folded text into word tokens (letters and digits of any script). */
export function wordTokens(folded: string): string[] {
  return folded.split(/[^\p{L}\p{N}]+/u).filter(Boolean)
}

/** C0 control characters and DEL except tab, line feed and carriage return (those count as whitespace). */
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/gu

/**
 * The text without control characters (NUL, escape, ...): no database stores NUL in text (PostgreSQL refuses
 * it) and none means anything to a person. Tab, line feed and carriage return stay.
 */
export function stripControlChars(input: string): string {
  return input.replace(CONTROL_CHARS, '')
}

/** Collapses whitespace, drops control characters and trims; undefined or blank becomes null. */
export function cleanText(input: string | null | undefined): string | null {
  if (input === undefined || input === null) return null
  const out = stripControlChars(input).replace(/\s+/gu, ' ').trim()
  return out === '' ? null : out
}

/**
 * Text of several lines (an email body): line breaks kept (\r\n as \n), control characters other than tab
 * dropped, trailing spaces of each line and blank lines at both ends dropped; blank becomes null.
 */
export function cleanMultilineText(input: string | null | undefined): string | null {
  if (input === undefined || input === null) return null
  const out = stripControlChars(input).replace(/\r\n?/g, '\n').replace(/[^\S\n]+$/gmu, '').replace(/^\n+|\s+$/gu, '')
  return out === '' ? null : out
}

/** Lower-cased, trimmed email, or null. */
export function normalizeEmail(input: string | null | undefined): string | null {
  const v = cleanText(input)
  return v ? v.toLowerCase() : null
}

const EMAIL_RE = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]{2,}$/u

/** True if the text looks like one email address (Unicode local parts and domains allowed). */
export function isEmail(input: string): boolean {
  return EMAIL_RE.test(input)
}

/** Only the digits of a phone number, or null if it has fewer than 4. */
export function phoneDigits(input: string | null | undefined): string | null {
  if (!input) return null
  const digits = input.replace(/\D/g, '')
  return digits.length >= 4 ? digits : null
}

/** True for text a person would type as a phone number: digits with spaces, +, -, dots, slashes and brackets. */
export function isPhone(input: string): boolean {
  return /^\+?[\d\s().\-/]{4,30}$/.test(input) && (input.match(/\d/g)?.length ?? 0) >= 4
}

/** The registrable-ish host of a website or URL, lower-cased, without "www.", or null. */
export function websiteDomain(input: string | null | undefined): string | null {
  const v = cleanText(input)
  if (!v) return null
  const host = v
    .toLowerCase()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d+$/, '')
    .replace(/^www\./, '')
  return host || null
}

/** True if the text is a host name or http(s) URL with a dot in the host. */
export function isWebsite(input: string): boolean {
  const host = websiteDomain(input)
  return !!host && /^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+$/u.test(host)
}

/** The domain of an email address, or null. */
export function emailDomain(email: string | null | undefined): string | null {
  const at = email?.lastIndexOf('@') ?? -1
  return at > 0 ? email!.slice(at + 1).toLowerCase() : null
}

/** Legal-form words removed before names are compared (folded forms). */
const LEGAL_FORMS = new Set(
  [
    'ehf', 'hf', 'sf', 'ses', 'ohf', 'slf', 'gmbh', 'ag', 'kg', 'ohg', 'ug', 'ev', 'ltd', 'limited', 'llc', 'llp', 'inc',
    'incorporated', 'corp', 'corporation', 'co', 'company', 'plc', 'sa', 'sas', 'sarl', 'srl', 'spa', 'bv', 'nv', 'ab',
    'as', 'asa', 'aps', 'oy', 'oyj', 'kft', 'sp', 'zoo', 'pty', 'ооо', 'оао', 'зао', 'пао', 'ао', 'ип', 'тоо', 'чп',
  ].map(foldText),
)

/** The name used to compare contacts: folded, punctuation and legal forms (ehf, GmbH, Ltd, ООО) removed. */
export function duplicateNameKey(name: string): string {
  const words = wordTokens(foldText(name))
  const kept = words.filter((w) => !LEGAL_FORMS.has(w))
  return (kept.length ? kept : words).join(' ')
}

/** Dice coefficient of character bigrams: 1 for equal strings, 0 for nothing in common. */
export function nameSimilarity(a: string, b: string): number {
  if (a === b) return a ? 1 : 0
  if (a.length < 2 || b.length < 2) return 0
  const grams = (s: string) => {
    const m = new Map<string, number>()
    for (let i = 0; i < s.length - 1; i++) {
      const g = s.slice(i, i + 2)
      m.set(g, (m.get(g) ?? 0) + 1)
    }
    return m
  }
  const ga = grams(a)
  const gb = grams(b)
  let common = 0
  for (const [g, n] of ga) common += Math.min(n, gb.get(g) ?? 0)
  return (2 * common) / (a.length - 1 + (b.length - 1))
}

/** Free-mail domains: never treated as a company's domain. */
export const FREE_MAIL_DOMAINS = new Set([
  'gmail.com', 'googlemail.com', 'outlook.com', 'hotmail.com', 'live.com', 'msn.com', 'yahoo.com', 'ymail.com',
  'icloud.com', 'me.com', 'mac.com', 'aol.com', 'proton.me', 'protonmail.com', 'gmx.de', 'gmx.net', 'web.de',
  'yandex.ru', 'ya.ru', 'mail.ru', 'bk.ru', 'inbox.ru', 'list.ru', 'rambler.ru', 'simnet.is', 'internet.is',
])
