/** One record of a CSV text and the physical line it starts on (1-based; the header is line 1). */
export interface CsvRecord {
  line: number
  fields: string[]
}

/** A CSV text that cannot be read; `line` is where the problem is. */
export class CsvSyntaxError extends Error {
  override name = 'CsvSyntaxError'
  readonly line: number
  constructor(line: number, message: string) {
    super(message)
    this.line = line
  }
}

export type CsvDelimiter = ',' | ';' | '\t'

const DELIMITERS: readonly CsvDelimiter[] = [',', ';', '\t']

/** The delimiter of a CSV text: whichever of `,` `;` and tab occurs most often on its first line outside quotes (`,` on a tie). */
export function detectCsvDelimiter(text: string): CsvDelimiter {
  const counts = new Map<string, number>(DELIMITERS.map((d) => [d, 0]))
  let quoted = false
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const ch = text[i]!
    if (ch === '"') quoted = !quoted
    else if (!quoted && (ch === '\n' || ch === '\r')) break
    else if (!quoted && counts.has(ch)) counts.set(ch, counts.get(ch)! + 1)
  }
  let best: CsvDelimiter = ','
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d
  return best
}

function countLineBreaks(text: string): number {
  let n = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) n++
  }
  return n
}

/**
 * Reads RFC 4180 CSV: quoted fields with embedded delimiters, doubled quotes and line breaks; CRLF, LF or CR
 * line ends; a leading UTF-8 byte-order mark is dropped. The delimiter is detected unless given. Blank lines
 * are skipped; spaces around a quoted field are dropped; a quote inside an unquoted field is kept as text.
 */
export function readCsv(text: string, options: { delimiter?: CsvDelimiter } = {}): CsvRecord[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  const delimiter = options.delimiter ?? detectCsvDelimiter(text)
  const records: CsvRecord[] = []
  const n = text.length
  let i = 0
  let line = 1
  let recordLine = 1
  let fields: string[] = []
  let field = ''
  let fieldStarted = false
  let sawQuote = false
  const endRecord = () => {
    fields.push(field)
    if (fields.length > 1 || fields[0] !== '' || sawQuote) records.push({ line: recordLine, fields })
    fields = []
    field = ''
    fieldStarted = false
    sawQuote = false
  }
  const isBlank = (c: string | undefined) => (c === ' ' || c === '\t') && c !== delimiter
  while (i < n) {
    let ch = text[i]!
    if (!fieldStarted && isBlank(ch)) {
      // Spaces around a quoted field ( "a, b" ,) are layout, as hand-edited files have them.
      let j = i
      while (isBlank(text[j])) j++
      if (text[j] === '"') {
        i = j
        ch = '"'
      }
    }
    if (ch === '"' && !fieldStarted) {
      const startLine = line
      let value = ''
      i++
      for (;;) {
        const close = text.indexOf('"', i)
        if (close < 0) throw new CsvSyntaxError(startLine, 'A quoted field is never closed (a " is missing).')
        const chunk = text.slice(i, close)
        value += chunk
        line += countLineBreaks(chunk)
        if (text[close + 1] === '"') {
          value += '"'
          i = close + 2
          continue
        }
        i = close + 1
        break
      }
      while (isBlank(text[i])) i++
      const next = text[i]
      if (i < n && next !== delimiter && next !== '\n' && next !== '\r') {
        throw new CsvSyntaxError(line, 'Text follows a closing quote; inside a quoted field write a quote twice ("").')
      }
      field = value
      fieldStarted = true
      sawQuote = true
      continue
    }
    if (ch === delimiter) {
      fields.push(field)
      field = ''
      fieldStarted = false
      i++
      continue
    }
    if (ch === '\n' || ch === '\r') {
      endRecord()
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1
      line++
      recordLine = line
      continue
    }
    let end = i
    while (end < n) {
      const c = text[end]
      if (c === delimiter || c === '\n' || c === '\r') break
      end++
    }
    field += text.slice(i, end)
    fieldStarted = true
    i = end
  }
  if (fieldStarted || fields.length > 0) endRecord()
  return records
}

const FORMULA_START = /^[=+\-@\t\r]/
const PLAIN_NUMBER = /^-?\d+(\.\d+)?$/

/**
 * A text cell a spreadsheet program will not run as a formula (OWASP CSV injection): text starting with `=`,
 * `+`, `-`, `@`, a tab or a carriage return gets a leading `'`. A plain decimal number such as `-5` or
 * `-12.50` is a value, not a formula, and is kept as it is. For files meant to be opened, not read back.
 */
export function neutralizeCsvFormula(text: string): string {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text) ? `'${text}` : text
}

/** One CSV record without its line end: fields holding the delimiter, a quote, a line break or edge spaces are quoted. */
export function formatCsvRecord(fields: ReadonlyArray<string | null | undefined>, delimiter: CsvDelimiter = ','): string {
  return fields
    .map((value) => {
      const text = value ?? ''
      const needsQuotes = text.includes(delimiter) || /["\r\n]/.test(text) || /^\s|\s$/.test(text)
      return needsQuotes ? `"${text.replaceAll('"', '""')}"` : text
    })
    .join(delimiter)
}

/** Writes records as RFC 4180 CSV with CRLF line ends (each record, the last included, ends with CRLF). */
export function writeCsv(records: ReadonlyArray<ReadonlyArray<string | null | undefined>>, options: { delimiter?: CsvDelimiter; bom?: boolean } = {}): string {
  const body = records.map((r) => formatCsvRecord(r, options.delimiter ?? ',') + '\r\n').join('')
  return (options.bom ? '\ufeff' : '') + body
}
