/** A postal address of a vCard (ADR components; post office box left out). */
export interface VcardAddress {
  extended: string
  street: string
  locality: string
  region: string
  postCode: string
  country: string
  types: string[]
}

/** A telephone number of a vCard with its lower-cased types (cell, voice, work, fax, ...). */
export interface VcardPhone {
  value: string
  types: string[]
}

/** The contact data of one vCard that the CRM uses; preferred values come first in each list. */
export interface VcardEntry {
  /** Line of the BEGIN:VCARD (1-based). */
  line: number
  /** KIND (4.0) or Apple's X-ABShowAs / X-ADDRESSBOOKSERVER-KIND: "org" for organizations. */
  kind: 'individual' | 'org' | undefined
  formattedName: string
  /** N: family name, given name, additional names. */
  name: { family: string; given: string; additional: string } | undefined
  organization: string
  title: string
  emails: string[]
  phones: VcardPhone[]
  addresses: VcardAddress[]
  urls: string[]
  languages: string[]
}

/** A vCard text that cannot be read; `line` is where the problem is. */
export class VcardSyntaxError extends Error {
  override name = 'VcardSyntaxError'
  readonly line: number
  constructor(line: number, message: string) {
    super(message)
    this.line = line
  }
}

interface ContentLine {
  line: number
  name: string
  params: Map<string, string[]>
  value: string
}

const isQuotedPrintable = (head: string) => /(^|;)(ENCODING=)?QUOTED-PRINTABLE(;|:|$)/i.test(head)

/**
 * Joins folded lines: a line starting with a space or tab continues the previous one (RFC 6350 3.2), and in
 * vCard 2.1 quoted-printable values a trailing "=" is a soft line break that continues on the next line.
 */
function unfold(text: string): Array<{ line: number; text: string }> {
  const physical = text.replace(/^\ufeff/, '').split(/\r\n|\r|\n/)
  const out: Array<{ line: number; text: string }> = []
  for (let i = 0; i < physical.length; i++) {
    const raw = physical[i]!
    const last = out.at(-1)
    if (last) {
      const colon = last.text.indexOf(':')
      if (colon > 0 && isQuotedPrintable(last.text.slice(0, colon)) && last.text.endsWith('=')) {
        last.text = last.text.slice(0, -1) + raw.replace(/^[ \t]+/, '')
        continue
      }
      if (raw.startsWith(' ') || raw.startsWith('\t')) {
        last.text += raw.slice(1)
        continue
      }
    }
    if (raw.trim() !== '') out.push({ line: i + 1, text: raw })
  }
  return out
}

/** Splits at a character outside double quotes. */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = []
  let quoted = false
  let start = 0
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted
    else if (!quoted && text[i] === separator) {
      parts.push(text.slice(start, i))
      start = i + 1
    }
  }
  parts.push(text.slice(start))
  return parts
}

function indexOutsideQuotes(text: string, ch: string): number {
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted
    else if (!quoted && text[i] === ch) return i
  }
  return -1
}

function parseContentLine(line: number, text: string): ContentLine {
  const colon = indexOutsideQuotes(text, ':')
  if (colon <= 0) throw new VcardSyntaxError(line, `"${text.slice(0, 40)}" is not a vCard property (NAME:value).`)
  const [nameWithGroup, ...rawParams] = splitOutsideQuotes(text.slice(0, colon), ';')
  const name = nameWithGroup!.replace(/^.*\./, '').toUpperCase()
  const params = new Map<string, string[]>()
  for (const raw of rawParams) {
    const eq = raw.indexOf('=')
    // vCard 2.1 writes bare parameters: TEL;CELL;PREF:... and EMAIL;INTERNET:...
    const key = eq < 0 ? (/^(QUOTED-PRINTABLE|BASE64|8BIT|7BIT|B)$/i.test(raw) ? 'ENCODING' : 'TYPE') : raw.slice(0, eq).trim().toUpperCase()
    const values = (eq < 0 ? raw : raw.slice(eq + 1)).split(',').map((v) => v.trim().replace(/^"(.*)"$/, '$1'))
    params.set(key, [...(params.get(key) ?? []), ...values])
  }
  let value = text.slice(colon + 1)
  const encoding = params.get('ENCODING')?.[0]?.toUpperCase()
  if (encoding === 'QUOTED-PRINTABLE') value = decodeQuotedPrintable(value, params.get('CHARSET')?.[0] ?? 'utf-8')
  return { line, name, params, value }
}

/** Decodes quoted-printable bytes with the given charset (UTF-8 when unknown). */
function decodeQuotedPrintable(value: string, charset: string): string {
  const bytes: number[] = []
  const encoder = new TextEncoder()
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!
    const hex = value.slice(i + 1, i + 3)
    if (ch === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16))
      i += 2
    } else {
      bytes.push(...encoder.encode(ch))
    }
  }
  let decoder
  try {
    decoder = new TextDecoder(charset)
  } catch {
    // An unknown CHARSET label: UTF-8 is what such files nearly always hold.
    decoder = new TextDecoder('utf-8')
  }
  return decoder.decode(new Uint8Array(bytes))
}

/** Splits a value at unescaped separators (`;` between components, `,` between list items). */
function splitEscaped(value: string, separator: string): string[] {
  const parts: string[] = []
  let current = ''
  for (let i = 0; i < value.length; i++) {
    const ch = value[i]!
    if (ch === '\\' && i + 1 < value.length) {
      current += ch + value[i + 1]
      i++
    } else if (ch === separator) {
      parts.push(current)
      current = ''
    } else current += ch
  }
  parts.push(current)
  return parts
}

/** Undoes vCard text escaping: `\n` `\N` -> line break, `\,` `\;` `\\` -> the character. */
function unescapeText(value: string): string {
  return value.replace(/\\([nN,;:\\])/g, (_, c: string) => (c === 'n' || c === 'N' ? '\n' : c))
}

function components(value: string): string[] {
  return splitEscaped(value, ';').map(unescapeText)
}

function typesOf(p: ContentLine): string[] {
  return (p.params.get('TYPE') ?? []).flatMap((t) => t.split(',')).map((t) => t.trim().toLowerCase()).filter(Boolean)
}

/** Preference rank: PREF=1..100 (4.0), TYPE=pref (2.1/3.0) = 1, none = 101. */
function preference(p: ContentLine): number {
  const pref = Number(p.params.get('PREF')?.[0])
  if (Number.isInteger(pref) && pref >= 1) return pref
  return typesOf(p).includes('pref') ? 1 : 101
}

function byPreference(lines: ContentLine[]): ContentLine[] {
  return lines.map((p, i) => ({ p, i })).sort((a, b) => preference(a.p) - preference(b.p) || a.i - b.i).map((x) => x.p)
}

// 4.0 writes numbers as tel: URIs (their ;ext= parameters are dropped) and some writers mailto: addresses.
const telValue = (value: string) => value.replace(/^tel:/i, '').replace(/;.*$/, '')
const mailValue = (value: string) => value.replace(/^mailto:/i, '')

function toEntry(line: number, props: ContentLine[]): VcardEntry {
  const all = (name: string) => byPreference(props.filter((p) => p.name === name))
  const first = (name: string) => all(name)[0]
  const text = (name: string) => unescapeText(first(name)?.value ?? '').trim()
  const kindText = (text('KIND') || text('X-ADDRESSBOOKSERVER-KIND') || (text('X-ABSHOWAS').toUpperCase() === 'COMPANY' ? 'org' : '')).toLowerCase()
  const n = first('N')
  const [family = '', given = '', additional = ''] = n ? components(n.value).map((c) => c.trim()) : []
  return {
    line,
    kind: kindText === 'org' || kindText === 'organization' ? 'org' : kindText === 'individual' ? 'individual' : undefined,
    formattedName: text('FN'),
    name: n && (family || given || additional) ? { family, given, additional } : undefined,
    organization: (components(first('ORG')?.value ?? '')[0] ?? '').trim(),
    title: text('TITLE'),
    emails: all('EMAIL').map((p) => mailValue(unescapeText(p.value).trim())).filter(Boolean),
    phones: all('TEL')
      .map((p) => ({ value: telValue(unescapeText(p.value).trim()), types: typesOf(p) }))
      .filter((p) => p.value),
    addresses: all('ADR').map((p) => {
      const [, extended = '', street = '', locality = '', region = '', postCode = '', country = ''] = components(p.value).map((c) => c.trim())
      return { extended, street, locality, region, postCode, country, types: typesOf(p) }
    }),
    urls: all('URL').map((p) => unescapeText(p.value).trim()).filter(Boolean),
    languages: all('LANG').map((p) => unescapeText(p.value).trim()).filter(Boolean),
  }
}

/**
 * Reads every vCard (2.1, 3.0 or 4.0) of a text: unfolds lines, decodes quoted-printable values with their
 * CHARSET, unescapes text and keeps the properties the CRM uses (others, NOTE and PHOTO included, are ignored).
 */
export function readVcards(text: string): VcardEntry[] {
  const entries: VcardEntry[] = []
  let current: { line: number; props: ContentLine[] } | undefined
  let depth = 0
  for (const { line, text: content } of unfold(text)) {
    const upper = content.trim().toUpperCase()
    if (upper === 'BEGIN:VCARD') {
      // An embedded card (2.1 AGENT) is skipped along with its parent's property.
      if (current) depth++
      else current = { line, props: [] }
      continue
    }
    if (upper === 'END:VCARD') {
      if (!current) throw new VcardSyntaxError(line, 'END:VCARD without a BEGIN:VCARD.')
      if (depth > 0) depth--
      else {
        entries.push(toEntry(current.line, current.props))
        current = undefined
      }
      continue
    }
    if (!current) throw new VcardSyntaxError(line, 'Text outside a vCard; every card starts with BEGIN:VCARD.')
    if (depth === 0) current.props.push(parseContentLine(line, content))
  }
  if (current) throw new VcardSyntaxError(current.line, 'A vCard is not closed with END:VCARD.')
  return entries
}

/** Escapes vCard text: backslash, comma, semicolon and line breaks. */
function escapeText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/;/g, '\\;').replace(/\r\n|\r|\n/g, '\\n')
}

/** Folds a content line at 75 octets without splitting a UTF-8 character (RFC 6350 3.2). */
function fold(line: string): string {
  const out: string[] = []
  let current = ''
  let octets = 0
  for (const ch of line) {
    const cp = ch.codePointAt(0)!
    const size = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4
    const limit = out.length === 0 ? 75 : 74
    if (octets + size > limit) {
      out.push(current)
      current = ''
      octets = 0
    }
    current += ch
    octets += size
  }
  out.push(current)
  return out.join('\r\n ')
}

/** Data for one written vCard (empty strings are left out). */
export interface VcardOutput {
  kind: 'individual' | 'org'
  formattedName: string
  name?: { family: string; given: string; additional: string }
  organization?: string
  title?: string
  emails?: string[]
  phones?: VcardPhone[]
  address?: Omit<VcardAddress, 'types'> & { types?: string[] }
  url?: string
  language?: string
}

/** Writes one vCard 4.0 with CRLF line ends and folded lines; the first email is marked preferred. */
export function writeVcard(card: VcardOutput): string {
  const lines = ['BEGIN:VCARD', 'VERSION:4.0', `KIND:${card.kind}`, `FN:${escapeText(card.formattedName)}`]
  if (card.name) lines.push(`N:${[card.name.family, card.name.given, card.name.additional, '', ''].map(escapeText).join(';')}`)
  if (card.organization) lines.push(`ORG:${escapeText(card.organization)}`)
  if (card.title) lines.push(`TITLE:${escapeText(card.title)}`)
  ;(card.emails ?? []).filter(Boolean).forEach((email, i) => lines.push(`EMAIL${i === 0 ? ';PREF=1' : ''}:${escapeText(email)}`))
  for (const phone of card.phones ?? []) {
    if (phone.value) lines.push(`TEL;VALUE=text${phone.types.length ? `;TYPE=${phone.types.join(',')}` : ''}:${escapeText(phone.value)}`)
  }
  const a = card.address
  if (a && [a.extended, a.street, a.locality, a.region, a.postCode, a.country].some(Boolean)) {
    const types = a.types?.length ? `;TYPE=${a.types.join(',')}` : ''
    lines.push(`ADR${types}:${['', a.extended, a.street, a.locality, a.region, a.postCode, a.country].map(escapeText).join(';')}`)
  }
  if (card.url) lines.push(`URL:${card.url}`)
  if (card.language) lines.push(`LANG:${card.language}`)
  lines.push('END:VCARD')
  return lines.map(fold).join('\r\n') + '\r\n'
}
